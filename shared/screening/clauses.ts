import { foldText } from './text.js';

/**
 * The clauses of one item of a description, for context words that name goods of their own
 * (`unlessGoods`: a t-shirt, a mug, a cleaning kit). Such a word clears a hit that describes its
 * goods ("T-shirt with rifle print", "rifle cleaning kit", "Playera con estampado de pistola"),
 * but not a hit that comes before it in another clause: there it names other goods sent with
 * the real thing ("Glock 19 pistol with cleaning kit", "AR-15 rifle, free t-shirt included").
 *
 * A clause starts after a comma, "+", a parenthesis or a colon, and at a word that adds goods
 * ("with", "w/", "con", "plus", "free", "gratis", "incl.", "incluye" …). "And", "y", "&" and "/"
 * do not start one: they join the words of one name ("pistol and rifle cleaning kit").
 */
export class Clauses {
  /** Where each clause after the first starts, ascending. */
  private readonly starts: number[] = [];

  constructor(private readonly text: string) {
    const n = text.length;
    for (let i = 0; i < n;) {
      const c = text.charCodeAt(i);
      if (BREAK_CHARS.has(c)) {
        this.starts.push(i);
        i++;
        continue;
      }
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      const start = i;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      const word = foldText(text.slice(start, i));
      // "w/" is "with"; a lone "w" elsewhere ("20 W") is a unit.
      if (BREAK_WORDS.has(word) || (word === 'w' && text.charCodeAt(i) === SLASH)) this.starts.push(start);
    }
  }

  /** The clause that position `at` lies in (0 for the first). */
  of(at: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The clause of each term hit (in the order given). A term joined to the next one by
   * nothing but list separators ("Pistol, rifle & shotgun cleaning kit") is named with it,
   * and so takes that term's clause.
   */
  ofTerms(terms: readonly { start: number; end: number }[]): number[] {
    const order = terms.map((_, i) => i).sort((a, b) => terms[a]!.start - terms[b]!.start);
    const clause = new Array<number>(terms.length);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = terms[order[k]!]!;
      // The nearest term that starts after this one ends (an overlapping hit, "pistol" in
      // "pistol barrel", is the same words). Descriptions hold a handful of terms.
      let next = -1;
      for (let j = k + 1; j < order.length && next < 0; j++)
        if (terms[order[j]!]!.start >= t.end) next = order[j]!;
      clause[order[k]!] =
        next >= 0 && COORDINATION.test(this.text.slice(t.end, terms[next]!.start))
          ? clause[next]!
          : this.of(t.start);
    }
    return clause;
  }
}

const SLASH = 0x2f;
/** , + ( ) : */
const BREAK_CHARS = new Set([0x2c, 0x2b, 0x28, 0x29, 0x3a]);
const BREAK_WORDS = new Set([
  'with',
  'plus',
  'free',
  'incl',
  'including',
  'included',
  'includes',
  'con',
  'mas',
  'gratis',
  'incluye',
  'incluyen',
  'incluido',
  'incluida',
  'incluidos',
  'incluidas',
]);
/** Only list separators between two terms: spaces, commas, "&", "/", "+", "-", "and", "or", "y", "o", "e", "u". */
const COORDINATION = /^(?:[\s,&/+-]|\b(?:and|or|y|o|e|u)\b)*$/i;

function isWordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000)
  );
}
