import type { Command } from 'commander';
import { documentClient, sqsClient } from '../../shared/aws/clients.js';
import { DynamoEventStore, DynamoReviewStore } from '../../shared/aws/dynamo-review-store.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { DynamoRescreenSource } from '../../shared/aws/rescreen-store.js';
import { SqsReviewQueue } from '../../shared/aws/sqs-queue.js';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { ReviewService } from '../../shared/review/service.js';
import { SignedLocalLinks } from '../../shared/review/signed-links.js';
import { loadWatchlistFile, screenerFor } from '../../shared/screening/load.js';
import { rescreenStored } from '../../shared/screening/rescreen.js';
import { defaultRuleSet, loadRuleSetFile } from '../../shared/screening/rules.js';
import { fail } from '../output.js';
import { useLocalStack } from '../stack.js';

/**
 * `intake rescreen --watchlist <csl.csv>`: after a watchlist (or rule-set) update, re-screens
 * every consignment stored in the local stack, writes the changed flags and scores, brings the
 * review items along (open ones updated, decided ones with new flags reopened) and queues the
 * consignments that now need review. The list is required: screening without it would remove
 * every stored denied-party flag.
 */
export function registerRescreen(program: Command): void {
  program
    .command('rescreen')
    .description('re-screen the consignments stored in the local stack after a watchlist or rule-set update')
    .option(
      '--watchlist <csl.csv>',
      'denied-party list in the Consolidated Screening List CSV layout (required)',
    )
    .option('--rules <file>', 'rule set JSON (default: the bundled config/rules/default.json)')
    .option('--json', 'print the summary as one JSON line')
    .action(async (opts: { watchlist?: string; rules?: string; json?: boolean }) => {
      // Checked here, not with requiredOption: commander would exit 1, and 1 means "not allowed".
      if (!opts.watchlist)
        fail(
          'rescreen needs --watchlist <csl.csv>: the denied-party list to screen with (without it every stored denied-party flag would be removed)',
        );
      const watchlist = await loadWatchlistFile(opts.watchlist);
      if (watchlist.length === 0)
        fail(
          `watchlist ${opts.watchlist} lists no names: refusing to re-screen with an empty denied-party list (it would remove every stored denied-party flag)`,
        );
      const rules = opts.rules ? await loadRuleSetFile(opts.rules) : defaultRuleSet();
      const screener = await screenerFor(rules, watchlist);
      const info = await useLocalStack();
      const db = documentClient();
      const sqs = sqsClient();
      const reviewStore = new DynamoReviewStore(db, info.tableName);
      const summary = await rescreenStored({
        source: new DynamoRescreenSource(db, info.tableName),
        screener,
        store: new DynamoIntakeStore(db, info.tableName),
        queue: new SqsReviewQueue(sqs, info.reviewQueueUrl),
        // The local stack's review workflow: its events are stored in the table (no EventBridge).
        reviews: new ReviewService({
          store: reviewStore,
          reads: reviewStore,
          events: new DynamoEventStore(db, info.tableName),
          links: new SignedLocalLinks(undefined),
          queue: new SqsWorkQueue(sqs, info.reviewQueueUrl),
        }),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `re-screened ${summary.scanned} consignments with ${summary.ruleSetVersion}${summary.watchlistVersion ? ` and ${summary.watchlistVersion}` : ''}: ` +
            `${summary.changed} changed, ${summary.newlyFlagged} newly flagged, ${summary.queued} queued for review, ${summary.cleared} no longer above the threshold; ` +
            `review items: ${summary.updated} updated, ${summary.reopened} decided ones reopened for review (new flags)\n`,
        );
    });
}
