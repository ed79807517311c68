import { foldsToSeparator, foldText } from './text.js';

/**
 * The clauses of one item of a description, for context words that name goods of their own
 * (`unlessGoods`: a t-shirt, a mug, a cleaning kit). Such a word clears a hit that describes its
 * goods: in its clause ("rifle cleaning kit", "Rifle print, cotton t-shirt") or in a clause
 * attached to it ("T-shirt with rifle print", "Playera con estampado de pistola"). It does not
 * clear a hit before it in another clause, nor one after it in a list of goods: there it names
 * other goods sent with the real thing ("Glock 19 pistol with cleaning kit", "AR-15 rifle, free
 * t-shirt included", "Playera, pistola").
 *
 * A clause starts at a comma (also "，" and "、"), "+", "|", "•", "·", a "." or a dash standing
 * between words, and at a word that adds or leaves out goods ("with", "w/", "and", "&", "con",
 * "y", "plus", "free", "bonus", "incl.", "incluye", "without", "sin" …). Terms of one rule joined only by such list words
 * ("Pistol, rifle & shotgun cleaning kit") are named together: ofTerms() gives them the clause
 * of the last one. A parenthesis or a colon starts none: what follows qualifies what stands
 * before ("Revolver (keychain)", "Poster: AR-15 rifle diagram"). An item break (";", a line
 * break) starts a clause too, so that clauses never span two items.
 *
 * Context words that qualify rather than name goods (`unlessNear`: water, toy, ink, HP) also
 * clear from a clause that holds nothing else (see qualifying()): "Pistol, toy", "Cartridges,
 * ink, HP 664". Words that name nothing alone are told apart from those that may name goods
 * (content words): numbers, models and units ("664XL", "PG-245", "52 cc"), words of one or two
 * letters (but not a word spelt out letter by letter, "b o t t l e"), the caller's neutral
 * words, and the words that open a clause.
 */
export class Clauses {
  /** Where each clause after the first starts, ascending. */
  private readonly starts: number[] = [];
  /** listed[k]: how many of starts[0 .. k) begin another of a list of goods (not "with", "con" …). */
  private readonly listed: number[] = [0];
  /** items[k]: how many of starts[0 .. k) begin another item (";", a line break). */
  private readonly items: number[] = [0];
  /** Clauses opened by "without" or "sin": what they name is left out. */
  private readonly negated = new Set<number>();
  /** Clauses opened by a word or sign that adds goods ("and", "y", "plus", "+", "&"), not a comma. */
  private readonly adding = new Set<number>();
  /** The content words (see above), in order: where each starts and ends, and its clause. */
  private readonly wordStart: number[] = [];
  private readonly wordEnd: number[] = [];
  private readonly wordClause: number[] = [];
  /** Content words per clause (contentIn), counted on first ask. */
  private contentCounts: Int32Array | undefined;

  /**
   * `neutral`: folded words that name nothing alone (colours, sizes, "para", "kids"; the rule
   * set's text.neutralWords); `counted`: words that name nothing after a number ("2 pack",
   * "3 sets"; text.countedWords), where alone they may ("water pack").
   */
  constructor(
    private readonly text: string,
    neutral: ReadonlySet<string> = NO_WORDS,
    counted: ReadonlySet<string> = NO_WORDS,
  ) {
    const n = text.length;
    /** Words of one letter in a row, not yet taken as content (three or more are a word spelt out). */
    const letters: [number, number][] = [];
    const start = (at: number, list: boolean, item = false) => {
      letters.length = 0;
      this.starts.push(at);
      this.listed.push(this.listed[this.listed.length - 1]! + (list ? 1 : 0));
      this.items.push(this.items[this.items.length - 1]! + (item ? 1 : 0));
    };
    const content = (from: number, to: number) => {
      this.wordStart.push(from);
      this.wordEnd.push(to);
      this.wordClause.push(this.starts.length);
    };
    /** The last word was a number ("2" in "2 pack"). */
    let number = false;
    for (let i = 0; i < n;) {
      const c = text.charCodeAt(i);
      if (c === SEMICOLON || c === LF || c === CR || c === FULLWIDTH_SEMICOLON) {
        start(i++, true, true);
        number = false;
        continue;
      }
      if (
        c === COMMA ||
        c === PLUS ||
        c === BAR ||
        c === AMPERSAND ||
        LIST_MARKS.has(c) ||
        ((c === PERIOD || c === HYPHEN || DASHES.has(c)) && spaceAfter(text, i))
      ) {
        number = false;
        start(i++, true);
        if (c === PLUS || c === AMPERSAND) this.adding.add(this.starts.length);
        continue;
      }
      if (foldsToSeparator(c)) {
        i++;
        continue;
      }
      const from = i;
      let digits = 0;
      for (; i < n && !foldsToSeparator(text.charCodeAt(i)); i++) {
        const d = text.charCodeAt(i);
        if (d >= 0x30 && d <= 0x39) digits++;
      }
      const word = foldText(text.slice(from, i));
      const lettersIn = word.length - digits;
      const afterNumber = number;
      number = digits > 0 && digits >= lettersIn;
      // "w/" is "with"; a lone "w" elsewhere ("20 W") is a unit.
      if (ATTACHING_WORDS.has(word) || (word === 'w' && text.charCodeAt(i) === SLASH)) {
        start(from, false);
        if (NEGATING_WORDS.has(word)) this.negated.add(this.starts.length);
      } else if (LISTING_WORDS.has(word)) {
        start(from, true);
        this.adding.add(this.starts.length);
      } else if (lettersIn === 1 && digits === 0) {
        letters.push([from, i]);
        if (letters.length === 3) for (const [a, b] of letters) content(a, b);
        else if (letters.length > 3) content(from, i);
        continue;
      }
      // A model or an amount ("664XL", "20V", "b0ttle" is not), a short word, a neutral one, a
      // count after a number ("2 pack").
      else if (
        lettersIn > 2 &&
        digits < lettersIn &&
        !neutral.has(word) &&
        !(afterNumber && counted.has(word))
      )
        content(from, i);
      letters.length = 0;
    }
  }

  /**
   * The clauses whose content words (see above) all lie within `spans` (sorted by start; a
   * rule's context words), and that hold at least one of the spans. Such a clause qualifies another in its
   * item ("Pistol, toy", "Cartridges, ink, HP 664"), where a clause that names other goods
   * beside a context word does not ("Glock 19 pistol, water bottle"). One pass over the words.
   */
  qualifying(spans: readonly { start: number; end: number }[]): Set<number> {
    const holding = new Set<number>();
    for (const s of spans) holding.add(this.of(s.start));
    const uncovered = new Set<number>();
    let p = 0;
    let reach = -1;
    for (let w = 0; w < this.wordStart.length; w++) {
      const start = this.wordStart[w]!;
      // The furthest end of the spans starting at or before the word: it lies within one of
      // them when that end reaches the word's.
      for (; p < spans.length && spans[p]!.start <= start; p++) reach = Math.max(reach, spans[p]!.end);
      if (reach < this.wordEnd[w]!) uncovered.add(this.wordClause[w]!);
    }
    for (const c of uncovered) holding.delete(c);
    return holding;
  }

  /**
   * True when clause `to` follows clause `from` (or is it) through words that attach goods only:
   * "T-shirt with rifle print" (the rifle is on the t-shirt), not "Playera, pistola" or "Mug and
   * rifle" (a list of goods).
   */
  attached(from: number, to: number): boolean {
    return from <= to && this.listed[to]! === this.listed[from]!;
  }

  /** Where the clause starts (its opening mark or word). */
  startOf(clause: number): number {
    return clause === 0 ? 0 : this.starts[clause - 1]!;
  }

  /** The clause that position `at` lies in (0 for the first). */
  of(at: number): number {
    return countUpTo(this.starts, at);
  }

  /** How many clauses there are. */
  get count(): number {
    return this.starts.length + 1;
  }

  /** The item of the description that position `at` lies in (0 for the first). */
  itemAt(at: number): number {
    return this.items[this.of(at)]!;
  }

  /** True when clauses `a` and `b` lie in one item of the description. */
  sameItem(a: number, b: number): boolean {
    return this.items[a] === this.items[b];
  }

  /** True when the clause is opened by "without" or "sin". */
  isNegated(clause: number): boolean {
    return this.negated.has(clause);
  }

  /**
   * True when the clause is opened by a word or sign that adds goods ("and", "y", "+"): it
   * names another item. After a comma it may qualify the one before ("PISTOL, TOY").
   */
  addsGoods(clause: number): boolean {
    return this.adding.has(clause);
  }

  /**
   * For each clause, whether walking from it to the next clause, and on past clauses without
   * content words ("2000W", "negro"), within its item and not into one opened by "without" or
   * "sin" (unless `unblocked`), the first other clause is one of `targets`: bit 1 walking
   * forward, bit 2 backward. Two passes, however many hits ask.
   */
  reaching(targets: ReadonlySet<number>, unblocked: ReadonlySet<number> = NO_CLAUSES): Uint8Array {
    const n = this.count;
    const out = new Uint8Array(n);
    // What a walk finds on stepping into clause `c` from `from` (then going on as from `c`).
    const step = (c: number, from: number, onward: number) =>
      !this.sameItem(c, from) || (this.negated.has(c) && !unblocked.has(c))
        ? 0
        : targets.has(c)
          ? 1
          : this.contentIn(c) > 0
            ? 0
            : onward;
    for (let c = n - 2; c >= 0; c--) out[c]! |= step(c + 1, c, out[c + 1]! & 1);
    for (let c = 1; c < n; c++) out[c]! |= step(c - 1, c, (out[c - 1]! >> 1) & 1) << 1;
    return out;
  }

  /** How many content words the clause holds. */
  contentIn(clause: number): number {
    if (!this.contentCounts) {
      this.contentCounts = new Int32Array(this.count);
      for (const c of this.wordClause) this.contentCounts[c]!++;
    }
    return this.contentCounts[clause] ?? 0;
  }

  /** How many content words start within text[start, end). */
  contentWithin(start: number, end: number): number {
    return countUpTo(this.wordStart, end - 1) - countUpTo(this.wordStart, start - 1);
  }

  /**
   * The clauses each term hit spans (in the order given; `rule` tells the rules apart): its own,
   * or, when terms of one rule are joined by nothing but list separators ("Pistol, rifle &
   * shotgun cleaning kit"), those from the first of them (`from`) to the last (`to`).
   */
  ofTerms(terms: readonly { start: number; end: number; rule: number }[]): { from: number; to: number }[] {
    const order = terms.map((_, i) => i).sort((a, b) => terms[a]!.start - terms[b]!.start);
    const span = terms.map((t) => {
      const clause = this.of(t.start);
      return { from: clause, to: clause };
    });
    /** joined[i]: the term that term i is named with, after it (−1: none). */
    const joined = new Array<number>(terms.length).fill(-1);
    for (let k = 0; k < order.length; k++) {
      const t = terms[order[k]!]!;
      // The nearest term that starts after this one ends (an overlapping hit, "pistol" in
      // "pistol barrel", is the same words), if it is of the same rule.
      for (let j = k + 1; j < order.length; j++) {
        const u = terms[order[j]!]!;
        if (u.start < t.end) continue;
        if (u.rule === t.rule && COORDINATION.test(this.text.slice(t.end, u.start)))
          joined[order[k]!] = order[j]!;
        break;
      }
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const i = order[k]!;
      if (joined[i]! >= 0) span[i]!.to = span[joined[i]!]!.to;
    }
    for (const i of order) if (joined[i]! >= 0) span[joined[i]!]!.from = span[i]!.from;
    return span;
  }
}

/** True when the character after `i` is a space or the end: "pistol. Kit", "rifle - kit", not "0.5" or "AR-15". */
function spaceAfter(text: string, i: number): boolean {
  return i + 1 >= text.length || text.charCodeAt(i + 1) === SPACE;
}

const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const LF = 0x0a;
const CR = 0x0d;
const PLUS = 0x2b;
const BAR = 0x7c;
const AMPERSAND = 0x26;
const PERIOD = 0x2e;
const HYPHEN = 0x2d;
const SLASH = 0x2f;
const SPACE = 0x20;
const NO_WORDS: ReadonlySet<string> = new Set();
const NO_CLAUSES: ReadonlySet<number> = new Set();
/** List marks of other scripts: full-width comma, ideographic comma, bullet, middle dot. */
const LIST_MARKS = new Set([0xff0c, 0x3001, 0x2022, 0x00b7]);
/** Dashes that separate like " - " when a space follows ("Glock 19 – water bottle"). */
const DASHES = new Set([0x2013, 0x2014, 0x2212]);
const FULLWIDTH_SEMICOLON = 0xff1b;
/** Words that attach what is left out ("Pistol without toy", "Rifle sin pintura"). */
const NEGATING_WORDS = new Set(['without', 'sin']);
/** Words that attach goods to what stands before them ("T-shirt with rifle print", "sin kit"). */
const ATTACHING_WORDS = new Set(['with', 'without', 'con', 'sin']);
/** Words that add goods to a list ("Rifle and cleaning kit", "free t-shirt", "incluye llavero"). */
const LISTING_WORDS = new Set([
  ...['and', 'plus', 'free', 'bonus', 'incl', 'including', 'included', 'includes'],
  ...['y', 'mas', 'gratis', 'incluye', 'incluyen', 'incluido', 'incluida', 'incluidos', 'incluidas'],
]);
/** Only list separators between two terms: spaces, ",", "&", "/", "+", "-", "and", "or", "y", "o", "e", "u". */
const COORDINATION = /^(?:[ \t,&/+-]|\b(?:and|or|y|o|e|u)\b)*$/i;

/** How many of the ascending numbers `sorted` are at most `x` (a binary search). */
export function countUpTo(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
