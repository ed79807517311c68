import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memo } from '../../shared/validation/memo.js';

describe('memo', () => {
  it('answers as the function does, whatever the order of keys, and calls it once per key while there is room', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('CN', 'MX', 'US', '', 'a longer key, sliced'), { maxLength: 60 }),
        (keys) => {
          const calls = new Map<string, number>();
          const f = memo((k: string) => {
            calls.set(k, (calls.get(k) ?? 0) + 1);
            return k.length > 0 ? `${k}!` : null;
          });
          for (const k of keys) expect(f(k)).toBe(k.length > 0 ? `${k}!` : null);
          for (const n of calls.values()) expect(n).toBe(1);
        },
      ),
    );
  });

  it('answers as the function does for many keys sharing slots of its direct-mapped table', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 2000 }),
        fc.integer({ min: 1, max: 50 }),
        (pool, picks, max) => {
          const f = memo((k: string) => `${k.length}:${k}`, max);
          for (const i of picks) {
            const k = pool[i % pool.length]!;
            expect(f(k)).toBe(`${k.length}:${k}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stays right when its cache fills and starts over', () => {
    const f = memo((k: string) => k.toUpperCase(), 3);
    const keys = ['a', 'b', 'c', 'd', 'e', 'a', 'b', 'e', 'a', 'f', 'b'];
    expect(keys.map(f)).toEqual(keys.map((k) => k.toUpperCase()));
  });
});
