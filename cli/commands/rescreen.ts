import type { Command } from 'commander';
import { documentClient, sqsClient } from '../../shared/aws/clients.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { DynamoRescreenSource } from '../../shared/aws/rescreen-store.js';
import { SqsReviewQueue } from '../../shared/aws/sqs-queue.js';
import { loadScreener } from '../../shared/screening/load.js';
import { rescreenStored } from '../../shared/screening/rescreen.js';
import { useLocalStack } from '../stack.js';

/**
 * `intake rescreen --watchlist <csl.csv>`: after a watchlist (or rule-set) update, re-screens
 * every consignment stored in the local stack, writes the changed flags and scores, and queues
 * the consignments that now need review.
 */
export function registerRescreen(program: Command): void {
  program
    .command('rescreen')
    .description('re-screen the consignments stored in the local stack after a watchlist or rule-set update')
    .option('--watchlist <csl.csv>', 'denied-party list in the Consolidated Screening List CSV layout')
    .option('--rules <file>', 'rule set JSON (default: the bundled config/rules/default.json)')
    .option('--json', 'print the summary as one JSON line')
    .action(async (opts: { watchlist?: string; rules?: string; json?: boolean }) => {
      const screener = await loadScreener({
        ...(opts.rules ? { rulesFile: opts.rules } : {}),
        ...(opts.watchlist ? { watchlistFile: opts.watchlist } : {}),
      });
      const info = await useLocalStack();
      const db = documentClient();
      const summary = await rescreenStored({
        source: new DynamoRescreenSource(db, info.tableName),
        screener,
        store: new DynamoIntakeStore(db, info.tableName),
        queue: new SqsReviewQueue(sqsClient(), info.reviewQueueUrl),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `re-screened ${summary.scanned} consignments with ${summary.ruleSetVersion}${summary.watchlistVersion ? ` and ${summary.watchlistVersion}` : ''}: ` +
            `${summary.changed} changed, ${summary.newlyFlagged} newly flagged, ${summary.queued} queued for review, ${summary.cleared} no longer above the threshold\n`,
        );
    });
}
