import { beforeEach, describe, expect, it } from 'vitest';
import { ReviewError } from '../../shared/review/errors.js';
import { MAX_CLAIMS_PER_REVIEWER, ReviewService } from '../../shared/review/service.js';
import type { WorkMessage, WorkQueue } from '../../shared/review/ports.js';
import type { Identity, ReviewItem } from '../../shared/review/types.js';
import { MemoryEvents, MemoryReviewStore, seedItem } from './memory-store.js';

const r1: Identity = { username: 'reviewer1', roles: ['reviewer'] };
const r2: Identity = { username: 'reviewer2', roles: ['reviewer'] };
const sup: Identity = { username: 'supervisor1', roles: ['supervisor'] };
const ops: Identity = { username: 'ops1', roles: ['ops'] };
const carrier: Identity = { username: 'carrier1', roles: ['carrier'] };

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const origin = { origin: 'http://127.0.0.1:1' };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (error) {
    if (error instanceof ReviewError) return error.code;
    throw error;
  }
}

describe('ReviewService (in memory)', () => {
  let store: MemoryReviewStore;
  let events: MemoryEvents;
  let clock: number;
  let service: ReviewService;

  beforeEach(() => {
    store = new MemoryReviewStore();
    events = new MemoryEvents();
    clock = T0;
    service = new ReviewService({
      store,
      reads: store,
      events,
      links: { downloadUrl: (doc) => Promise.resolve(`https://example.test/${doc.documentId}`) },
      now: () => new Date(clock),
      leaseMs: 60_000,
    });
    const minutesAgo = (m: number) => new Date(T0 - m * 60_000).toISOString();
    for (const item of [
      seedItem({ id: 'low-old', riskScore: 50, createdAt: minutesAgo(30), categories: ['fuel'] }),
      seedItem({ id: 'high-new', riskScore: 90, createdAt: minutesAgo(1) }),
      seedItem({
        id: 'high-old',
        riskScore: 90,
        createdAt: minutesAgo(10),
        categories: ['firearms', 'denied-party'],
      }),
    ])
      store.items.set(item.id, item);
  });

  it('lists pending items by score, then age, and filters by category', async () => {
    expect((await service.list(r1, {})).items.map((i) => i.id)).toEqual(['high-old', 'high-new', 'low-old']);
    expect((await service.list(r1, { category: 'fuel' })).items.map((i) => i.id)).toEqual(['low-old']);
    expect((await service.list(r1, { limit: '1' })).items.map((i) => i.id)).toEqual(['high-old']);
    expect(await code(service.list(r1, { status: 'WHATEVER' }))).toBe('INVALID_REQUEST');
    expect(await code(service.list(r1, { limit: '0' }))).toBe('INVALID_REQUEST');
    expect(await code(service.list(carrier, {}))).toBe('FORBIDDEN');
  });

  it('two reviewers racing for one item: exactly one wins, the other is told who holds it', async () => {
    for (let round = 0; round < 10; round++) {
      const id = `race-${round}`;
      store.items.set(id, seedItem({ id }));
      const results = await Promise.allSettled([service.claim(r1, id), service.claim(r2, id)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0]?.reason as ReviewError).code).toBe('HELD_BY_OTHER');
      expect((await store.audit(id)).filter((e) => e.action === 'CLAIM')).toHaveLength(1);
    }
  });

  it('claim-next hands racing reviewers different items, best first, then says nothing is pending', async () => {
    const [a, b] = await Promise.all([service.claimNext(r1, {}), service.claimNext(r2, {})]);
    expect(new Set([a.id, b.id])).toEqual(new Set(['high-old', 'high-new']));
    expect((await service.claimNext(r1, {})).id).toBe('low-old');
    expect(await code(service.claimNext(r2, {}))).toBe('NOTHING_PENDING');
    expect(await code(service.claimNext(r2, { category: 'not a category' }))).toBe('INVALID_REQUEST');
  });

  it('a reviewer holds at most 25 live claims; renewing one, or claiming after a release or an expiry, is fine', async () => {
    for (let i = 0; i < 30; i++) store.items.set(`many-${i}`, seedItem({ id: `many-${i}` }));
    for (let i = 0; i < MAX_CLAIMS_PER_REVIEWER; i++) await service.claim(r1, `many-${i}`);
    expect(await code(service.claim(r1, 'many-25'))).toBe('TOO_MANY_CLAIMS');
    expect(await code(service.claimNext(r1, {}))).toBe('TOO_MANY_CLAIMS');
    expect(await code(service.claim(r1, 'many-0'))).toBe('OK'); // renews a lease it holds
    expect(await code(service.claim(r2, 'many-25'))).toBe('OK'); // others are not held back
    await service.release(r1, 'many-1', {});
    expect(await code(service.claim(r1, 'many-26'))).toBe('OK');
    clock += 61_000; // every lease has run out: nothing is held any more
    expect(await code(service.claim(r1, 'many-27'))).toBe('OK');
  });

  it('an expired lease reads as pending, can be claimed by another reviewer, and the audit says so', async () => {
    await service.claim(r1, 'high-old');
    clock += 61_000;
    expect((await service.list(r2, {})).items.find((i) => i.id === 'high-old')?.status).toBe('PENDING');
    expect((await service.stats(sup)).byStatus.IN_REVIEW).toBe(0);
    const claimed = await service.claim(r2, 'high-old');
    expect(claimed).toMatchObject({ claimedBy: 'reviewer2', mine: true });
    expect((await store.audit('high-old')).map((e) => [e.action, e.actor])).toEqual([
      ['CLAIM', 'reviewer1'],
      ['LEASE_EXPIRED', 'system'],
      ['CLAIM', 'reviewer2'],
    ]);
    expect(await code(service.decide(r1, 'high-old', { decision: 'CLEAR', note: 'x' }))).toBe('NOT_CLAIMANT');
  });

  it('stats: depth, oldest pending age, counts by status and by category', async () => {
    await service.claim(r1, 'high-new');
    await service.claim(r1, 'low-old');
    await service.decide(r1, 'low-old', { decision: 'CLEAR', note: 'ok' });
    expect(await service.stats(ops)).toEqual({
      depth: 1,
      oldestAgeSeconds: 600,
      byStatus: { PENDING: 1, IN_REVIEW: 1, DECIDED: 1 },
      byCategory: { firearms: 1, 'denied-party': 1 },
    });
  });

  it('a decision is published once; decided items cannot be decided again; reopen puts it back on record', async () => {
    await service.claim(r1, 'high-old');
    const decided = await service.decide(r1, 'high-old', {
      decision: 'REQUEST_INFO',
      note: 'send the invoice',
    });
    expect(decided).toMatchObject({ status: 'DECIDED', decision: 'REQUEST_INFO', decidedBy: 'reviewer1' });
    expect(events.events.map((e) => e.instruction)).toEqual(['REQUEST_FOR_INFORMATION']);
    expect(await code(service.decide(r1, 'high-old', { decision: 'HOLD', note: 'again' }))).toBe(
      'ALREADY_DECIDED',
    );
    expect(await code(service.reopen(r1, 'high-old', { note: 'no' }))).toBe('FORBIDDEN');
    const reopened = await service.reopen(sup, 'high-old', { note: 'invoice was forged' });
    expect(reopened.status).toBe('PENDING');
    const view = await service.show(ops, 'high-old', origin);
    expect(view.audit.map((e) => e.action)).toEqual(['CLAIM', 'DECIDE', 'REOPEN']);
    expect(view.audit[2]).toMatchObject({
      actor: 'supervisor1',
      decision: 'REQUEST_INFO',
      from: 'reviewer1',
      note: 'invoice was forged',
    });
  });

  it('a write interrupted before its audit/event is completed by the next reader (outbox)', async () => {
    await service.claim(r1, 'high-old');
    events.failNext = 1;
    // The decision itself is committed even though publishing failed.
    const decided = await service.decide(r1, 'high-old', { decision: 'HOLD', note: 'pistol frames' });
    expect(decided.status).toBe('DECIDED');
    expect(events.events).toHaveLength(0);
    expect(store.items.get('high-old')?.outbox?.event?.instruction).toBe('HOLD');
    // The next reader flushes it: audit complete, event published, outbox gone.
    const view = await service.show(r2, 'high-old', origin);
    expect(view.audit.map((e) => e.action)).toEqual(['CLAIM', 'DECIDE']);
    expect(events.events.map((e) => e.instruction)).toEqual(['HOLD']);
    expect(store.items.get('high-old')?.outbox).toBeUndefined();
  });

  it('a transition never overwrites an unflushed outbox: it refuses until the trail can be written', async () => {
    await service.claim(r1, 'high-old');
    store.failAuditWrites = 2; // the release's own flush fails, then the next transition's first try
    await service.release(r1, 'high-old', {});
    await expect(service.claim(r2, 'high-old')).rejects.toThrow('audit write failed');
    expect(store.items.get('high-old')?.status).toBe('PENDING');
    await service.claim(r2, 'high-old');
    expect((await store.audit('high-old')).map((e) => `${e.action}:${e.actor}`)).toEqual([
      'CLAIM:reviewer1',
      'RELEASE:reviewer1',
      'CLAIM:reviewer2',
    ]);
  });

  it('show: consignment, flags with evidence, related consignments with their review status, document link', async () => {
    const base = {
      kind: 'parcel' as const,
      hawb: null,
      origin: 'MEX',
      destination: 'LAX',
      pieces: 1,
      weightKg: 2,
      description: 'steel parts',
      hsCodes: ['930590'],
      shipper: null,
      declaredValue: null,
      specialHandling: [],
      documentId: 'doc-1',
      carrierId: 'DEMO',
      ruleSetVersion: 't',
      review: true,
      storedAt: new Date(T0).toISOString(),
    };
    const party = (name: string) => ({ name, address: null, city: null, postcode: null, countryCode: null });
    const flags = [
      {
        category: 'firearms' as const,
        rule: 'hs-chapter-93',
        score: 80,
        evidence: { field: 'hsCodes', text: '930590' },
      },
    ];
    store.consignments.set('high-old', {
      ...base,
      id: 'high-old',
      awb: '176-12345675',
      parcelId: 'P1',
      consignee: party('Ann'),
      flags,
      riskScore: 90,
      source: { line: 2 },
    });
    store.consignments.set('sib', {
      ...base,
      id: 'sib',
      awb: '176-12345675',
      parcelId: 'P2',
      consignee: party('Bob'),
      flags: [],
      riskScore: 0,
      source: { line: 3 },
    });
    store.consignments.set('high-new', {
      ...base,
      id: 'high-new',
      awb: null,
      parcelId: 'P3',
      consignee: party('Ann'),
      flags,
      riskScore: 90,
      source: { line: 4 },
    });
    store.documents.set('doc-1', {
      documentId: 'doc-1',
      bucket: 'b',
      key: 'incoming/DEMO/doc-1/m.csv',
      fileName: 'm.csv',
    });
    const view = await service.show(r1, 'high-old', origin);
    expect(view.consignment).toMatchObject({ id: 'high-old', description: 'steel parts' });
    expect(view.consignment).not.toHaveProperty('flags');
    expect(view.flags).toEqual(flags);
    expect(view.document).toEqual({
      documentId: 'doc-1',
      fileName: 'm.csv',
      downloadUrl: 'https://example.test/doc-1',
    });
    expect(view.related).toEqual([
      { id: 'sib', ref: 'P2', relation: 'same-master-awb', riskScore: 0, status: null },
      { id: 'high-new', ref: 'P3', relation: 'same-consignee', riskScore: 90, status: 'PENDING' },
    ]);
    expect(await code(service.show(carrier, 'high-old', origin))).toBe('FORBIDDEN');
    expect(await code(service.show(r1, 'nope', origin))).toBe('NOT_FOUND');
    expect(await code(service.show(r1, '../../etc', origin))).toBe('NOT_FOUND');
  });
});

/** An in-memory SQS: messages in order, taken ones invisible until done or put back. */
class MemoryWorkQueue implements WorkQueue {
  messages: { id: string; taken: boolean }[] = [];
  async take(): Promise<WorkMessage | undefined> {
    const m = this.messages.find((x) => !x.taken);
    if (!m) return undefined;
    m.taken = true;
    return {
      consignmentId: m.id,
      done: async () => {
        this.messages = this.messages.filter((x) => x !== m);
      },
      putBack: async () => {
        m.taken = false;
      },
    };
  }
  async offer(item: ReviewItem): Promise<void> {
    this.messages.push({ id: item.id, taken: false });
  }
}

describe('ReviewService with the SQS review queue', () => {
  let store: MemoryReviewStore;
  let queue: MemoryWorkQueue;
  let service: ReviewService;

  beforeEach(() => {
    store = new MemoryReviewStore();
    queue = new MemoryWorkQueue();
    service = new ReviewService({
      store,
      reads: store,
      events: new MemoryEvents(),
      links: { downloadUrl: (doc) => Promise.resolve(`https://example.test/${doc.documentId}`) },
      now: () => new Date(T0),
      queue,
    });
    for (const id of ['first', 'second', 'third'])
      store.items.set(id, seedItem({ id, riskScore: id === 'third' ? 99 : 60 }));
    queue.messages = ['first', 'second', 'third'].map((id) => ({ id, taken: false }));
  });

  it('claims in queue order and removes the message it claimed', async () => {
    expect((await service.claimNext(r1, {})).id).toBe('first');
    expect((await service.claimNext(r2, {})).id).toBe('second');
    expect(queue.messages.map((m) => m.id)).toEqual(['third']);
  });

  it('drops stale messages of items already claimed or decided, and unknown ones', async () => {
    await service.claim(r2, 'first');
    queue.messages.unshift({ id: 'gone', taken: false });
    expect((await service.claimNext(r1, {})).id).toBe('second');
    expect(queue.messages.map((m) => m.id)).toEqual(['third']);
  });

  it('offers released and reopened items again', async () => {
    const item = await service.claimNext(r1, {});
    await service.release(r1, item.id, {});
    expect(queue.messages.map((m) => m.id)).toEqual(['second', 'third', 'first']);
    const next = await service.claimNext(r1, {});
    await service.decide(r1, next.id, { decision: 'CLEAR', note: 'checked' });
    await service.reopen(sup, next.id, { note: 'new intelligence' });
    expect(queue.messages.map((m) => m.id)).toContain(next.id);
  });

  it('falls back to the pending index when the queue is empty (and for a category)', async () => {
    queue.messages = [];
    expect((await service.claimNext(r1, {})).id).toBe('third');
    expect((await service.claimNext(r1, { category: 'firearms' })).status).toBe('IN_REVIEW');
  });
});
