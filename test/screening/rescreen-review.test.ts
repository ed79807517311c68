import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Consignment } from '../../shared/model/consignment.js';
import { ReviewService } from '../../shared/review/service.js';
import type { Identity, ReviewItem } from '../../shared/review/types.js';
import { rescreenStored, type RescreenDeps } from '../../shared/screening/rescreen.js';
import { createScreener, type Screener } from '../../shared/screening/screen.js';
import { parseCslCsv } from '../../shared/screening/watchlist.js';
import { flagCategories, reviewSeed } from '../../shared/store/review-seed.js';
import type { StoredConsignment } from '../../shared/store/types.js';
import { MemoryEvents, MemoryRescreen, MemoryReviewStore } from '../review/memory-store.js';
import { parcel } from './fixtures.js';

/**
 * A watchlist update re-screens stored consignments and brings their review items along: open
 * items follow the new screening, decided items whose consignment gained flags go back for review.
 * The review workflow in memory (the DynamoDB path: rescreen-review.integration.test.ts).
 */

const entries = parseCslCsv(
  readFileSync(new URL('../../config/watchlists/sample-csl.csv', import.meta.url), 'utf8'),
);
const RIGOBERTO = 'sample-0001'; // "QUINTERO BARRAGÁN, Rigoberto": listed by the update
const WUHAN = 'sample-0003'; // "Wuhan Tengfei Pharmatech Co., Ltd.": delisted by the update
/** Screening as ingest did it: the list before the update. */
const before = createScreener({ watchlist: entries.filter((e) => e.id !== RIGOBERTO) });
/** The list after the update. */
const after = createScreener({ watchlist: entries.filter((e) => e.id !== WUHAN) });

const r1: Identity = { username: 'reviewer1', roles: ['reviewer'] };
const T0 = Date.parse('2026-11-02T10:00:00.000Z');
const LISTED = 'Rigoberto Quintero Barragan';
const DELISTED = 'Wuhan Tengfei Pharmatech Co Ltd';
const GUN_PARTS = { hsCodes: ['930591'], description: 'pistol parts' };

function stored(id: string, over: Partial<Consignment> = {}, screener: Screener = before): StoredConsignment {
  const c = parcel({ parcelId: id, ...over });
  const r = screener.screen(c);
  return {
    ...c,
    id,
    documentId: 'DOC1',
    carrierId: 'CARRIER-A',
    flags: r.flags,
    riskScore: r.riskScore,
    ruleSetVersion: r.ruleSetVersion,
    review: r.review,
    storedAt: '2026-11-01T00:00:00.000Z',
  };
}

const cats = (c: StoredConsignment) => flagCategories(c.flags);

/** The review item ingest creates for a flagged consignment. */
function itemOf(c: StoredConsignment, over: Partial<ReviewItem> = {}): ReviewItem {
  const { consignmentId, ...seed } = reviewSeed(c);
  return {
    id: consignmentId,
    ...seed,
    status: 'PENDING',
    createdAt: '2026-11-01T00:00:00.000Z',
    version: 0,
    ...over,
  };
}

const held = (minutes: number) => ({
  status: 'IN_REVIEW' as const,
  claimedBy: 'reviewer1',
  claimedAt: new Date(T0 - 60_000).toISOString(),
  leaseUntil: new Date(T0 + minutes * 60_000).toISOString(),
  version: 1,
});
const decided = (decision: 'CLEAR' | 'HOLD') => ({
  status: 'DECIDED' as const,
  decision,
  decidedBy: 'reviewer2',
  decidedAt: '2026-11-01T12:00:00.000Z',
  note: 'checked the invoice',
  version: 2,
});

describe('re-screening brings review items along (in memory)', () => {
  let store: MemoryReviewStore;
  let events: MemoryEvents;
  let intake: MemoryRescreen;
  let service: ReviewService;
  let deps: RescreenDeps;

  const put = (c: StoredConsignment, item?: ReviewItem) => {
    store.consignments.set(c.id, c);
    if (item) {
      store.items.set(item.id, item);
      intake.queued.add(item.id);
    }
  };
  const audit = async (id: string) =>
    (await store.audit(id)).map(({ actor, action, decision, from, note }) => ({
      actor,
      action,
      ...(decision ? { decision } : {}),
      ...(from ? { from } : {}),
      note,
    }));

  beforeEach(() => {
    store = new MemoryReviewStore();
    events = new MemoryEvents();
    intake = new MemoryRescreen(store);
    service = new ReviewService({
      store,
      reads: store,
      events,
      links: { downloadUrl: () => Promise.resolve('https://example.test/doc') },
      queue: intake.queue,
      now: () => new Date(T0),
    });
    deps = {
      source: intake,
      screener: after,
      store: intake,
      queue: intake.queue,
      reviews: service,
      now: () => new Date(T0),
    };
  });

  it('open items take the new categories and score, with a RESCREEN audit entry; a claim stays', async () => {
    const pending = stored('PENDING-1', {
      ...GUN_PARTS,
      consignee: { ...parcel().consignee!, name: LISTED },
    });
    const inReview = stored('IN-REVIEW-1', { shipper: { ...parcel().shipper!, name: DELISTED } });
    expect(cats(pending)).toEqual(['firearms']);
    expect(cats(inReview)).toEqual(['denied-party']);
    put(pending, itemOf(pending));
    put(inReview, itemOf(inReview, held(10)));

    const summary = await rescreenStored(deps);
    expect(summary).toMatchObject({ scanned: 2, changed: 2, updated: 2, reopened: 0, queued: 0, cleared: 1 });

    const fresh = after.screen(pending);
    expect(store.items.get('PENDING-1')).toMatchObject({
      status: 'PENDING',
      categories: expect.arrayContaining(['firearms', 'denied-party']),
      riskScore: fresh.riskScore,
      version: 1,
    });
    expect(fresh.riskScore).toBeGreaterThan(pending.riskScore);
    // The score 95 denied-party item of a now unflagged consignment says so, and is still held.
    expect(store.items.get('IN-REVIEW-1')).toMatchObject({
      status: 'IN_REVIEW',
      claimedBy: 'reviewer1',
      categories: [],
      riskScore: 0,
      version: 2,
    });
    expect(store.consignments.get('IN-REVIEW-1')).toMatchObject({ flags: [], riskScore: 0, review: false });
    expect(await audit('PENDING-1')).toEqual([
      {
        actor: 'system',
        action: 'RESCREEN',
        note: expect.stringMatching(
          /^re-screen with default@1\.4\.0 and csl-\S+: categories firearms → (firearms, denied-party|denied-party, firearms); risk score \d+ → \d+; new flags: denied-party \(denied-party-exact, consignee\.name\)$/,
        ),
      },
    ]);
    expect((await audit('IN-REVIEW-1'))[0]?.note).toMatch(
      /categories denied-party → none; risk score \d+ → 0$/,
    );

    // Listed by category as the reviewers look for it.
    const dp = await service.list(r1, { category: 'denied-party' });
    expect(dp.items.map((i) => i.id)).toEqual(['PENDING-1']);
    // Nothing went to carriers: no instruction event, and no message for open items.
    expect(events.events).toEqual([]);
    expect(intake.messages).toEqual([]);

    // A second run finds nothing to do.
    expect(await rescreenStored(deps)).toMatchObject({ changed: 0, updated: 0, reopened: 0, queued: 0 });
    expect(store.items.get('PENDING-1')?.version).toBe(1);
  });

  it('an item whose lease ran out is pending again, with LEASE_EXPIRED before RESCREEN', async () => {
    const c = stored('EXPIRED-1', { shipper: { ...parcel().shipper!, name: DELISTED } });
    put(c, itemOf(c, held(-5)));
    expect(await rescreenStored(deps)).toMatchObject({ updated: 1 });
    const item = store.items.get('EXPIRED-1')!;
    expect(item).toMatchObject({ status: 'PENDING', categories: [], riskScore: 0, version: 2 });
    expect(item.claimedBy).toBeUndefined();
    expect((await audit('EXPIRED-1')).map((e) => `${e.actor} ${e.action}`)).toEqual([
      'system LEASE_EXPIRED',
      'system RESCREEN',
    ]);
  });

  it('a decided item whose consignment gained a flag is reopened and queued; one without new flags stays decided', async () => {
    const gained = stored('DECIDED-NEW', { ...GUN_PARTS, shipper: { ...parcel().shipper!, name: LISTED } });
    const same = stored('DECIDED-SAME', GUN_PARTS);
    const lost = stored('DECIDED-LOST', {
      ...GUN_PARTS,
      consignee: { ...parcel().consignee!, name: DELISTED },
    });
    put(gained, itemOf(gained, decided('CLEAR')));
    put(same, itemOf(same, decided('HOLD')));
    put(lost, itemOf(lost, decided('HOLD')));

    const summary = await rescreenStored(deps);
    expect(summary).toMatchObject({ scanned: 3, changed: 2, reopened: 1, updated: 0, queued: 0 });

    const reopened = store.items.get('DECIDED-NEW')!;
    expect(reopened).toMatchObject({
      status: 'PENDING',
      previousDecision: 'CLEAR',
      categories: expect.arrayContaining(['firearms', 'denied-party']),
      riskScore: after.screen(gained).riskScore,
      version: 3,
    });
    expect(reopened.decision).toBeUndefined();
    expect(reopened.decidedBy).toBeUndefined();
    expect(await audit('DECIDED-NEW')).toEqual([
      {
        actor: 'system',
        action: 'REOPEN',
        decision: 'CLEAR',
        from: 'reviewer2',
        note: expect.stringMatching(
          /^re-screen with default@1\.4\.0 and csl-\S+ found new flags: denied-party \(denied-party-exact, shipper\.name\); categories firearms → /,
        ),
      },
    ]);
    // Offered to the review queue again, like a supervisor's reopen.
    expect(intake.messages).toEqual(['DECIDED-NEW']);
    // Decided without new evidence: as they were (a lost flag does not reopen).
    for (const id of ['DECIDED-SAME', 'DECIDED-LOST']) {
      expect(store.items.get(id)).toMatchObject({ status: 'DECIDED', decision: 'HOLD', version: 2 });
      expect(await store.audit(id)).toEqual([]);
    }
    expect(cats(store.consignments.get('DECIDED-LOST')!)).toEqual(['firearms']);

    // The next decision supersedes the reopened one; the filer's event names no screening detail.
    await service.claim(r1, 'DECIDED-NEW');
    await service.decide(r1, 'DECIDED-NEW', { decision: 'HOLD', note: 'shipper now listed' });
    expect(events.events).toHaveLength(1);
    expect(events.events[0]).toMatchObject({ instruction: 'HOLD', supersedes: 'CLEARED' });
    expect(JSON.stringify(events.events[0])).not.toMatch(
      /denied|firearms|riskScore|categories|csl-|reviewer/,
    );

    // Nothing new since: nothing reopens again.
    expect(await rescreenStored(deps)).toMatchObject({ changed: 0, reopened: 0, updated: 0 });
    expect(store.items.get('DECIDED-NEW')).toMatchObject({ status: 'DECIDED', decision: 'HOLD' });
  });

  it('newly flagged consignments get a review item and a message; carriers stay apart', async () => {
    const a = stored('NEW-A', { consignee: { ...parcel().consignee!, name: LISTED } });
    const b = {
      ...stored('NEW-B', { consignee: { ...parcel().consignee!, name: LISTED } }),
      carrierId: 'CARRIER-B',
    };
    const clean = stored('CLEAN');
    put(a);
    put(b);
    put(clean);
    expect(await rescreenStored(deps)).toMatchObject({ newlyFlagged: 2, queued: 2, updated: 0, reopened: 0 });
    expect(store.items.get('NEW-A')).toMatchObject({ carrierId: 'CARRIER-A', categories: ['denied-party'] });
    expect(store.items.get('NEW-B')).toMatchObject({ carrierId: 'CARRIER-B', categories: ['denied-party'] });
    expect(store.items.has('CLEAN')).toBe(false);
    expect(intake.messages).toEqual(['NEW-A', 'NEW-B']);
  });

  it('a run stopped after the review write still reopens: the next run finds the new flags again', async () => {
    const gained = stored('DECIDED-NEW', { ...GUN_PARTS, shipper: { ...parcel().shipper!, name: LISTED } });
    put(gained, itemOf(gained, decided('CLEAR')));
    intake.failUpdates = 1;
    await expect(rescreenStored(deps)).rejects.toThrow(/simulated/);
    expect(cats(store.consignments.get('DECIDED-NEW')!)).toEqual(['firearms']);
    expect(await rescreenStored(deps)).toMatchObject({ changed: 1 });
    expect(store.items.get('DECIDED-NEW')).toMatchObject({ status: 'PENDING', previousDecision: 'CLEAR' });
    expect(cats(store.consignments.get('DECIDED-NEW')!)).toContain('denied-party');
  });

  it('an open item left behind by an earlier run is brought in line with its consignment', async () => {
    // What the run without a list left: flags gone from the consignment, the item still at 95.
    const c = stored('STALE-1', { shipper: { ...parcel().shipper!, name: 'Acme Widgets' } }, after);
    put(c, itemOf(c, { categories: ['denied-party'], riskScore: 95 }));
    expect(await rescreenStored(deps)).toMatchObject({ changed: 0, updated: 1 });
    expect(store.items.get('STALE-1')).toMatchObject({ categories: [], riskScore: 0, status: 'PENDING' });
  });

  it('refuses to run without a denied-party list, and changes nothing', async () => {
    const c = stored('IN-REVIEW-1', { shipper: { ...parcel().shipper!, name: DELISTED } });
    put(c, itemOf(c));
    await expect(rescreenStored({ ...deps, screener: createScreener() })).rejects.toThrow(
      /needs the denied-party list/,
    );
    expect(cats(store.consignments.get('IN-REVIEW-1')!)).toEqual(['denied-party']);
    expect(store.items.get('IN-REVIEW-1')).toMatchObject({ categories: ['denied-party'], version: 0 });
    // A rule-set-only re-screen, where no list is in use anywhere, must say so.
    expect(
      await rescreenStored({ ...deps, screener: createScreener(), withoutWatchlist: true }),
    ).toMatchObject({
      changed: 1,
      updated: 1,
    });
  });
});
