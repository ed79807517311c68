import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { loadRuleSetFile, parseRuleSetText, defaultRuleSet, type RuleSet } from '../screening/rules.js';
import type { Screener } from '../screening/screen.js';
import { loadWatchlistFile, screenerFor } from '../screening/load.js';
import {
  decodeWatchlist,
  MAX_WATCHLIST_BYTES,
  parseCslCsv,
  WatchlistFormatError,
  type WatchlistEntry,
} from '../screening/watchlist.js';
import { s3Client } from './clients.js';

/**
 * Where the screening data comes from in a deployed (or local) stack. Each variable is either
 * an `s3://bucket/key` URI or a local file path; absent means the bundled default rule set and
 * no denied-party list.
 *   SCREENING_RULES      rule set JSON (per environment: point each stage at its own object)
 *   SCREENING_WATCHLIST  denied-party list in the CSL CSV layout
 */
export const RULES_ENV = 'SCREENING_RULES';
export const WATCHLIST_ENV = 'SCREENING_WATCHLIST';
/** Seconds between checks for a new rule set or list in a running function (default 60). */
export const REFRESH_ENV = 'SCREENING_REFRESH_SECONDS';
export const DEFAULT_REFRESH_SECONDS = 60;

export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** Reads an S3 object as UTF-8 text, refusing objects larger than maxBytes. */
export async function readS3Text(
  s3: S3Client,
  bucket: string,
  key: string,
  maxBytes: number,
): Promise<string> {
  return (await readS3Bytes(s3, bucket, key, maxBytes)).toString('utf8');
}

/** Reads an S3 object, refusing objects larger than maxBytes. */
export async function readS3Bytes(
  s3: S3Client,
  bucket: string,
  key: string,
  maxBytes: number,
): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (out.ContentLength !== undefined && out.ContentLength > maxBytes)
    throw new Error(`s3://${bucket}/${key} is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of (out.Body ?? []) as Readable) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > maxBytes) throw new Error(`s3://${bucket}/${key} is larger than ${maxBytes} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export async function loadRuleSet(
  location: string | undefined,
  s3: () => S3Client = s3Client,
): Promise<RuleSet> {
  if (!location) return defaultRuleSet();
  const where = parseS3Uri(location);
  if (!where) return loadRuleSetFile(location);
  return parseRuleSetText(await readS3Text(s3(), where.bucket, where.key, 8 * 1024 * 1024), location);
}

export async function loadWatchlist(
  location: string,
  s3: () => S3Client = s3Client,
): Promise<WatchlistEntry[]> {
  const where = parseS3Uri(location);
  if (!where) return loadWatchlistFile(location);
  const bytes = await readS3Bytes(s3(), where.bucket, where.key, MAX_WATCHLIST_BYTES).catch(
    (error: unknown) => {
      throw new WatchlistFormatError(
        `cannot read watchlist ${location}: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  return parseCslCsv(decodeWatchlist(bytes), location);
}

/**
 * The screener a function builds once per container (module scope, top-level await):
 * `const screener = await loadScreenerFromEnv();`
 */
export async function loadScreenerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  s3: () => S3Client = s3Client,
): Promise<Screener> {
  return (await screeningFrom(env, s3)).screener;
}

/** One version of a screening object: its ETag in S3, its size and modification time as a file. */
async function versionAt(location: string, s3: () => S3Client): Promise<string> {
  const where = parseS3Uri(location);
  if (!where) {
    const info = await stat(location);
    return `${info.size}:${info.mtimeMs}`;
  }
  const head = await s3().send(new HeadObjectCommand({ Bucket: where.bucket, Key: where.key }));
  return head.ETag ?? `${head.ContentLength}:${head.LastModified?.toISOString()}`;
}

export interface ScreeningSourceOptions {
  env?: NodeJS.ProcessEnv;
  s3?: () => S3Client;
  /** Seconds between checks for new versions (default: SCREENING_REFRESH_SECONDS, else 60). */
  refreshSeconds?: number;
  now?: () => number;
  /** A new version was loaded and is in use from now on. */
  onReload?: (screener: Screener) => void;
  /** A new version could not be read or checked: the screener in use is kept. */
  onError?: (error: unknown) => void;
}

/**
 * The screener of a long-running function, kept current: at most once every `refreshSeconds` it
 * compares the rule set's and the list's versions (S3 ETags) with those it loaded, and reloads
 * when one changed. Without this a warm container would screen with the list it started with
 * until it is recycled, and a party listed since would pass. A new version that cannot be read,
 * or a list emptied of every name, is refused (onError) and the screener in use is kept: one bad
 * upload of the list must not stop intake nor drop denied-party screening.
 */
export class ScreeningSource {
  private checkedAt: number;
  private pending: Promise<Screener> | undefined;

  private constructor(
    private screener: Screener,
    /** Entries of the list in use (an update to an empty list is refused). */
    private listed: number,
    private versions: string[],
    private readonly options: ScreeningSourceOptions,
    private readonly env: NodeJS.ProcessEnv,
    /** One client for the container's life: a check a minute reuses its connection. */
    private readonly s3: () => S3Client,
    private readonly refreshMs: number,
    private readonly now: () => number,
  ) {
    this.checkedAt = now();
  }

  /** Loads the screener (failing as loadScreenerFromEnv does: a cold start with bad data fails). */
  static async load(options: ScreeningSourceOptions = {}): Promise<ScreeningSource> {
    const env = options.env ?? process.env;
    const seconds = options.refreshSeconds ?? Number(env[REFRESH_ENV] || DEFAULT_REFRESH_SECONDS);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new Error(`${REFRESH_ENV} must be a number of seconds, not "${env[REFRESH_ENV]}"`);
    const client = (options.s3 ?? s3Client)();
    const s3 = () => client;
    const versions = await versionsOf(env, s3);
    const { screener, listed } = await screeningFrom(env, s3);
    // A list that names nobody screens no party: said (and alarmed) at every cold start, as a
    // warm function refuses the same update, rather than screening silently without names.
    if (env[WATCHLIST_ENV] && listed === 0)
      options.onError?.(
        new WatchlistFormatError(
          `the watchlist ${env[WATCHLIST_ENV]} lists no names: no party is screened until a list with names is uploaded`,
        ),
      );
    return new ScreeningSource(
      screener,
      listed,
      versions,
      options,
      env,
      s3,
      seconds * 1000,
      options.now ?? Date.now,
    );
  }

  /** The screener to use now: the one in use, or a new one when its data changed. */
  async current(): Promise<Screener> {
    if (this.pending) return this.pending;
    if (this.now() - this.checkedAt < this.refreshMs) return this.screener;
    this.pending = this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async refresh(): Promise<Screener> {
    this.checkedAt = this.now();
    const { env, s3 } = this;
    try {
      const versions = await versionsOf(env, s3);
      if (versions.every((v, i) => v === this.versions[i])) return this.screener;
      const next = await screeningFrom(env, s3);
      if (this.listed > 0 && next.listed === 0)
        throw new WatchlistFormatError(
          `the new watchlist ${env[WATCHLIST_ENV]} lists no names: refused, screening goes on with the list in use`,
        );
      ({ screener: this.screener, listed: this.listed } = next);
      this.versions = versions;
      this.options.onReload?.(next.screener);
    } catch (error) {
      this.options.onError?.(error);
    }
    return this.screener;
  }
}

/** The screener the environment names, and how many entries its list has (0: none, or empty). */
export async function screeningFrom(
  env: NodeJS.ProcessEnv,
  s3: () => S3Client,
): Promise<{ screener: Screener; listed: number }> {
  const rules = await loadRuleSet(env[RULES_ENV] || undefined, s3);
  const location = env[WATCHLIST_ENV];
  const watchlist = location ? await loadWatchlist(location, s3) : undefined;
  return { screener: await screenerFor(rules, watchlist), listed: watchlist?.length ?? 0 };
}

async function versionsOf(env: NodeJS.ProcessEnv, s3: () => S3Client): Promise<string[]> {
  const locations = [env[RULES_ENV], env[WATCHLIST_ENV]];
  return Promise.all(locations.map((l) => (l ? versionAt(l, s3) : Promise.resolve(''))));
}
