import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { documentClient, s3Client, sqsClient } from '../../shared/aws/clients.js';
import { DynamoReviewStore } from '../../shared/aws/dynamo-review-store.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { requiredEnv, reviewEventSink } from '../../shared/aws/function-env.js';
import { DynamoRescreenSource } from '../../shared/aws/rescreen-store.js';
import { s3RecordsOf } from '../../shared/aws/s3-event.js';
import { parseS3Uri, screeningFrom } from '../../shared/aws/screening-config.js';
import { decodeEventKey } from '../../shared/intake/object-key.js';
import { PresignedDocumentLinks } from '../../shared/aws/s3-document-links.js';
import { SqsReviewQueue } from '../../shared/aws/sqs-queue.js';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { ReviewService } from '../../shared/review/service.js';
import { rescreenStored, type RescreenSummary } from '../../shared/screening/rescreen.js';

/**
 * Re-screens every stored consignment when ops upload a new denied-party list: the list's S3
 * notification reaches the re-screen queue, this function re-screens (shared/screening/rescreen.ts,
 * as `intake rescreen` does locally) and, before its timeout, stops between pages and sends
 * itself a continuation message to go on after the last consignment done. A continuation for a
 * list that has been replaced since is dropped: the newer list's own run covers every consignment.
 *
 * Environment: TABLE_NAME, REVIEW_QUEUE_URL, RESCREEN_QUEUE_URL, SCREENING_RULES,
 * SCREENING_WATCHLIST (required), EVENT_BUS_NAME (events left in review items' outboxes),
 * RESCREEN_STOP_MARGIN_SECONDS (default 60).
 */

const logger = new Logger({ serviceName: 'rescreen' });
const metrics = new Metrics({ namespace: 'ManifestIntake', serviceName: 'rescreen' });
const tracer = new Tracer({ serviceName: 'rescreen' });

const COUNTS = ['scanned', 'changed', 'newlyFlagged', 'queued', 'cleared', 'updated', 'reopened'] as const;
type Totals = Record<(typeof COUNTS)[number], number>;

/** What a run that stopped before its timeout sends itself, to go on where it stopped. */
export const Continuation = z.object({
  resumeAfter: z.string().min(1),
  ruleSetVersion: z.string(),
  watchlistVersion: z.string(),
  startedAt: z.string(),
  totals: z.object(Object.fromEntries(COUNTS.map((k) => [k, z.number().int().nonnegative()]))),
});
export type Continuation = z.infer<typeof Continuation>;

/** A queue message: a list upload (start from the first consignment), a continuation, or neither. */
export function readMessage(
  body: string,
):
  | { kind: 'start'; bucket: string; key: string; eTag?: string }
  | { kind: 'resume'; continuation: Continuation }
  | { kind: 'skip'; why: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'skip', why: 'not JSON' };
  }
  const resume = Continuation.safeParse(json);
  if (resume.success) return { kind: 'resume', continuation: resume.data };
  try {
    const [upload] = s3RecordsOf(body);
    return upload
      ? {
          kind: 'start',
          bucket: upload.s3.bucket.name,
          key: decodeEventKey(upload.s3.object.key),
          ...(upload.s3.object.eTag ? { eTag: upload.s3.object.eTag } : {}),
        }
      : { kind: 'skip', why: 'no new object in it (an S3 test event)' };
  } catch {
    return { kind: 'skip', why: 'neither an S3 notification nor a continuation' };
  }
}

// Clients and stores are built once per container, not per message.
const table = requiredEnv('TABLE_NAME');
const db = tracer.captureAWSv3Client(documentClient());
const sqs = tracer.captureAWSv3Client(sqsClient());
const s3 = tracer.captureAWSv3Client(s3Client());
const reviewStore = new DynamoReviewStore(db, table);
const deps = {
  source: new DynamoRescreenSource(db, table),
  store: new DynamoIntakeStore(db, table),
  queue: new SqsReviewQueue(sqs, requiredEnv('REVIEW_QUEUE_URL')),
  reviews: new ReviewService({
    store: reviewStore,
    reads: reviewStore,
    // Re-screening publishes nothing itself; an outbox another writer left is completed.
    events: reviewEventSink(db, table, (c) => tracer.captureAWSv3Client(c)),
    links: new PresignedDocumentLinks(s3),
    queue: new SqsWorkQueue(sqs, requiredEnv('REVIEW_QUEUE_URL')),
  }),
};

const marginSeconds = Number(process.env.RESCREEN_STOP_MARGIN_SECONDS ?? 60);
if (!Number.isFinite(marginSeconds) || marginSeconds < 0)
  throw new Error(
    `RESCREEN_STOP_MARGIN_SECONDS must be a number of seconds, not "${process.env.RESCREEN_STOP_MARGIN_SECONDS}"`,
  );
const marginMs = 1000 * marginSeconds;

/**
 * Why a list upload starts no run, or undefined when it does: only the configured list object
 * (the notification filter is a prefix), and only its latest version (a newer upload's own
 * notification starts the run for it: two uploads close together make one run, not two).
 */
async function notTheLatestList(message: { bucket: string; key: string; eTag?: string }) {
  const list = parseS3Uri(requiredEnv('SCREENING_WATCHLIST'));
  if (!list || list.bucket !== message.bucket || list.key !== message.key)
    return `not the denied-party list (${message.bucket}/${message.key})`;
  if (!message.eTag) return undefined;
  const head = await s3.send(new HeadObjectCommand({ Bucket: list.bucket, Key: list.key }));
  const current = head.ETag?.replace(/"/g, '');
  return current && current !== message.eTag.replace(/"/g, '')
    ? 'a newer version of the list was uploaded since: its own notification starts the run'
    : undefined;
}

let invocation: Context | undefined;

async function recordHandler(record: SQSRecord): Promise<void> {
  const message = readMessage(record.body);
  if (message.kind === 'skip') {
    logger.warn('message skipped', { why: message.why, messageId: record.messageId });
    return;
  }
  if (message.kind === 'start') {
    const why = await notTheLatestList(message);
    if (why) {
      logger.info('list upload skipped', { why, key: message.key });
      return;
    }
  }
  // Loaded for every run: the list has just changed.
  const { screener, listed } = await screeningFrom(process.env, () => s3);
  if (listed === 0) {
    // Screening without names would remove every stored denied-party flag: nothing to retry.
    logger.error('re-screen refused: the denied-party list names nobody', {
      watchlist: process.env.SCREENING_WATCHLIST,
    });
    metrics.addMetric('RescreenRefused', MetricUnit.Count, 1);
    return;
  }
  const previous = message.kind === 'resume' ? message.continuation : undefined;
  // A new list starts a run of its own over every consignment; a new rule set (deployed with
  // the stack, no trigger) does not, so the run goes on with it.
  if (previous && previous.watchlistVersion !== screener.watchlistVersion) {
    logger.info(
      'continuation dropped: a newer list was uploaded since, and its own run covers every consignment',
      {
        continuation: previous,
        ruleSetVersion: screener.ruleSetVersion,
        watchlistVersion: screener.watchlistVersion,
      },
    );
    return;
  }
  const context = invocation;
  const summary = await rescreenStored({
    ...deps,
    screener,
    ...(previous ? { after: previous.resumeAfter } : {}),
    stopWhen: () => (context ? context.getRemainingTimeInMillis() < marginMs : false),
  });
  const totals = sum(previous?.totals as Totals | undefined, summary);
  const startedAt = previous?.startedAt ?? new Date().toISOString();
  for (const k of COUNTS)
    metrics.addMetric(`Rescreen${k[0]!.toUpperCase()}${k.slice(1)}`, MetricUnit.Count, summary[k]);
  if (summary.resumeAfter) {
    const next: Continuation = {
      resumeAfter: summary.resumeAfter,
      ruleSetVersion: screener.ruleSetVersion,
      watchlistVersion: screener.watchlistVersion!,
      startedAt,
      totals,
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: requiredEnv('RESCREEN_QUEUE_URL'),
        MessageBody: JSON.stringify(next),
        // The queue delays list uploads (startDelaySeconds); a continuation goes on at once.
        DelaySeconds: 0,
      }),
    );
    logger.info('re-screen goes on in a new invocation', { ...next });
    return;
  }
  logger.info('re-screen finished', {
    startedAt,
    ruleSetVersion: screener.ruleSetVersion,
    watchlistVersion: screener.watchlistVersion,
    ...totals,
  });
}

function sum(before: Totals | undefined, run: RescreenSummary): Totals {
  return Object.fromEntries(COUNTS.map((k) => [k, (before?.[k] ?? 0) + run[k]])) as Totals;
}

const processor = new BatchProcessor(EventType.SQS);

export const handler = middy((event: SQSEvent, context: Context) => {
  invocation = context;
  return processPartialResponse(event, recordHandler, processor, { context });
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
