import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { hash53 } from '../../shared/intake/hash.js';
import { DocumentRun } from '../../shared/intake/process.js';
import type { Consignment } from '../../shared/model/consignment.js';
import { addFlag, consigneeKey, splittingFlag } from '../../shared/screening/aggregates.js';
import { loadScreener } from '../../shared/screening/load.js';
import type { Screener } from '../../shared/screening/screen.js';
import type { ScreeningResult } from '../../shared/screening/types.js';
import { mustBeFile, outputMode, runFile } from './validate.js';

/**
 * `intake screen <file>`: validate and screen a manifest on this machine, printing the same
 * output as `intake validate` with flags and riskScore on every consignment. Splitting (many
 * parcels to one consignee) is judged over the whole file, so the file is read twice: once to
 * count parcels per consignee, once to screen and print.
 */
export function registerScreen(program: Command): void {
  program
    .command('screen')
    .description(
      'validate and screen a manifest locally (no AWS needed): flags and riskScore on every consignment',
    )
    .argument('<file>', 'manifest file: Cargo-IMP, Cargo-XML, ONE Record JSON-LD or parcel CSV')
    .option('--watchlist <csl.csv>', 'denied-party list in the Consolidated Screening List CSV layout')
    .option('--rules <file>', 'rule set JSON (default: the bundled config/rules/default.json)')
    .option('--json', 'print { format, status, consignments, errors } as JSON, with flags and riskScore')
    .option('--summary', 'print one JSON line of counts, with flagged (queued for review)')
    .action(
      async (
        file: string,
        opts: { watchlist?: string; rules?: string; json?: boolean; summary?: boolean },
      ) => {
        const mode = outputMode(opts);
        const screener = await loadScreener({
          ...(opts.rules ? { rulesFile: opts.rules } : {}),
          ...(opts.watchlist ? { watchlistFile: opts.watchlist } : {}),
        });
        await screenFile(file, screener, mode);
      },
    );
}

export async function screenFile(
  file: string,
  screener: Screener,
  mode: ReturnType<typeof outputMode>,
  out?: NodeJS.WritableStream,
): Promise<{ flagged: number }> {
  await mustBeFile(file);
  const perConsignee = await countConsignees(file, screener);
  const rule = screener.rules.misdeclaration.splitting;
  let flagged = 0;
  const enrich = (c: Consignment): Record<string, unknown> => {
    const result: ScreeningResult = screener.screen(c);
    const key = rule.kinds.includes(c.kind) ? consigneeKey(c) : undefined;
    const total = key ? (perConsignee.get(hash53(key)) ?? 0) : 0;
    if (total > rule.maxParcels) addFlag(result, splittingFlag(c, total, rule, 'in this file'), screener);
    if (result.review) flagged++;
    return {
      flags: result.flags,
      riskScore: result.riskScore,
      review: result.review,
      ruleSetVersion: result.ruleSetVersion,
    };
  };
  await runFile(file, { mode, enrich, extraSummary: () => ({ flagged }), ...(out ? { out } : {}) });
  return { flagged };
}

/** Parcels per consignee key (hashed: a million keys stay a few tens of MB). */
async function countConsignees(file: string, screener: Screener): Promise<Map<number, number>> {
  const kinds = new Set<string>(screener.rules.misdeclaration.splitting.kinds);
  const counts = new Map<number, number>();
  const run = new DocumentRun(createReadStream(file) as AsyncIterable<Buffer>, { fileName: basename(file) });
  for await (const o of run.outcomes()) {
    if (o.type !== 'accepted' || !kinds.has(o.consignment.kind)) continue;
    const key = consigneeKey(o.consignment);
    if (!key) continue;
    const h = hash53(key);
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  return counts;
}
