/**
 * Text folding and one-pass multi-term matching for screening.
 *
 * Text is folded character by character (case, Latin accents, punctuation → separators) and fed
 * straight into a compiled Aho–Corasick DFA over the 36 symbols a–z, 0–9. Separators are not fed
 * to the automaton, so a term matches across the punctuation and line breaks that split it
 * ("AMMUNI-\nTION", "Glock-switch", "autosear"); word boundaries are checked on the hits only.
 *
 * Why not modern-ahocorasick (installed, and used by the tests as an oracle): it segments text
 * into grapheme clusters with Intl.Segmenter, which measured 2.9 µs per 45-character
 * description here (45 µs with its word-boundary option), too slow for a million parcels. This
 * automaton needs one table read per character.
 */

import { latinise, needsLatinising, type Latinised } from './latin.js';

const ALPHABET = 36;
/** Folded symbol for each UTF-16 code unit below 0x250: 1..36 for a–z/0–9, 0 for a separator. */
const FOLD = new Uint8Array(0x250);
/** Characters that fold to two symbols (ß → ss, æ → ae …): FOLD holds EXPANDS for them. */
const EXPANDS = 255;
/**
 * Characters that are read only with their word (latin.ts: Cyrillic, Greek, combining accents,
 * invisible format characters, surrogates): a text holding one is latinised first. Tested with
 * EXPANDS as one `>=` in the loops, so texts without them pay nothing.
 */
const LATINISE = 253;
const EXPAND = new Map<number, [number, number]>();

function sym(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return c - 48 + 27;
  return 0;
}

/** The symbol of one UTF-16 code unit by compatibility decomposition, or EXPANDS (see EXPAND), or 0. */
function foldOf(c: number): number {
  const folded = String.fromCharCode(c).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  if (folded.length === 1) return sym(folded);
  // Ligatures and the like ("ﬁ" → fi, "Ĳ" → ij): two letters or digits.
  if (folded.length === 2 && sym(folded[0]!) > 0 && sym(folded[1]!) > 0) {
    EXPAND.set(c, [sym(folded[0]!), sym(folded[1]!)]);
    return EXPANDS;
  }
  return 0;
}
for (let c = 0; c < 0x250; c++) FOLD[c] = needsLatinising(c) ? LATINISE : foldOf(c);

/**
 * Folded symbols of the code units from 0x250 on, found when first met: 0 not yet, WIDE_NONE a
 * separator. Full-width forms ("ＡＭＭＵＮＩＴＩＯＮ"), Vietnamese letters, ligatures and circled
 * letters fold as their letters, so that they cannot hide a term or a name; Cyrillic, Greek and
 * invisible characters are LATINISE (read with their word, latin.ts); other scripts stay
 * separators. Texts rarely hold such characters, and working all 64 K out at start-up would cost
 * every cold start ~30 ms (measured).
 */
const WIDE = new Uint8Array(0x10000);
const WIDE_NONE = 254;
for (let c = 0x250; c < 0x10000; c++) if (needsLatinising(c)) WIDE[c] = LATINISE;

/** FOLD for a code unit from 0x250 on. */
function foldWide(c: number): number {
  let f = WIDE[c]!;
  if (f === 0) WIDE[c] = f = foldOf(c) || WIDE_NONE;
  return f === WIDE_NONE ? 0 : f;
}
for (const [ch, pair] of [
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['Æ', 'ae'],
  ['œ', 'oe'],
  ['Œ', 'oe'],
  ['ø', 'o'],
  ['Ø', 'o'],
  ['đ', 'd'],
  ['Đ', 'd'],
  ['ł', 'l'],
  ['Ł', 'l'],
  // Latin letters without a decomposition that read as plain ones: dotless i, small capitals
  // ("ᴀᴍᴍᴜɴɪᴛɪᴏɴ"), script g, Latin alpha and iota.
  ['ı', 'i'],
  ['ƒ', 'f'],
  ['ĸ', 'k'],
  ['ɑ', 'a'],
  ['ɡ', 'g'],
  ['ɩ', 'i'],
  ...[...'ᴀᴄᴅᴇᴊᴋᴍᴏᴘᴛᴜᴠᴡᴢ'].map((ch, k) => [ch, 'acdejkmoptuvwz'[k]!] as const),
  ...[...'ʙɢʜɪʟɴʀʏ'].map((ch, k) => [ch, 'bghilnry'[k]!] as const),
  ['ꜱ', 's'],
] as const) {
  const c = ch.charCodeAt(0);
  if (c >= 0x250) WIDE[c] = sym(pair);
  else if (pair.length === 1) FOLD[c] = sym(pair);
  else {
    FOLD[c] = EXPANDS;
    EXPAND.set(c, [sym(pair[0]!), sym(pair[1]!)]);
  }
}

/** The character of each folded symbol (1..36), and a space for 0. */
const SYMBOL_CODE = Uint16Array.from({ length: ALPHABET + 1 }, (_, s) =>
  s === 0 ? 32 : s <= 26 ? 96 + s : 48 + s - 27,
);
let FOLDED = new Uint16Array(256);

/** True when the UTF-16 code unit folds to a word separator (space, punctuation, symbols …). */
export function foldsToSeparator(c: number): boolean {
  return (c < 0x250 ? FOLD[c]! : foldWide(c)) === 0;
}

/** True when the text holds a character read only with its word (see LATINISE). */
export function needsLatin(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (needsLatinising(text.charCodeAt(i))) return true;
  return false;
}

const isWordChar = (c: number) => !foldsToSeparator(c);

/** The text with Cyrillic, Greek and hidden characters read as Latin (latin.ts), and where each unit came from. */
export function latinText(text: string): Latinised {
  return latinise(text, isWordChar);
}

/** Folds text to lower-case ASCII words separated by single spaces ("Munición, 9-MM" → "municion 9 mm"). */
export function foldText(text: string): string {
  // Every party name screened is folded: character codes go to a reused buffer, and the
  // string is made once at the end (no string built a character at a time).
  if (FOLDED.length < text.length * 2 + 1) FOLDED = new Uint16Array(text.length * 2 + 1);
  const out = FOLDED;
  let n = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const f = c < 0x250 ? FOLD[c]! : foldWide(c);
    if (f === 0) {
      pendingSpace = n > 0;
      continue;
    }
    if (f === LATINISE) return foldText(latinText(text).text);
    if (pendingSpace) out[n++] = 32;
    pendingSpace = false;
    if (f === EXPANDS) {
      const [a, b] = EXPAND.get(c)!;
      out[n++] = SYMBOL_CODE[a]!;
      out[n++] = SYMBOL_CODE[b]!;
    } else out[n++] = SYMBOL_CODE[f]!;
  }
  let folded = '';
  // In slices: one call with a very long text would exceed the engine's argument limit.
  for (let from = 0; from < n; from += 4096)
    folded += String.fromCharCode.apply(
      null,
      out.subarray(from, Math.min(n, from + 4096)) as unknown as number[],
    );
  return folded;
}

/** A term compiled into the automaton, with the word gaps it was written with. */
interface CompiledTerm<T> {
  /** Folded symbols without separators. */
  length: number;
  /** Offsets (1..length-1) where the folded term has a word gap: "glock switch" → {5}. */
  gaps: Set<number>;
  data: T;
  term: string;
}

export interface TermHit<T> {
  data: T;
  /** The term as written in the rule set. */
  term: string;
  /** UTF-16 range in the original text (end exclusive). */
  start: number;
  end: number;
}

export interface TermMatcherOptions {
  /**
   * A word may be split by separators the term does not have ("AMMUNI TION") only when the
   * term folds to at least this many symbols: short terms ("npp", "thc") must match whole.
   */
  minSplitLength?: number;
}

/**
 * A compiled dictionary: build once (rule-set load), then `scan(text)` in one pass.
 * Hits must start at a word start and end at a word end; a letter/digit change counts as a
 * word boundary ("glock19", "9mm").
 */
export class TermMatcher<T> {
  private readonly next: Int32Array;
  /** First term id ending in each state (-1 none); `more` chains further ids of equal terms. */
  private readonly out: Int32Array;
  private readonly more: Int32Array;
  /** Nearest state on the failure chain with an output (-1 none). */
  private readonly dictLink: Int32Array;
  private readonly terms: CompiledTerm<T>[] = [];
  private readonly minSplitLength: number;

  constructor(entries: readonly { term: string; data: T }[], options: TermMatcherOptions = {}) {
    this.minSplitLength = options.minSplitLength ?? 7;
    // Trie as nested arrays first, then flattened into a full DFA.
    const goto: number[][] = [new Array<number>(ALPHABET).fill(-1)];
    const outs: number[][] = [[]];
    for (const { term, data } of entries) {
      const folded = foldText(term);
      if (folded.length === 0) throw new Error(`term "${term}" has no letters or digits`);
      let state = 0;
      let length = 0;
      const gaps = new Set<number>();
      for (const ch of folded) {
        if (ch === ' ') {
          gaps.add(length);
          continue;
        }
        const s = sym(ch) - 1;
        let nextState = goto[state]![s]!;
        if (nextState < 0) {
          nextState = goto.length;
          goto.push(new Array<number>(ALPHABET).fill(-1));
          outs.push([]);
          goto[state]![s] = nextState;
        }
        state = nextState;
        length++;
      }
      outs[state]!.push(this.terms.length);
      this.terms.push({ length, gaps, data, term });
    }
    const n = goto.length;
    this.next = new Int32Array(n * ALPHABET);
    this.out = new Int32Array(n).fill(-1);
    this.more = new Int32Array(this.terms.length).fill(-1);
    this.dictLink = new Int32Array(n).fill(-1);
    const fail = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      const ids = outs[s]!;
      if (ids.length > 0) {
        this.out[s] = ids[0]!;
        for (let k = 1; k < ids.length; k++) this.more[ids[k - 1]!] = ids[k]!;
      }
    }
    // Breadth-first: failure links and the completed transition table.
    const queue: number[] = [];
    for (let a = 0; a < ALPHABET; a++) {
      const t = goto[0]![a]!;
      if (t >= 0) {
        this.next[a] = t;
        fail[t] = 0;
        queue.push(t);
      } else this.next[a] = 0;
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      this.dictLink[s] = this.out[f]! >= 0 ? f : this.dictLink[f]!;
      for (let a = 0; a < ALPHABET; a++) {
        const t = goto[s]![a]!;
        if (t >= 0) {
          fail[t] = this.next[f * ALPHABET + a]!;
          this.next[s * ALPHABET + a] = t;
          queue.push(t);
        } else this.next[s * ALPHABET + a] = this.next[f * ALPHABET + a]!;
      }
    }
  }

  get size(): number {
    return this.terms.length;
  }

  /** Every whole-word occurrence of every term, in order of their end. */
  scan(text: string): readonly TermHit<T>[] {
    const len = text.length;
    ensureBuffers(len * 2 + 2);
    const origStart = ORIG_START;
    const bounds = BOUNDS;

    const next = this.next;
    const out = this.out;
    const dictLink = this.dictLink;
    let state = 0;
    let k = 0; // folded symbols so far
    let sepPending = false;
    let prevDigit = false;
    let candidates: number[] | undefined; // pairs: term id, end position (exclusive) in symbols
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      let sy = c < 0x250 ? FOLD[c]! : foldWide(c);
      if (sy === 0) {
        sepPending = true;
        continue;
      }
      let second = 0;
      if (sy >= LATINISE) {
        if (sy === LATINISE) return this.scanLatinised(text);
        [sy, second] = EXPAND.get(c)!;
      }
      for (;;) {
        const digit = sy > 26;
        // bit 0: a separator precedes this symbol; bit 1: a word starts here.
        bounds[k] = (sepPending ? 1 : 0) | (k === 0 || sepPending || digit !== prevDigit ? 2 : 0);
        origStart[k] = i;
        sepPending = false;
        prevDigit = digit;
        state = next[state * ALPHABET + sy - 1]!;
        k++;
        let o = out[state]! >= 0 ? state : dictLink[state]!;
        while (o >= 0) {
          for (let id = out[o]!; id >= 0; id = this.more[id]!) (candidates ??= []).push(id, k);
          o = dictLink[o]!;
        }
        if (second === 0) break;
        sy = second;
        second = 0;
      }
    }
    if (!candidates) return NO_HITS;
    const hits: TermHit<T>[] = [];
    bounds[k] = 3; // end of text closes the last word
    for (let ci = 0; ci < candidates.length; ci += 2) {
      const term = this.terms[candidates[ci]!]!;
      const end = candidates[ci + 1]!;
      const start = end - term.length;
      if ((bounds[start]! & 2) === 0 || (bounds[end]! & 2) === 0) continue;
      if (term.length < this.minSplitLength) {
        let split = false;
        for (let p = start + 1; p < end; p++)
          if ((bounds[p]! & 1) !== 0 && !term.gaps.has(p - start)) {
            split = true;
            break;
          }
        if (split) continue;
      }
      hits.push({ data: term.data, term: term.term, start: origStart[start]!, end: origStart[end - 1]! + 1 });
    }
    return hits;
  }

  /** scan() of a text holding characters read only with their word, positions in the text as given. */
  private scanLatinised(text: string): readonly TermHit<T>[] {
    const { text: latin, from, to } = latinText(text);
    return this.scan(latin).map((h) => ({ ...h, start: from[h.start]!, end: to[h.end - 1]! }));
  }
}

const NO_HITS: readonly TermHit<never>[] = Object.freeze([]);

// Scratch buffers shared by all matchers: scanning is synchronous, so one set suffices.
let ORIG_START = new Int32Array(1024);
let BOUNDS = new Uint8Array(1024);
function ensureBuffers(size: number): void {
  if (BOUNDS.length >= size) return;
  const n = Math.max(size, BOUNDS.length * 2);
  ORIG_START = new Int32Array(n);
  BOUNDS = new Uint8Array(n);
}
