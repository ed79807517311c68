import { clip } from '../model/clip.js';
import type { Consignment } from '../model/consignment.js';
import { isVagueDescription, VAGUE_TERMS } from '../reference/vague-terms.js';
import { hash53 } from '../intake/hash.js';
import { memo } from '../validation/memo.js';
import { Clauses, countUpTo } from './clauses.js';
import { dropContained } from './contained.js';
import { findCasNumbers, type CasHit } from './cas.js';
import { NameNormaliser } from './names.js';
import { defaultRuleSet, ruleSetVersion as versionOf, type RuleSet, type TermRule } from './rules.js';
import type { Disguise } from './latin.js';
import { lookalikeReadings, type DigitDisguise } from './lookalike-digits.js';
import { foldText, latinText, needsLatin, TermMatcher, type TermHit } from './text.js';
import type { Flag, FlagCategory, ScreeningResult } from './types.js';
import {
  EXACT,
  isShortened,
  parseCslCsv,
  WatchlistIndex,
  type WatchlistEntry,
  type WatchlistMatch,
} from './watchlist.js';

/**
 * The screener: pure and synchronous so it runs on the hot path of a million-row file. Every
 * list of terms and codes comes from the rule set (config/rules/*.json); building the automaton
 * and the watchlist index happens once, in createScreener.
 */
export interface Screener {
  readonly ruleSetVersion: string;
  readonly rules: RuleSet;
  /** Identity of the denied-party list in use, when there is one. */
  readonly watchlistVersion?: string;
  screen(consignment: Consignment): ScreeningResult;
  /** Risk score and review decision for a list of flags (used when aggregate rules add flags). */
  score(flags: readonly Flag[]): { riskScore: number; review: boolean };
}

export interface ScreenerOptions {
  /** Rule set; the bundled config/rules/default.json when absent. */
  rules?: RuleSet;
  /** Denied-party list: parsed entries, CSL CSV text, or a prebuilt index. */
  watchlist?: WatchlistIndex | readonly WatchlistEntry[] | { csv: string; origin?: string };
}

type Marker = 'consolidation' | 'no-value-expected' | 'vague-word';
type TermData =
  | { kind: 'term'; rule: number }
  | { kind: 'context'; rule: number }
  | { kind: 'goods'; rule: number }
  | { kind: 'even'; rule: number }
  | { kind: 'marker'; marker: Marker };

type HsRule = RuleSet['hsRules'][number];

/**
 * HS prefixes as a digit trie: a code is walked once, digit by digit, and the deepest prefix
 * with a rule wins (longest first), without slicing the code for each prefix length.
 */
class HsPrefixTrie {
  private next = new Int32Array(10).fill(-1);
  private readonly rules: (HsRule | undefined)[] = [undefined];

  add(prefix: string, rule: HsRule): void {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const d = prefix.charCodeAt(i) - 48;
      if (d < 0 || d > 9) throw new Error(`HS prefix "${prefix}" is not digits`);
      let child = this.next[node * 10 + d]!;
      if (child < 0) {
        child = this.rules.length;
        this.rules.push(undefined);
        const grown = new Int32Array(this.rules.length * 10).fill(-1);
        grown.set(this.next);
        this.next = grown;
        this.next[node * 10 + d] = child;
      }
      node = child;
    }
    this.rules[node] = rule;
  }

  /** The rule of the longest listed prefix of `code`, if any. */
  longest(code: string): HsRule | undefined {
    let node = 0;
    let found: HsRule | undefined;
    for (let i = 0; i < code.length; i++) {
      const d = code.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      node = this.next[node * 10 + d]!;
      if (node < 0) break;
      found = this.rules[node] ?? found;
    }
    return found;
  }
}

const MAX_EVIDENCE = 160;
const NONE: ReadonlySet<FlagCategory> = new Set();
function withCategory(set: ReadonlySet<FlagCategory>, category: FlagCategory): Set<FlagCategory> {
  const out = set === NONE ? new Set<FlagCategory>() : (set as Set<FlagCategory>);
  out.add(category);
  return out;
}
const LETTER = /\p{L}/u;

/** Any letter: an ASCII one found by a plain loop, the regular expression only past ASCII. */
function hasLetter(d: string): boolean {
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return true;
    if (c > 127) return LETTER.test(d);
  }
  return false;
}

/** "xxxx", "- - -": one character repeated, spaces aside (PACT rejects 3+ repeated characters). */
function oneRepeatedChar(d: string): boolean {
  let first = -1;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    if (first < 0) first = c;
    else if (c !== first) return false;
  }
  return true;
}
const MAX_FLAGS_PER_RULE = 3;

/** Words that may stand beside the document words of a documents-only description. */
const DOCUMENT_FILLERS = [
  'and',
  'y',
  'e',
  'de',
  'del',
  'of',
  'the',
  'for',
  'para',
  'with',
  'con',
  'only',
  'solo',
  'no',
  'sin',
  'commercial',
  'comercial',
  'value',
  'valor',
  'business',
  'negocios',
  'legal',
  'legales',
  'personal',
  'personales',
  'originales',
  'original',
  'copias',
  'copies',
  'sobre',
  'sobres',
  'envelope',
  'envelopes',
];

interface Span {
  start: number;
  end: number;
}

/** A term rule's hit in a description that no context word cleared. */
interface TermSpan extends Span {
  rule: number;
}

/** What screening reads from a description's text alone (remembered per description). */
interface DescriptionReading {
  terms: readonly TermSpan[];
  consolidation: boolean;
  /** A vague description (ICS2 stop words, PACT shapes), as isVague() reads it. */
  vague: boolean;
  noValueExpected: boolean;
  cas: CasHit[];
  disguises: readonly Disguise[];
  /** Words whose look-alike digits or symbols spell a term ("AMM0"): lookalike-digits.ts. */
  digitDisguises: readonly DigitDisguise[];
}

const NO_TERMS: readonly TermSpan[] = Object.freeze([]);

function addTo(map: Map<number, Set<number>>, rule: number, value: number): void {
  const set = map.get(rule);
  if (set) set.add(value);
  else map.set(rule, new Set([value]));
}

function push(map: Map<number, Span[]>, rule: number, span: Span): void {
  const list = map.get(rule);
  if (list) list.push(span);
  else map.set(rule, [span]);
}

/**
 * The items of the description (Clauses: split at ";", "；" or a line break) holding each rule's
 * spans (evenNear words). An `evenNear` word counts in its item, and context words in clauses of
 * the hit's item (describedHits): anywhere in the text, an innocent item ("Taza de cerámica")
 * cleared a dangerous one beside it ("Pistola Glock 19 9mm"). A window of a few words instead was
 * tried and dropped: it let through ink cartridges and paint guns whose context stands further
 * away ("Cartuchos originales color negro y tricolor HP").
 */
function itemsByRule(spans: Map<number, Span[]>, clauses: Clauses): Map<number, Set<number>> {
  const items = new Map<number, Set<number>>();
  for (const [rule, list] of spans) items.set(rule, new Set(list.map((e) => clauses.itemAt(e.start))));
  return items;
}

/**
 * The term hits that a context word of their rule describes, as clauses.ts reads clauses.
 *
 * Any context word clears a hit in its clause, or in a later clause attached to the word's by
 * "with" or "con" ("T-shirt with rifle print", "Juguete con forma de pistola"). A word that
 * names goods (`unlessGoods`) clears there only, and also a hit named with others of its rule
 * next to it ("Pistol, rifle & shotgun cleaning kit").
 *
 * A word that qualifies (`unlessNear`: water, toy, ink) clears besides:
 * - a hit whose clause is attached to the word's ("Pistola HVLP con boquillas para pintura"),
 *   unless by "without" or "sin" (but "sin THC" is the context word itself), or the word's
 *   clause also names goods only;
 * - from a clause of nothing but such words next to the hit's, or past clauses that name nothing
 *   ("Pistol, toy", "Cartuchos, tinta negra, HP 664", "Cartuchos color negro y tricolor HP");
 * - a hit alone in its clause after one holding the word ("Hidrolavadora 1800W, pistola,
 *   manguera": the washer's gun), again unless added by "and" … ("Botella de agua y pistola").
 *   A word in both lists (a tool, a material: "taladro", "pintura") does not qualify from a
 *   clause of its own ("Glock 19, cordless drill 20V", "Pistola Taurus, pintura negra"), but
 *   does clear a hit alone after it (the README's known limits: "Cordless drill, Glock 19").
 * Elsewhere it names other goods sent with the real thing: "Glock 19 pistol, water bottle",
 * "Pistola Beretta y botella de agua". Linear but for sorting and binary searches: a hostile
 * description may hold thousands of hits and context words.
 */
function describedHits(
  text: string,
  clauses: Clauses,
  hits: readonly TermHit<TermData>[],
  near: Map<number, Span[]> | undefined,
  goods: Map<number, Span[]> | undefined,
  neutral: ReadonlySet<string>,
): Set<TermHit<TermData>> {
  const described = new Set<TermHit<TermData>>();
  // A term inside a context word of its rule ("ammo" in "ammo can") is that word's: described by
  // it, and not a term of its own that others are listed with ("Ammunition, ammo can").
  const within = insideContext(near, goods);
  const terms: { hit: TermHit<TermData>; start: number; end: number; rule: number }[] = [];
  for (const h of hits)
    if (h.data.kind !== 'term') continue;
    else if (within(h.data.rule, h.start, h.end)) described.add(h);
    else terms.push({ hit: h, start: h.start, end: h.end, rule: h.data.rule });
  const spans = clauses.ofTerms(terms);
  /** The clauses holding a context word of each rule, ascending. */
  const clausesOf = (words: Map<number, Span[]> | undefined) => {
    const byRule = new Map<number, number[]>();
    for (const [rule, list] of words ?? [])
      byRule.set(
        rule,
        list.map((w) => clauses.of(w.start)).sort((a, b) => a - b),
      );
    return byRule;
  };
  const nearClauses = clausesOf(near);
  const goodsClauses = clausesOf(goods);
  // Words in both lists (tools: "taladro", "pintura") are found twice, once as each kind.
  const both = new Set<string>();
  for (const [rule, list] of near ?? []) for (const w of list) both.add(`${rule}:${w.start}:${w.end}`);
  const goodsOnly = new Map<number, Set<number>>();
  for (const [rule, list] of goods ?? [])
    for (const w of list)
      if (!both.has(`${rule}:${w.start}:${w.end}`)) addTo(goodsOnly, rule, clauses.of(w.start));
  // A context word that is itself what is left out ("sin THC", "without THC") opens its clause:
  // that clause is not left out for its rule.
  const unblocked = new Map<number, Set<number>>();
  for (const [rule, list] of near ?? [])
    for (const w of list) {
      const c = clauses.of(w.start);
      if (clauses.isNegated(c) && clauses.startOf(c) === w.start) addTo(unblocked, rule, c);
    }
  const leftOut = (rule: number, c: number) => clauses.isNegated(c) && !unblocked.get(rule)?.has(c);
  /**
   * Per rule, the clauses from which a walk reaches one of nothing but the rule's qualifying
   * words and words that name nothing (Clauses.reaching), holding one such word that is not
   * itself neutral (a colour is context for fuel: "Gasolina, verde" names no look-alike), and no
   * word naming goods.
   */
  const qualified = new Map<number, Uint8Array>();
  for (const [rule, list] of near ?? []) {
    const own = list
      .filter((w) => !neutral.has(foldText(text.slice(w.start, w.end))))
      .sort((a, b) => a.start - b.start);
    const only = clauses.qualifying(own);
    for (const c of goodsClauses.get(rule) ?? []) only.delete(c);
    if (only.size > 0) qualified.set(rule, clauses.reaching(only, unblocked.get(rule)));
  }
  terms.forEach((t, i) => {
    const { from, to } = spans[i]!;
    const own = clauses.of(t.start);
    const goodsAt = goodsClauses.get(t.rule);
    if (goodsAt && describedFrom(clauses, goodsAt, from, to)) return described.add(t.hit);
    const nearAt = nearClauses.get(t.rule);
    if (!nearAt) return;
    // In its clause, or in one it is attached to.
    if (describedFrom(clauses, nearAt, own, own)) return described.add(t.hit);
    // In the nearest clause attached after it.
    const k = countUpTo(nearAt, own);
    const after = nearAt[k];
    if (
      after !== undefined &&
      clauses.attached(own, after) &&
      !leftOut(t.rule, after) &&
      !goodsOnly.get(t.rule)?.has(after)
    )
      return described.add(t.hit);
    // In a clause of nothing else next to it, either side (past clauses naming nothing).
    if ((qualified.get(t.rule)?.[own] ?? 0) !== 0) return described.add(t.hit);
    // The hit alone in its clause, after a clause holding the word, in its item.
    const before = nearAt[k - 1]; // before `own`: one in it cleared the hit above
    if (
      before !== undefined &&
      clauses.sameItem(before, own) &&
      !leftOut(t.rule, before) &&
      !clauses.addsGoods(own) &&
      clauses.contentIn(own) === clauses.contentWithin(t.start, t.end)
    )
      described.add(t.hit);
  });
  return described;
}

/**
 * Whether text[start, end) lies within a context word (either kind) of `rule`: per rule, the
 * words' starts ascending and the furthest end so far, then a binary search per question.
 */
function insideContext(
  near: Map<number, Span[]> | undefined,
  goods: Map<number, Span[]> | undefined,
): (rule: number, start: number, end: number) => boolean {
  const byRule = new Map<number, { starts: number[]; reach: number[] }>();
  for (const rule of new Set([...(near?.keys() ?? []), ...(goods?.keys() ?? [])])) {
    const words = [...(near?.get(rule) ?? []), ...(goods?.get(rule) ?? [])].sort((a, b) => a.start - b.start);
    const reach: number[] = [];
    for (const w of words) reach.push(Math.max(w.end, reach[reach.length - 1] ?? -1));
    byRule.set(rule, { starts: words.map((w) => w.start), reach });
  }
  return (rule, start, end) => {
    const at = byRule.get(rule);
    if (!at) return false;
    const k = countUpTo(at.starts, start);
    return k > 0 && at.reach[k - 1]! >= end;
  };
}

/**
 * True when one of the context clauses `at` (ascending) lies within the hit's clauses
 * [from, to], or is one that its first clause is attached to. Only the nearest one at or before
 * `to` need be looked at: an earlier one has at least as many breaks between.
 */
function describedFrom(clauses: Clauses, at: readonly number[], from: number, to: number): boolean {
  const k = countUpTo(at, to);
  return k > 0 && (at[k - 1]! >= from || clauses.attached(at[k - 1]!, from));
}

const NO_DISGUISES: readonly Disguise[] = Object.freeze([]);
const NO_DIGIT_DISGUISES: readonly DigitDisguise[] = Object.freeze([]);
/** The words of the text that mix scripts (latin.ts); most texts hold no character to look at. */
const disguisesIn = (text: string): readonly Disguise[] =>
  needsLatin(text) ? latinText(text).disguises : NO_DISGUISES;

export function createScreener(options: ScreenerOptions = {}): Screener {
  const rules = options.rules ?? defaultRuleSet();
  const version = versionOf(rules);
  const threshold = rules.review.threshold;
  const mis = rules.misdeclaration;

  // One automaton for every term, context exclusion and marker of the rule set.
  const entries: { term: string; data: TermData }[] = [];
  rules.termRules.forEach((r, i) => {
    for (const term of r.terms) entries.push({ term, data: { kind: 'term', rule: i } });
    for (const term of r.unlessNear) entries.push({ term, data: { kind: 'context', rule: i } });
    for (const term of r.unlessGoods) entries.push({ term, data: { kind: 'goods', rule: i } });
    for (const term of r.evenNear) entries.push({ term, data: { kind: 'even', rule: i } });
  });
  for (const term of mis.vagueDescription.masterConsolidationTerms)
    entries.push({ term, data: { kind: 'marker', marker: 'consolidation' } });
  for (const term of mis.valuePerKg.exemptTerms)
    entries.push({ term, data: { kind: 'marker', marker: 'no-value-expected' } });
  // Vague words and phrases only mark a description as worth the (slower) full vague check.
  for (const term of [...VAGUE_TERMS, ...mis.vagueDescription.extraTerms])
    entries.push({ term, data: { kind: 'marker', marker: 'vague-word' } });
  const matcher = new TermMatcher<TermData>(entries, { minSplitLength: rules.text.minSplitLength });
  const neutralWords = new Set(rules.text.neutralWords.map(foldText));
  const countedWords = new Set(rules.text.countedWords.map(foldText));

  /**
   * The text's hits, with the terms its look-alike readings add ("AMM0" read as "AMMO") that the
   * text as written lacks (`added`). Only terms: a context word spelt with digits ("t0y" next to
   * "Glock pistol") must not clear a hit the text as written keeps.
   */
  const withLookalikes = (d: string, hits: readonly TermHit<TermData>[]) => {
    const lookalikes = lookalikeReadings(d);
    if (lookalikes.readings.length === 0) return { hits, added: undefined, words: NO_DIGIT_DISGUISES };
    const seen = new Set<string>();
    for (const h of hits) if (h.data.kind === 'term') seen.add(`${h.data.rule}:${h.start}:${h.end}`);
    const all = [...hits];
    const added = new Set<TermHit<TermData>>();
    for (const reading of lookalikes.readings)
      for (const h of matcher.scan(reading)) {
        if (h.data.kind !== 'term') continue;
        const key = `${h.data.rule}:${h.start}:${h.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        added.add(h);
        all.push(h);
      }
    return { hits: all, added, words: lookalikes.words };
  };

  // A manifest repeats its descriptions (a seller's products, item after item): their hits,
  // terms and CAS numbers, are remembered. The automaton's table is ~0.5 MB, and walking it for
  // every parcel missed the processor caches more than the pass itself cost.
  // What the description says depends on its text alone, so the context words are weighed here,
  // once per description, not for every parcel that repeats it.
  const scanDescription = memo((d: string): DescriptionReading => {
    const { hits, added, words: lookalikeWords } = withLookalikes(d, matcher.scan(d));
    // Text with look-alike or hidden characters, once as Latin for the vague check and its disguises.
    const latin = needsLatin(d) ? latinText(d) : undefined;
    let vagueWord = false;
    let documentWord = false;
    const reading: DescriptionReading = {
      terms: NO_TERMS,
      consolidation: false,
      vague: false,
      noValueExpected: false,
      cas: findCasNumbers(d),
      disguises: latin?.disguises ?? NO_DISGUISES,
      digitDisguises: NO_DIGIT_DISGUISES,
    };
    // Context words and the words that overrule them, per rule (rare: most texts hold none).
    let contexts: Map<number, Span[]> | undefined;
    let goods: Map<number, Span[]> | undefined;
    let evens: Map<number, Span[]> | undefined;
    for (const h of hits) {
      if (h.data.kind === 'context') push((contexts ??= new Map()), h.data.rule, h);
      else if (h.data.kind === 'goods') push((goods ??= new Map()), h.data.rule, h);
      else if (h.data.kind === 'even') push((evens ??= new Map()), h.data.rule, h);
      else if (h.data.kind === 'marker') {
        if (h.data.marker === 'consolidation') reading.consolidation = true;
        else if (h.data.marker === 'vague-word') vagueWord = true;
        else documentWord = true;
      }
    }
    // Documents carry no value; a description that only mentions them ("Steel parts and docs")
    // is goods, and keeps its value checks. Read once, not at each document word (a description
    // of "docs " repeated was quadratic: 42 s for 100,000 characters).
    if (documentWord) reading.noValueExpected = documentsOnly(d);
    // A context word clears the rule's hits it describes (describedHits), unless a word of the
    // rule's `evenNear` stands in their item ("Cartuchos calibre .380, HP": "HP" would clear
    // ink cartridges).
    const clauses = contexts || goods ? new Clauses(d, neutralWords, countedWords) : undefined;
    const evenItems = clauses && evens && itemsByRule(evens, clauses);
    const describes = clauses && describedHits(d, clauses, hits, contexts, goods, neutralWords);
    const terms: TermSpan[] = [];
    const digitDisguises = new Set<DigitDisguise>();
    let wordStarts: number[] | undefined;
    for (const h of hits) {
      if (h.data.kind !== 'term') continue;
      if (describes?.has(h) && !evenItems?.get(h.data.rule)?.has(clauses!.itemAt(h.start))) continue;
      terms.push({ rule: h.data.rule, start: h.start, end: h.end });
      // A word that spells this term with digits is a disguise; one whose term a context word cleared is not.
      if (added?.has(h)) {
        // The words are in order and apart: those overlapping the hit follow the last one
        // starting before it (a binary search, not a walk over every word for every hit).
        wordStarts ??= lookalikeWords.map((w) => w.start);
        for (let k = Math.max(0, countUpTo(wordStarts, h.start) - 1); k < lookalikeWords.length; k++) {
          const w = lookalikeWords[k]!;
          if (w.start >= h.end) break;
          if (h.start < w.end) digitDisguises.add(w);
        }
      }
    }
    if (terms.length > 0) reading.terms = terms;
    if (digitDisguises.size > 0) reading.digitDisguises = [...digitDisguises];
    // "gіft" with a Cyrillic "і" is a gift: the stop-word check reads the Latin text.
    reading.vague = isVague(d, latin?.text ?? d, vagueWord);
    return reading;
  }, DESCRIPTION_MEMO);

  const hsPrefixes = new HsPrefixTrie();
  for (const rule of rules.hsRules) for (const p of rule.prefixes) hsPrefixes.add(p, rule);

  const casByNumber = new Map<string, { rule: RuleSet['casRules'][number]; name: string }>();
  for (const rule of rules.casRules)
    for (const n of rule.numbers) casByNumber.set(n.cas, { rule, name: n.name });

  const dp = rules.deniedParty;
  const index = buildIndex(options.watchlist, dp);
  const watchlistVersion = index ? watchlistStamp(index.entries) : undefined;
  /** How each listed entry matched so far is cited in evidence (bounded by the list's size). */
  const listings = new Map<WatchlistEntry, string>();
  const mismatchCategories = new Set<FlagCategory>(mis.hsMismatch.categories);
  const undeclaredCategories = new Set<FlagCategory>(mis.undeclaredNature.categories);
  const rates = new Map(Object.entries(mis.valuePerKg.usdRates));
  const extraVague = new Set(mis.vagueDescription.extraTerms.map(foldText));
  const documentWords = new Set([...mis.valuePerKg.exemptTerms.map(foldText), ...DOCUMENT_FILLERS]);
  /** True when every word of the description is a document word, a filler or a number. */
  const documentsOnly = (d: string) =>
    foldText(d)
      .split(' ')
      .every((w) => documentWords.has(w) || /^\d+$/.test(w));
  // The full check (shared with validation) costs microseconds: run it only on descriptions
  // that hold a vague word, or that may match PACT's shapes (short, no letters, one repeated character).
  const mayBeVague = (d: string, vagueWord: boolean) =>
    vagueWord || d.length <= 6 || !hasLetter(d) || oneRepeatedChar(d);
  const isVague = (d: string, latin: string, vagueWord: boolean) =>
    d.length <= 80 && mayBeVague(d, vagueWord) && (isVagueDescription(latin) || extraVague.has(foldText(d)));

  const score = (flags: readonly Flag[]) => {
    if (flags.length === 0) return { riskScore: 0, review: threshold <= 0 };
    // Independent signals: 1 − Π(1 − s/100) over each rule's strongest flag.
    const best = new Map<string, number>();
    for (const f of flags) best.set(f.rule, Math.max(best.get(f.rule) ?? 0, f.score));
    let keep = 1;
    for (const s of best.values()) keep *= 1 - Math.min(100, Math.max(0, s)) / 100;
    const riskScore = Math.round((1 - keep) * 100);
    return { riskScore, review: riskScore >= threshold };
  };

  /**
   * A disguised-text flag for the field, when some of its words mix scripts, or spell a term with
   * look-alike digits or symbols (`digits`, positions in the text; "AMM0").
   */
  function disguisedText(
    flags: Flag[],
    field: string,
    text: string,
    disguises: readonly Disguise[],
    digits: readonly DigitDisguise[] = NO_DIGIT_DISGUISES,
    spelt: 'term' | 'name' = 'term',
  ): void {
    const n = disguises.length + digits.length;
    if (n === 0) return;
    const quoted = [
      ...disguises.map((d) => ({ start: d.start, label: `"${text.slice(d.start, d.end)}" (${d.scripts})` })),
      ...digits.map((d) => ({
        start: d.start,
        label: `"${text.slice(d.start, d.end)}" (digits for letters)`,
      })),
    ].sort((a, b) => a.start - b.start);
    const why =
      digits.length === 0
        ? 'Latin letters mixed with look-alike letters of another script'
        : disguises.length === 0
          ? `a listed ${spelt} spelt with look-alike digits or symbols`
          : 'look-alike letters of another script, or digits and symbols for letters';
    flags.push({
      category: 'misdeclaration',
      rule: 'disguised-text',
      score: mis.disguisedText.score,
      evidence: {
        field,
        text: clip(
          `${quoted
            .slice(0, 3)
            .map((q) => q.label)
            .join(', ')}${n > 3 ? ` and ${n - 3} more` : ''}: ${why}`,
          MAX_EVIDENCE,
        ),
      },
    });
  }

  function deniedParty(index: WatchlistIndex, flags: Flag[], name: string | undefined, who: Party): void {
    if (!name) return;
    const match = index.search(name, 1)[0];
    if (!match) return;
    // Looked for only in names that match: the check reads the whole name, for every party.
    disguisedText(flags, PARTY_FIELD[who], name, disguisesIn(name), match.digitsForLetters, 'name');
    // A listed person found by a shortened name ("Rigoberto Quintero") is a partial match.
    const exact = match.similarity >= EXACT && !isShortened(match);
    const e = match.entry;
    let listed = listings.get(e);
    if (listed === undefined) listings.set(e, (listed = listing(e)));
    flags.push({
      category: 'denied-party',
      rule: exact ? 'denied-party-exact' : 'denied-party-fuzzy',
      score: exact ? dp.exactScore : dp.fuzzyScore,
      evidence: {
        field: PARTY_FIELD[who],
        text: clip(
          `"${name}" matches listed ${match.alt ? 'alt name' : 'name'} "${match.listedName}"${match.alt ? ` of "${e.name}"` : ''}${shortenedBy(match)} (${listed ? `${listed}; ` : ''}similarity ${match.similarity.toFixed(2)})`,
          MAX_EVIDENCE,
        ),
      },
    });
  }

  function screen(c: Consignment): ScreeningResult {
    const flags: Flag[] = [];
    const description = c.description;
    // Most consignments match nothing: these stay empty and shared until something matches.
    let textCategories = NONE;
    let mismatchable = NONE;
    let hsCategories = NONE;

    // Commodity terms (context weighed), markers, CAS numbers: read once per description.
    const {
      terms,
      consolidation,
      vague: vagueText,
      noValueExpected,
      cas: casHits,
      disguises,
      digitDisguises,
    } = scanDescription(description);
    if (terms.length > 0) {
      const byRule = new Map<number, { start: number; end: number }[]>();
      for (const h of terms) {
        const rule = rules.termRules[h.rule]!;
        if (rule.minWeightKg !== undefined && c.weightKg < rule.minWeightKg) continue;
        const list = byRule.get(h.rule) ?? [];
        list.push({ start: h.start, end: h.end });
        byRule.set(h.rule, list);
      }
      if (byRule.size > 1) dropContained(byRule, (rule) => rules.termRules[rule]!.category);
      for (const [ruleIndex, ranges] of byRule) {
        if (ranges.length === 0) continue;
        const rule = rules.termRules[ruleIndex]!;
        addTermFlags(flags, rule, description, ranges, c.weightKg);
        textCategories = withCategory(textCategories, rule.category);
        if (rule.hsMismatch) mismatchable = withCategory(mismatchable, rule.category);
      }
    }

    disguisedText(flags, 'description', description, disguises, digitDisguises);

    // CAS numbers with a valid check digit.
    for (const cas of casHits) {
      const listed = casByNumber.get(cas.cas);
      if (!listed) continue;
      flags.push({
        category: listed.rule.category,
        rule: listed.rule.id,
        score: listed.rule.score,
        evidence: { field: 'description', text: `CAS ${cas.cas} (${listed.name})` },
      });
      textCategories = withCategory(textCategories, listed.rule.category);
      mismatchable = withCategory(mismatchable, listed.rule.category);
    }

    // HS code prefixes, longest first.
    for (const code of c.hsCodes) {
      const hit = hsPrefixes.longest(code);
      if (!hit) continue;
      flags.push({
        category: hit.category,
        rule: hit.id,
        score: hit.score,
        evidence: { field: 'hsCodes', text: code },
      });
      hsCategories = withCategory(hsCategories, hit.category);
    }

    // Description and HS code disagree.
    if (c.hsCodes.length > 0) {
      for (const cat of mismatchable) {
        if (!mismatchCategories.has(cat) || hsCategories.has(cat)) continue;
        flags.push({
          category: 'misdeclaration',
          rule: 'hs-description-mismatch',
          score: mis.hsMismatch.score,
          evidence: {
            field: 'hsCodes',
            text: clip(
              `description names ${cat} goods but HS ${c.hsCodes.join(', ')} does not`,
              MAX_EVIDENCE,
            ),
          },
        });
      }
    }
    for (const cat of hsCategories) {
      if (!undeclaredCategories.has(cat) || textCategories.has(cat)) continue;
      flags.push({
        category: 'misdeclaration',
        rule: 'hs-nature-undeclared',
        score: mis.undeclaredNature.score,
        evidence: {
          field: 'description',
          text: clip(`"${description}" does not name the ${cat} goods its HS code declares`, MAX_EVIDENCE),
        },
      });
    }

    // Denied parties, in the rule set's order (each read by name: a property read by a
    // variable key costs more).
    if (index)
      for (const who of dp.parties) {
        const party = who === 'shipper' ? c.shipper : who === 'consignee' ? c.consignee : c.notify;
        deniedParty(index, flags, party?.name, who);
      }

    // Mis-declaration and anomalies.
    const vague = mis.vagueDescription;
    const usd = toUsd(c.declaredValue, rates);
    if (!(c.kind === 'master' && consolidation) && vagueText) {
      let rule = 'vague-description';
      let s = vague.score;
      let why = '';
      if (usd !== undefined && usd <= vague.lowValueUsd && !noValueExpected) {
        rule = 'vague-description-low-value';
        s = vague.lowValueScore;
        why = ` declared at ${money(c.declaredValue!)}`;
      }
      if (c.weightKg >= vague.heavyKg && vague.heavyScore >= s) {
        rule = 'vague-description-heavy';
        s = vague.heavyScore;
        why = ` for ${c.weightKg} kg${why ? ` and${why}` : ''}`;
      }
      flags.push({
        category: 'misdeclaration',
        rule,
        score: s,
        evidence: { field: 'description', text: clip(`"${description}"${why}`, MAX_EVIDENCE) },
      });
    }
    const vpk = mis.valuePerKg;
    if (usd !== undefined && !noValueExpected) {
      const perKg = usd / c.weightKg;
      if (c.weightKg >= vpk.minWeightKg && perKg < vpk.minUsdPerKg)
        flags.push({
          category: 'misdeclaration',
          rule: 'value-per-kg-low',
          score: vpk.lowScore,
          evidence: {
            field: 'declaredValue',
            text: `${money(c.declaredValue!)} for ${c.weightKg} kg (${perKg.toFixed(2)} USD/kg, minimum ${vpk.minUsdPerKg})`,
          },
        });
      else if (perKg > vpk.maxUsdPerKg)
        flags.push({
          category: 'misdeclaration',
          rule: 'value-per-kg-high',
          score: vpk.highScore,
          evidence: {
            field: 'declaredValue',
            text: `${money(c.declaredValue!)} for ${c.weightKg} kg (${Math.round(perKg)} USD/kg, maximum ${vpk.maxUsdPerKg})`,
          },
        });
    }
    const volume = c.volumeM3;
    if (volume != null && volume > 0) {
      const density = c.weightKg / volume;
      const d = mis.density;
      if (density < d.minKgPerM3 || density > d.maxKgPerM3)
        flags.push({
          category: 'misdeclaration',
          rule: 'density-out-of-range',
          score: d.score,
          evidence: {
            field: 'volumeM3',
            text: `${c.weightKg} kg in ${volume} m³ = ${Math.round(density)} kg/m³ (expected ${d.minKgPerM3}–${d.maxKgPerM3})`,
          },
        });
    }

    if (flags.length > 1) flags.sort((a, b) => b.score - a.score);
    const { riskScore, review } = score(flags);
    const result: ScreeningResult = { flags, riskScore, ruleSetVersion: version, review };
    if (watchlistVersion) result.watchlistVersion = watchlistVersion;
    return result;
  }

  return {
    ruleSetVersion: version,
    rules,
    ...(watchlistVersion ? { watchlistVersion } : {}),
    screen,
    score,
  };
}

/** How a shortened listed name was shortened, for the evidence ("" for a whole name). */
function shortenedBy(m: WatchlistMatch): string {
  if (m.firstSurnameOnly) return ' without its second surname';
  if (m.middleNamesDropped !== undefined)
    return m.middleNamesDropped === 1 ? ' without its middle name' : ' without its middle names';
  return '';
}

function addTermFlags(
  flags: Flag[],
  rule: TermRule,
  text: string,
  ranges: { start: number; end: number }[],
  weightKg: number,
): void {
  // Keep the longest of overlapping hits ("1-boc-4-piperidone" over "4-piperidone"), then distinct texts.
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const seen = new Set<string>();
  let lastEnd = -1;
  let count = 0;
  for (const r of ranges) {
    if (r.end <= lastEnd) continue;
    lastEnd = r.end;
    const snippet = text.slice(r.start, r.end).replace(/\s+/g, ' ');
    const key = snippet.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const suffix = rule.minWeightKg !== undefined ? ` (${weightKg} kg)` : '';
    flags.push({
      category: rule.category,
      rule: rule.id,
      score: rule.score,
      evidence: { field: 'description', text: clip(snippet + suffix, MAX_EVIDENCE) },
    });
    if (++count >= MAX_FLAGS_PER_RULE) break;
  }
}

function buildIndex(
  watchlist: ScreenerOptions['watchlist'],
  dp: RuleSet['deniedParty'],
): WatchlistIndex | undefined {
  if (!watchlist) return undefined;
  if (watchlist instanceof WatchlistIndex) return watchlist;
  const entries = 'csv' in watchlist ? parseCslCsv(watchlist.csv, watchlist.origin) : watchlist;
  return new WatchlistIndex(entries, new NameNormaliser(dp), dp.threshold);
}

/** A short, stable identity of a list: its size and a hash of its names. */
export function watchlistStamp(entries: readonly WatchlistEntry[]): string {
  let h = 0;
  for (const e of entries) h = hash53(`${e.id}|${e.name}|${e.altNames.join(';')}`, h % 0xffffffff);
  return `csl-${h.toString(16).padStart(14, '0')}-${entries.length}`;
}

function toUsd(value: Consignment['declaredValue'], rates: ReadonlyMap<string, number>): number | undefined {
  if (!value) return undefined;
  const rate = rates.get(value.currency);
  return rate === undefined ? undefined : value.amount * rate;
}

function money(v: NonNullable<Consignment['declaredValue']>): string {
  return `${v.amount.toFixed(2)} ${v.currency}`;
}

/** "SDN, entry 90001, programs SDNTK": where an entry is listed, for a flag's evidence. */
function listing(e: WatchlistEntry): string {
  return [
    e.source && shortSource(e.source),
    e.entityNumber && `entry ${e.entityNumber}`,
    e.programs && `programs ${e.programs}`,
  ]
    .filter(Boolean)
    .join(', ');
}

type Party = RuleSet['deniedParty']['parties'][number];
const PARTY_FIELD: Record<Party, string> = {
  shipper: 'shipper.name',
  consignee: 'consignee.name',
  notify: 'notify.name',
};

/** Distinct descriptions whose term and CAS hits are remembered (the memo starts over when full). */
const DESCRIPTION_MEMO = 4096;

function shortSource(source: string): string {
  // "Specially Designated Nationals (SDN) - Treasury Department" → "SDN"
  return /\(([A-Z0-9-]{2,12})\)/.exec(source)?.[1] ?? source;
}
