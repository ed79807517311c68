import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient, s3Client, sqsClient } from '../../shared/aws/clients.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { requiredEnv } from '../../shared/aws/function-env.js';
import { S3BlobStore } from '../../shared/aws/s3-blob.js';
import { SqsReviewQueue } from '../../shared/aws/sqs-queue.js';
import { ingestDocument } from '../../shared/intake/ingest.js';
import { decodeEventKey, parseObjectKey } from '../../shared/intake/object-key.js';
import { ScreeningSource } from '../../shared/aws/screening-config.js';
import { DynamoAggregateStore } from '../../shared/aws/aggregate-store.js';
import { configuredProfiles } from '../../shared/formats/parcel-csv/profiles.js';
import { s3RecordsOf } from '../../shared/aws/s3-event.js';

const logger = new Logger();
const metrics = new Metrics({ namespace: 'ManifestIntake' });
const tracer = new Tracer();

// Clients and the screener are built once per container, not per message.
const deps = {
  store: new DynamoIntakeStore(documentClient(), requiredEnv('TABLE_NAME')),
  queue: new SqsReviewQueue(sqsClient(), requiredEnv('REVIEW_QUEUE_URL')),
  blobs: new S3BlobStore(tracer.captureAWSv3Client(s3Client())),
  aggregates: new DynamoAggregateStore(documentClient(), requiredEnv('TABLE_NAME')),
  profiles: await configuredProfiles(),
};

/**
 * How long a worker holds a document: the function's timeout and a minute (set by the stack), so
 * that a worker stopped by its timeout leaves the document to the next delivery of its message.
 */
const leaseSeconds = Number(process.env.DOCUMENT_LEASE_SECONDS ?? 15 * 60);
if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0)
  throw new Error(
    `DOCUMENT_LEASE_SECONDS must be a positive number of seconds, not "${process.env.DOCUMENT_LEASE_SECONDS}"`,
  );

// Rule set and denied-party list from SCREENING_RULES / SCREENING_WATCHLIST (S3 in the cloud),
// checked for a new version at most every SCREENING_REFRESH_SECONDS (60) while the container lives.
const screening = await ScreeningSource.load({
  onReload: (s) =>
    logger.info('screening data updated: new documents are screened with it', {
      ruleSetVersion: s.ruleSetVersion,
      watchlistVersion: s.watchlistVersion,
    }),
  onError: (error) => {
    logger.error('screening data update not loaded: screening goes on with the version in use', {
      error: error instanceof Error ? error.message : String(error),
    });
    metrics.addMetric('ScreeningUpdateFailures', MetricUnit.Count, 1);
  },
});

class DocumentBusyError extends Error {}

async function recordHandler(record: SQSRecord): Promise<void> {
  for (const s3 of s3RecordsOf(record.body)) {
    const key = decodeEventKey(s3.s3.object.key);
    const parsed = parseObjectKey(key);
    if (!parsed) {
      // Not an upload path: nothing to retry, say so and move on.
      logger.warn('ignoring object outside incoming/{carrier}/{document}/', { key });
      continue;
    }
    const result = await ingestDocument(
      {
        ...parsed,
        bucket: s3.s3.bucket.name,
        key,
        etag: s3.s3.object.eTag ?? s3.s3.object.sequencer ?? 'unknown',
      },
      { ...deps, screener: await screening.current(), leaseMs: leaseSeconds * 1000 },
    );
    if (result.outcome === 'in-progress')
      throw new DocumentBusyError(`document ${parsed.documentId} is being processed by another worker`);
    if (result.outcome === 'already-processed') {
      logger.info('duplicate delivery ignored', { documentId: parsed.documentId });
      metrics.addMetric('DuplicateDeliveries', MetricUnit.Count, 1);
      continue;
    }
    const { summary } = result;
    logger.info('document processed', {
      documentId: parsed.documentId,
      carrierId: parsed.carrierId,
      format: summary.format,
      status: summary.status,
      counts: summary.counts,
      flagged: summary.flagged,
    });
    metrics.addMetric('DocumentsProcessed', MetricUnit.Count, 1);
    metrics.addMetric('ConsignmentsAccepted', MetricUnit.Count, summary.counts.accepted);
    metrics.addMetric('ConsignmentsRejected', MetricUnit.Count, summary.counts.rejected);
    metrics.addMetric('ConsignmentsFlagged', MetricUnit.Count, summary.flagged);
  }
}

const processor = new BatchProcessor(EventType.SQS);

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
