import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { startFauxqs, type Fauxqs } from '../../local/emulators.js';
import { seedItem } from './memory-store.js';

// The review work queue adapter against the SQS emulator (fauxqs on 127.0.0.1).
describe('SqsWorkQueue', () => {
  let fauxqs: Fauxqs;
  let sqs: SQSClient;
  let url: string;

  beforeAll(async () => {
    fauxqs = await startFauxqs({ region: 'us-east-1' });
    sqs = new SQSClient({
      endpoint: fauxqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    url = (await sqs.send(new CreateQueueCommand({ QueueName: 'review' }))).QueueUrl!;
  });
  afterAll(async () => {
    sqs.destroy();
    await fauxqs.close();
  });

  const depth = async () =>
    Number(
      (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes?.ApproximateNumberOfMessages ?? -1,
    );

  it('takes, puts back, and deletes messages; drops malformed ones', async () => {
    const queue = new SqsWorkQueue(sqs, url, 30);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'not json' }));
    await queue.offer(seedItem({ id: 'C1' }));
    const first = await queue.take();
    expect(first?.consignmentId).toBe('C1');
    expect(await queue.take()).toBeUndefined(); // invisible while taken
    await first!.putBack();
    const again = await queue.take();
    expect(again?.consignmentId).toBe('C1');
    await again!.done();
    expect(await queue.take()).toBeUndefined();
    expect(await depth()).toBe(0);
  });
});
