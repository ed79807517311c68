import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { keys } from '../../shared/store/keys.js';
import type { DocumentRecord } from '../../shared/store/types.js';
import type { Uploaded } from '../../local/intake.js';
import { ROOT, startTestStack, type TestStack } from '../helpers/local-stack.js';

/**
 * The spine through the local stack built from the synthesized CDK app: an upload to the raw
 * bucket → S3 notification → intake queue → the bundled ingest function (the very asset that
 * deploys) → DynamoDB and the review queue.
 */

let t: TestStack;
let uploaded: Uploaded;
let doc: DocumentRecord;
let reviewDepthAfterFirst: number;

const intake = () => t.stack.intake!;

beforeAll(async () => {
  t = await startTestStack({ name: 'spine' });
  uploaded = await t.upload(join(ROOT, 'samples', 'parcels-mx.csv'), 'TEST');
  doc = await t.waitForDocument(uploaded.documentId);
  await t.stack.waitForIdle();
  const depth = await t.stack.queueDepth(intake().reviewQueue.url);
  reviewDepthAfterFirst = depth.visible + depth.inFlight;
});

afterAll(async () => {
  await t?.stop();
});

describe('an uploaded manifest', () => {
  it('was found in the template: bucket, intake queue with DLQ, ingest function, table, review queue', () => {
    const path = intake();
    expect(path.rawBucket).toMatch(/\S/);
    expect(path.intakeQueue.deadLetterArn).toBe(path.intakeDlq?.arn);
    expect(path.intakeQueue.maxReceiveCount).toBeGreaterThan(0);
    expect(path.ingestFunction.environment.TABLE_NAME).toBe(path.tableName);
    expect(path.ingestFunction.codeDir).toContain(join('.local', 'cdk.out'));
    expect(t.stack.model.tables.map((x) => x.name)).toContain(path.tableName);
  });

  it('gets a document status whose counts add up', () => {
    expect(doc.documentId).toBe(uploaded.documentId);
    expect(doc.carrierId).toBe('TEST');
    expect(doc.format).toBe('parcel-csv');
    expect(['accepted', 'partial']).toContain(doc.status);
    const c = doc.counts;
    expect(c.received).toBeGreaterThan(0);
    expect(c.accepted).toBeGreaterThan(0);
    expect(c.received).toBe(c.accepted + c.rejected + c.duplicate);
  });

  it('stores one consignment per accepted record, found through gsi1 DOC#<documentId>', async () => {
    const items = await t.consignments(uploaded.documentId);
    expect(items).toHaveLength(doc.counts.accepted);
    for (const item of items) {
      expect(item).toMatchObject({ documentId: uploaded.documentId, carrierId: 'TEST', kind: 'parcel' });
      expect(item.source).toMatchObject({ line: expect.any(Number) });
    }
  });

  it('sends the HS chapter 93 consignment to the review queue, and only flagged ones', async () => {
    const items = await t.consignments(uploaded.documentId);
    const flagged = items.filter((i) => i.review === true);
    const chapter93 = items.filter((i) => (i.hsCodes as string[]).some((h) => h.startsWith('93')));
    expect(chapter93.length).toBeGreaterThan(0);
    for (const c of chapter93) expect(c.review).toBe(true);
    expect(doc.flagged).toBe(flagged.length);
    expect(reviewDepthAfterFirst).toBe(flagged.length);
    // Each flagged consignment has its review item.
    for (const c of flagged) {
      const { Item } = await t.stack.clients.doc.send(
        new GetCommand({ TableName: intake().tableName, Key: keys.review(String(c.id)) }),
      );
      expect(Item).toMatchObject({ consignmentId: c.id, documentId: uploaded.documentId });
    }
  });
});

describe('delivery semantics', () => {
  it('consumes the s3:TestEvent without error', async () => {
    const reports = t.batchesFor(intake().intakeQueue.url);
    const testEvents = reports.filter((r) => r.records.some((rec) => rec.body.includes('s3:TestEvent')));
    expect(testEvents.length).toBeGreaterThan(0);
    expect(testEvents.every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('changes nothing when the same S3 event is delivered a second time', async () => {
    const original = t
      .batchesFor(intake().intakeQueue.url)
      .flatMap((r) => r.records)
      .find((rec) => rec.body.includes(uploaded.documentId));
    expect(original).toBeDefined();
    const before = await t.consignments(uploaded.documentId);
    const start = t.batches.length;

    await t.stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: intake().intakeQueue.url, MessageBody: original!.body }),
    );
    await t.waitForBatch((all) =>
      all.slice(start).some((b) => b.records.some((r) => r.body === original!.body)),
    );
    await t.stack.waitForIdle();

    const redelivery = t.batches.slice(start).find((b) => b.records.some((r) => r.body === original!.body))!;
    expect(redelivery.outcome).toBe('ok');
    const again = await t.waitForDocument(uploaded.documentId);
    expect(again.counts).toEqual(doc.counts);
    expect(again.processedAt).toBe(doc.processedAt);
    expect(await t.consignments(uploaded.documentId)).toHaveLength(before.length);
    const depth = await t.stack.queueDepth(intake().reviewQueue.url);
    expect(depth.visible + depth.inFlight).toBe(reviewDepthAfterFirst);
    const dlq = await t.stack.queueDepth(intake().intakeDlq!.url);
    expect(dlq.visible + dlq.inFlight).toBe(0);
  });

  it('re-screens stored consignments when a new denied-party list is uploaded', async () => {
    const items = await t.consignments(uploaded.documentId);
    const maria = items.find(
      (i) => (i.consignee as { name?: string } | undefined)?.name === 'María José Pérez',
    )!;
    expect(maria.review).toBe(false);
    // The list as ops upload it, now naming her: its S3 notification reaches the re-screen function.
    const uri = t.stack.model.functions.find((f) => f.logicalId.startsWith('Rescreen'))!.environment
      .SCREENING_WATCHLIST!;
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
    const csv = readFileSync(join(ROOT, 'config', 'watchlists', 'sample-csl.csv'), 'utf8');
    const row = `new-0001,Specially Designated Nationals (SDN) - Treasury Department,99001,Individual,ILLICIT-DRUGS-EO14059,"PÉREZ, María José",,"Guadalajara, MX",,2026-11-22,,,,,,,,,,,FICTIONAL,,,MX,,MX,,,`;
    const depth = await t.stack.queueDepth(intake().reviewQueue.url);
    await t.stack.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${csv.trimEnd()}\n${row}\n` }),
    );
    const deadline = Date.now() + 30_000;
    let now = maria;
    while (Date.now() < deadline && now.review !== true) {
      await new Promise((r) => setTimeout(r, 250));
      now = (await t.consignments(uploaded.documentId)).find((i) => i.id === maria.id)!;
    }
    expect(now.review).toBe(true);
    expect((now.flags as { category: string }[]).map((f) => f.category)).toContain('denied-party');
    await t.stack.waitForIdle();
    const after = await t.stack.queueDepth(intake().reviewQueue.url);
    expect(after.visible + after.inFlight).toBe(depth.visible + depth.inFlight + 1);
    reviewDepthAfterFirst += 1;
  });

  it('puts the review messages in the queue as JSON naming the flagged consignments', async () => {
    const messages = await t.drain(intake().reviewQueue.url);
    expect(messages).toHaveLength(reviewDepthAfterFirst);
    const items = await t.consignments(uploaded.documentId);
    const flaggedIds = items.filter((i) => i.review === true).map((i) => i.id);
    const named = messages.map(
      (m) => (JSON.parse(m.Body ?? '{}') as { consignmentId?: string }).consignmentId,
    );
    expect(named.sort()).toEqual(flaggedIds.sort());
  });
});
