import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { documentClient, s3Client } from '../../shared/aws/clients.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { INCOMING_PREFIX, parseObjectKey } from '../../shared/intake/object-key.js';
import type { DocumentRecord } from '../../shared/store/types.js';
import { formatIssue, issueJson } from '../output.js';
import { useLocalStack } from '../stack.js';

const FINAL = new Set(['accepted', 'partial', 'rejected']);

/** Polls the document status until it is final or the time is up; returns what it last saw. */
export async function waitForDocument(
  tableName: string,
  documentId: string,
  seconds: number,
): Promise<DocumentRecord | undefined> {
  const store = new DynamoIntakeStore(documentClient(), tableName);
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const doc = await store.getDocument(documentId);
    if ((doc && FINAL.has(doc.status)) || Date.now() >= deadline) return doc;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Exit code of a `--wait` that ran out before the document was processed (0 ok, 1 not allowed, 2 cannot run). */
export const EXIT_STILL_PROCESSING = 3;

/**
 * Whether an upload with this document id sits in the raw bucket (incoming/<carrier>/<id>/…):
 * a document the ingest function has not read yet has no status item, only its upload.
 */
export async function uploadExists(bucket: string, documentId: string): Promise<boolean> {
  let token: string | undefined;
  do {
    const page = await s3Client().send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: INCOMING_PREFIX, ContinuationToken: token }),
    );
    if (page.Contents?.some((o) => o.Key && parseObjectKey(o.Key)?.documentId === documentId)) return true;
    token = page.NextContinuationToken;
  } while (token);
  return false;
}

/**
 * Prints the status; when `waited` is a number of seconds and the document is still in flight,
 * says so on stderr and sets exit code 3, so `intake upload --wait && …` stops there.
 */
export function reportStatus(
  documentId: string,
  doc: DocumentRecord | undefined,
  json: boolean,
  waited?: number,
): void {
  printStatus(documentId, doc, json);
  if (waited === undefined || (doc && FINAL.has(doc.status))) return;
  process.stderr.write(
    `intake: document ${documentId} is still ${doc?.status ?? 'RECEIVED'} after ${waited} s` +
      ' (queued or being read; a document that fails five times ends in the intake DLQ: see the `npm start` output)\n',
  );
  process.exitCode = EXIT_STILL_PROCESSING;
}

/** `--wait [seconds]` as given: undefined without it, 60 when given bare. */
export function waitSeconds(wait: string | boolean | undefined): number | undefined {
  if (wait === undefined || wait === false) return undefined;
  if (wait === true) return 60;
  const seconds = Number(wait);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`--wait takes a number of seconds, not "${wait}"`);
  return seconds;
}

export function printStatus(documentId: string, doc: DocumentRecord | undefined, json: boolean): void {
  // Not yet seen by the ingest function: the upload is stored and queued.
  const status = doc?.status ?? 'RECEIVED';
  const counts = doc?.counts ?? { received: 0, accepted: 0, rejected: 0, duplicate: 0 };
  const errors = doc?.errors ?? [];
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        documentId,
        status,
        counts,
        errors: errors.map(issueJson),
        ...(doc
          ? {
              format: doc.format,
              carrierId: doc.carrierId,
              fileName: doc.fileName,
              warnings: doc.warnings.map(issueJson),
              processedAt: doc.processedAt,
            }
          : {}),
      })}\n`,
    );
    return;
  }
  process.stdout.write(
    `document ${documentId}: ${status}${doc ? ` (${doc.format}, ${doc.fileName})` : ''}\n`,
  );
  process.stdout.write(
    `  received ${counts.received}, accepted ${counts.accepted}, rejected ${counts.rejected}, duplicate ${counts.duplicate}\n`,
  );
  for (const e of errors) process.stdout.write(`  ${formatIssue(e)}\n`);
  if (doc?.errorsOmitted)
    process.stdout.write(`  … and ${doc.errorsOmitted} more errors (see the acknowledgement)\n`);
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('print the processing status of an uploaded document (local stack)')
    .argument('<documentId>', 'the id printed by `intake upload`')
    .option('--json', 'print { documentId, status, counts, errors } as JSON')
    .option('--wait [seconds]', 'wait until the document is processed (default 60 s)')
    .action(async (documentId: string, opts: { json?: boolean; wait?: string | boolean }) => {
      const seconds = waitSeconds(opts.wait);
      const stack = await useLocalStack();
      let doc = await waitForDocument(stack.tableName, documentId, 0);
      // No status item: either uploaded and not read yet (RECEIVED), or never uploaded here.
      if (!doc && !(await uploadExists(stack.rawBucket, documentId)))
        throw new Error(
          `no document ${documentId} on the local stack: neither uploaded to ${stack.rawBucket} nor processed`,
        );
      if (seconds !== undefined) doc = await waitForDocument(stack.tableName, documentId, seconds);
      reportStatus(documentId, doc, Boolean(opts.json), seconds);
    });
}
