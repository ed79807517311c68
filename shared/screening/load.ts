import { readFile, stat } from 'node:fs/promises';
import { defaultRuleSet, loadRuleSetFile, type RuleSet } from './rules.js';
import { createScreener, type Screener } from './screen.js';
import { settleAfterLoad } from './settle.js';
import {
  decodeWatchlist,
  MAX_WATCHLIST_BYTES,
  parseCslCsv,
  WatchlistFormatError,
  type WatchlistEntry,
} from './watchlist.js';

/** Reads a CSL CSV watchlist file, with a size bound and a clear error when it is not one. */
export async function loadWatchlistFile(path: string): Promise<WatchlistEntry[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new WatchlistFormatError(`cannot read watchlist ${path}: no such file`);
  if (info.size > MAX_WATCHLIST_BYTES)
    throw new WatchlistFormatError(`watchlist ${path} is larger than ${MAX_WATCHLIST_BYTES} bytes`);
  return parseCslCsv(decodeWatchlist(await readFile(path)), path);
}

/**
 * A screener from local files (CLI, tests, the local stack): the rule set (default: the bundled
 * config/rules/default.json) and an optional CSL watchlist.
 */
export async function loadScreener(
  options: { rulesFile?: string; watchlistFile?: string } = {},
): Promise<Screener> {
  const rules = options.rulesFile ? await loadRuleSetFile(options.rulesFile) : defaultRuleSet();
  const watchlist = options.watchlistFile ? await loadWatchlistFile(options.watchlistFile) : undefined;
  return screenerFor(rules, watchlist);
}

/**
 * The screener for a rule set and an optional denied-party list, as every loader builds it
 * (local files here, S3 in shared/aws/screening-config.ts): after indexing a list it runs one
 * full collection before records come (see settleAfterLoad).
 */
export async function screenerFor(rules: RuleSet, watchlist?: readonly WatchlistEntry[]): Promise<Screener> {
  const screener = createScreener({ rules, ...(watchlist ? { watchlist } : {}) });
  if (watchlist) settleAfterLoad();
  return screener;
}
