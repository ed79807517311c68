import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoIntakeStore } from '../shared/aws/dynamo-store.js';
import { decodeEventKey, newDocumentId, objectKey, parseObjectKey } from '../shared/intake/object-key.js';
import { keys } from '../shared/store/keys.js';
import type { DocumentRecord } from '../shared/store/types.js';
import type { BatchReport } from './poller.js';
import type { LocalStack } from './stack.js';

/**
 * The intake-specific side of the local stack: uploading manifests the way a carrier does,
 * following documents to their final status and summing up what happened.
 */

export const FINAL_STATUSES = new Set(['accepted', 'partial', 'rejected']);

export interface Uploaded {
  file: string;
  fileName: string;
  documentId: string;
  carrierId: string;
  key: string;
}

function intakeOf(stack: LocalStack) {
  if (!stack.intake) throw new Error('the template has no intake path (bucket → queue → ingest function)');
  return stack.intake;
}

/** Stores a file under incoming/<carrier>/<documentId>/<fileName>, as `intake upload` does. */
export async function uploadFile(stack: LocalStack, file: string, carrierId: string): Promise<Uploaded> {
  const documentId = newDocumentId();
  const fileName = basename(file);
  const key = objectKey(carrierId, documentId, fileName);
  await stack.clients.s3.send(
    new PutObjectCommand({ Bucket: intakeOf(stack).rawBucket, Key: key, Body: await readFile(file) }),
  );
  return { file, fileName, documentId, carrierId, key };
}

/** Uploads every file of a folder (samples/ holds only manifests), in name order. */
export async function uploadFolder(stack: LocalStack, dir: string, carrierId = 'DEMO'): Promise<Uploaded[]> {
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name);
  const out: Uploaded[] = [];
  for (const name of entries.sort()) out.push(await uploadFile(stack, join(dir, name), carrierId));
  return out;
}

export function documentStore(stack: LocalStack): DynamoIntakeStore {
  return new DynamoIntakeStore(stack.clients.doc, intakeOf(stack).tableName);
}

/** The documents an intake-queue batch was about (S3 event records with incoming/ keys). */
export function documentsIn(body: string): { documentId: string; carrierId: string; fileName: string }[] {
  try {
    const json = JSON.parse(body) as { Records?: { s3?: { object?: { key?: string } } }[] };
    return (json.Records ?? []).flatMap((r) => {
      const parsed = r.s3?.object?.key ? parseObjectKey(decodeEventKey(r.s3.object.key)) : undefined;
      return parsed ? [parsed] : [];
    });
  } catch {
    return [];
  }
}

export function describeDocument(doc: DocumentRecord): string {
  const c = doc.counts;
  const mark = doc.status === 'accepted' ? '✔' : doc.status === 'partial' ? '◐' : '✖';
  return `${mark} ${doc.fileName}  ${doc.documentId}  ${doc.status} (${doc.format}): ${c.received} received, ${c.accepted} accepted, ${c.rejected} rejected, ${c.duplicate} duplicate; ${doc.flagged} flagged for review`;
}

/**
 * Turns the poller's batch reports on the intake queue into one line per processed document
 * (and one per failed attempt), for `npm start`.
 */
export function documentReporter(
  stack: LocalStack,
  print: (line: string) => void,
): (report: BatchReport) => void {
  const shown = new Set<string>();
  return (report) => {
    const intake = stack.intake;
    if (!intake || report.mapping.queueArn !== intake.intakeQueue.arn) return;
    for (const record of report.records) {
      const failed = report.failedMessageIds.includes(record.messageId);
      for (const d of documentsIn(record.body)) {
        if (failed) {
          const attempt = record.attributes.ApproximateReceiveCount;
          const max = intake.intakeQueue.maxReceiveCount;
          const why = report.error?.message ?? 'reported as a batch item failure';
          print(
            `✖ ${d.fileName}  ${d.documentId}  attempt ${attempt}${max ? ` of ${max}` : ''} failed: ${why}${max && Number(attempt) >= max ? ' — next stop: the dead-letter queue' : ''}`,
          );
          continue;
        }
        void documentStore(stack)
          .getDocument(d.documentId)
          .then((doc) => {
            if (!doc || !FINAL_STATUSES.has(doc.status)) return;
            const key = `${doc.documentId}/${doc.etag}`;
            print(
              shown.has(key)
                ? `↺ ${doc.fileName}  ${doc.documentId}  delivered again: already processed, nothing changed`
                : describeDocument(doc),
            );
            shown.add(key);
          })
          .catch(() => undefined);
      }
    }
  };
}

/** Waits until every document has a final status; fails early when work ends in the intake DLQ. */
export async function waitForDocuments(
  stack: LocalStack,
  documentIds: string[],
  timeoutMs: number,
): Promise<DocumentRecord[]> {
  const store = documentStore(stack);
  const intake = intakeOf(stack);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const docs = await Promise.all(documentIds.map((id) => store.getDocument(id)));
    const open = documentIds.filter((_, i) => !FINAL_STATUSES.has(docs[i]?.status ?? ''));
    if (open.length === 0) return docs as DocumentRecord[];
    if (intake.intakeDlq) {
      const dlq = await stack.queueDepth(intake.intakeDlq.arn);
      if (dlq.visible + dlq.inFlight > 0 && (await stack.idle())) {
        throw new Error(
          `${dlq.visible + dlq.inFlight} intake message(s) ended in the dead-letter queue ${intake.intakeDlq.name}; still without a final status: ${open.join(', ')}`,
        );
      }
    }
    if (Date.now() > deadline) {
      const states = open
        .map((id) => `${id} (${docs[documentIds.indexOf(id)]?.status ?? 'not seen yet'})`)
        .join(', ');
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${states}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface DocumentLine {
  file: string;
  documentId: string;
  format: string;
  status: string;
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  consignments: number;
  flagged: number;
}

export interface IntakeSummary {
  documents: number;
  consignments: number;
  rejected: number;
  duplicates: number;
  flagged: number;
  queued: number;
  deadLettered: number;
  byStatus: Record<string, number>;
  files: DocumentLine[];
}

async function queryAll(stack: LocalStack, pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await stack.clients.doc.send(
      new QueryCommand({
        TableName: intakeOf(stack).tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Review items that exist for these consignments (what "flagged" means: review items created). */
async function countReviewItems(stack: LocalStack, consignmentIds: string[]): Promise<number> {
  let found = 0;
  const table = intakeOf(stack).tableName;
  for (let i = 0; i < consignmentIds.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [table]: { Keys: consignmentIds.slice(i, i + 100).map((id) => keys.review(id)) },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await stack.clients.doc.send(new BatchGetCommand({ RequestItems: request }));
      found += out.Responses?.[table]?.length ?? 0;
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/** Counts straight from the table and the queues, not from what the handler said. */
export async function summarize(
  stack: LocalStack,
  docs: DocumentRecord[],
  files: Map<string, string> = new Map(),
): Promise<IntakeSummary> {
  const intake = intakeOf(stack);
  const lines: DocumentLine[] = [];
  for (const doc of docs) {
    const consignments = await queryAll(stack, `DOC#${doc.documentId}`);
    const flagged = await countReviewItems(
      stack,
      consignments.filter((c) => c.review === true).map((c) => String(c.id)),
    );
    lines.push({
      file: files.get(doc.documentId) ?? doc.fileName,
      documentId: doc.documentId,
      format: doc.format,
      status: doc.status,
      ...doc.counts,
      consignments: consignments.length,
      flagged,
    });
  }
  const review = await stack.queueDepth(intake.reviewQueue.arn);
  const dlq = intake.intakeDlq
    ? await stack.queueDepth(intake.intakeDlq.arn)
    : { visible: 0, inFlight: 0, delayed: 0 };
  const sum = (f: (l: DocumentLine) => number) => lines.reduce((a, l) => a + f(l), 0);
  const byStatus: Record<string, number> = {};
  for (const l of lines) byStatus[l.status] = (byStatus[l.status] ?? 0) + 1;
  return {
    documents: lines.length,
    consignments: sum((l) => l.consignments),
    rejected: sum((l) => l.rejected),
    duplicates: sum((l) => l.duplicate),
    flagged: sum((l) => l.flagged),
    queued: review.visible + review.inFlight + review.delayed,
    deadLettered: dlq.visible + dlq.inFlight + dlq.delayed,
    byStatus,
    files: lines,
  };
}

/** A plain-text table of the summary. */
export function summaryTable(s: IntakeSummary): string {
  const head = [
    'file',
    'document',
    'format',
    'status',
    'received',
    'accepted',
    'rejected',
    'duplicate',
    'flagged',
  ];
  const rows = s.files.map((l) =>
    [
      l.file,
      l.documentId,
      l.format,
      l.status,
      l.received,
      l.accepted,
      l.rejected,
      l.duplicate,
      l.flagged,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = (i: number) => i >= 4;
  const fmt = (r: string[]) =>
    r.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [
    fmt(head),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(fmt),
    '',
    `documents     ${s.documents}  (${
      Object.entries(s.byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    })`,
    `consignments  ${s.consignments}  stored in the table`,
    `rejected      ${s.rejected}  records with errors`,
    `flagged       ${s.flagged}  review items created`,
    `queued        ${s.queued}  messages in the review queue`,
    ...(s.deadLettered > 0 ? [`dead-lettered ${s.deadLettered}  intake messages in the DLQ`] : []),
  ].join('\n');
}
