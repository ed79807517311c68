import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { aggregateKey, DynamoAggregateStore } from '../../shared/aws/aggregate-store.js';
import {
  applyAggregateRules,
  consigneeKey,
  InMemoryAggregateStore,
  windowStart,
  type AggregateStore,
} from '../../shared/screening/aggregates.js';
import { createScreener } from '../../shared/screening/screen.js';
import type { Consignment } from '../../shared/model/consignment.js';
import type { Screened } from '../../shared/screening/types.js';
import { parcel } from './fixtures.js';
import { startEmulators, TABLE, type Emulators } from './emulators.js';

const screener = createScreener();
const now = new Date('2026-11-01T10:30:00Z');
const buyer = {
  name: 'María José Pérez',
  address: 'Av. Reforma 222',
  city: 'Ciudad de México',
  postcode: '06600',
  countryCode: 'MX',
};
const screened = (n: number, over: Partial<Consignment> = {}): (Consignment & Screened)[] =>
  Array.from({ length: n }, (_, i) => {
    const c = parcel({ parcelId: `PX${i}`, consignee: buyer, ...over });
    return { ...c, ...screener.screen(c) };
  });

/** The store contract, run against each adapter. */
function contract(name: string, make: () => AggregateStore) {
  describe(`${name}: AggregateStore`, () => {
    it('adds up counts per key and window', async () => {
      const store = make();
      expect(await store.increment('CNEE#A', 'w1', 2)).toBe(2);
      expect(await store.increment('CNEE#A', 'w1', 3)).toBe(5);
      expect(await store.increment('CNEE#A', 'w2', 1)).toBe(1);
      expect(await store.increment('CNEE#B', 'w1', 4)).toBe(4);
    });

    it('counts a token once: a re-delivered batch does not count twice', async () => {
      const store = make();
      expect(await store.increment('CNEE#T', 'w1', 3, { token: 'doc1#0' })).toBe(3);
      expect(await store.increment('CNEE#T', 'w1', 3, { token: 'doc1#0' })).toBe(3);
      expect(await store.increment('CNEE#T', 'w1', 2, { token: 'doc1#1' })).toBe(5);
      expect(await store.increment('CNEE#T', 'w1', 1, { token: 'doc2#0' })).toBe(6);
    });

    it('is atomic under concurrent increments', async () => {
      const store = make();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.increment('CNEE#C', 'w1', 1, { token: `t${i}` })),
      );
      expect(await store.increment('CNEE#C', 'w1', 0, { token: 'final' })).toBe(20);
    });
  });
}

contract('in memory', () => new InMemoryAggregateStore());

describe('DynamoDB adapter on dynalite', () => {
  let emu: Emulators;
  beforeAll(async () => {
    emu = await startEmulators();
  });
  afterAll(async () => {
    await emu?.close();
  });
  let n = 0;
  // Each contract case gets fresh keys by prefixing them.
  const prefixed = (): AggregateStore => {
    const p = `t${n++}-`;
    const store = new DynamoAggregateStore(emu.db, TABLE);
    return { increment: (key, window, count, options) => store.increment(p + key, window, count, options) };
  };
  contract('dynamodb', prefixed);

  it('keeps the counter in the single table under AGG# with a TTL', async () => {
    const store = new DynamoAggregateStore(emu.db, TABLE);
    await store.increment('CNEE#X', '2026-11-01T00:00Z', 2, {
      token: 'd#0',
      expiresAt: new Date('2026-11-03T00:00:00Z'),
    });
    const item = (
      await emu.db.send(
        new GetCommand({ TableName: TABLE, Key: aggregateKey('CNEE#X', '2026-11-01T00:00Z') }),
      )
    ).Item!;
    expect(item).toMatchObject({
      pk: 'AGG#CNEE#X',
      sk: 'WIN#2026-11-01T00:00Z',
      count: 2,
      expiresAt: 1793664000,
    });
    expect([...(item.tokens as Set<string>)]).toEqual(['d#0']);
  });

  it('counts on when the counter has remembered too many batches for one item', async () => {
    // ~9,000 batches of one window already remembered: adding one more token passes 400 KB.
    const key = aggregateKey('CNEE#FULL', '2026-11-01T00:00Z');
    const tokens = new Set(Array.from({ length: 9000 }, (_, i) => `doc-${String(i).padStart(36, '0')}#0`));
    await emu.db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: key,
        UpdateExpression: 'SET #n = :n, tokens = :t',
        ExpressionAttributeNames: { '#n': 'count' },
        ExpressionAttributeValues: { ':n': 9000, ':t': tokens },
      }),
    );
    const store = new DynamoAggregateStore(emu.db, TABLE);
    const token = `x-${'y'.repeat(60_000)}`;
    expect(await store.increment('CNEE#FULL', '2026-11-01T00:00Z', 3, { token })).toBe(9003);
    // A batch remembered before is still counted once.
    expect(await store.increment('CNEE#FULL', '2026-11-01T00:00Z', 3, { token: [...tokens][0]! })).toBe(9003);
  });

  it('splitting across two documents is flagged from the batch that crosses the maximum', async () => {
    const aggregates = new DynamoAggregateStore(emu.db, TABLE);
    const first = screened(4);
    expect(await applyAggregateRules(first, { screener, aggregates, token: 'docA#0', now })).toBe(0);
    expect(first.every((c) => c.flags.length === 0)).toBe(true);
    const second = screened(3);
    expect(await applyAggregateRules(second, { screener, aggregates, token: 'docB#0', now })).toBe(3);
    for (const c of second) {
      expect(c.review).toBe(true);
      expect(c.flags[0]).toMatchObject({
        category: 'misdeclaration',
        rule: 'consignee-splitting',
        score: 55,
        evidence: { field: 'consignee.name' },
      });
      expect(c.flags[0]!.evidence.text).toBe(
        '7 parcels to "María José Pérez" (06600) in the 24 h window from 2026-11-01T00:00Z (maximum 5)',
      );
    }
    // The same batch delivered again is not counted again.
    const again = screened(3);
    await applyAggregateRules(again, { screener, aggregates, token: 'docB#0', now });
    expect(again[0]!.flags[0]!.evidence.text).toMatch(/^7 parcels/);
  });
});

describe('splitting rule', () => {
  it('groups by folded name and postcode, ignores masters, and uses fixed windows', async () => {
    expect(consigneeKey({ consignee: buyer })).toBe(
      consigneeKey({ consignee: { ...buyer, name: 'MARIA JOSE PEREZ' } }),
    );
    expect(consigneeKey({ consignee: buyer })).not.toBe(
      consigneeKey({ consignee: { ...buyer, postcode: '44100' } }),
    );
    expect(windowStart(now, 24)).toBe('2026-11-01T00:00Z');
    expect(windowStart(now, 6)).toBe('2026-11-01T06:00Z');
    const masters = screened(8, { kind: 'master', parcelId: null });
    expect(
      await applyAggregateRules(masters, {
        screener,
        aggregates: new InMemoryAggregateStore(),
        token: 't',
        now,
      }),
    ).toBe(0);
    const five = screened(5);
    expect(
      await applyAggregateRules(five, {
        screener,
        aggregates: new InMemoryAggregateStore(),
        token: 't',
        now,
      }),
    ).toBe(0);
  });
});
