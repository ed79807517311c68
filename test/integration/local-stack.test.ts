import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LambdaInvokeError } from '../../local/lambda-runner.js';
import { FIXTURE_ASSEMBLY, startTestStack, type TestStack } from '../helpers/local-stack.js';

/**
 * The local stack's machinery against a small hand-written cloud assembly
 * (fixtures/mini-assembly): provisioning from the template, intrinsic resolution across
 * stacks, S3 notifications with filters, the event source poller's retry and DLQ behaviour,
 * and the function runner. The fixture's work queue has a 1 s visibility timeout and
 * maxReceiveCount 2, so retries and dead-lettering happen within seconds.
 */

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({
    assemblyDir: FIXTURE_ASSEMBLY,
    stage: 'Fixture-local',
    name: 'fixture',
    pollWaitSeconds: 1,
  });
});

afterAll(async () => {
  await t?.stop();
});

const bodies = (queue: string) => t.batchesFor(queue).flatMap((b) => b.records.map((r) => r.body));

describe('provisioning from the template', () => {
  it('runs only the requested stage and names resources after their logical ids', () => {
    const { model } = t.stack;
    expect(model.stacks).toEqual(['Fixture-local-Storage', 'Fixture-local-App']);
    expect(model.buckets.map((b) => b.name)).toEqual(['fixture-local-storage-uploadsbucket']);
    expect(model.queues.map((q) => q.name).sort()).toEqual([
      'Fixture-local-App-WorkDlq',
      'Fixture-local-App-WorkQueue',
    ]);
    expect(model.tables.map((x) => x.name)).toEqual(['Fixture-local-Storage-Table']);
  });

  it('creates queues with the template visibility timeout and redrive policy', async () => {
    const work = t.stack.queue('WorkQueue');
    const { Attributes } = await t.stack.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: work.url, AttributeNames: ['All'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('1');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: t.stack.queue('WorkDlq').arn,
      maxReceiveCount: 2,
    });
    expect(work.url).toBe(`${t.stack.endpoints.sqs}/000000000000/Fixture-local-App-WorkQueue`);
  });

  it('creates tables with the template keys and GSIs', async () => {
    const { Table } = await t.stack.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: 'Fixture-local-Storage-Table' }),
    );
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(
      Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.KeySchema?.map((k) => k.AttributeName)]),
    ).toEqual([['gsi1', ['gsi1pk', 'gsi1sk']]]);
  });

  it('skips IAM, KMS, policies and the custom-resource provider, and runs the Node functions', () => {
    const { model } = t.stack;
    expect(model.functions.map((f) => f.logicalId).sort()).toEqual(['EchoABCD1234', 'Flaky9A8B7C6D']);
    expect(model.skipped['AWS::IAM::Role']).toBe(1);
    expect(model.skipped['AWS::KMS::Key']).toBe(1);
    expect(model.skipped['AWS::SQS::QueuePolicy']).toBe(1);
    expect(model.skipped['AWS::Lambda::Function (custom-resource provider)']).toBe(1);
    expect(model.skipped['AWS::CDK::Metadata']).toBe(1);
  });
});

describe('functions', () => {
  it('get their template environment with references resolved, plus the emulator endpoints', async () => {
    const out = (await t.stack.invoke('Flaky', { op: 'env' })) as {
      env: Record<string, string>;
      context: Record<string, unknown>;
    };
    const work = t.stack.queue('WorkQueue');
    expect(out.env).toMatchObject({
      BUCKET_NAME: 'fixture-local-storage-uploadsbucket',
      TABLE_NAME: 'Fixture-local-Storage-Table',
      QUEUE_URL: work.url,
      QUEUE_ARN: work.arn,
      QUEUE_LABEL: `Fixture-local-App-WorkQueue@${t.stack.region}`,
      STAGE: 'Fixture',
      LOG_LEVEL: 'INFO',
      AWS_REGION: t.stack.region,
      AWS_ENDPOINT_URL_S3: t.stack.endpoints.s3,
      AWS_ENDPOINT_URL_SQS: t.stack.endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: t.stack.endpoints.dynamodb,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_LAMBDA_FUNCTION_NAME: 'Fixture-local-App-Flaky',
    });
    expect(out.env.ROLE_ARN).toMatch(/^arn:aws:iam::000000000000:role\//);
    expect(out.env).not.toHaveProperty('OPTIONAL'); // Fn::If → AWS::NoValue
    expect(out.context.functionName).toBe('Fixture-local-App-Flaky');
    expect(out.context.memoryLimitInMB).toBe('256');
    expect(out.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.context.remaining).toBeGreaterThan(0);
    expect(out.context.remaining).toBeLessThanOrEqual(2000);
  });

  it('each run in their own worker with their own environment, handler names honoured', async () => {
    const out = (await t.stack.invoke('Echo', { hello: 'world' })) as Record<string, unknown>;
    expect(out).toEqual({
      event: { hello: 'world' },
      greeting: 'hello',
      functionName: 'Fixture-local-App-Echo',
    });
  });

  it('are stopped at their timeout, and the next invocation gets a fresh environment', async () => {
    const before = (await t.stack.invoke('Flaky', { op: 'env' })) as { invocations: number };
    expect(before.invocations).toBeGreaterThan(1);
    const error = await t.stack.invoke('Flaky', { op: 'sleep', ms: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaInvokeError);
    expect((error as LambdaInvokeError).errorType).toBe('Sandbox.Timedout');
    const after = (await t.stack.invoke('Flaky', { op: 'env' })) as { invocations: number };
    expect(after.invocations).toBe(1);
  });

  it('report an unknown function clearly', async () => {
    await expect(t.stack.invoke('Nope', {})).rejects.toThrow(/no local function "Nope"/);
  });
});

describe('S3 notifications', () => {
  it('sends s3:TestEvent first, as S3 does when notifications are configured', async () => {
    await t.waitForBatch(() => bodies('WorkQueue').length > 0);
    const first = JSON.parse(bodies('WorkQueue')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Bucket: 'fixture-local-storage-uploadsbucket',
    });
  });

  it('delivers ObjectCreated:Put in the real shape, key URL-encoded, honouring prefix and suffix filters', async () => {
    const bucket = 'fixture-local-storage-uploadsbucket';
    const put = (Key: string) =>
      t.stack.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'hello world' }));
    await put('out/skip.txt'); // prefix does not match
    await put('in/skip.csv'); // suffix does not match
    const { ETag } = await put('in/a b+c (1).txt');
    await t.waitForBatch(() => bodies('WorkQueue').some((b) => b.includes('ObjectCreated')));
    await t.stack.waitForIdle();
    const events = bodies('WorkQueue')
      .map((b) => JSON.parse(b) as { Records?: Record<string, unknown>[] })
      .filter((b) => b.Records);
    expect(events).toHaveLength(1);
    const record = events[0]!.Records![0] as {
      eventName: string;
      eventSource: string;
      awsRegion: string;
      s3: { bucket: { name: string; arn: string }; object: Record<string, unknown> };
    };
    expect(record.eventName).toBe('ObjectCreated:Put');
    expect(record.eventSource).toBe('aws:s3');
    expect(record.awsRegion).toBe(t.stack.region);
    expect(record.s3.bucket).toMatchObject({ name: bucket, arn: `arn:aws:s3:::${bucket}` });
    expect(record.s3.object).toMatchObject({
      key: 'in/a+b%2Bc+%281%29.txt',
      size: 11,
      eTag: ETag!.replace(/"/g, ''),
    });
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
  });
});

describe('event source poller', () => {
  it('builds real-shaped SQS records', async () => {
    const work = t.stack.queue('WorkQueue');
    const record = t.batchesFor('WorkQueue')[0]!.records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: work.arn,
      awsRegion: t.stack.region,
    });
    expect(record.messageId).toMatch(/\S/);
    expect(record.receiptHandle).toMatch(/\S/);
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
  });

  it('deletes the good messages, retries batch item failures and dead-letters them after maxReceiveCount', async () => {
    const work = t.stack.queue('WorkQueue');
    await t.stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'good-1' }));
    await t.stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'poison-1' }));
    await t.stack.waitForIdle(30_000);

    const seen = t.batchesFor('WorkQueue').flatMap((b) =>
      b.records.map((r) => ({
        body: r.body,
        count: r.attributes.ApproximateReceiveCount,
        failed: b.failedMessageIds.includes(r.messageId),
      })),
    );
    // The good message went through once and was deleted.
    expect(seen.filter((s) => s.body === 'good-1')).toEqual([{ body: 'good-1', count: '1', failed: false }]);
    // The poisoned one came back after the visibility timeout, then went to the DLQ.
    expect(seen.filter((s) => s.body === 'poison-1')).toEqual([
      { body: 'poison-1', count: '1', failed: true },
      { body: 'poison-1', count: '2', failed: true },
    ]);
    const dlq = await t.drain('WorkDlq');
    expect(dlq.map((m) => m.Body)).toEqual(['poison-1']);
    expect(await t.stack.queueDepth('WorkQueue')).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('keeps the whole batch when the function throws, and dead-letters it too', async () => {
    const work = t.stack.queue('WorkQueue');
    const start = t.batches.length;
    await t.stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: work.url, MessageBody: 'throw-1' }));
    await t.stack.waitForIdle(30_000);
    const reports = t.batches.slice(start).filter((b) => b.records.some((r) => r.body === 'throw-1'));
    expect(reports.map((r) => r.outcome)).toEqual(['error', 'error']);
    expect(reports[0]!.error?.message).toMatch(/poisoned batch/);
    expect((await t.drain('WorkDlq')).map((m) => m.Body)).toEqual(['throw-1']);
  });
});
