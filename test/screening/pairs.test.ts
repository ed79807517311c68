import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenPairIndex } from '../../shared/screening/pairs.js';

/** Names as lists of token ids → the flat layout the index is built from. */
function flat(names: number[][]): { tokens: Int32Array; starts: Int32Array } {
  const starts = [0];
  for (const n of names) starts.push(starts.at(-1)! + n.length);
  return { tokens: Int32Array.from(names.flat()), starts: Int32Array.from(starts) };
}

describe('token pair index', () => {
  it('lists, ascending and once, the names holding a token of each set', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(30), { maxLength: 8 }), { maxLength: 60 }),
        fc.uniqueArray(fc.nat(32), { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(fc.nat(32), { minLength: 1, maxLength: 4 }),
        (names, as, bs) => {
          const { tokens, starts } = flat(names);
          const index = new TokenPairIndex(tokens, starts);
          const stamp = new Uint32Array(names.length);
          // Twice with fresh generations and both outputs: scratch reuse must not leak.
          for (const [gen, into] of [
            [1, 0],
            [2, 1],
          ] as const) {
            const n = index.names(Int32Array.from(as), Int32Array.from(bs), stamp, gen, into);
            const expected = names.flatMap((t, id) =>
              as.some((a) => t.includes(a)) && bs.some((b) => t.includes(b)) ? [id] : [],
            );
            expect([...index.list.subarray(index.offset, index.offset + n)]).toEqual(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds a token paired with itself (two party words for one listed word)', () => {
    const { tokens, starts } = flat([[4, 4, 7], [7], [4]]);
    const index = new TokenPairIndex(tokens, starts);
    const n = index.names(Int32Array.of(4), Int32Array.of(4), new Uint32Array(3), 1, 0);
    expect([...index.list.subarray(index.offset, index.offset + n)]).toEqual([0, 2]);
  });

  it('refuses a list whose names would make more token pairs than allowed, with a reason', () => {
    const { tokens, starts } = flat([[1, 2, 3], Array.from({ length: 30 }, (_, i) => i)]);
    expect(() => new TokenPairIndex(tokens, starts, 100)).toThrow(
      /more than 100 token pairs \(name 2 of 2\)/,
    );
    expect(() => new TokenPairIndex(tokens, starts, 471)).not.toThrow();
  });
});
