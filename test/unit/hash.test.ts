import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintSet, hashParts } from '../../shared/intake/hash.js';

/** One hash added on its own: whether it was new. */
function addOne(set: FingerprintSet, key: [number, number]): boolean {
  const fresh: boolean[] = [];
  set.addAll([key], fresh);
  return fresh[0]!;
}

describe('duplicate detection set', () => {
  it('answers like a Set of the identity strings, through growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 6000 }),
        (ids) => {
          const set = new FingerprintSet();
          const reference = new Set<string>();
          for (const [a, b] of ids) {
            const key = JSON.stringify([a, b]);
            expect(addOne(set, hashParts([a, b]))).toBe(!reference.has(key));
            reference.add(key);
          }
          expect(set.size).toBe(reference.size);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('adds a batch as adding its hashes one by one would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 700 }), { maxLength: 12 }),
        (batches) => {
          const batched = new FingerprintSet();
          const single = new FingerprintSet();
          for (const batch of batches) {
            const keys = batch.map((n) => hashParts([String(n)]));
            const fresh: boolean[] = [];
            batched.addAll(keys, fresh);
            expect(fresh).toEqual(keys.map((k) => addOne(single, k)));
          }
          expect(batched.size).toBe(single.size);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fingerprints with all 64 bits, and differently under different keys', () => {
    // The high half was cut to 21 bits once (a 53-bit number): keep all 32.
    const highs = Array.from({ length: 200 }, (_, i) => hashParts([`P${i}`])[1]);
    expect(Math.max(...highs)).toBeGreaterThanOrEqual(2 ** 21);
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 6 }),
        fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        (parts, [a1, a2], [b1, b2]) => {
          fc.pre(a1 !== b1 || a2 !== b2);
          expect(hashParts(parts, a1, a2)).not.toEqual(hashParts(parts, b1, b2));
          expect(hashParts(parts, a1, a2)).toEqual(hashParts([...parts], a1, a2));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps part boundaries apart', () => {
    expect(hashParts(['ab', 'c'])).not.toEqual(hashParts(['a', 'bc']));
    expect(hashParts(['P1', null])).toEqual(hashParts(['P1', '']));
  });
});
