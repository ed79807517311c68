import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { WorkMessage, WorkQueue } from '../review/ports.js';
import type { ReviewItem } from '../review/types.js';
import type { ReviewSeed } from '../store/types.js';

/**
 * The review work queue on SQS. A taken message stays invisible for `visibilitySeconds` while the
 * claim is written; a malformed body is dropped (it can name no item).
 */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly visibilitySeconds = 30,
  ) {}

  async take(): Promise<WorkMessage | undefined> {
    for (;;) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 0,
          VisibilityTimeout: this.visibilitySeconds,
        }),
      );
      const message = out.Messages?.[0];
      if (!message?.ReceiptHandle) return undefined;
      const receipt = message.ReceiptHandle;
      const done = async () => {
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt }));
      };
      const consignmentId = idOf(message.Body);
      if (!consignmentId) {
        await done();
        continue;
      }
      return {
        consignmentId,
        done,
        putBack: async () => {
          await this.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: this.queueUrl,
              ReceiptHandle: receipt,
              VisibilityTimeout: 0,
            }),
          );
        },
      };
    }
  }

  async offer(item: ReviewItem): Promise<void> {
    const seed: ReviewSeed = {
      consignmentId: item.id,
      documentId: item.documentId,
      carrierId: item.carrierId,
      ref: item.ref,
      categories: item.categories,
      riskScore: item.riskScore,
      ruleSetVersion: item.ruleSetVersion,
    };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(seed) }),
    );
  }
}

function idOf(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { consignmentId?: unknown };
    return typeof parsed.consignmentId === 'string' && parsed.consignmentId
      ? parsed.consignmentId
      : undefined;
  } catch {
    return undefined;
  }
}
