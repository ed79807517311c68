/** Where a term matched in a description: text[start, end). */
export interface TermHit {
  start: number;
  end: number;
}

/**
 * Drops from each rule's hits those inside a longer hit of another rule of the same category:
 * they say nothing new ("Glock" in "Glock switch"). Every hit counts as a container, dropped or
 * not; hits of the same span in two rules both stay.
 *
 * One sort and one sweep per category, O(h log h) for h hits, because the description is the
 * sender's text: a megabyte of "ammunition cartridges" holds ~90,000 hits, and comparing them
 * pairwise took half a minute for that one record.
 */
export function dropContained(byRule: Map<number, TermHit[]>, categoryOf: (rule: number) => string): void {
  const byCategory = new Map<string, Entry[]>();
  const entries = new Map<number, Entry[]>();
  for (const [rule, hits] of byRule) {
    const category = categoryOf(rule);
    let list = byCategory.get(category);
    if (!list) byCategory.set(category, (list = []));
    const own = hits.map((h) => ({ rule, start: h.start, end: h.end, drop: false }));
    entries.set(rule, own);
    for (const e of own) list.push(e);
  }
  for (const list of byCategory.values()) sweep(list);
  for (const [rule, hits] of byRule) {
    const own = entries.get(rule)!;
    if (own.some((e) => e.drop))
      byRule.set(
        rule,
        hits.filter((_, i) => !own[i]!.drop),
      );
  }
}

interface Entry {
  rule: number;
  start: number;
  end: number;
  drop: boolean;
}

/**
 * Marks the hits of one category that another rule's longer hit contains: one starting before
 * and ending no sooner, or starting at the same place and ending later.
 */
function sweep(list: Entry[]): void {
  list.sort((a, b) => a.start - b.start || b.end - a.end);
  const earlier = new FarthestEnds(); // hits that start before the current start
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j < list.length && list[j]!.start === list[i]!.start) j++;
    // list[i .. j): one start, ends descending; `longer` holds those ending after the current end.
    const longer = new FarthestEnds();
    for (let k = i; k < j;) {
      let m = k;
      while (m < j && list[m]!.end === list[k]!.end) m++;
      for (let q = k; q < m; q++) {
        const h = list[q]!;
        if (earlier.otherThan(h.rule) >= h.end || longer.otherThan(h.rule) >= h.end) h.drop = true;
      }
      for (let q = k; q < m; q++) longer.add(list[q]!.rule, list[q]!.end);
      k = m;
    }
    for (let k = i; k < j; k++) earlier.add(list[k]!.rule, list[k]!.end);
    i = j;
  }
}

/** The farthest end seen, and the farthest of any other rule: enough to answer "of a rule other than r". */
class FarthestEnds {
  private end1 = -1;
  private rule1 = -1;
  private end2 = -1;

  add(rule: number, end: number): void {
    if (rule === this.rule1) {
      if (end > this.end1) this.end1 = end;
    } else if (end > this.end1) {
      this.end2 = this.end1;
      this.end1 = end;
      this.rule1 = rule;
    } else if (end > this.end2) this.end2 = end;
  }

  /** The farthest end of a hit of a rule other than `rule`; -1 when there is none. */
  otherThan(rule: number): number {
    return rule === this.rule1 ? this.end2 : this.end1;
  }
}
