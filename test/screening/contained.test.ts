import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropContained, type TermHit } from '../../shared/screening/contained.js';

/** The rule as first written: every hit against every other, pairwise. */
function pairwise(
  byRule: Map<number, TermHit[]>,
  categoryOf: (rule: number) => string,
): Map<number, TermHit[]> {
  const all = [...byRule].flatMap(([rule, hits]) => hits.map((h) => ({ rule, ...h })));
  const out = new Map<number, TermHit[]>();
  for (const [rule, hits] of byRule)
    out.set(
      rule,
      hits.filter(
        (r) =>
          !all.some(
            (o) =>
              o.rule !== rule &&
              categoryOf(o.rule) === categoryOf(rule) &&
              o.start <= r.start &&
              o.end >= r.end &&
              o.end - o.start > r.end - r.start,
          ),
      ),
    );
  return out;
}

const hit = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 8 }))
  .map(([start, length]) => ({ start, end: start + length }));

describe('hits inside a longer hit of another rule', () => {
  it('are dropped exactly as comparing every pair of hits would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.array(hit, { maxLength: 12 })), {
          maxLength: 5,
        }),
        fc.array(fc.constantFrom('firearms', 'precursors'), { minLength: 5, maxLength: 5 }),
        (rules, categories) => {
          const byRule = new Map<number, TermHit[]>();
          for (const [rule, hits] of rules) byRule.set(rule, [...(byRule.get(rule) ?? []), ...hits]);
          const categoryOf = (rule: number) => categories[rule]!;
          const expected = pairwise(byRule, categoryOf);
          dropContained(byRule, categoryOf);
          expect(byRule).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps hits of one span in two rules, and drops "glock" inside "glock switch"', () => {
    const byRule = new Map<number, TermHit[]>([
      [0, [{ start: 0, end: 5 }]], // "glock"
      [1, [{ start: 0, end: 12 }]], // "glock switch"
      [2, [{ start: 20, end: 24 }]],
      [3, [{ start: 20, end: 24 }]],
    ]);
    dropContained(byRule, () => 'firearms');
    expect([...byRule.values()].map((h) => h.length)).toEqual([0, 1, 1, 1]);
  });
});
