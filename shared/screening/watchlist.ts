import {
  MAX_FUZZY_TOKEN,
  MAX_NAME_TOKENS,
  NameNormaliser,
  type NameRules,
  type NormalisedName,
} from './names.js';
import { decodeUtf8OrWindows1252 } from '../formats/stream.js';
import { freshMap } from '../validation/memo.js';
import { lookalikeReadings, type DigitDisguise } from './lookalike-digits.js';
import { namesWithin } from './party-names.js';
import { TokenPairIndex, withRoom } from './pairs.js';
import { StringCache } from './string-cache.js';

/**
 * Denied-party lists in the US Consolidated Screening List (CSL) CSV layout (trade.gov):
 * _id, source, entity_number, type, programs, name, title, addresses, …, alt_names (";"-separated),
 * citizenships, dates_of_birth, nationalities, …, ids. Columns are found by header name, so
 * the order and extra columns do not matter; only `name` is required.
 */
export interface WatchlistEntry {
  id: string;
  source: string;
  entityNumber: string;
  type: string;
  programs: string;
  name: string;
  altNames: string[];
  addresses: string;
  countries: string;
}

export class WatchlistFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchlistFormatError';
  }
}

/** Upper bound on a watchlist file: the full CSL is a few tens of MB. */
export const MAX_WATCHLIST_BYTES = 128 * 1024 * 1024;
const MAX_FIELD_CHARS = 64 * 1024;

/**
 * RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. A column
 * whose `keep[column]` is false is read past but not cut out (it reads as ''): a CSL row has
 * some thirty columns, of which screening keeps nine. `keep` is read at every record, so a
 * caller may fill it once it has read the header.
 */
export function* csvRecords(
  text: string,
  keep: readonly boolean[] = [],
): Generator<{ fields: string[]; line: number }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      const kept = keep[fields.length] !== false;
      if (text.charCodeAt(i) === QUOTE) {
        i++;
        let chunkStart = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new WatchlistFormatError(`line ${startLine}: a quoted field is never closed`);
          for (let p = i; p < q; p++) if (text.charCodeAt(p) === LF) line++;
          if (text.charCodeAt(q + 1) === QUOTE) {
            if (kept) value += text.slice(chunkStart, q + 1);
            i = q + 2;
            chunkStart = i;
            continue;
          }
          if (kept) value += text.slice(chunkStart, q);
          i = q + 1;
          break;
        }
        // Tolerate stray characters between the closing quote and the delimiter.
        const stray = i;
        i = fieldEnd(text, i);
        if (i > stray && kept) value += text.slice(stray, i);
      } else {
        const start = i;
        i = fieldEnd(text, i);
        if (kept) value = text.slice(start, i);
      }
      if (value.length > MAX_FIELD_CHARS)
        throw new WatchlistFormatError(
          `line ${startLine}: a field is longer than ${MAX_FIELD_CHARS} characters`,
        );
      fields.push(value);
      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      if (text.charCodeAt(i) === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    yield { fields, line: startLine };
  }
}

const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;

/** Where the unquoted field text from `i` ends: at a comma, a line break or the end. */
function fieldEnd(text: string, i: number): number {
  for (let c = text.charCodeAt(i); i < text.length; c = text.charCodeAt(++i))
    if (c === COMMA || c === LF || c === CR) break;
  return i;
}

/**
 * A watchlist file's text: UTF-8, as the CSL is published (a BOM is read past by parseCslCsv),
 * or, when the bytes are not valid UTF-8, Windows-1252, as a spreadsheet saves a CSV on Windows.
 * Read as UTF-8, a Windows-1252 list would silently turn every accented letter into U+FFFD, and
 * its accented names would never match.
 */
export function decodeWatchlist(bytes: Uint8Array): string {
  return decodeUtf8OrWindows1252(bytes);
}

/** Parses a CSL CSV document. Throws WatchlistFormatError with a clear reason when it is not one. */
export function parseCslCsv(text: string, origin = 'watchlist'): WatchlistEntry[] {
  try {
    return parseCsl(text, origin);
  } catch (error) {
    // Errors found in the records name their line; the file is named here.
    if (error instanceof WatchlistFormatError && !error.message.startsWith(`${origin}: `))
      throw new WatchlistFormatError(`${origin}: ${error.message}`);
    throw error;
  }
}

function parseCsl(text: string, origin: string): WatchlistEntry[] {
  if (text.length > MAX_WATCHLIST_BYTES)
    throw new WatchlistFormatError(`${origin}: larger than ${MAX_WATCHLIST_BYTES} bytes`);
  const keep: boolean[] = [];
  const records = csvRecords(text, keep);
  const head = records.next();
  if (head.done) throw new WatchlistFormatError(`${origin}: the file is empty`);
  const header = head.value.fields.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const iName = col('name');
  if (iName < 0)
    throw new WatchlistFormatError(
      `${origin}: no "name" column; expected the Consolidated Screening List CSV layout (source, entity_number, type, programs, name, alt_names …)`,
    );
  const iId = col('_id');
  const iSource = col('source');
  const iNumber = col('entity_number');
  const iType = col('type');
  const iPrograms = col('programs');
  const iAlt = col('alt_names');
  const iAddr = col('addresses');
  const iCountries = [col('citizenships'), col('nationalities')].filter((i) => i >= 0);
  const get = (f: string[], i: number) => (i >= 0 ? (f[i] ?? '').trim() : '');
  keep.push(...header.map(() => false));
  for (const i of [iName, iId, iSource, iNumber, iType, iPrograms, iAlt, iAddr, ...iCountries])
    if (i >= 0) keep[i] = true;
  const entries: WatchlistEntry[] = [];
  for (const { fields, line } of records) {
    const name = get(fields, iName);
    if (!name) continue;
    entries.push({
      id: get(fields, iId) || `line-${line}`,
      source: get(fields, iSource),
      entityNumber: get(fields, iNumber),
      type: get(fields, iType),
      programs: get(fields, iPrograms),
      name,
      altNames: get(fields, iAlt)
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean),
      addresses: get(fields, iAddr),
      countries: iCountries
        .map((i) => get(fields, i))
        .filter(Boolean)
        .join('; '),
    });
  }
  return entries;
}

export interface WatchlistMatch {
  entry: WatchlistEntry;
  /** The listed name or alt name that matched. */
  listedName: string;
  alt: boolean;
  similarity: number;
  /** The party matched the listed person's given names and first surname only ("Rigoberto Quintero"). */
  firstSurnameOnly?: boolean;
  /** The party matched the listed person's first given name and surnames only ("Bradley Holloway"): how many given names it left out. */
  middleNamesDropped?: number;
  /** The party matched only once its digits and symbols were read as letters ("J0sé"): those words. */
  digitsForLetters?: readonly DigitDisguise[];
}

/** A listed name or alt name; its normal form is its tokens' vocabulary ids (nameTok). */
interface IndexedName {
  entry: number;
  name: string;
  alt: boolean;
  /**
   * Indexed as a shortened form of `name`: its given names and first surname (firstSurnameForm()),
   * or its first given name and surnames, `dropped` given names left out (firstGivenNameForm()).
   */
  form?: { kind: 'first-surname' } | { kind: 'first-given-name'; dropped: number };
}

/**
 * Candidate index over names and alt names. Each distinct token of the list has a posting list
 * of the names holding it; a party token looks up its own list and those of the list tokens one
 * edit away (found through a deletion dictionary, as SymSpell does), so "Lópaz" still reaches
 * "López". A query scores only the names that hold enough of its tokens to possibly reach the
 * threshold, instead of the whole list.
 */
export class WatchlistIndex {
  readonly size: number;
  private readonly names: IndexedName[] = [];
  /** token → ids of the names holding it. */
  private readonly postings = new Map<string, Int32Array>();
  /** one-character deletion of a list token (or the token itself) → list tokens. */
  private readonly deletions = new Map<string, string[]>();
  /** list token → vocabulary id. */
  private readonly vocabulary = new Map<string, number>();
  /** vocabulary id → the token, and its weight (a token's weight depends on the token alone). */
  private readonly vocabularyTokens: string[] = [];
  private readonly vocabularyWeights: Float64Array;
  /** party token → vocabulary ids of the list tokens it may stand for, and the names holding them (memo). */
  private expanded = new Map<string, Posting>();
  private readonly tokenMark: Uint32Array;
  private readonly tokenBits: Uint32Array;
  /** Vocabulary ids of every name's tokens, flat (name i: nameTok[nameTokStart[i] .. nameTokStart[i + 1]]). */
  private readonly nameTok: Int32Array;
  private readonly nameTokStart: Int32Array;
  private readonly pairs: TokenPairIndex;
  /**
   * Names as one run of letters (their tokens joined without spaces) → the name's id, or −1 − k
   * for the ids spacedMany[k] when several names run together the same way. A name is found here
   * when it differs only in where its words break: "Wei Ming" for "Weiming", a word cut in two
   * across a Cargo-IMP continuation line ("NORT" / "ENO" for "NORTENO"). The token similarity
   * cannot see those, since it pairs whole words.
   */
  private readonly spaced = new Map<string, number>();
  private readonly spacedMany: number[][] = [];
  /** NameNormaliser.minPartyCoverage of the threshold. */
  private readonly coverage: number;
  private markGeneration = 0;
  // Per-query scratch (screening is synchronous): generation stamps avoid clearing arrays.
  private readonly stamp: Uint32Array;
  private readonly hitWeight: Float64Array;
  private readonly lastToken: Int32Array;
  private generation = 0;
  /** The candidates of the last query (see candidates()). */
  private found: Int32Array = OUT;
  private foundFrom = 0;
  /** Memo of searches, by limit: name as given → the id of its answer in `results`, or NO_MATCH. */
  private readonly searched = new Map<number, SearchMemo>();
  private lastMemo: SearchMemo | undefined;

  constructor(
    readonly entries: readonly WatchlistEntry[],
    readonly normaliser: NameNormaliser,
    readonly threshold: number,
  ) {
    /** vocabulary id → ids of the names holding that token, ascending. */
    const lists: number[][] = [];
    const nameTok: number[] = [];
    const nameTokStart: number[] = [];
    const weights: number[] = [];
    /** The normal forms indexed for the entry being added, to skip a derived form it lists already. */
    const forms = new Set<string>();
    const add = (
      e: number,
      name: string,
      alt: boolean,
      shortened?: NormalisedName,
      form?: IndexedName['form'],
    ) => {
      const norm = shortened ?? normaliser.normalise(name);
      if (norm.tokens.length === 0) return;
      const key = norm.tokens.join(' ');
      if (shortened !== undefined && forms.has(key)) return;
      forms.add(key);
      const id = this.names.length;
      nameTokStart.push(nameTok.length);
      for (let k = 0; k < norm.tokens.length; k++) {
        const t = norm.tokens[k]!;
        let tid = this.vocabulary.get(t);
        if (tid === undefined) {
          this.vocabulary.set(t, (tid = this.vocabulary.size));
          this.vocabularyTokens.push(t);
          weights.push(norm.weights[k]!);
          lists.push([]);
        }
        nameTok.push(tid);
        const list = lists[tid]!;
        if (list[list.length - 1] !== id) list.push(id); // a token repeated in a name counts once
      }
      this.names.push(form === undefined ? { entry: e, name, alt } : { entry: e, name, alt, form });
      if (shortened !== undefined) return;
      this.addSpaced(norm.tokens, id);
      // "ZHANG, Wei Ming" is reordered to "Wei Ming Zhang"; a party may write it in the listed
      // order, "Zhang Weiming", and run together only the words as written.
      if (name.includes(',')) this.addSpaced(normaliser.normalise(name.replaceAll(',', ' ')).tokens, id);
    };
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!;
      const named = [entry.name, ...entry.altNames];
      forms.clear();
      named.forEach((name, k) => add(e, name, k > 0));
      // After every name and alt name, so that a form one of them spells already is skipped.
      if (!PERSON.test(entry.type)) continue;
      const { firstSurnameForms, middleNameForms } = normaliser.rules;
      const parted = named.map((name) => namePartsOf(name, normaliser));
      // Given names that another name of the entry writes as one ("Wei Ming", "Weiming").
      const givenWords = new Set(parted.flatMap((p) => p?.given.tokens ?? []));
      named.forEach((name, k) => {
        // Both forms read the same two parts of the name: normalised once.
        const parts = parted[k];
        if (parts === undefined) return;
        const bySurname = firstSurnameForms === false ? undefined : firstSurnameForm(name, normaliser, parts);
        if (bySurname !== undefined) add(e, name, k > 0, bySurname, { kind: 'first-surname' });
        const [g0, g1] = parts.given.tokens;
        const runTogether = g1 !== undefined && givenWords.has(`${g0}${g1}`);
        const byGiven =
          middleNameForms === false || runTogether ? undefined : firstGivenNameForm(name, normaliser, parts);
        if (byGiven !== undefined)
          add(e, name, k > 0, byGiven.name, { kind: 'first-given-name', dropped: byGiven.dropped });
      });
    }
    for (const [token, tid] of this.vocabulary) {
      this.postings.set(token, Int32Array.from(lists[tid]!));
      if (token.length < MIN_EDIT_LENGTH || token.length > MAX_FUZZY_TOKEN) continue;
      for (const d of [token, ...deletionsOf(token)]) {
        const near = this.deletions.get(d);
        if (near) near.push(token);
        else this.deletions.set(d, [token]);
      }
    }
    this.vocabularyWeights = Float64Array.from(weights);
    this.size = this.names.length;
    this.stamp = new Uint32Array(this.size);
    this.hitWeight = new Float64Array(this.size);
    this.lastToken = new Int32Array(this.size);
    this.tokenMark = new Uint32Array(this.vocabulary.size);
    this.tokenBits = new Uint32Array(this.vocabulary.size);
    nameTokStart.push(nameTok.length);
    this.nameTok = Int32Array.from(nameTok);
    this.nameTokStart = Int32Array.from(nameTokStart);
    try {
      this.pairs = new TokenPairIndex(this.nameTok, this.nameTokStart);
    } catch (error) {
      if (error instanceof RangeError)
        throw new WatchlistFormatError(`watchlist too large to index: ${error.message}`);
      throw error;
    }
    this.coverage = NameNormaliser.minPartyCoverage(threshold);
  }

  static fromCsv(text: string, rules: NameRules & { threshold: number }, origin?: string): WatchlistIndex {
    return new WatchlistIndex(parseCslCsv(text, origin), new NameNormaliser(rules), rules.threshold);
  }

  /** Listed entries whose name or an alt name is similar enough, best first (one match per entry). */
  search(name: string, limit = 3): readonly WatchlistMatch[] {
    // Parties repeat: a manifest's shippers on every row, its consignees now and then (a
    // million parcels of the benchmark hold ~150,000 buyers, each ~5 times). Hashing the name
    // as given and finding it costs a tenth of normalising it and searching the index.
    let memo = this.lastMemo;
    if (memo?.limit !== limit) {
      // Screening asks with one limit throughout: the map is read only when the limit changes.
      memo = this.searched.get(limit);
      if (memo === undefined)
        this.searched.set(limit, (memo = { limit, names: new StringCache(MEMO_SLOTS), results: [] }));
      this.lastMemo = memo;
    }
    const { names, results } = memo;
    const id = names.find(name);
    // Most parties match nothing: they are remembered without a result, as NO_MATCH.
    if (id === NO_MATCH) return NO_MATCHES;
    if (id >= 0) return results[id]!;
    const result = this.searchWithin(name, limit);
    if (names.full(name.length)) {
      names.clear();
      results.length = 0;
    }
    const value = result.length === 0 ? NO_MATCH : results.length;
    if (names.put(name, value) && value !== NO_MATCH) results.push(result);
    return result;
  }

  /**
   * searchIndexed() of the name and of each name within it (party-names.ts), best per entry;
   * unless that matches exactly, also of the name with look-alike digits and symbols read as letters.
   */
  private searchWithin(name: string, limit: number): readonly WatchlistMatch[] {
    const found = this.searchNames(name, limit);
    if (found.length > 0 && found[0]!.similarity >= EXACT) return found;
    // "Rigob3rto Quint3ro": read as descriptions are (lookalike-digits.ts), unless the name as
    // written matches exactly; a reading's match counts only where it is closer than the name's.
    const { readings, words } = lookalikeReadings(name);
    if (readings.length === 0) return found;
    const read = bestPerEntry(
      readings.map((r) => this.searchNames(r, limit)),
      limit,
    ).map((m) => ({ ...m, digitsForLetters: words }));
    return bestPerEntry([found, read], limit);
  }

  private searchNames(name: string, limit: number): readonly WatchlistMatch[] {
    const whole = this.searchIndexed(name, limit);
    const within = namesWithin(name);
    if (within.length === 0) return whole;
    return bestPerEntry([whole, ...within.map((n) => this.searchIndexed(n, limit))], limit);
  }

  /** The index lookup itself, without the memo (what the benchmark measures). */
  searchIndexed(name: string, limit = 3): readonly WatchlistMatch[] {
    const q = this.normaliser.normalise(name);
    if (q.tokens.length === 0) return NO_MATCHES;
    const n = this.candidates(q);
    const spaced = this.spacedLike(q);
    return n === 0 && spaced === NO_SPACED
      ? NO_MATCHES
      : this.best(this.found, this.foundFrom, n, q, limit, spaced);
  }

  /** The same scoring over every name, no index: the baseline the benchmark compares with. */
  searchLinear(name: string, limit = 3): readonly WatchlistMatch[] {
    const q = this.normaliser.normalise(name);
    if (q.tokens.length === 0) return NO_MATCHES;
    const all: number[] = [];
    for (let i = 0; i < this.names.length; i++) all.push(i);
    return this.best(all, 0, all.length, q, limit, this.spacedLike(q));
  }

  private addSpaced(tokens: readonly string[], id: number): void {
    const key = tokens.join('');
    if (key.length < MIN_SPACED_LETTERS) return;
    const had = this.spaced.get(key);
    if (had === undefined) this.spaced.set(key, id);
    else if (had >= 0) {
      if (had === id) return;
      this.spaced.set(key, -1 - this.spacedMany.length);
      this.spacedMany.push([had, id]);
    } else {
      const ids = this.spacedMany[-1 - had]!;
      if (ids[ids.length - 1] !== id) ids.push(id);
    }
  }

  /** The names that run together as the party's tokens do (see `spaced`): an id, −1 − k for spacedMany[k], or NO_SPACED. */
  private spacedLike(q: NormalisedName): number {
    const key = q.tokens.join('');
    return key.length < MIN_SPACED_LETTERS ? NO_SPACED : (this.spaced.get(key) ?? NO_SPACED);
  }

  /**
   * Ids of the names that hold enough of the party's tokens to possibly reach the threshold.
   * This runs for every party screened, so it works in scratch arrays and allocates nothing:
   * the `n` (returned) ids are this.found[foundFrom ..], valid until the next query.
   */
  private candidates(q: NormalisedName): number {
    const { tokens, weights } = q;
    // Initials and two-letter tokens would pull in half the list: block on real words when there are any.
    let anyLong = false;
    for (let i = 0; i < tokens.length; i++) if (tokens[i]!.length > 2) anyLong = true;
    // Blocking tokens, rarest first (a stable insertion sort: at most MAX_NAME_TOKENS of them).
    let total = 0;
    let sum = 0;
    let k = 0;
    for (let i = 0; i < tokens.length; i++) {
      const w = weights[i]!;
      total += w;
      if (anyLong && tokens[i]!.length <= 2) continue;
      sum += w;
      const posting = this.near(tokens[i]!);
      let j = k++;
      for (; j > 0 && BLOCK[j - 1]!.ids.length > posting.ids.length; j--) {
        BLOCK[j] = BLOCK[j - 1]!;
        BLOCK_W[j] = BLOCK_W[j - 1]!;
      }
      BLOCK[j] = posting;
      BLOCK_W[j] = w;
    }
    // A name can reach the threshold only if the party tokens it holds carry enough of the
    // party's weight (`required`); tokens left out of blocking count as missing.
    const required = Math.max(1e-6, total * this.coverage - (total - sum) - 1e-9);
    // Tokens without which `required` is out of reach must all be present (person names usually
    // need every token): the candidates are the names holding the rarest of them with each of
    // the others, read from the pair index and intersected; other tokens are checked per candidate.
    let must = 0;
    let m0 = -1;
    let base = 0;
    let checks = 0;
    for (let i = 0; i < k; i++)
      if (sum - BLOCK_W[i]! < required) {
        if (m0 < 0) m0 = i;
        must++;
        base += BLOCK_W[i]!;
      } else CHECK[checks++] = i;
    // The candidates before the per-candidate check: stamped[from .. from + stampedLength).
    let stamped: Int32Array;
    let from = 0;
    let stampedLength: number;
    if (must === 1) {
      stamped = BLOCK[m0]!.ids;
      stampedLength = stamped.length;
    } else if (must > 1) {
      const pairs = this.pairs;
      const first = BLOCK[m0]!.tids;
      stamped = OUT;
      stampedLength = -1;
      for (let i = m0 + 1; i < k && stampedLength !== 0; i++) {
        if (sum - BLOCK_W[i]! >= required) continue;
        const n = pairs.names(
          first,
          BLOCK[i]!.tids,
          this.stamp,
          this.nextGeneration(),
          stampedLength < 0 ? 0 : 1,
        );
        if (stampedLength < 0) {
          stamped = pairs.list;
          from = pairs.offset;
          stampedLength = n;
          continue;
        }
        PAIRED = withRoom(PAIRED, stampedLength);
        stampedLength = intersectSorted(stamped, from, stampedLength, pairs.list, pairs.offset, n, PAIRED);
        stamped = PAIRED;
        from = 0;
      }
    } else {
      // base -1: each candidate's weight so far is in hitWeight (several generators).
      base = -1;
      checks = 0;
      // Generators: the rarest tokens, just enough that the other tokens alone cannot reach
      // `required`, so every qualifying name is in one of their lists. The long lists (common
      // first names, common surnames) are never walked: their tokens are checked per candidate.
      let rest = sum;
      let generators = 0;
      while (generators < k && rest >= required) rest -= BLOCK_W[generators++]!;
      for (let i = generators; i < k; i++) CHECK[checks++] = i;
      if (generators > 1) {
        stampedLength = this.stampAll(generators, this.nextGeneration());
        stamped = STAMPED;
      } else {
        stamped = BLOCK[0]!.ids; // one generator: its list holds each name once, no stamping needed
        stampedLength = stamped.length;
        base = BLOCK_W[0]!;
      }
    }
    if (checks === 0) {
      this.found = stamped;
      this.foundFrom = from;
      return stampedLength;
    }
    // Mark the checked tokens' vocabulary ids (one bit per party token: two party tokens may
    // stand for the same list token), then check each candidate's tokens against the marks.
    if (++this.markGeneration === 0xffffffff) {
      this.tokenMark.fill(0);
      this.markGeneration = 1;
    }
    const m = this.markGeneration;
    for (let c = 0; c < checks; c++) {
      const tids = BLOCK[CHECK[c]!]!.tids;
      for (let t = 0; t < tids.length; t++) {
        const tid = tids[t]!;
        if (this.tokenMark[tid] !== m) {
          this.tokenMark[tid] = m;
          this.tokenBits[tid] = 0;
        }
        this.tokenBits[tid]! |= 1 << c;
      }
    }
    OUT = withRoom(OUT, stampedLength);
    let n = 0;
    for (let s = from; s < from + stampedLength; s++) {
      const id = stamped[s]!;
      let got = base >= 0 ? base : this.hitWeight[id]!;
      const tokFrom = this.nameTokStart[id]!;
      const tokTo = this.nameTokStart[id + 1]!;
      for (let c = 0; c < checks && got < required; c++) {
        for (let t = tokFrom; t < tokTo; t++) {
          const tid = this.nameTok[t]!;
          if (this.tokenMark[tid] === m && (this.tokenBits[tid]! & (1 << c)) !== 0) {
            got += BLOCK_W[CHECK[c]!]!;
            break;
          }
        }
      }
      if (got >= required) OUT[n++] = id;
    }
    this.found = OUT;
    this.foundFrom = 0;
    return n;
  }

  /** A stamp value no name holds yet. */
  private nextGeneration(): number {
    if (++this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  /** Names in any of the first `lists` blocking lists, each once, with the summed weight of the lists holding it. */
  private stampAll(lists: number, gen: number): number {
    let n = 0;
    for (let t = 0; t < lists; t++) {
      const list = BLOCK[t]!.ids;
      const w = BLOCK_W[t]!;
      STAMPED = withRoom(STAMPED, n + list.length, n);
      for (let j = 0; j < list.length; j++) {
        const id = list[j]!;
        if (this.stamp[id] !== gen) {
          this.stamp[id] = gen;
          this.hitWeight[id] = 0;
          this.lastToken[id] = -1;
          STAMPED[n++] = id;
        }
        if (this.lastToken[id] === t) continue; // one count per party token
        this.lastToken[id] = t;
        this.hitWeight[id]! += w;
      }
    }
    return n;
  }

  /** The list tokens that count as the same as a party token (equal, or one edit away), and the names holding them. */
  private near(token: string): Posting {
    // A token too long to be a name word stands only for itself, and is not remembered: the
    // sender chooses it (see MAX_FUZZY_TOKEN).
    if (token.length > MAX_FUZZY_TOKEN) {
      const ids = this.postings.get(token);
      return ids ? { tids: Int32Array.of(this.vocabulary.get(token)!), ids } : NO_POSTING;
    }
    const memo = this.expanded.get(token);
    if (memo) return memo;
    const near = new Set<string>();
    if (this.postings.has(token)) near.add(token);
    // List tokens one letter longer (via their deletions), and for tokens long enough to carry
    // a typo, one letter shorter or substituted.
    for (const t of this.deletions.get(token) ?? []) near.add(t);
    if (token.length >= MIN_EDIT_LENGTH) {
      for (const d of deletionsOf(token)) {
        if (d !== token && this.postings.has(d)) near.add(d); // the party token has one extra letter
        for (const t of this.deletions.get(d) ?? []) near.add(t); // one letter missing, or substituted
      }
    }
    const tids: number[] = [];
    const ids = new Set<number>();
    for (const t of near) {
      if (t !== token && this.normaliser.tokenSimilarity(token, t) === 0) continue;
      tids.push(this.vocabulary.get(t)!);
      for (const id of this.postings.get(t)!) ids.add(id);
    }
    const result = { tids: Int32Array.from(tids), ids: Int32Array.from(ids).sort() };
    if (this.expanded.size >= 50_000) this.expanded = freshMap();
    this.expanded.set(token, result);
    return result;
  }

  /** The best match per entry among ids[from .. from + n), best first. */
  private best(
    ids: ArrayLike<number>,
    from: number,
    n: number,
    q: NormalisedName,
    limit: number,
    spaced = NO_SPACED,
  ): WatchlistMatch[] {
    const byEntry = new Map<number, WatchlistMatch>();
    for (let i = from; i < from + n; i++) {
      const id = ids[i]!;
      const listed = this.names[id]!;
      // The listed name's tokens and weights, from its vocabulary ids (normalise() keeps at
      // most MAX_NAME_TOKENS of a name).
      const tokFrom = this.nameTokStart[id]!;
      const nb = this.nameTokStart[id + 1]! - tokFrom;
      for (let k = 0; k < nb; k++) {
        const tid = this.nameTok[tokFrom + k]!;
        LISTED_TOKENS[k] = this.vocabularyTokens[tid]!;
        LISTED_W[k] = this.vocabularyWeights[tid]!;
      }
      const similarity = this.normaliser.similarityOf(q, LISTED_TOKENS, LISTED_W, nb);
      if (similarity < this.threshold) continue;
      // A shortened name is already a partial match: it counts only when written exactly.
      const form = listed.form;
      if (form && similarity < EXACT) continue;
      const match: WatchlistMatch = {
        entry: this.entries[listed.entry]!,
        listedName: listed.name,
        alt: listed.alt,
        similarity,
        ...(form?.kind === 'first-surname' ? { firstSurnameOnly: true } : {}),
        ...(form?.kind === 'first-given-name' ? { middleNamesDropped: form.dropped } : {}),
      };
      const prev = byEntry.get(listed.entry);
      if (!prev || strongerFirst(match, prev) < 0) byEntry.set(listed.entry, match);
    }
    // Names that differ from the party only in where words break are the same name: 1.
    if (spaced !== NO_SPACED)
      for (const id of spaced >= 0 ? [spaced] : this.spacedMany[-1 - spaced]!) {
        const listed = this.names[id]!;
        const prev = byEntry.get(listed.entry);
        if (prev && prev.similarity >= 1) continue;
        byEntry.set(listed.entry, {
          entry: this.entries[listed.entry]!,
          listedName: listed.name,
          alt: listed.alt,
          similarity: 1,
        });
      }
    return [...byEntry.values()].sort(strongerFirst).slice(0, limit);
  }
}

/** The strongest match of each entry among several searches, strongest first; on ties, the earlier search's. */
function bestPerEntry(searches: readonly (readonly WatchlistMatch[])[], limit: number): WatchlistMatch[] {
  const byEntry = new Map<WatchlistEntry, WatchlistMatch>();
  for (const found of searches)
    for (const m of found) {
      const prev = byEntry.get(m.entry);
      if (!prev || strongerFirst(m, prev) < 0) byEntry.set(m.entry, m);
    }
  // A stable sort keeps the earlier search's matches first on ties.
  return [...byEntry.values()].sort(strongerFirst).slice(0, limit);
}

/** Similarity from which two names are the same (floating point aside). */
export const EXACT = 0.9999;
/** CSL `type` of a person ("Individual"); entities, vessels and aircraft have no surnames. */
const PERSON = /^\s*(individual|person)/i;

/**
 * "QUINTERO BARRAGÁN, Rigoberto" → the tokens [rigoberto, quintero]: the given names (after the
 * first comma, titles dropped) and the first of two or more surnames (before it, particles
 * dropped: "DE LA CRUZ PÉREZ" → cruz). Undefined when the name is not written "SURNAMES, Given",
 * has one surname, or when the first surname is a letter ("DE LA O PÉREZ") or a patronymic
 * particle ("ABU BAKR"): alone it names nobody.
 */
export function firstSurnameForm(
  name: string,
  normaliser: NameNormaliser,
  parts = namePartsOf(name, normaliser),
): NormalisedName | undefined {
  if (parts === undefined) return undefined;
  const { surnames, given } = parts;
  const first = surnames.tokens[0];
  // A form is a name's tokens: at most MAX_NAME_TOKENS, as normalise() keeps.
  if (surnames.tokens.length < 2 || given.tokens.length === 0 || given.tokens.length >= MAX_NAME_TOKENS)
    return undefined;
  if (first === undefined || first.length < 3 || NOT_A_SURNAME.has(first)) return undefined;
  return {
    tokens: [...given.tokens, first],
    weights: [...given.weights, surnames.weights[0]!],
    text: `${given.text} ${first}`,
  };
}

/**
 * "HOLLOWAY, Bradley James" → the tokens [bradley, holloway] (and how many given names were
 * left out: 1): the first given name and the surnames, as a party often writes a name without
 * its middle names. Undefined when the name is not written "SURNAMES, Given", has one given
 * name, or its first given name is an initial or two letters ("SMITH, J. Robert", "LI, Li Na"),
 * a patronymic particle ("AL-BAGHDADI, Abu Bakr"), or joined to the next by a dash ("ZHANG,
 * Wei-Ming": one given name, which normalising cuts in two), or when the given names hold a
 * particle ("GARCÍA, María de la Luz": one given name too). The caller also skips names whose
 * given names another name of the entry runs together ("CHANG, Wei Ming" beside "Weiming").
 */
export function firstGivenNameForm(
  name: string,
  normaliser: NameNormaliser,
  parts = namePartsOf(name, normaliser),
): { name: NormalisedName; dropped: number } | undefined {
  if (parts === undefined) return undefined;
  const { surnames, given } = parts;
  const first = given.tokens[0];
  // A form is a name's tokens: at most MAX_NAME_TOKENS, as normalise() keeps.
  if (surnames.tokens.length === 0 || given.tokens.length < 2 || surnames.tokens.length >= MAX_NAME_TOKENS)
    return undefined;
  if (first === undefined || first.length < 3 || NOT_A_SURNAME.has(first)) return undefined;
  const written = name.slice(name.indexOf(',') + 1).trim();
  if (/^[^\s\u2010-\u2015-]+[\u2010-\u2015-]/.test(written) || GIVEN_PARTICLE.test(written)) return undefined;
  return {
    name: {
      tokens: [first, ...surnames.tokens],
      weights: [given.weights[0]!, ...surnames.weights],
      text: `${first} ${surnames.text}`,
    },
    dropped: given.tokens.length - 1,
  };
}

/** A name written "SURNAMES, Given": its two parts, normalised (undefined without a comma). */
interface NameParts {
  surnames: NormalisedName;
  given: NormalisedName;
}

function namePartsOf(name: string, normaliser: NameNormaliser): NameParts | undefined {
  const comma = name.indexOf(',');
  if (comma < 0) return undefined;
  return {
    surnames: normaliser.normalise(name.slice(0, comma)),
    given: normaliser.normalise(name.slice(comma + 1)),
  };
}

/** A particle inside given names, which then make one name ("María de la Luz", "José del Carmen"). */
const GIVEN_PARTICLE = /\s(?:de|del|de la|de los|de las|dos|da|das|van|von)\s/i;

/** Words before a surname that do not name a family alone ("ABU BAKR", "BIN LADEN", "VAN DER …"). */
const NOT_A_SURNAME = new Set([
  'abu',
  'bin',
  'ibn',
  'bint',
  'ben',
  'ould',
  'van',
  'von',
  'mac',
  'der',
  'den',
]);

/** The strongest match first: higher similarity, then a whole name before a shortened form. */
function strongerFirst(a: WatchlistMatch, b: WatchlistMatch): number {
  return b.similarity - a.similarity || Number(isShortened(a)) - Number(isShortened(b));
}

/** True when the match is with a shortened form of the listed name (a partial match). */
export function isShortened(m: WatchlistMatch): boolean {
  return m.firstSurnameOnly === true || m.middleNamesDropped !== undefined;
}

/** Names shorter than this (letters and digits) are not looked up run together: too many would collide. */
const MIN_SPACED_LETTERS = 6;
/** spacedLike(): no name runs together as the party does. */
const NO_SPACED = 0x7fffffff;

/** Tokens shorter than this match only when equal (as NameNormaliser.tokenSimilarity allows edits from 4). */
const MIN_EDIT_LENGTH = 4;

/** The searches of one limit remembered (see WatchlistIndex.search). */
interface SearchMemo {
  limit: number;
  names: StringCache;
  results: (readonly WatchlistMatch[])[];
}

/** The list tokens a party token may stand for, and the names holding them (ascending ids). */
interface Posting {
  tids: Int32Array;
  ids: Int32Array;
}

/** The list tokens of a party token that stands for none. */
const NO_POSTING: Posting = { tids: new Int32Array(0), ids: new Int32Array(0) };
/** Slots of the search memo (see search()): up to 196,608 names remembered, 16 MB of slots when full. */
const MEMO_SLOTS = 1 << 18;
/** The answer for a name that matches nothing: one frozen array, not a new one each time. */
const NO_MATCHES: readonly WatchlistMatch[] = Object.freeze([]);
/** The search memo's value for a name that matches nothing. */
const NO_MATCH = 0x7fffffff;

// Per-query scratch (screening is synchronous: one query at a time).
/** The party's blocking tokens, rarest first, and their weights. */
const BLOCK: Posting[] = [];
const BLOCK_W = new Float64Array(MAX_NAME_TOKENS);
/** Positions in BLOCK of the tokens checked per candidate. */
const CHECK = new Int32Array(MAX_NAME_TOKENS);
let STAMPED: Int32Array = new Int32Array(1024);
let OUT: Int32Array = new Int32Array(1024);
/** Names holding every must token so far (pair lists intersected). */
let PAIRED: Int32Array = new Int32Array(1024);
/** The listed name being scored: its tokens and their weights (see best()). */
const LISTED_TOKENS: string[] = [];
const LISTED_W = new Float64Array(MAX_NAME_TOKENS);

/**
 * Ids in both ascending lists a[ai .. ai + na) and b[bj .. bj + nb) (a merge), written to the
 * start of `out` (which may be `a` itself when ai is 0); returns their number.
 */
function intersectSorted(
  a: Int32Array,
  ai: number,
  na: number,
  b: Int32Array,
  bj: number,
  nb: number,
  out: Int32Array,
): number {
  let n = 0;
  let i = ai;
  let j = bj;
  while (i < ai + na && j < bj + nb) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

function deletionsOf(token: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < token.length; i++) out.push(token.slice(0, i) + token.slice(i + 1));
  return out;
}
