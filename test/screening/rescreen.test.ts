import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEventStore, DynamoReviewStore } from '../../shared/aws/dynamo-review-store.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import { DynamoRescreenSource } from '../../shared/aws/rescreen-store.js';
import { loadScreenerFromEnv, parseS3Uri } from '../../shared/aws/screening-config.js';
import { SqsReviewQueue } from '../../shared/aws/sqs-queue.js';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { ReviewService } from '../../shared/review/service.js';
import { rescreenStored } from '../../shared/screening/rescreen.js';
import { createScreener } from '../../shared/screening/screen.js';
import { parseCslCsv } from '../../shared/screening/watchlist.js';
import { keys } from '../../shared/store/keys.js';
import type { StoredConsignment } from '../../shared/store/types.js';
import { parcel } from './fixtures.js';
import { BUCKET, startEmulators, TABLE, type Emulators } from './emulators.js';

const csv = readFileSync(new URL('../../config/watchlists/sample-csl.csv', import.meta.url), 'utf8');

describe('re-screening stored consignments after a watchlist update (dynalite + fauxqs)', () => {
  let emu: Emulators;
  beforeAll(async () => {
    emu = await startEmulators();
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('flags and queues consignments whose party is newly listed, keeps aggregate flags, and is idempotent', async () => {
    const before = createScreener(); // no watchlist yet
    const store = new DynamoIntakeStore(emu.db, TABLE);
    const stored = (id: string, name: string, extra: Partial<StoredConsignment> = {}): StoredConsignment => {
      const c = parcel({ parcelId: id, consignee: { ...parcel().consignee!, name } });
      const r = before.screen(c);
      return {
        ...c,
        id,
        documentId: 'DOC1',
        carrierId: 'CARRIER',
        flags: r.flags,
        riskScore: r.riskScore,
        ruleSetVersion: r.ruleSetVersion,
        review: r.review,
        storedAt: '2026-11-01T00:00:00Z',
        ...extra,
      };
    };
    const split = {
      category: 'misdeclaration' as const,
      rule: 'consignee-splitting',
      score: 55,
      evidence: { field: 'consignee.name', text: '7 parcels to "Ana"' },
    };
    await store.putConsignments([
      stored('C1', 'Rigoberto Quintero Barragan'),
      stored('C2', 'Ana López Ruiz'),
      stored('C3', 'Ana Ruiz', { flags: [split], riskScore: 55, review: true }),
    ]);
    // C3's review item, as ingest created it.
    const c3Seed = {
      consignmentId: 'C3',
      documentId: 'DOC1',
      carrierId: 'CARRIER',
      ref: 'C3',
      categories: ['misdeclaration'],
      riskScore: 55,
      ruleSetVersion: 'default@1.4.0',
    };
    await store.createReviewItems([c3Seed], new Date('2026-11-01T00:00:00Z'));
    await store.markQueued(['C3']);
    const after = createScreener({ watchlist: parseCslCsv(csv) });
    const reviewStore = new DynamoReviewStore(emu.db, TABLE);
    const deps = {
      source: new DynamoRescreenSource(emu.db, TABLE),
      screener: after,
      store,
      queue: new SqsReviewQueue(emu.sqs, emu.queueUrl),
      reviews: new ReviewService({
        store: reviewStore,
        reads: reviewStore,
        events: new DynamoEventStore(emu.db, TABLE),
        links: { downloadUrl: () => Promise.resolve('https://example.test/doc') },
        queue: new SqsWorkQueue(emu.sqs, emu.queueUrl),
        now: () => new Date('2026-11-02T00:00:00Z'),
      }),
      now: () => new Date('2026-11-02T00:00:00Z'),
    };
    const summary = await rescreenStored(deps);
    expect(summary).toMatchObject({
      scanned: 3,
      changed: 1,
      newlyFlagged: 1,
      queued: 1,
      cleared: 0,
      updated: 0,
      reopened: 0,
      ruleSetVersion: 'default@1.4.0',
      watchlistVersion: after.watchlistVersion,
    });

    const c1 = (await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.consignment('C1') }))).Item!;
    expect(c1).toMatchObject({
      review: true,
      riskScore: 95,
      watchlistVersion: after.watchlistVersion,
      rescreenedAt: '2026-11-02T00:00:00.000Z',
    });
    expect(c1.flags[0]).toMatchObject({
      category: 'denied-party',
      rule: 'denied-party-exact',
      evidence: { field: 'consignee.name' },
    });
    const c3 = (await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.consignment('C3') }))).Item!;
    expect(c3.flags).toEqual([split]);
    expect(c3.review).toBe(true);

    const review = (await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.review('C1') }))).Item!;
    expect(review).toMatchObject({
      consignmentId: 'C1',
      categories: ['denied-party'],
      riskScore: 95,
      queued: true,
    });
    const messages = await emu.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emu.queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect((messages.Messages ?? []).map((m) => JSON.parse(m.Body!).consignmentId)).toEqual(['C1']);

    // Nothing changed since: a second run writes and queues nothing.
    expect(await rescreenStored(deps)).toMatchObject({
      scanned: 3,
      changed: 0,
      newlyFlagged: 0,
      queued: 0,
      updated: 0,
      reopened: 0,
    });
    // C3's item saw nothing change.
    expect((await reviewStore.get('C3'))?.version).toBe(0);
  });

  it('loads the rule set and the watchlist from S3 for a deployed function', async () => {
    await emu.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'screening/csl.csv', Body: csv }));
    const rules = JSON.parse(
      readFileSync(new URL('../../config/rules/default.json', import.meta.url), 'utf8'),
    ) as { name: string };
    rules.name = 'prod';
    await emu.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'screening/rules.json', Body: JSON.stringify(rules) }),
    );
    const screener = await loadScreenerFromEnv(
      {
        SCREENING_RULES: `s3://${BUCKET}/screening/rules.json`,
        SCREENING_WATCHLIST: `s3://${BUCKET}/screening/csl.csv`,
      },
      () => emu.s3,
    );
    expect(screener.ruleSetVersion).toBe('prod@1.4.0');
    const r = screener.screen(
      parcel({ shipper: { ...parcel().shipper!, name: 'Wuhan Tengfei Pharmatech Co Ltd' } }),
    );
    expect(r.flags.map((f) => f.rule)).toEqual(['denied-party-exact']);
    await expect(
      loadScreenerFromEnv({ SCREENING_WATCHLIST: `s3://${BUCKET}/screening/missing.csv` }, () => emu.s3),
    ).rejects.toThrow(/cannot read watchlist s3:\/\/screening-config\/screening\/missing\.csv/);
    await emu.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'screening/bad.json', Body: '{"name":"x"}' }),
    );
    await expect(
      loadScreenerFromEnv({ SCREENING_RULES: `s3://${BUCKET}/screening/bad.json` }, () => emu.s3),
    ).rejects.toThrow(/s3:\/\/screening-config\/screening\/bad\.json is not a valid rule set/);
    expect(parseS3Uri('s3://b/k/x.csv')).toEqual({ bucket: 'b', key: 'k/x.csv' });
    expect(parseS3Uri('/tmp/x.csv')).toBeUndefined();
  });
});
