import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReviewQueue, ReviewSeed } from '../store/types.js';
import { backoff, MAX_BATCH_ATTEMPTS } from './retry.js';

/** Sends review work items to SQS in batches of ten, retrying the entries SQS reports as failed. */
export class SqsReviewQueue implements ReviewQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(items: ReviewSeed[]): Promise<void> {
    for (let i = 0; i < items.length; i += 10) {
      let entries = items
        .slice(i, i + 10)
        .map((item, n) => ({ Id: String(n), MessageBody: JSON.stringify(item) }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS) throw new Error(`SQS refused ${entries.length} review messages`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
  }
}
