import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { resourcePrefix, type EnvironmentConfig } from '../config/index.js';
import { QueueWithDlq } from '../constructs/queue-with-dlq.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { rawBucketName, referenceDataBucketName, screeningKeys } from './storage-stack.js';

/** Uploads land here; the ingest function writes acknowledgements under ACK_PREFIX. */
export const INCOMING_PREFIX = 'incoming/';
export const ACK_PREFIX = 'ack/';

export interface IntakeStackProps extends StackProps {
  config: EnvironmentConfig;
  /** The data key (raw bucket, table, review queue). */
  key: kms.IKey;
  table: dynamodb.ITable;
  reviewQueue: sqs.IQueue;
  /** Review events (a re-screen completes an event another writer left in an item's outbox). */
  eventBus: events.IEventBus;
}

/**
 * S3 ObjectCreated (incoming/ only) → intake queue (DLQ) → ingest function → table + review queue.
 * A new denied-party list (reference-data bucket) → re-screen queue (DLQ) → re-screen function,
 * which re-screens every stored consignment and goes on in continuation messages to itself.
 */
export class IntakeStack extends Stack {
  readonly intakeQueue: sqs.Queue;
  readonly intakeDlq: sqs.Queue;
  readonly ingest: ServiceFunction;
  readonly rescreenQueue: sqs.Queue;
  readonly rescreenDlq: sqs.Queue;
  readonly rescreen: ServiceFunction;

  constructor(scope: Construct, id: string, props: IntakeStackProps) {
    super(scope, id, props);
    const { config, key, table, reviewQueue, eventBus } = props;

    // The intake queue has a key of its own: S3 must be allowed to use it, and that grant is
    // conditioned on the bucket; on the data key it would make key and bucket depend on each other.
    const queueKey = new kms.Key(this, 'QueueKey', {
      alias: `alias/${resourcePrefix(config)}-intake-queue`,
      description: `${config.project} ${config.envName}: intake queue`,
      enableKeyRotation: true,
      // Holds only in-flight notifications, nothing to keep once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const intake = new QueueWithDlq(this, 'Intake', {
      key: queueKey,
      // At least six times the consumer's timeout, so a retried batch never overlaps one
      // still running.
      visibilityTimeout: Duration.seconds(6 * config.ingest.timeoutSeconds),
      maxReceiveCount: config.ingest.maxReceiveCount,
    });
    this.intakeQueue = intake.queue;
    this.intakeDlq = intake.dlq;

    // The bucket belongs to the storage stack. Referring to it by its derived name keeps the
    // notification here (an unmanaged notification) without a stack cycle or an import.
    const bucket = s3.Bucket.fromBucketName(this, 'RawDocuments', rawBucketName(config));
    // Only uploads start ingestion: the acknowledgements written under ack/ must not.
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.intakeQueue), {
      prefix: INCOMING_PREFIX,
    });

    // Screening data (storage stack): this environment's rule set and the denied-party list,
    // as the loader in shared/aws/screening-config.ts reads them (s3://bucket/key).
    const referenceData = s3.Bucket.fromBucketName(this, 'ReferenceData', referenceDataBucketName(config));
    const screening = screeningKeys(config);
    const screeningEnv = {
      SCREENING_RULES: `s3://${referenceData.bucketName}/${screening.rules}`,
      SCREENING_WATCHLIST: `s3://${referenceData.bucketName}/${screening.watchlist}`,
    };
    // Exactly two objects, for the ingest and re-screen functions: no wildcard, so no other rule
    // set or list is readable.
    const screeningObjects = [
      referenceData.arnForObjects(screening.rules),
      referenceData.arnForObjects(screening.watchlist),
    ];

    this.ingest = new ServiceFunction(this, 'Ingest', {
      config,
      entry: 'functions/ingest/handler.ts',
      serviceName: 'ingest',
      settings: config.ingest,
      description: 'Reads an uploaded manifest, stores its consignments and queues flagged ones for review',
      environment: {
        TABLE_NAME: table.tableName,
        REVIEW_QUEUE_URL: reviewQueue.queueUrl,
        RAW_BUCKET: bucket.bucketName,
        REVIEW_THRESHOLD: String(config.reviewThreshold),
        ...screeningEnv,
        // A run stopped by its timeout gives the document up a minute later (the message comes
        // back after 6 × the timeout).
        DOCUMENT_LEASE_SECONDS: String(config.ingest.timeoutSeconds + 60),
      },
    });

    // Consuming the queue: receive/delete/change visibility on it, kms:Decrypt on its key.
    this.ingest.fn.addEventSource(
      new SqsEventSource(this.intakeQueue, {
        batchSize: config.ingest.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        maxConcurrency: config.ingest.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    // Least privilege, action by action.
    this.ingest.allowObjects(
      bucket,
      INCOMING_PREFIX,
      ['s3:GetObject'],
      'reads uploaded documents, and only those',
    );
    this.ingest.allowObjects(bucket, ACK_PREFIX, ['s3:PutObject'], 'writes acknowledgements, and only those');
    this.ingest.allow(['s3:GetObject'], screeningObjects);
    // Data plane only (no table administration): the document claim, consignment batches,
    // status updates, and the screening aggregates (shared/aws/aggregate-store.ts: UpdateItem,
    // then a consistent GetItem after a refused re-count).
    this.ingest.allow(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      [table.tableArn],
    );
    this.ingest.allow(['sqs:SendMessage'], [reviewQueue.queueArn]);
    // The data key encrypts the buckets (raw and reference data), the table and the review queue.
    this.ingest.allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [key.keyArn]);

    // Re-screening after a list update: the list's notification starts a run; a run near its
    // timeout sends the queue a continuation. Same queue key as intake (S3 writes to both).
    const rescreen = new QueueWithDlq(this, 'RescreenQueue', {
      key: queueKey,
      visibilityTimeout: Duration.seconds(6 * config.rescreen.timeoutSeconds),
      maxReceiveCount: config.rescreen.maxReceiveCount,
      // A run starts once documents read with the old list are written (see the config).
      deliveryDelay: Duration.seconds(config.rescreen.startDelaySeconds),
    });
    this.rescreenQueue = rescreen.queue;
    this.rescreenDlq = rescreen.dlq;
    referenceData.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.SqsDestination(this.rescreenQueue),
      {
        prefix: screening.watchlist,
      },
    );
    this.rescreen = new ServiceFunction(this, 'Rescreen', {
      config,
      entry: 'functions/rescreen/handler.ts',
      serviceName: 'rescreen',
      settings: config.rescreen,
      description: 'Re-screens every stored consignment when a new denied-party list is uploaded',
      environment: {
        TABLE_NAME: table.tableName,
        REVIEW_QUEUE_URL: reviewQueue.queueUrl,
        RESCREEN_QUEUE_URL: this.rescreenQueue.queueUrl,
        EVENT_BUS_NAME: eventBus.eventBusName,
        ...screeningEnv,
      },
    });
    this.rescreen.fn.addEventSource(
      new SqsEventSource(this.rescreenQueue, {
        batchSize: 1,
        maxConcurrency: config.rescreen.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.rescreen.allow(['s3:GetObject'], screeningObjects);
    // Scan the consignments; read, write and queue review items (shared/aws/dynamo-*.ts).
    this.rescreen.allow(
      [
        'dynamodb:Scan',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      ],
      [table.tableArn],
    );
    this.rescreen.allow(['sqs:SendMessage'], [reviewQueue.queueArn, this.rescreenQueue.queueArn]);
    this.rescreen.allow(['events:PutEvents'], [eventBus.eventBusArn]);
    this.rescreen.allow(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [key.keyArn, queueKey.keyArn]);

    // CDK's singleton provider behind Custom::S3BucketNotifications.
    const notificationsHandler = this.node.children.find((c) =>
      c.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (!notificationsHandler) throw new Error('expected the S3 bucket notifications handler in this stack');
    Validations.of(notificationsHandler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket-notification provider (runs only during deployment) writes its own logs with the basic execution role; its role is not configurable.",
    });
  }
}
