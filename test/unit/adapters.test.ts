import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { SqsReviewQueue } from '../../shared/aws/sqs-queue.js';
import type { StoredConsignment } from '../../shared/store/types.js';

// Failure paths the emulators cannot produce: throttling, partial batch results.
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
afterEach(() => {
  ddb.reset();
  sqs.reset();
});

const consignment = (n: number): StoredConsignment => ({
  id: `D1-L${n}`,
  documentId: 'D1',
  carrierId: 'DEMO',
  kind: 'parcel',
  awb: null,
  hawb: null,
  parcelId: `P${n}`,
  origin: null,
  destination: null,
  pieces: 1,
  weightKg: 1,
  description: 'Mugs',
  hsCodes: [],
  shipper: null,
  consignee: null,
  declaredValue: null,
  specialHandling: [],
  source: { line: n },
  flags: [],
  riskScore: 0,
  ruleSetVersion: 'v',
  review: false,
  storedAt: 'now',
});

describe('DynamoDB intake store', () => {
  it('writes in batches of 25 and retries unprocessed items until they are written', async () => {
    let call = 0;
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      call += 1;
      const items = input.RequestItems.t!;
      // First answer leaves two items unprocessed, as DynamoDB does under load.
      return call === 1 ? { UnprocessedItems: { t: items.slice(0, 2) } } : {};
    });
    const store = new DynamoIntakeStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    await store.putConsignments(Array.from({ length: 30 }, (_, i) => consignment(i + 1)));
    const calls = ddb
      .commandCalls(BatchWriteCommand)
      .map((c) => (c.args[0].input.RequestItems!.t as unknown[]).length);
    // Both requests go out at once; the two left over are sent again after a pause.
    expect(calls).toEqual([25, 5, 2]);
  });

  it('keeps several requests in flight, at most eight, and writes each item once', async () => {
    let inFlight = 0;
    let most = 0;
    const written: string[] = [];
    ddb.on(BatchWriteCommand).callsFake(async (input: { RequestItems: Record<string, unknown[]> }) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      for (const r of input.RequestItems.t! as { PutRequest: { Item: { id: string } } }[])
        written.push(r.PutRequest.Item.id);
      return {};
    });
    const store = new DynamoIntakeStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    const items = Array.from({ length: 500 }, (_, i) => consignment(i + 1));
    await store.putConsignments(items);
    expect(most).toBe(8);
    expect(written.sort()).toEqual(items.map((c) => c.id).sort());
  });

  it('lets every request in flight end before it reports the first failure', async () => {
    let call = 0;
    let ended = 0;
    ddb.on(BatchWriteCommand).callsFake(async () => {
      const n = ++call;
      await new Promise((resolve) => setTimeout(resolve, n === 1 ? 1 : 20));
      ended += 1;
      if (n === 1) throw new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
      return {};
    });
    const store = new DynamoIntakeStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    await expect(
      store.putConsignments(Array.from({ length: 100 }, (_, i) => consignment(i + 1))),
    ).rejects.toThrow('slow down');
    expect(ended).toBe(call);
  });

  it('gives up with a clear error when DynamoDB keeps refusing', async () => {
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const store = new DynamoIntakeStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    await expect(store.putConsignments([consignment(1)])).rejects.toThrow(/unprocessed after 8 attempts/);
  }, 60_000);

  it('surfaces throttling errors to the caller (the batch item is retried by SQS)', async () => {
    ddb
      .on(BatchWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const store = new DynamoIntakeStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    await expect(store.putConsignments([consignment(1)])).rejects.toThrow('slow down');
  });
});

describe('SQS review queue', () => {
  it('sends batches of ten and resends only the failed entries', async () => {
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake(() => {
      call += 1;
      return call === 1
        ? { Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError' }], Successful: [] }
        : { Successful: [] };
    });
    const queue = new SqsReviewQueue(new SQSClient({ region: 'us-east-1' }), 'https://q');
    const seeds = Array.from({ length: 12 }, (_, i) => ({
      consignmentId: `C${i}`,
      documentId: 'D',
      carrierId: 'X',
      ref: `P${i}`,
      categories: ['firearms'],
      riskScore: 80,
      ruleSetVersion: 'v',
    }));
    await queue.send(seeds);
    const sizes = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.length);
    expect(sizes).toEqual([10, 1, 2]);
    const resent = sqs.commandCalls(SendMessageBatchCommand)[1]!.args[0].input.Entries![0]!;
    expect(JSON.parse(resent.MessageBody!).consignmentId).toBe('C3');
  });
});
