import '../review/quiet-env.js';
import { readFileSync } from 'node:fs';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { DynamoRescreenSource } from '../../shared/aws/rescreen-store.js';
import { createScreener } from '../../shared/screening/screen.js';
import { parseCslCsv } from '../../shared/screening/watchlist.js';
import { keys } from '../../shared/store/keys.js';
import type { StoredConsignment } from '../../shared/store/types.js';
import { BUCKET, REGION, startEmulators, TABLE, type Emulators } from '../review/helpers.js';
import { parcel } from './fixtures.js';

/**
 * The re-screen function (functions/rescreen) against dynalite and fauxqs: a list upload starts
 * a run over every stored consignment; near its timeout a run stops between pages and sends
 * itself a continuation, which the next invocation takes up; a continuation for a list replaced
 * since is dropped, and a list that names nobody is refused.
 */

const csv = readFileSync('config/watchlists/sample-csl.csv', 'utf8');
const header = csv.split('\n')[0]!;
const LISTED = 'Rigoberto Quintero Barragan';
const WATCHLIST = 'watchlists/csl.csv';
const N = 60;

let emu: Emulators;
let sqs: SQSClient;
let rescreenQueue: string;
let reviewQueue: string;
let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: unknown[] }>;

const context = (remainingMs: number) =>
  ({
    functionName: 'rescreen-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:rescreen-test',
    memoryLimitInMB: '1024',
    awsRequestId: 'req',
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

const sqsEvent = (body: unknown): SQSEvent => ({
  Records: [
    {
      messageId: `m-${Math.random()}`,
      receiptHandle: 'r',
      body: JSON.stringify(body),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:rescreen',
      awsRegion: REGION,
    },
  ],
});

const listUploaded = (key = WATCHLIST, eTag?: string) =>
  sqsEvent({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: BUCKET }, object: { key, size: csv.length, ...(eTag ? { eTag } : {}) } },
      },
    ],
  });

/** The stored consignments' ids in the order a Scan reads them (by key hash, not by id). */
async function scanOrder(): Promise<string[]> {
  const order: string[] = [];
  for await (const stored of new DynamoRescreenSource(emu.db, TABLE).consignments()) order.push(stored.id);
  return order;
}

const putList = (body: string) =>
  emu.s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: WATCHLIST, Body: body }));

async function received(queueUrl: string): Promise<string[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (out.Messages ?? []).map((m) => m.Body!);
}

/** A consignment stored with no flags after a run, its consignee listed: only a run with the list flags it. */
const storeUnscreened = (id: string) =>
  new DynamoIntakeStore(emu.db, TABLE).putConsignments([
    {
      ...parcel({ parcelId: id, consignee: { ...parcel().consignee!, name: LISTED } }),
      id,
      documentId: 'DOC-F',
      carrierId: 'CARRIER',
      flags: [],
      riskScore: 0,
      review: false,
      ruleSetVersion: 'default@1.4.0',
      storedAt: '2026-11-02T00:00:00Z',
    },
  ]);

const consignment = async (id: string) =>
  (await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.consignment(id) }))).Item!;

beforeAll(async () => {
  emu = await startEmulators();
  sqs = new SQSClient({
    endpoint: emu.s3,
    region: REGION,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  rescreenQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'rescreen' }))).QueueUrl!;
  reviewQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'review' }))).QueueUrl!;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SQS: emu.s3,
    REVIEW_QUEUE_URL: reviewQueue,
    RESCREEN_QUEUE_URL: rescreenQueue,
    SCREENING_WATCHLIST: `s3://${BUCKET}/${WATCHLIST}`,
    RESCREEN_STOP_MARGIN_SECONDS: '60',
  });
  // Stored before the list named anyone: every consignment screened clean.
  const before = createScreener();
  const items: StoredConsignment[] = [];
  for (let i = 0; i < N; i++) {
    const id = `P${String(i).padStart(3, '0')}`;
    const name = i % 20 === 7 ? LISTED : `Ana López ${i}`;
    const c = parcel({ parcelId: id, consignee: { ...parcel().consignee!, name } });
    const r = before.screen(c);
    items.push({
      ...c,
      id,
      documentId: 'DOC-F',
      carrierId: 'CARRIER',
      flags: r.flags,
      riskScore: r.riskScore,
      review: r.review,
      ruleSetVersion: r.ruleSetVersion,
      storedAt: '2026-11-01T00:00:00Z',
    });
  }
  await new DynamoIntakeStore(emu.db, TABLE).putConsignments(items);
  ({ handler } = (await import('../../functions/rescreen/handler.js')) as unknown as {
    handler: typeof handler;
  });
});

afterAll(async () => {
  sqs?.destroy();
  await emu?.close();
});

describe('the re-screen function', () => {
  it('refuses a list that names nobody, and skips what is not a list upload', async () => {
    await putList(`${header}\n`);
    expect((await handler(listUploaded(), context(600_000))).batchItemFailures).toEqual([]);
    expect((await handler(sqsEvent({ Event: 's3:TestEvent' }), context(600_000))).batchItemFailures).toEqual(
      [],
    );
    expect(await received(rescreenQueue)).toEqual([]);
    expect((await consignment('P007')).flags).toEqual([]);
  });

  it('re-screens every stored consignment across invocations, going on after its last page', async () => {
    await putList(csv);
    // Little time left: the run stops after its first page and sends itself a continuation.
    expect((await handler(listUploaded(), context(30_000))).batchItemFailures).toEqual([]);
    const [body] = await received(rescreenQueue);

    // The next invocations take it up until every consignment is done.
    const continuations: { resumeAfter: string; totals: { scanned: number } }[] = [];
    let next: string | undefined = body;
    let invocations = 1;
    while (next) {
      continuations.push(JSON.parse(next) as (typeof continuations)[number]);
      await handler(sqsEvent(JSON.parse(next)), context(invocations < 2 ? 30_000 : 600_000));
      invocations++;
      [next] = await received(rescreenQueue);
    }
    expect(invocations).toBe(3);
    // Each run went on right after the last consignment the one before did, in scan order.
    const order = await scanOrder();
    expect(continuations.map((c) => [order.indexOf(c.resumeAfter), c.totals.scanned])).toEqual([
      [24, 25],
      [49, 50],
    ]);
    const listed = [];
    for (let i = 0; i < N; i++) {
      const c = await consignment(`P${String(i).padStart(3, '0')}`);
      if (c.flags.length > 0) listed.push(c.id);
    }
    expect(listed).toEqual(['P007', 'P027', 'P047']);
    expect((await consignment('P027')).flags[0]).toMatchObject({ category: 'denied-party' });
    // Queued for review, once each.
    const queued = (await received(reviewQueue)).map(
      (b) => (JSON.parse(b) as { consignmentId: string }).consignmentId,
    );
    expect(queued.sort()).toEqual(['P007', 'P027', 'P047']);
  });

  it('starts no run for another object under the prefix, nor for a list replaced since', async () => {
    // P950 is stored clean with a listed name: any run would flag it.
    await storeUnscreened('P950');
    await handler(listUploaded(`${WATCHLIST}.bak`), context(600_000));
    await handler(listUploaded(WATCHLIST, 'an-older-etag'), context(600_000));
    expect((await consignment('P950')).flags).toEqual([]);
    // The notification of the list as it is now starts the run.
    const head = await emu.s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: WATCHLIST }));
    await handler(listUploaded(WATCHLIST, head.ETag!.replace(/"/g, '')), context(600_000));
    expect((await consignment('P950')).flags.map((f: { rule: string }) => f.rule)).toEqual([
      'denied-party-exact',
    ]);
  });

  it('drops a continuation for a list that has been replaced since, not for a new rule set', async () => {
    const stale = {
      resumeAfter: 'P010',
      ruleSetVersion: 'default@1.4.0',
      watchlistVersion: 'csl:some-older-list',
      startedAt: '2026-11-01T00:00:00Z',
      totals: { scanned: 25, changed: 0, newlyFlagged: 0, queued: 0, cleared: 0, updated: 0, reopened: 0 },
    };
    await storeUnscreened('P900');
    expect((await handler(sqsEvent(stale), context(600_000))).batchItemFailures).toEqual([]);
    expect(await received(rescreenQueue)).toEqual([]);
    expect((await consignment('P900')).flags).toEqual([]);

    // Resumed just before P900 in the table's scan order; a new rule set alone does not stop it.
    const order = await scanOrder();
    const at = order.indexOf('P900');
    expect(at).toBeGreaterThan(0);
    const current = createScreener({ watchlist: parseCslCsv(csv) }).watchlistVersion!;
    await handler(
      sqsEvent({
        ...stale,
        resumeAfter: order[at - 1],
        watchlistVersion: current,
        ruleSetVersion: 'old@1.0.0',
      }),
      context(600_000),
    );
    expect((await consignment('P900')).flags.map((f: { rule: string }) => f.rule)).toEqual([
      'denied-party-exact',
    ]);
  });
});
