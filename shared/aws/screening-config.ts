import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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
  const rules = await loadRuleSet(env[RULES_ENV] || undefined, s3);
  const location = env[WATCHLIST_ENV];
  const watchlist = location ? await loadWatchlist(location, s3) : undefined;
  return screenerFor(rules, watchlist);
}
