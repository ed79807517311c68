import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueWithDlqProps {
  /** Customer managed key for both queues. */
  key: kms.IKey;
  visibilityTimeout: Duration;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** How long an unconsumed message stays in the main queue (default 4 days; the DLQ keeps 14). */
  retentionPeriod?: Duration;
  /** Default delay of every message sent to the main queue (default none). */
  deliveryDelay?: Duration;
}

/** A CMK-encrypted, TLS-only queue and its equally protected dead-letter queue. */
export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      // Fewer KMS calls per message; 5 minutes is the SQS default, an hour is within limits.
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
    } as const;
    this.dlq = new sqs.Queue(this, 'Dlq', { ...common, retentionPeriod: Duration.days(14) });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      visibilityTimeout: props.visibilityTimeout,
      ...(props.deliveryDelay ? { deliveryDelay: props.deliveryDelay } : {}),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
