import { foldsToSeparator, foldText, latinText, needsLatin } from './text.js';
import { FNV1A_EMPTY, fnv1aStep, StringCache } from './string-cache.js';

/**
 * Party-name normalisation and similarity for denied-party screening, after the practice of
 * moov-io/watchman (shared/domain.md, "Denied parties"): reorder "LAST, First", fold case and
 * accents, drop punctuation and legal suffixes, then compare token sets with Jaro–Winkler.
 */

export interface NameRules {
  /** Legal-form words and sequences dropped anywhere in a name ("s a de c v", "llc", "co ltd" …), folded. */
  legalSuffixes: readonly string[];
  /** Particles that carry no identity ("de", "la", "the" …), folded. */
  stopTokens: readonly string[];
  /**
   * Titles, honorifics and generational suffixes ("lic", "sra", "c p", "mr", "jr" …), folded:
   * dropped at the start and end of each comma-separated part of a name.
   */
  titles: readonly string[];
  /** Generic business words weighted down ("trading", "international" …), folded. */
  weakTokens: readonly string[];
  /** Weight of a weak token relative to a normal one (0..1). */
  weakTokenWeight: number;
  /** Two tokens count as the same when their Jaro–Winkler similarity reaches this … */
  tokenThreshold: number;
  /** … or, with 1, when one edit (insert, delete, substitute, swap) turns one into the other (typos). */
  maxTokenEdits: number;
  /** Tokens whose lengths differ more than this ratio never match ("Rising" vs "Risingstar"). */
  minTokenLengthRatio: number;
  /** Abbreviations ("ma", "hdz"), folded, and their words: read as the word when a period follows ("Ma."). */
  abbreviations?: Readonly<Record<string, string>>;
  /** Whether listed persons with two surnames are also looked for without the second (watchlist.ts). */
  firstSurnameForms?: boolean;
  /** Whether listed persons with middle names are also looked for by the first given name and surnames (watchlist.ts). */
  middleNameForms?: boolean;
}

export interface NormalisedName {
  tokens: string[];
  weights: number[];
  /** Folded tokens joined by spaces, in the order given ("LAST, First" already reordered). */
  text: string;
}

/**
 * Compiles the legal-suffix list into a matcher over token sequences ("s a de c v" is 5 tokens;
 * "sa de cv" 3); the longest sequence at each position wins.
 */
export class NameNormaliser {
  private readonly suffixes = new Map<string, string[][]>();
  /** Title sequences by their first and by their last token, longest first. */
  private readonly titlesFirst = new Map<string, string[][]>();
  private readonly titlesLast = new Map<string, string[][]>();
  private readonly stop: Set<string>;
  private readonly weak: Set<string>;
  /** An abbreviation's word, by the abbreviation ("ma" → the word "maria"), used before a period. */
  private readonly expanded = new Map<string, Word>();
  /** The words as written → their fold, class and weight (this.wordInfo[id]). */
  private readonly words = new StringCache(WORD_SLOTS);
  private readonly wordInfo: Word[] = [];

  constructor(readonly rules: NameRules) {
    for (const raw of rules.legalSuffixes) addSequence(this.suffixes, raw, true);
    for (const raw of rules.titles) {
      addSequence(this.titlesFirst, raw, true);
      addSequence(this.titlesLast, raw, false);
    }
    this.stop = new Set(rules.stopTokens.map((t) => foldText(t)));
    this.weak = new Set(rules.weakTokens.map((t) => foldText(t)));
    for (const [short, word] of Object.entries(rules.abbreviations ?? {}))
      this.expanded.set(foldText(short), this.classify(foldText(word)));
  }

  normalise(name: string): NormalisedName {
    // The words of the name, each folded once and then found in the word cache: a million
    // parcels hold a few thousand distinct name words, so a party costs a scan and a few
    // probes instead of folding, splitting and three set lookups a token.
    const text = reorder(name);
    const firstEnd = FIRST_END;
    let n = 0;
    // The parts of the name as written (between commas; "First" and "LAST" of a reordered name)
    // start at WORDS[PART_STARTS[k]]: titles are dropped at their edges.
    let parts = 0;
    let newPart = false;
    let flags = 0;
    for (let i = 0; i < text.length;) {
      let c = text.charCodeAt(i);
      if (foldsToSeparator(c)) {
        if (c === COMMA || i === firstEnd) newPart = true;
        i++;
        continue;
      }
      const start = i;
      let h = FNV1A_EMPTY;
      do {
        h = fnv1aStep(h, c);
        c = text.charCodeAt(++i);
      } while (i < text.length && !foldsToSeparator(c));
      const id = this.words.get(text, start, i, h);
      let word = id >= 0 ? this.wordInfo[id]! : this.word(text, start, i, h);
      // "Ma." is María: an abbreviation counts as its word when a period follows it.
      if (word !== undefined && word.flags & ABBREVIATION && text.charCodeAt(i) === PERIOD)
        word = this.expanded.get(word.token)!;
      // A word with Cyrillic, Greek or hidden characters: the whole name is read as Latin.
      if (word === undefined) return this.normalise(latinText(name).text);
      if (newPart) {
        if (n > 0) PART_STARTS[parts++] = n;
        newPart = false;
      }
      flags |= word.flags;
      WORDS[n++] = word;
    }
    const scanned = n;
    if (flags & TITLE) n = this.dropTitles(n, parts);
    const tokens: string[] = [];
    const weights: number[] = [];
    for (let i = 0; i < n;) {
      const w = WORDS[i]!;
      let skip = 0;
      if (w.flags & SUFFIX_START) {
        for (const seq of this.suffixes.get(w.token)!) {
          if (i + seq.length <= n && seq.every((t, j) => WORDS[i + j]!.token === t)) {
            skip = seq.length;
            break;
          }
        }
      }
      // A legal form as the whole name ("CO") is kept: dropping it would leave nothing to match.
      if (skip > 0 && !(i === 0 && skip === n)) {
        i += skip;
        continue;
      }
      if (!(w.flags & STOP) || n === 1) {
        tokens.push(w.token);
        weights.push(w.weight);
      }
      i++;
    }
    if (scanned > 1024) WORDS.length = 0; // a hostile name's words are not kept for the next one
    if (parts > 1024) PART_STARTS.length = 0;
    // Bounded work on hostile input: a party name longer than MAX_NAME_TOKENS is screened on its start.
    if (tokens.length > MAX_NAME_TOKENS) {
      tokens.length = MAX_NAME_TOKENS;
      weights.length = MAX_NAME_TOKENS;
    }
    return new Normalised(tokens, weights);
  }

  /**
   * Drops the titles at the start and end of each part of the name WORDS[0, n) (PART_STARTS[0,
   * parts) split it), a part of titles alone ("…, Lic.") whole; returns the words left. A title
   * inside a part is kept ("Juan Don Pérez"), and so are all of them when nothing but titles
   * and particles would be left ("Don", "Sr. Jr."): a name must keep something to match.
   */
  private dropTitles(n: number, parts: number): number {
    let named = false;
    for (let p = 0; p <= parts && !named; p++) {
      const from = this.titlesFrom(p === 0 ? 0 : PART_STARTS[p - 1]!, p === parts ? n : PART_STARTS[p]!);
      const to = this.titlesTo(from, p === parts ? n : PART_STARTS[p]!);
      for (let i = from; i < to; i++) if (!(WORDS[i]!.flags & STOP)) named = true;
    }
    if (!named) return n;
    let m = 0;
    for (let p = 0; p <= parts; p++) {
      const end = p === parts ? n : PART_STARTS[p]!;
      const from = this.titlesFrom(p === 0 ? 0 : PART_STARTS[p - 1]!, end);
      const to = this.titlesTo(from, end);
      for (let i = from; i < to; i++) WORDS[m++] = WORDS[i];
    }
    return m;
  }

  /** Where WORDS[from, to) starts once the titles at its start are skipped. */
  private titlesFrom(from: number, to: number): number {
    let i = from;
    next: while (i < to && WORDS[i]!.flags & TITLE_FIRST) {
      for (const seq of this.titlesFirst.get(WORDS[i]!.token)!)
        if (i + seq.length <= to && wordsAre(seq, i)) {
          i += seq.length;
          continue next;
        }
      break;
    }
    return i;
  }

  /** Where WORDS[from, to) ends once the titles at its end are skipped. */
  private titlesTo(from: number, to: number): number {
    let i = to;
    next: while (i > from && WORDS[i - 1]!.flags & TITLE_LAST) {
      for (const seq of this.titlesLast.get(WORDS[i - 1]!.token)!)
        if (i - seq.length >= from && wordsAre(seq, i - seq.length)) {
          i -= seq.length;
          continue next;
        }
      break;
    }
    return i;
  }

  /** A folded word's class and weight. */
  private classify(token: string): Word {
    const weak = this.weak.has(token);
    return {
      token,
      flags:
        (this.suffixes.has(token) ? SUFFIX_START : 0) |
        (this.stop.has(token) ? STOP : 0) |
        (this.titlesFirst.has(token) ? TITLE_FIRST : 0) |
        (this.titlesLast.has(token) ? TITLE_LAST : 0) |
        (this.expanded.has(token) ? ABBREVIATION : 0),
      weight: (weak ? this.rules.weakTokenWeight : 1) * tokenWeight(token),
    };
  }

  /**
   * Folds and classifies the word text[start, end) (no separator inside; FNV-1a hash `h`), and
   * caches it; undefined when the word must be read with the others (see latinText).
   */
  private word(text: string, start: number, end: number, h: number): Word | undefined {
    const slice = text.slice(start, end);
    if (needsLatin(slice)) return undefined;
    const info = this.classify(foldText(slice));
    if (this.words.full(end - start)) {
      this.words.clear();
      this.wordInfo.length = 0;
    }
    if (this.words.set(text, start, end, h, this.wordInfo.length)) this.wordInfo.push(info);
    return info;
  }

  /**
   * Similarity of two normalised names in 0..1, independent of token order: tokens are paired
   * one-to-one with their best counterpart (Jaro–Winkler, or one edit apart; otherwise 0),
   * weighted by length and weakness, and the two sides' coverages combined, `a` (the party
   * screened) 0.6 and `b` (the listed name) 0.4. A name that covers only half of the other
   * ("José Pérez" vs "José Luis Pérez Ríos") stays well below 1.
   */
  similarity(a: NormalisedName, b: NormalisedName): number {
    return this.similarityOf(a, b.tokens, b.weights, b.tokens.length);
  }

  /**
   * similarity() of `a` and the listed name whose tokens and weights are the first `nb` of
   * `bTokens` and `bWeights` (scratch arrays the caller fills: the candidate index keeps listed
   * names as token ids, not as objects).
   */
  similarityOf(
    a: NormalisedName,
    bTokens: readonly string[],
    bWeights: ArrayLike<number>,
    nb: number,
  ): number {
    if (a.tokens.length === 0 || nb === 0) return 0;
    if (sameTokens(a.tokens, bTokens, nb)) return 1;
    const sumB = sum(bWeights, nb);
    const na = Math.min(a.tokens.length, MAX_NAME_TOKENS);
    nb = Math.min(nb, MAX_NAME_TOKENS);
    // Token similarities in a reused scratch matrix: this runs for every candidate of every
    // party screened, so it allocates nothing.
    if (SIMS.length < na * nb) SIMS = new Float64Array(Math.max(na * nb, SIMS.length * 2));
    const sims = SIMS;
    let any = false;
    for (let i = 0; i < na; i++)
      for (let j = 0; j < nb; j++) {
        const s = this.tokenSimilarity(a.tokens[i]!, bTokens[j]!);
        sims[i * nb + j] = s;
        if (s > 0) any = true;
      }
    if (!any) return 0;
    // One-to-one: each token pairs with at most one on the other side, best pairs first (ties:
    // the earlier pair), so "Ramón Ramos" cannot use the listed "Ramón" twice.
    // Bit sets: normalise() caps every name at MAX_NAME_TOKENS (24) tokens.
    let usedA = 0;
    let usedB = 0;
    let gotA = 0;
    let gotB = 0;
    for (;;) {
      let best = 0;
      let bi = -1;
      let bj = -1;
      for (let i = 0; i < na; i++) {
        if (usedA & (1 << i)) continue;
        for (let j = 0; j < nb; j++) {
          const s = sims[i * nb + j]!;
          if (s > best && (usedB & (1 << j)) === 0) {
            best = s;
            bi = i;
            bj = j;
          }
        }
      }
      if (bi < 0) break;
      usedA |= 1 << bi;
      usedB |= 1 << bj;
      // A listed initial standing for a party word counts for the listed name only: the
      // candidate index finds names by the party's own words, so the party's coverage must come
      // from words the listed name spells out (see minPartyCoverage).
      if (bTokens[bj]!.length > 1 || a.tokens[bi]!.length === 1) gotA += a.weights[bi]! * best;
      gotB += bWeights[bj]! * best;
    }
    // The party side weighs more: a listed name often carries a second surname or middle name
    // that a consignee leaves out ("María Fernanda Montoya" for "MONTOYA ÁLVAREZ, María Fernanda").
    return PARTY_SIDE * (gotA / sum(a.weights)) + (1 - PARTY_SIDE) * (gotB / sumB);
  }

  /**
   * The share of the party's token weight that must match for a similarity of `threshold`
   * even if the listed side matched fully: the candidate index uses it to skip names that
   * share too few tokens.
   */
  static minPartyCoverage(threshold: number): number {
    return (threshold - (1 - PARTY_SIDE)) / PARTY_SIDE;
  }

  /** Jaro–Winkler of two tokens when they count as the same name part, else 0. */
  tokenSimilarity(t: string, u: string): number {
    if (t === u) return 1;
    const lt = t.length;
    const lu = u.length;
    // An initial stands for a word it starts ("J." for "James"), but says only its first letter.
    if (lt === 1 || lu === 1) {
      const c = t.charCodeAt(0);
      return c === u.charCodeAt(0) && c >= 0x61 && c <= 0x7a ? INITIAL_SIMILARITY : 0;
    }
    if (lt > MAX_FUZZY_TOKEN || lu > MAX_FUZZY_TOKEN) return 0;
    if (Math.min(lt, lu) / Math.max(lt, lu) < this.rules.minTokenLengthRatio) return 0;
    const jw = jaroWinkler(t, u);
    if (jw >= this.rules.tokenThreshold) return jw;
    // A one-letter typo in a short surname ("Lópaz") scores below the threshold; two real
    // surnames ("Méndez", "Mendoza") are two edits apart.
    if (this.rules.maxTokenEdits > 0 && jw >= 0.8 && Math.min(lt, lu) >= 4 && oneEditApart(t, u)) return jw;
    return 0;
  }
}

export const MAX_NAME_TOKENS = 24;
/**
 * Token similarity of an initial and a word it starts. Below any pair of whole words (0.8 and
 * up), so those are paired first; at least 0.47, so that one initial beside two whole words
 * reaches 0.9 ("Bradley J. Holloway", "R. Quintero Barragán"); under 0.67, so that an initial
 * and one surname never do ("R. Quintero" for "QUINTERO, Rigo"). 0.6 leaves both a margin.
 */
export const INITIAL_SIMILARITY = 0.6;
/**
 * Tokens longer than this count as the same only when equal. No word of a name is this long,
 * and the fuzzy ways cost a token's length squared (its one-letter deletions, Jaro–Winkler's
 * window): a party name is the sender's text, up to a megabyte on one CSV line.
 */
export const MAX_FUZZY_TOKEN = 32;

/** A name's normal form; `text` is joined only when asked for (screening compares tokens). */
export class Normalised implements NormalisedName {
  constructor(
    readonly tokens: string[],
    readonly weights: number[],
  ) {}

  get text(): string {
    return this.tokens.join(' ');
  }
}

/** A word of a party name as folded, with its class and weight. */
interface Word {
  token: string;
  flags: number;
  weight: number;
}
/** Word.flags: the word starts a legal-form sequence ("s" of "s a de c v"); it is a particle ("de"). */
const SUFFIX_START = 1;
const STOP = 2;
/** … it starts or ends a title sequence ("c" and "p" of "c p"). */
const TITLE_FIRST = 4;
const TITLE_LAST = 8;
const TITLE = TITLE_FIRST | TITLE_LAST;
/** … it is an abbreviation ("ma"), read as its word before a period. */
const ABBREVIATION = 16;
const COMMA = 0x2c;
const PERIOD = 0x2e;
/** Word cache slots (a power of two): up to 49,152 distinct words. */
const WORD_SLOTS = 1 << 16;
/** The current name's words (normalise is synchronous: one name at a time). */
const WORDS: (Word | undefined)[] = [];
/** Where the current name's parts after the first start in WORDS. */
const PART_STARTS: number[] = [];
/** Where "First" ends in the text reorder() returned last, or −1 when it did not reorder. */
let FIRST_END = -1;

/** WORDS[at ..] starts with the tokens `seq`. */
function wordsAre(seq: readonly string[], at: number): boolean {
  for (let j = 0; j < seq.length; j++) if (WORDS[at + j]!.token !== seq[j]) return false;
  return true;
}

/** Adds the folded token sequence of `raw` to `map`, keyed by its first (or last) token, longest first. */
function addSequence(map: Map<string, string[][]>, raw: string, byFirst: boolean): void {
  const seq = foldText(raw).split(' ').filter(Boolean);
  if (seq.length === 0) return;
  const key = byFirst ? seq[0]! : seq[seq.length - 1]!;
  const list = map.get(key) ?? [];
  list.push(seq);
  list.sort((a, b) => b.length - a.length);
  map.set(key, list);
}

/** `a` holds the first `nb` tokens of `b`, in order, and no others. */
function sameTokens(a: readonly string[], b: readonly string[], nb: number): boolean {
  if (a.length !== nb) return false;
  for (let i = 0; i < nb; i++) if (a[i] !== b[i]) return false;
  return true;
}
/** Scratch matrix of token similarities for NameNormaliser.similarity (screening is synchronous). */
let SIMS = new Float64Array(64);
/** The first `n` of `xs` added up, in order. */
function sum(xs: ArrayLike<number>, n = xs.length): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += xs[i]!;
  return total;
}
/** Weight of the screened party's side in the similarity; the listed name has the rest. */
const PARTY_SIDE = 0.6;

/**
 * Longer tokens say more about identity; initials and two-letter tokens little. An initial
 * weighs a fifth of a word: paired with the word it starts it lifts a name only a little, and
 * left unpaired it barely lowers one.
 */
function tokenWeight(t: string): number {
  return t.length <= 1 ? 0.2 : t.length === 2 ? 0.5 : 1;
}

/**
 * "PÉREZ GARCÍA, José Luis" → "José Luis PÉREZ GARCÍA". Only a single comma with words on both
 * sides reorders; "Acme, Inc." has a legal form after the comma and is left as it is by the
 * caller's suffix removal either way (token order does not matter to the similarity).
 */
export function reorderLastFirst(name: string): string {
  return reorder(name);
}

/** reorderLastFirst(), noting where "First" ends in FIRST_END (where normalise() starts a new part). */
function reorder(name: string): string {
  FIRST_END = -1;
  const comma = name.indexOf(',');
  if (comma <= 0 || name.indexOf(',', comma + 1) >= 0) return name;
  const last = name.slice(0, comma).trim();
  const first = name.slice(comma + 1).trim();
  if (!last || !first) return name;
  FIRST_END = first.length;
  return `${first} ${last}`;
}

/** Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4), for short ASCII tokens. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  // Bit masks of matched positions: tokens longer than 31 characters fall back to arrays.
  if (la > 31 || lb > 31) return jaroWinklerLong(a, b, window);
  let matchedA = 0;
  let matchedB = 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if ((matchedB & (1 << j)) === 0 && b.charCodeAt(j) === c) {
        matchedA |= 1 << i;
        matchedB |= 1 << j;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < la; i++) {
    if ((matchedA & (1 << i)) === 0) continue;
    while ((matchedB & (1 << j)) === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  return winkler(a, b, (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3);
}

function jaroWinklerLong(a: string, b: string, window: number): number {
  const ma = new Uint8Array(a.length);
  const mb = new Uint8Array(b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const hi = Math.min(b.length - 1, i + window);
    for (let j = Math.max(0, i - window); j <= hi; j++) {
      if (!mb[j] && a[i] === b[j]) {
        ma[i] = 1;
        mb[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!ma[i]) continue;
    while (!mb[j]) j++;
    if (a[i] !== b[j]) t++;
    j++;
  }
  return winkler(a, b, (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3);
}

function winkler(a: string, b: string, jaro: number): number {
  let prefix = 0;
  const max = Math.min(4, a.length, b.length);
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** True when one insertion, deletion, substitution or swap of neighbours turns a into b. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // substitution at i, or a swap of i and i+1
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      a.slice(i + 2) === b.slice(i + 2)
    );
  }
  // one insertion: skip the extra character of the longer one
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
