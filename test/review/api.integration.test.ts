import './quiet-env.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoEventStore, DynamoReviewStore } from '../../shared/aws/dynamo-review-store.js';
import { keys } from '../../shared/store/keys.js';
import { createHandler, depsFromEnv } from '../../functions/review-api/handler.js';
import { startReviewApi, type ReviewApiServer } from '../../local/review-api-server.js';
import type { InstructionEvent } from '../../shared/review/types.js';
import { client, seedDocument, startEmulators, TABLE, type Emulators } from './helpers.js';

/**
 * The review API end to end on the emulators: the real handler (middy + Powertools) behind the
 * local server, which builds API Gateway v2 events with the development identity as JWT claims,
 * over the real DynamoDB store on dynalite and the original documents in fauxqs S3.
 */

const LEASE_MS = 15 * 60_000;
let emu: Emulators;
let server: ReviewApiServer;
let api: ReturnType<typeof client>;
let clock = Date.now();
let ids: string[];
let fileBody: string;
let webRoot: string;

beforeAll(async () => {
  emu = await startEmulators();
  const seeded = await seedDocument(
    emu,
    'doc-int-1',
    [
      ...Array.from({ length: 14 }, (_, i) => ({
        parcelId: `P${String(i).padStart(3, '0')}`,
        consignee: `Consignee ${i}`,
      })),
      // Related to P000: same master AWB (all share it) and same consignee, not flagged.
      {
        parcelId: 'SIB1',
        consignee: 'Consignee 0',
        flags: [],
        hsCodes: ['610910'],
        description: 'cotton t-shirts',
      },
    ],
    new Date(clock - 60_000),
  );
  ids = seeded.ids;
  fileBody = seeded.fileBody;
  webRoot = await mkdtemp(join(tmpdir(), 'review-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>console</title>');
  const handler = createHandler(depsFromEnv({ now: () => new Date(clock) }));
  server = await startReviewApi({ handler, webRoot });
  api = client(server.url);
});

afterAll(async () => {
  await server?.close();
  await emu?.close();
});

const item = (n: number) => ids[n] as string;

describe('identity and access', () => {
  it('no identity is 401, an unknown development user is 401', async () => {
    expect((await api(null, 'GET', '/review/items')).status).toBe(401);
    const res = await fetch(`${server.url}/review/items`, {
      headers: { authorization: 'Bearer dev:mallory' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('carriers get 403 on every review endpoint', async () => {
    const calls: ['GET' | 'POST', string, unknown?][] = [
      ['GET', '/review/items'],
      ['GET', '/review/stats'],
      ['POST', '/review/claim-next', {}],
      ['GET', `/review/items/${item(13)}`],
      ['POST', `/review/items/${item(13)}/claim`],
      ['POST', `/review/items/${item(13)}/decide`, { decision: 'CLEAR', note: 'x' }],
      ['POST', `/review/items/${item(13)}/release`],
      ['POST', `/review/items/${item(13)}/reassign`, { to: 'carrier1' }],
      ['POST', `/review/items/${item(13)}/reopen`, { note: 'x' }],
      ['GET', '/documents/doc-int-1/raw'],
    ];
    for (const [method, path, body] of calls) {
      const res = await api('carrier1', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    // Nothing changed on the item they tried to touch.
    expect((await api('ops1', 'GET', `/review/items/${item(13)}`)).body.audit).toEqual([]);
  });

  it('ops read but do not claim', async () => {
    expect((await api('ops1', 'GET', '/review/items')).status).toBe(200);
    expect((await api('ops1', 'POST', `/review/items/${item(13)}/claim`)).status).toBe(403);
  });
});

describe('claims', () => {
  it('two reviewers racing for one item: exactly one wins, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const id = item(round);
      const [a, b] = await Promise.all([
        api('reviewer1', 'POST', `/review/items/${id}/claim`),
        api('reviewer2', 'POST', `/review/items/${id}/claim`),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
      expect(loser.body.error.code).toBe('HELD_BY_OTHER');
      expect(winner.body).toMatchObject({ status: 'IN_REVIEW', mine: true });
      const shown = await api('ops1', 'GET', `/review/items/${id}`);
      expect(shown.body.audit).toEqual([
        { at: expect.any(String), actor: winner.body.claimedBy, action: 'CLAIM' },
      ]);
      // The loser sees the lease, and sees it is not theirs.
      const other = loser === a ? 'reviewer1' : 'reviewer2';
      expect((await api(other, 'GET', `/review/items/${id}`)).body.item).toMatchObject({
        status: 'IN_REVIEW',
        mine: false,
        claimedBy: winner.body.claimedBy,
      });
    }
  });

  it('claim-next: racing reviewers get different items, best first', async () => {
    const [a, b] = await Promise.all([
      api('reviewer1', 'POST', '/review/claim-next', {}),
      api('reviewer2', 'POST', '/review/claim-next', {}),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.id).not.toBe(b.body.id);
    expect([a.body.id, b.body.id].sort()).toEqual([item(6), item(7)].sort());
    expect(
      (await api('reviewer1', 'POST', '/review/claim-next', { category: 'narcotics' })).body.error.code,
    ).toBe('NOTHING_PENDING');
  });

  it('an expired lease lets another reviewer claim; the audit records LEASE_EXPIRED; the former holder can no longer decide', async () => {
    const id = item(8);
    expect((await api('reviewer1', 'POST', `/review/items/${id}/claim`)).status).toBe(200);
    expect((await api('reviewer2', 'POST', `/review/items/${id}/claim`)).status).toBe(409);
    clock += LEASE_MS + 1000;
    const listed = (await api('reviewer2', 'GET', '/review/items?limit=500')).body.items as {
      id: string;
      status: string;
    }[];
    expect(listed.find((i) => i.id === id)?.status).toBe('PENDING');
    expect((await api('reviewer2', 'POST', `/review/items/${id}/claim`)).status).toBe(200);
    const decide = await api('reviewer1', 'POST', `/review/items/${id}/decide`, {
      decision: 'CLEAR',
      note: 'late',
    });
    expect(decide.status).toBe(409);
    expect(decide.body.error.code).toBe('NOT_CLAIMANT');
    const audit = (await api('supervisor1', 'GET', `/review/items/${id}`)).body.audit as {
      action: string;
      actor: string;
      from?: string;
    }[];
    expect(audit.map((e) => [e.action, e.actor, e.from ?? null])).toEqual([
      ['CLAIM', 'reviewer1', null],
      ['LEASE_EXPIRED', 'system', 'reviewer1'],
      ['CLAIM', 'reviewer2', null],
    ]);
  });
});

describe('decisions, events and the audit trail', () => {
  it('the claimant decides; a decided item cannot be decided again; the event reaches the bus without rules or scores', async () => {
    const id = item(9);
    await api('reviewer1', 'POST', `/review/items/${id}/claim`);
    expect(
      (await api('reviewer2', 'POST', `/review/items/${id}/decide`, { decision: 'CLEAR', note: 'x' })).body
        .error.code,
    ).toBe('NOT_CLAIMANT');
    expect(
      (await api('reviewer1', 'POST', `/review/items/${id}/decide`, { decision: 'MAYBE', note: 'x' })).body
        .error.code,
    ).toBe('INVALID_DECISION');
    expect(
      (await api('reviewer1', 'POST', `/review/items/${id}/decide`, { decision: 'HOLD' })).body.error.code,
    ).toBe('NOTE_REQUIRED');
    const decided = await api('reviewer1', 'POST', `/review/items/${id}/decide`, {
      decision: 'DO_NOT_LOAD',
      note: 'auto sear in a keychain',
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'DECIDED',
      decision: 'DO_NOT_LOAD',
      decidedBy: 'reviewer1',
    });
    const again = await api('reviewer1', 'POST', `/review/items/${id}/decide`, {
      decision: 'CLEAR',
      note: 'oops',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_DECIDED');

    const events = await new DynamoEventStore(emu.db, TABLE).recent();
    const event = events.find((e) => e.consignment.id === id) as InstructionEvent;
    expect(event).toMatchObject({
      instruction: 'DO_NOT_LOAD',
      state: 'ISSUED',
      consignment: { parcelId: 'P009', awb: '176-12345675', carrierId: 'DEMO' },
    });
    for (const leak of ['firearms', 'riskScore', 'hs-chapter-93', 'auto sear', 'reviewer1'])
      expect(JSON.stringify(event)).not.toContain(leak);
  });

  it('a supervisor reopens (on record), the next decision supersedes; the audit is complete and in order', async () => {
    const id = item(9);
    expect((await api('reviewer1', 'POST', `/review/items/${id}/reopen`, { note: 'x' })).status).toBe(403);
    const reopened = await api('supervisor1', 'POST', `/review/items/${id}/reopen`, {
      note: 'carrier sent a licence',
    });
    expect(reopened.body.status).toBe('PENDING');
    await api('reviewer2', 'POST', `/review/items/${id}/claim`);
    await api('reviewer2', 'POST', `/review/items/${id}/decide`, {
      decision: 'CLEAR',
      note: 'licence checked',
    });
    const audit = (await api('ops1', 'GET', `/review/items/${id}`)).body.audit as Record<string, string>[];
    expect(audit.map((e) => `${e.action}:${e.actor}:${e.decision ?? ''}`)).toEqual([
      'CLAIM:reviewer1:',
      'DECIDE:reviewer1:DO_NOT_LOAD',
      'REOPEN:supervisor1:DO_NOT_LOAD',
      'CLAIM:reviewer2:',
      'DECIDE:reviewer2:CLEAR',
    ]);
    expect(audit[2]).toMatchObject({ note: 'carrier sent a licence', from: 'reviewer1' });
    const events = (await new DynamoEventStore(emu.db, TABLE).recent()).filter(
      (e) => e.consignment.id === id,
    );
    expect(events.map((e) => [e.instruction, e.supersedes ?? null])).toEqual([
      ['CLEARED', 'DO_NOT_LOAD'],
      ['DO_NOT_LOAD', null],
    ]);
  });

  it('release and reassign: claimant or supervisor releases, only a supervisor reassigns', async () => {
    const id = item(10);
    await api('reviewer1', 'POST', `/review/items/${id}/claim`);
    expect((await api('reviewer2', 'POST', `/review/items/${id}/release`)).body.error.code).toBe(
      'NOT_CLAIMANT',
    );
    expect(
      (await api('reviewer1', 'POST', `/review/items/${id}/release`, { note: 'need a chemist' })).body.status,
    ).toBe('PENDING');
    expect((await api('reviewer1', 'POST', `/review/items/${id}/release`)).body.error.code).toBe(
      'NOT_CLAIMED',
    );
    expect((await api('reviewer1', 'POST', `/review/items/${id}/reassign`, { to: 'reviewer2' })).status).toBe(
      403,
    );
    const reassigned = await api('supervisor1', 'POST', `/review/items/${id}/reassign`, { to: 'reviewer2' });
    expect(reassigned.body).toMatchObject({ status: 'IN_REVIEW', claimedBy: 'reviewer2', mine: false });
    expect((await api('reviewer2', 'GET', `/review/items/${id}`)).body.item.mine).toBe(true);
    expect((await api('supervisor1', 'POST', `/review/items/${id}/release`)).body.status).toBe('PENDING');
    const audit = (await api('ops1', 'GET', `/review/items/${id}`)).body.audit as Record<string, string>[];
    expect(audit.map((e) => [e.action, e.actor, e.from ?? null, e.to ?? null])).toEqual([
      ['CLAIM', 'reviewer1', null, null],
      ['RELEASE', 'reviewer1', 'reviewer1', null],
      ['REASSIGN', 'supervisor1', null, 'reviewer2'],
      ['RELEASE', 'supervisor1', 'reviewer2', null],
    ]);
  });

  it('audit entries are append-only: a second write of an existing entry does not change it', async () => {
    const id = item(10);
    const store = new DynamoReviewStore(emu.db, TABLE);
    const before = await store.audit(id);
    const first = before[0];
    expect(first).toBeDefined();
    await store.appendAudit(id, [{ ...first!, actor: 'mallory', note: 'rewritten history' }]);
    expect(await store.audit(id)).toEqual(before);
  });

  it('a decision whose event could not be published is still on record, and the next reader completes it', async () => {
    const id = item(11);
    const failing = { publish: () => Promise.reject(new Error('bus down')) };
    const flaky = createHandler(depsFromEnv({ now: () => new Date(clock), events: failing }));
    const flakyServer = await startReviewApi({ handler: flaky, webRoot });
    try {
      const flakyApi = client(flakyServer.url);
      await flakyApi('reviewer1', 'POST', `/review/items/${id}/claim`);
      const decided = await flakyApi('reviewer1', 'POST', `/review/items/${id}/decide`, {
        decision: 'HOLD',
        note: 'pending lab',
      });
      expect(decided.status).toBe(200);
    } finally {
      await flakyServer.close();
    }
    const raw = await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.review(id) }));
    expect(raw.Item?.outbox?.event?.instruction).toBe('HOLD');
    const events = new DynamoEventStore(emu.db, TABLE);
    expect((await events.recent()).some((e) => e.consignment.id === id)).toBe(false);
    // Through the normal API: show flushes the outbox.
    const shown = await api('ops1', 'GET', `/review/items/${id}`);
    expect((shown.body.audit as { action: string }[]).map((e) => e.action)).toEqual(['CLAIM', 'DECIDE']);
    expect((await events.recent()).filter((e) => e.consignment.id === id).map((e) => e.instruction)).toEqual([
      'HOLD',
    ]);
    const after = await emu.db.send(new GetCommand({ TableName: TABLE, Key: keys.review(id) }));
    expect(after.Item?.outbox).toBeUndefined();
  });
});

describe('show, list, stats and documents', () => {
  it('show: consignment, flags with evidence, related consignments, a working document link', async () => {
    const shown = await api('reviewer1', 'GET', `/review/items/${item(0)}`);
    expect(shown.status).toBe(200);
    expect(shown.body.consignment).toMatchObject({
      parcelId: 'P000',
      description: 'steel pin samples',
      consignee: { name: 'Consignee 0' },
    });
    expect(shown.body.flags).toEqual([
      {
        category: 'firearms',
        rule: 'hs-chapter-93',
        score: 80,
        evidence: { field: 'hsCodes', text: '930591' },
      },
    ]);
    const related = shown.body.related as {
      id: string;
      relation: string;
      ref: string;
      status: string | null;
    }[];
    // Everything in the file shares the master AWB; SIB1 shares it too (first relation wins).
    expect(related.find((r) => r.ref === 'SIB1')).toMatchObject({
      relation: 'same-master-awb',
      status: null,
    });
    // P001 was claimed in the race test; its lease ran out when the clock moved on, so it reads as pending.
    expect(related.find((r) => r.ref === 'P001')).toMatchObject({
      relation: 'same-master-awb',
      status: 'PENDING',
    });
    expect(related.some((r) => r.id === item(0))).toBe(false);
    expect(shown.body.document).toMatchObject({ documentId: 'doc-int-1', fileName: 'manifest.csv' });

    // The link works without credentials (like a presigned URL) and returns the original bytes.
    const url = shown.body.document.downloadUrl as string;
    expect(url.startsWith(`${server.url}/documents/doc-int-1/raw?`)).toBe(true);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="manifest.csv"');
    expect(await download.text()).toBe(fileBody);
    // A tampered or expired link is refused.
    expect((await fetch(url.replace(/signature=[^&]+/, 'signature=forged'))).status).toBe(403);
    expect((await fetch(`${server.url}/documents/doc-int-1/raw`)).status).toBe(401);
    // With an identity, the raw route redirects to a fresh link.
    const redirect = await api('ops1', 'GET', '/documents/doc-int-1/raw');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toContain('/documents/doc-int-1/raw?expires=');
    clock += 10 * 60_000;
    expect((await fetch(url)).status).toBe(403);
  });

  it('related by consignee across master AWBs', async () => {
    const { ids: other } = await seedDocument(
      emu,
      'doc-int-2',
      [{ parcelId: 'Q1', consignee: 'Consignee 0', awb: null }],
      new Date(clock),
    );
    const related = (await api('reviewer1', 'GET', `/review/items/${other[0]}`)).body.related as {
      ref: string;
      relation: string;
    }[];
    expect(related).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ref: 'P000', relation: 'same-consignee' }),
        expect.objectContaining({ ref: 'SIB1', relation: 'same-consignee' }),
      ]),
    );
  });

  it('list: pending by score and age with the contract fields; filters by status and category', async () => {
    const res = await api('reviewer1', 'GET', '/review/items');
    expect(res.status).toBe(200);
    const items = res.body.items as Record<string, unknown>[];
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) {
      expect(i).toMatchObject({
        id: expect.any(String),
        ref: expect.any(String),
        categories: ['firearms'],
        riskScore: 80,
        status: 'PENDING',
        age: expect.any(Number),
      });
    }
    const ages = items.map((i) => i.age as number);
    expect([...ages].sort((a, b) => b - a)).toEqual(ages);
    const decided = (await api('reviewer1', 'GET', '/review/items?status=DECIDED')).body.items as {
      id: string;
    }[];
    expect(decided.map((i) => i.id).sort()).toEqual([item(9), item(11)].sort());
    expect((await api('reviewer1', 'GET', '/review/items?category=fuel')).body.items).toEqual([]);
    expect((await api('reviewer1', 'GET', '/review/items?status=nope')).status).toBe(400);
  });

  it('stats: depth, oldest age and counts', async () => {
    const stats = (await api('supervisor1', 'GET', '/review/stats')).body;
    const pending = (
      (await api('reviewer1', 'GET', '/review/items?limit=500')).body.items as { age: number }[]
    ).length;
    expect(stats.depth).toBe(pending);
    expect(stats.byStatus.DECIDED).toBe(2);
    expect(stats.byCategory.firearms).toBe(pending);
    expect(stats.oldestAgeSeconds).toBeGreaterThan(60);
  });
});

describe('the local server', () => {
  it('refuses bad requests with the contract error shape', async () => {
    const bad = await fetch(`${server.url}/review/items/${item(12)}/decide`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev:reviewer1', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    const big = await api('reviewer1', 'POST', `/review/items/${item(12)}/decide`, {
      decision: 'CLEAR',
      note: 'x'.repeat(20_000),
    });
    expect(big.status).toBe(413);
    expect((await api('reviewer1', 'GET', '/review/nothing-here')).status).toBe(404);
    expect((await api('reviewer1', 'GET', '/review/items/no-such-item')).body.error.code).toBe('NOT_FOUND');
  });

  it('without a handler it runs the review function module in-process (environment from process.env)', async () => {
    const plain = await startReviewApi({ webRoot });
    try {
      const res = await client(plain.url)('ops1', 'GET', '/review/stats');
      expect(res.status).toBe(200);
      expect(res.body.byStatus.DECIDED).toBe(2);
    } finally {
      await plain.close();
    }
  });

  it('serves the web console and nothing outside its folder', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>console</title>');
    expect((await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
  });
});

describe('a long audit trail', () => {
  it('an item view carries its latest 200 entries and says older ones were left out', async () => {
    // Claim and release may repeat without bound; the view (a Lambda response, at most 6 MB) may not.
    const seeded = await seedDocument(emu, 'doc-int-audit', [{ parcelId: 'LONG1', consignee: 'Long Trail' }]);
    const id = seeded.ids[0]!;
    const store = new DynamoReviewStore(emu.db, TABLE);
    const at = (v: number) => new Date(clock - 1_000_000 + v * 1000).toISOString();
    const entries = Array.from({ length: 250 }, (_, i) => ({
      at: at(i + 1),
      actor: 'reviewer1',
      action: (i % 2 === 0 ? 'CLAIM' : 'RELEASE') as 'CLAIM' | 'RELEASE',
      version: i + 1,
    }));
    for (let i = 0; i < entries.length; i += 25) await store.appendAudit(id, entries.slice(i, i + 25));
    const all = await store.audit(id);
    expect(all).toHaveLength(250);
    expect(await store.audit(id, 5)).toEqual(all.slice(-5));
    const shown = (await api('ops1', 'GET', `/review/items/${id}`)).body;
    expect(shown.auditTruncated).toBe(true);
    expect(shown.audit).toHaveLength(200);
    expect(shown.audit[0].at).toBe(at(51));
    expect(shown.audit[199].at).toBe(at(250));
  });
});

describe('listing by category', () => {
  it('reads a bounded number of index items for a category filter, not the whole status', async () => {
    /** Index items a category listing read, as DynamoDB counts them (ScannedCount). */
    const itemsRead = async (store: DynamoReviewStore) => {
      const sent = vi.spyOn(emu.db, 'send');
      const found = await store.byStatus('DECIDED', { category: 'no-such-category', limit: 10 });
      const outs = (await Promise.all(sent.mock.results.map((r) => r.value))) as { ScannedCount?: number }[];
      sent.mockRestore();
      return { found, read: outs.reduce((n, o) => n + (o.ScannedCount ?? 0), 0) };
    };
    const decided = await new DynamoReviewStore(emu.db, TABLE).count('DECIDED');
    expect(decided).toBeGreaterThan(1);
    // Unbounded, it reads every DECIDED item to find none; bounded to one, one.
    expect(await itemsRead(new DynamoReviewStore(emu.db, TABLE))).toEqual({ found: [], read: decided });
    expect(await itemsRead(new DynamoReviewStore(emu.db, TABLE, 1))).toEqual({ found: [], read: 1 });
  });
});
