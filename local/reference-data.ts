import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalClients } from './clients.js';
import type { LocalModel } from './template-model.js';

/** The sample denied-party list that stands in locally for the one ops upload in the cloud. */
export const SAMPLE_WATCHLIST = resolve('config/watchlists/sample-csl.csv');

/**
 * In the cloud, ops upload the denied-party list to the reference-data bucket (README "Deploy");
 * locally the sample list is put wherever a function's SCREENING_WATCHLIST points, so the demo
 * screens parties against it through the same S3 path as in the cloud.
 */
export async function seedWatchlist(
  model: LocalModel,
  clients: LocalClients,
  file = SAMPLE_WATCHLIST,
): Promise<string[]> {
  const targets = new Set<string>();
  for (const fn of model.functions) {
    const uri = fn.environment.SCREENING_WATCHLIST;
    if (uri?.startsWith('s3://')) targets.add(uri);
  }
  if (targets.size === 0) return [];
  const body = await readFile(file);
  for (const uri of targets) {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
    if (bucket && key) await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
  return [...targets];
}
