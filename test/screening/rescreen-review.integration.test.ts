import '../review/quiet-env.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEventStore, DynamoReviewStore } from '../../shared/aws/dynamo-review-store.js';
import { DynamoIntakeStore } from '../../shared/aws/dynamo-store.js';
import type { Consignment } from '../../shared/model/consignment.js';
import { ReviewService } from '../../shared/review/service.js';
import type { Identity } from '../../shared/review/types.js';
import { createScreener } from '../../shared/screening/screen.js';
import { parseCslCsv } from '../../shared/screening/watchlist.js';
import { keys } from '../../shared/store/keys.js';
import { reviewSeed } from '../../shared/store/review-seed.js';
import type { StoredConsignment } from '../../shared/store/types.js';
import { REGION, startEmulators, TABLE, writeEmulatorStack, type Emulators } from '../review/helpers.js';
import { parcel } from './fixtures.js';
import { runIntake, type Run } from '../helpers/intake-cli.js';

/**
 * `intake rescreen` as an operator runs it (bin/intake.js in a child process) against dynalite
 * and fauxqs found through a stack file: it refuses to run without a list, and with one it brings
 * the review items in DynamoDB along with their consignments.
 */

const csv = readFileSync('config/watchlists/sample-csl.csv', 'utf8');
const lines = csv.split('\n');
// The update lists Rigoberto (sample-0001) and delists Wuhan Tengfei (sample-0003).
const beforeCsv = lines.filter((l) => !l.startsWith('sample-0001,')).join('\n');
const afterCsv = lines.filter((l) => !l.startsWith('sample-0003,')).join('\n');
const before = createScreener({ watchlist: parseCslCsv(beforeCsv) });
const LISTED = 'Rigoberto Quintero Barragan';
const DELISTED = 'Wuhan Tengfei Pharmatech Co Ltd';
const GUN_PARTS = { hsCodes: ['930591'], description: 'pistol parts' };
const r1: Identity = { username: 'reviewer1', roles: ['reviewer'] };
const r2: Identity = { username: 'reviewer2', roles: ['reviewer'] };

let emu: Emulators;
let sqs: SQSClient;
let queueUrl: string;
let stackFile: string;
let dir: string;
let reviews: DynamoReviewStore;

function intake(args: string[]): Promise<Run> {
  return runIntake(['rescreen', ...args], stackFile, 90_000);
}

function stored(id: string, over: Partial<Consignment>): StoredConsignment {
  const c = parcel({ parcelId: id, ...over });
  const r = before.screen(c);
  return {
    ...c,
    source: { documentId: 'DOC-R', line: 2 },
    id,
    documentId: 'DOC-R',
    carrierId: 'DEMO',
    flags: r.flags,
    riskScore: r.riskScore,
    ruleSetVersion: r.ruleSetVersion,
    review: r.review,
    storedAt: new Date().toISOString(),
  };
}

const consignment = async (id: string) =>
  (await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.consignment(id) }))).Item!;
const categoriesOf = async (id: string) =>
  [...new Set((await consignment(id)).flags.map((f: { category: string }) => f.category))].sort();

beforeAll(async () => {
  emu = await startEmulators();
  sqs = new SQSClient({
    endpoint: emu.s3,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'rescreen-review' }))).QueueUrl!;
  dir = await mkdtemp(join(tmpdir(), 'rescreen-cli-'));
  stackFile = join(dir, 'stack.json');
  await writeEmulatorStack(stackFile, emu, { reviewQueueUrl: queueUrl });

  // As ingest left them, screened with the list before the update.
  const intakeStore = new DynamoIntakeStore(emu.db, TABLE);
  const all = [
    stored('R-PENDING', { ...GUN_PARTS, consignee: { ...parcel().consignee!, name: LISTED } }),
    stored('R-HELD', { shipper: { ...parcel().shipper!, name: DELISTED } }),
    stored('R-CLEARED', { ...GUN_PARTS, shipper: { ...parcel().shipper!, name: LISTED } }),
    stored('R-HELD-DECIDED', GUN_PARTS),
    stored('R-NEW', { consignee: { ...parcel().consignee!, name: LISTED } }),
  ];
  await intakeStore.putConsignments(all);
  const seeds = all.filter((c) => c.review).map((c) => reviewSeed(c));
  expect(seeds.map((s) => s.consignmentId)).toEqual(['R-PENDING', 'R-HELD', 'R-CLEARED', 'R-HELD-DECIDED']);
  await intakeStore.createReviewItems(seeds, new Date());
  await intakeStore.markQueued(seeds.map((s) => s.consignmentId));

  reviews = new DynamoReviewStore(emu.db, TABLE);
  const service = new ReviewService({
    store: reviews,
    reads: reviews,
    events: new DynamoEventStore(emu.db, TABLE),
    links: { downloadUrl: () => Promise.resolve('https://example.test/doc') },
  });
  await service.claim(r1, 'R-HELD');
  await service.claim(r2, 'R-CLEARED');
  await service.decide(r2, 'R-CLEARED', { decision: 'CLEAR', note: 'invoice checks out' });
  await service.claim(r2, 'R-HELD-DECIDED');
  await service.decide(r2, 'R-HELD-DECIDED', { decision: 'HOLD', note: 'pistol parts' });
});

afterAll(async () => {
  sqs?.destroy();
  await emu?.close();
});

describe('intake rescreen (dynalite + fauxqs, through the CLI)', { timeout: 120_000 }, () => {
  it('refuses to run without --watchlist (exit 2) and leaves every denied-party flag in place', async () => {
    const r = await intake(['--rules', 'config/rules/default.json', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rescreen needs --watchlist/);
    expect(r.stdout).toBe('');
    expect(await categoriesOf('R-HELD')).toEqual(['denied-party']);
    expect(await reviews.get('R-HELD')).toMatchObject({ categories: ['denied-party'], version: 1 });
  });

  it('refuses a list that names nobody (exit 2)', async () => {
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, `${lines[0]}\n`);
    const r = await intake(['--watchlist', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lists no names/);
    expect(await categoriesOf('R-HELD')).toEqual(['denied-party']);
  });

  it('updates open review items, reopens a decided one with new flags, queues the newly flagged', async () => {
    const list = join(dir, 'csl-after.csv');
    await writeFile(list, afterCsv);
    const r = await intake(['--watchlist', list, '--json']);
    expect(r.stderr).not.toMatch(/^intake:/m);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      scanned: 5,
      changed: 4,
      newlyFlagged: 1,
      queued: 1,
      cleared: 1,
      updated: 2,
      reopened: 1,
      ruleSetVersion: 'default@1.4.0',
      watchlistVersion: expect.stringMatching(/^csl-/),
    });

    const pending = (await reviews.get('R-PENDING'))!;
    expect(pending).toMatchObject({ status: 'PENDING', version: 1 });
    expect([...pending.categories].sort()).toEqual(['denied-party', 'firearms']);
    expect(pending.riskScore).toBe((await consignment('R-PENDING')).riskScore);
    expect((await reviews.audit('R-PENDING')).map((e) => `${e.actor} ${e.action}`)).toEqual([
      'system RESCREEN',
    ]);

    // Still held by its reviewer, but no longer shown as a score-95 denied-party item.
    expect(await reviews.get('R-HELD')).toMatchObject({
      status: 'IN_REVIEW',
      claimedBy: 'reviewer1',
      categories: [],
      riskScore: 0,
    });
    expect(await categoriesOf('R-HELD')).toEqual([]);

    const cleared = (await reviews.get('R-CLEARED'))!;
    expect(cleared).toMatchObject({ status: 'PENDING', previousDecision: 'CLEAR' });
    expect(cleared.decision).toBeUndefined();
    const trail = await reviews.audit('R-CLEARED');
    expect(trail.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'reviewer2 CLAIM',
      'reviewer2 DECIDE',
      'system REOPEN',
    ]);
    expect(trail[2]).toMatchObject({ decision: 'CLEAR', from: 'reviewer2' });
    expect(trail[2]!.note).toMatch(/found new flags: denied-party \(denied-party-exact, shipper\.name\)/);

    expect(await reviews.get('R-HELD-DECIDED')).toMatchObject({ status: 'DECIDED', decision: 'HOLD' });
    expect(await reviews.get('R-NEW')).toMatchObject({ status: 'PENDING', categories: ['denied-party'] });

    // What `review list --category denied-party` reads: the pending index, new scores included.
    const dp = await reviews.byStatus('PENDING', { category: 'denied-party', limit: 10 });
    expect(dp.map((i) => i.id).sort()).toEqual(['R-CLEARED', 'R-NEW', 'R-PENDING']);
    const firearms = await reviews.byStatus('PENDING', { category: 'firearms', limit: 10 });
    expect(firearms.map((i) => i.riskScore)).toEqual(
      [...firearms.map((i) => i.riskScore)].sort((a, b) => b - a),
    );

    // The reopened and the new item are on the review queue.
    const messages = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect((messages.Messages ?? []).map((m) => JSON.parse(m.Body!).consignmentId).sort()).toEqual([
      'R-CLEARED',
      'R-NEW',
    ]);

    // Again: nothing changed, and the human summary names the review counts.
    const again = await intake(['--watchlist', list]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /re-screened 5 consignments .*: 0 changed, .*review items: 0 updated, 0 decided ones reopened/,
    );
  });
});
