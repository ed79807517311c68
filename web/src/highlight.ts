/**
 * Evidence highlighting, kept free of the DOM so it can be tested in plain Node.
 *
 * Each flag carries `evidence: { field, text }`. A displayed value (its path, e.g. `description`,
 * `consignee.name`, `hsCodes`) is marked where the evidence text occurs in it, compared without
 * case, accents or punctuation (so `ACME TRADING LLC` from a watchlist marks `Acme Tráding L.L.C.` as
 * written). When a flag's text is found nowhere (an approximate name match), the
 * whole value of the flag's own field is marked instead, so the reviewer still sees where to look.
 */

export interface EvidenceRef {
  field: string;
  text: string;
}

export interface DisplayValue {
  path: string;
  text: string;
}

/** A run of text and the indexes of the flags whose evidence covers it (empty: plain text). */
export interface Segment {
  text: string;
  flags: number[];
}

/** How an evidence field relates to a displayed path: the same field, a parent of it, or neither. */
export function fieldRelation(evidenceField: string, path: string): 'same' | 'parent' | null {
  const f = evidenceField
    .replace(/\[\d+\]/g, '')
    .replace(/\.\d+(?=\.|$)/g, '')
    .toLowerCase();
  const p = path.toLowerCase();
  if (f === p) return 'same';
  if (p.startsWith(`${f}.`)) return 'parent';
  // A rule that names "party"/"parties" speaks of every party's name.
  if ((f === 'party' || f === 'parties') && p.endsWith('.name')) return 'parent';
  return null;
}

interface Folded {
  text: string;
  /** For each folded code unit, the [start, end) of the original characters it came from. */
  map: Array<[number, number]>;
}

const ALNUM = /[\p{L}\p{N}]/u;
const JOINERS = new Set(['.', "'", '’']);

/** Lower case, no accents, no dots or apostrophes, every run of other characters a single space; keeps a map back. */
export function fold(value: string): Folded {
  let text = '';
  const map: Array<[number, number]> = [];
  let i = 0;
  for (const ch of value) {
    const start = i;
    i += ch.length;
    const f = ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    // Dots and apostrophes vanish, so "L.L.C." meets "LLC" and "O'Brien" meets "OBRIEN".
    if (JOINERS.has(ch)) continue;
    if (f.length > 0 && ALNUM.test(f)) {
      for (const unit of f) {
        for (let k = 0; k < unit.length; k++) {
          text += unit[k];
          map.push([start, i]);
        }
      }
    } else if (text.length > 0 && !text.endsWith(' ')) {
      text += ' ';
      map.push([start, i]);
    }
  }
  if (text.endsWith(' ')) {
    text = text.slice(0, -1);
    map.pop();
  }
  return { text, map };
}

function findRanges(value: string, needle: string): Array<[number, number]> {
  const hay = fold(value);
  const n = fold(needle).text;
  if (n.length < 2) return [];
  const out: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const at = hay.text.indexOf(n, from);
    if (at < 0) break;
    const first = hay.map[at];
    const last = hay.map[at + n.length - 1];
    if (first && last) out.push([first[0], last[1]]);
    from = at + n.length;
  }
  return out;
}

function segmentsOf(text: string, ranges: Array<{ from: number; to: number; flag: number }>): Segment[] {
  if (ranges.length === 0) return text ? [{ text, flags: [] }] : [];
  const cuts = new Set<number>([0, text.length]);
  for (const r of ranges) {
    cuts.add(r.from);
    cuts.add(r.to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const from = points[k] as number;
    const to = points[k + 1] as number;
    if (to <= from) continue;
    const flags = [...new Set(ranges.filter((r) => r.from <= from && r.to >= to).map((r) => r.flag))].sort(
      (a, b) => a - b,
    );
    const prev = out[out.length - 1];
    if (prev && prev.flags.join() === flags.join()) prev.text += text.slice(from, to);
    else out.push({ text: text.slice(from, to), flags });
  }
  return out;
}

/**
 * Splits every displayed value into plain and marked segments for the given flags' evidence.
 * The result has one entry per value, in order.
 */
export function planHighlights(values: DisplayValue[], evidence: EvidenceRef[]): Segment[][] {
  const ranges: Array<Array<{ from: number; to: number; flag: number }>> = values.map(() => []);
  evidence.forEach((ev, flag) => {
    let found = false;
    values.forEach((v, vi) => {
      if (!ev.text || fieldRelation(ev.field, v.path) === null) return;
      for (const [from, to] of findRanges(v.text, ev.text)) {
        ranges[vi]?.push({ from, to, flag });
        found = true;
      }
    });
    if (found) return;
    values.forEach((v, vi) => {
      if (v.text && fieldRelation(ev.field, v.path) === 'same')
        ranges[vi]?.push({ from: 0, to: v.text.length, flag });
    });
  });
  return values.map((v, vi) => segmentsOf(v.text, ranges[vi] ?? []));
}
