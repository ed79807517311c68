import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/index.js';
import { QueueWithDlq } from '../constructs/queue-with-dlq.js';
import { ServiceFunction, type ServiceFunctionProps } from '../constructs/service-function.js';

export interface ReviewStackProps extends StackProps {
  config: EnvironmentConfig;
  key: kms.IKey;
  table: dynamodb.ITable;
  rawBucket: s3.IBucket;
}

/**
 * The reviewers' side. Today: the review queue (and its DLQ) that ingest fills with flagged
 * consignments. Later: the HTTP API with the Cognito JWT authorizer, its functions (built with
 * `reviewFunction`), the EventBridge bus, and the web bucket behind CloudFront.
 */
export class ReviewStack extends Stack {
  readonly config: EnvironmentConfig;
  readonly key: kms.IKey;
  readonly table: dynamodb.ITable;
  readonly rawBucket: s3.IBucket;
  readonly reviewQueue: sqs.Queue;
  readonly reviewDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: ReviewStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.key = props.key;
    this.table = props.table;
    this.rawBucket = props.rawBucket;

    // Review items carry names and addresses: the data key encrypts them at rest.
    const review = new QueueWithDlq(this, 'Review', {
      key: props.key,
      visibilityTimeout: Duration.seconds(props.config.reviewQueue.visibilityTimeoutSeconds),
      maxReceiveCount: props.config.reviewQueue.maxReceiveCount,
      retentionPeriod: Duration.days(14),
    });
    this.reviewQueue = review.queue;
    this.reviewDlq = review.dlq;
  }

  /**
   * A review API function with the house defaults and the environment's API sizing. Grants are
   * the caller's job (`fn.allow(...)`, `table.grant(fn.fn, ...)`), so each function gets only
   * what it uses.
   */
  reviewFunction(
    id: string,
    props: Omit<ServiceFunctionProps, 'config' | 'settings'> & {
      settings?: ServiceFunctionProps['settings'];
    },
  ): ServiceFunction {
    return new ServiceFunction(this, id, {
      config: this.config,
      settings: props.settings ?? this.config.api,
      ...props,
      environment: { TABLE_NAME: this.table.tableName, ...props.environment },
    });
  }
}
