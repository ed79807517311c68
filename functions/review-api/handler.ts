import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { documentClient, s3Client, sqsClient } from '../../shared/aws/clients.js';
import { DynamoReviewStore } from '../../shared/aws/dynamo-review-store.js';
import { onEmulator, requiredEnv, reviewEventSink } from '../../shared/aws/function-env.js';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { S3BlobStore } from '../../shared/aws/s3-blob.js';
import { PresignedDocumentLinks } from '../../shared/aws/s3-document-links.js';
import type { EventPublisher } from '../../shared/review/ports.js';
import { ReviewService } from '../../shared/review/service.js';
import { SignedLocalLinks } from '../../shared/review/signed-links.js';
import type { InstructionEvent } from '../../shared/review/types.js';
import { createReviewApi, type ApiEvent, type ApiResult, type ReviewApiDeps } from './router.js';

/**
 * The review HTTP API: one function behind API Gateway HTTP API (payload v2, JWT authorizer)
 * serving every /review/* route and GET /documents/{id}/raw. The same module runs locally,
 * where the local server builds the same events (see local/review-api-server.ts).
 *
 * Environment: TABLE_NAME (required); EVENT_BUS_NAME (decision events; without it, or on the
 * emulators without AWS_ENDPOINT_URL_EVENTBRIDGE, events are stored in the table);
 * LEASE_SECONDS (default 900); DOCUMENT_LINKS = presigned | local (default: local on the
 * emulators); DOCUMENT_LINK_SECRET (local link signing key; random per process otherwise).
 */

const logger = new Logger({ serviceName: 'review-api' });
const metrics = new Metrics({ namespace: 'ManifestIntake', serviceName: 'review-api' });
const tracer = new Tracer({ serviceName: 'review-api' });

/** Logs every decision event and counts it, whatever the sink. */
class LoggedPublisher implements EventPublisher {
  constructor(private readonly inner: EventPublisher) {}
  async publish(event: InstructionEvent): Promise<void> {
    await this.inner.publish(event);
    logger.info('decision event published', { event });
    metrics.addMetric('InstructionEvents', MetricUnit.Count, 1);
  }
}

/** Builds the API from the environment (once per container); tests may pin the clock or the event sink. */
export function depsFromEnv(overrides: { now?: () => Date; events?: EventPublisher } = {}): ReviewApiDeps {
  const db = tracer.captureAWSv3Client(documentClient());
  const store = new DynamoReviewStore(db, requiredEnv('TABLE_NAME'));
  const events = new LoggedPublisher(
    overrides.events ?? reviewEventSink(db, requiredEnv('TABLE_NAME'), (c) => tracer.captureAWSv3Client(c)),
  );
  const linkMode = process.env.DOCUMENT_LINKS ?? (onEmulator() ? 'local' : 'presigned');
  const s3 = tracer.captureAWSv3Client(s3Client());
  const localLinks =
    linkMode === 'local' ? new SignedLocalLinks(process.env.DOCUMENT_LINK_SECRET, overrides.now) : undefined;
  const leaseSeconds = Number(process.env.LEASE_SECONDS ?? 900);
  if (!Number.isFinite(leaseSeconds) || leaseSeconds < 1)
    throw new Error('LEASE_SECONDS must be a positive number');
  const blobs = new S3BlobStore(s3);
  return {
    service: new ReviewService({
      store,
      reads: store,
      events,
      links: localLinks ?? new PresignedDocumentLinks(s3),
      leaseMs: leaseSeconds * 1000,
      ...(overrides.now ? { now: overrides.now } : {}),
      // The SQS review queue distributes work when the function is told where it is.
      ...(process.env.REVIEW_QUEUE_URL
        ? { queue: new SqsWorkQueue(tracer.captureAWSv3Client(sqsClient()), process.env.REVIEW_QUEUE_URL) }
        : {}),
      onFlushError: (error, item) => {
        logger.error('audit/event flush failed; left in the outbox', {
          error: error as Error,
          itemId: item.id,
          version: item.version,
        });
        metrics.addMetric('OutboxFlushFailures', MetricUnit.Count, 1);
      },
    }),
    ...(localLinks
      ? { local: { links: localLinks, readDocument: (doc) => blobs.read(doc.bucket, doc.key) } }
      : {}),
  };
}

/** Wraps an API in the house middleware: Lambda context in logs, metrics flushed, traced. */
export function createHandler(deps: ReviewApiDeps | (() => ReviewApiDeps)) {
  let api: ((event: ApiEvent) => Promise<ApiResult>) | undefined;
  const build = () => {
    const d = typeof deps === 'function' ? deps() : deps;
    return createReviewApi({
      ...d,
      onRequest: (info) => {
        logger.info('request', info);
        metrics.addMetric('ApiRequests', MetricUnit.Count, 1);
        if (info.status >= 500) metrics.addMetric('ApiServerErrors', MetricUnit.Count, 1);
        if (info.status < 400 && /\/(decide|claim|claim-next)$/.test(info.path))
          metrics.addMetric(
            info.path.endsWith('decide') ? 'ReviewDecisions' : 'ReviewClaims',
            MetricUnit.Count,
            1,
          );
      },
      onError: (error) => logger.error('unhandled error', error as Error),
    });
  };
  return middy((event: ApiEvent, _context: Context) => (api ??= build())(event))
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

// Built on first use, so importing the module (tests, the local server) needs no environment.
export const handler = createHandler(() => depsFromEnv());
