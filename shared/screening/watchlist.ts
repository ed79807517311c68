import { NameNormaliser, type NameRules, type NormalisedName } from './names.js';
import { ownString } from '../validation/memo.js';

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

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function* csvRecords(text: string): Generator<{ fields: string[]; line: number }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        let chunkStart = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new WatchlistFormatError(`line ${startLine}: a quoted field is never closed`);
          for (let p = text.indexOf('\n', i); p >= 0 && p < q; p = text.indexOf('\n', p + 1)) line++;
          if (text[q + 1] === '"') {
            value += text.slice(chunkStart, q + 1);
            i = q + 2;
            chunkStart = i;
            continue;
          }
          value += text.slice(chunkStart, q);
          i = q + 1;
          break;
        }
        // Tolerate stray characters between the closing quote and the delimiter.
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(start, i);
      }
      if (value.length > MAX_FIELD_CHARS)
        throw new WatchlistFormatError(
          `line ${startLine}: a field is longer than ${MAX_FIELD_CHARS} characters`,
        );
      fields.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    yield { fields, line: startLine };
  }
}

/** Parses a CSL CSV document. Throws WatchlistFormatError with a clear reason when it is not one. */
export function parseCslCsv(text: string, origin = 'watchlist'): WatchlistEntry[] {
  if (text.length > MAX_WATCHLIST_BYTES)
    throw new WatchlistFormatError(`${origin}: larger than ${MAX_WATCHLIST_BYTES} bytes`);
  const records = csvRecords(text);
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
}

interface IndexedName {
  entry: number;
  name: string;
  alt: boolean;
  norm: NormalisedName;
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
  /** 32-bit words of a bit set over the names. */
  private readonly words: number;
  private readonly names: IndexedName[] = [];
  /** token → ids of the names holding it. */
  private readonly postings = new Map<string, Int32Array>();
  /** one-character deletion of a list token (or the token itself) → list tokens. */
  private readonly deletions = new Map<string, string[]>();
  /** list token → vocabulary id. */
  private readonly vocabulary = new Map<string, number>();
  /** party token → vocabulary ids of the list tokens it may stand for, and the names holding them (memo). */
  private readonly expanded = new Map<string, Posting>();
  private readonly tokenMark: Uint32Array;
  private readonly tokenBits: Uint32Array;
  /** Vocabulary ids of every name's tokens, flat (name i: nameTok[nameTokStart[i] .. nameTokStart[i + 1]]). */
  private readonly nameTok: Int32Array;
  private readonly nameTokStart: Int32Array;
  private markGeneration = 0;
  // Per-query scratch (screening is synchronous): generation stamps avoid clearing arrays.
  private readonly stamp: Uint32Array;
  private readonly hitWeight: Float64Array;
  private readonly lastToken: Int32Array;
  private generation = 0;
  private readonly cache = new Map<string, WatchlistMatch[]>();

  constructor(
    readonly entries: readonly WatchlistEntry[],
    readonly normaliser: NameNormaliser,
    readonly threshold: number,
  ) {
    const lists = new Map<string, number[]>();
    const nameTok: number[] = [];
    const nameTokStart: number[] = [];
    entries.forEach((entry, e) => {
      for (const [name, alt] of [
        [entry.name, false] as const,
        ...entry.altNames.map((a) => [a, true] as const),
      ]) {
        const norm = normaliser.normalise(name);
        if (norm.tokens.length === 0) continue;
        const id = this.names.length;
        nameTokStart.push(nameTok.length);
        for (const t of norm.tokens) {
          let tid = this.vocabulary.get(t);
          if (tid === undefined) this.vocabulary.set(t, (tid = this.vocabulary.size));
          nameTok.push(tid);
        }
        this.names.push({ entry: e, name, alt, norm: kept(norm) });
        for (const t of new Set(norm.tokens)) {
          const list = lists.get(t);
          if (list) list.push(id);
          else lists.set(t, [id]);
        }
      }
    });
    for (const [token, list] of lists) {
      this.postings.set(token, Int32Array.from(list));
      if (token.length < MIN_EDIT_LENGTH) continue;
      for (const d of [token, ...deletionsOf(token)]) {
        const near = this.deletions.get(d);
        if (near) near.push(token);
        else this.deletions.set(d, [token]);
      }
    }
    this.size = this.names.length;
    this.words = (this.size + 31) >>> 5;
    this.stamp = new Uint32Array(this.size);
    this.hitWeight = new Float64Array(this.size);
    this.lastToken = new Int32Array(this.size);
    this.tokenMark = new Uint32Array(this.vocabulary.size);
    this.tokenBits = new Uint32Array(this.vocabulary.size);
    nameTokStart.push(nameTok.length);
    this.nameTok = Int32Array.from(nameTok);
    this.nameTokStart = Int32Array.from(nameTokStart);
  }

  static fromCsv(text: string, rules: NameRules & { threshold: number }, origin?: string): WatchlistIndex {
    return new WatchlistIndex(parseCslCsv(text, origin), new NameNormaliser(rules), rules.threshold);
  }

  /** Listed entries whose name or an alt name is similar enough, best first (one match per entry). */
  search(name: string, limit = 3): WatchlistMatch[] {
    const key = limit === 1 ? name : `${limit}\u0000${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const result = this.searchIndexed(name, limit);
    // Shippers repeat across a file: a small memo saves their lookups. Consignees mostly do
    // not, and a large memo of them would only keep the garbage collector busy.
    if (this.cache.size >= SEARCH_MEMO) this.cache.clear();
    this.cache.set(ownString(key), result);
    return result;
  }

  /** The index lookup itself, without the memo (what the benchmark measures). */
  searchIndexed(name: string, limit = 3): WatchlistMatch[] {
    const q = this.normaliser.normalise(name);
    return q.tokens.length === 0 ? [] : this.best(this.candidates(q), q, limit);
  }

  /** The same scoring over every name, no index: the baseline the benchmark compares with. */
  searchLinear(name: string, limit = 3): WatchlistMatch[] {
    const q = this.normaliser.normalise(name);
    if (q.tokens.length === 0) return [];
    const all: number[] = [];
    for (let i = 0; i < this.names.length; i++) all.push(i);
    return this.best(all, q, limit);
  }

  private candidates(q: NormalisedName): number[] {
    if (++this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    // Initials and two-letter tokens would pull in half the list: block on real words when there are any.
    let anyLong = false;
    for (const t of q.tokens) if (t.length > 2) anyLong = true;
    // A name can reach the threshold only if the party tokens it holds carry enough of the
    // party's weight (`required`); tokens left out of blocking count as missing.
    let total = 0;
    let blockingWeight = 0;
    const near: { w: number; tids: Int32Array; ids: Int32Array; posting: Posting }[] = [];
    for (let i = 0; i < q.tokens.length; i++) {
      const t = q.tokens[i]!;
      const w = q.weights[i]!;
      total += w;
      if (anyLong && t.length <= 2) continue;
      blockingWeight += w;
      const n = this.near(t);
      near.push({ w, tids: n.tids, ids: n.ids, posting: n });
    }
    near.sort((a, b) => a.ids.length - b.ids.length);
    const required = Math.max(
      1e-6,
      total * NameNormaliser.minPartyCoverage(this.threshold) - (total - blockingWeight) - 1e-9,
    );
    // Generators: the shortest posting lists, just enough that the other tokens alone cannot
    // reach `required`, so every qualifying name is in one of them. The long lists (common
    // first names, common surnames) are never walked: their tokens are checked per candidate.
    let rest = near.reduce((a, x) => a + x.w, 0);
    let generators = 0;
    while (generators < near.length && rest >= required) rest -= near[generators++]!.w;
    // Tokens without which `required` is out of reach must all be present: intersect their
    // (sorted) lists first, a sequential merge. Person names usually need every token.
    const sum = near.reduce((a, x) => a + x.w, 0);
    const must = near.filter((x) => sum - x.w < required);
    let stamped: ArrayLike<number>;
    let base = 0;
    let others = near;
    if (must.length > 0) {
      stamped = this.intersectAll(must.map((x) => x.posting));
      base = must.reduce((a, x) => a + x.w, 0);
      others = near.filter((x) => sum - x.w >= required);
      generators = 0;
    } else if (generators > 1) stamped = this.stampAll(near.slice(0, generators), gen);
    else stamped = near[0]!.ids; // one generator: its list holds each name once, no stamping needed
    // Mark the remaining tokens' vocabulary ids (one bit per party token: two party tokens may
    // stand for the same list token), then check each candidate's tokens against the marks.
    if (++this.markGeneration === 0xffffffff) {
      this.tokenMark.fill(0);
      this.markGeneration = 1;
    }
    const m = this.markGeneration;
    for (let t = generators; t < others.length; t++) {
      const bit = 1 << (t - generators);
      const tids = others[t]!.tids;
      for (let k = 0; k < tids.length; k++) {
        const tid = tids[k]!;
        if (this.tokenMark[tid] !== m) {
          this.tokenMark[tid] = m;
          this.tokenBits[tid] = 0;
        }
        this.tokenBits[tid]! |= bit;
      }
    }
    const out: number[] = [];
    for (let s = 0; s < stamped.length; s++) {
      const id = stamped[s]!;
      let got = must.length > 0 ? base : generators === 1 ? near[0]!.w : this.hitWeight[id]!;
      const from = this.nameTokStart[id]!;
      const to = this.nameTokStart[id + 1]!;
      for (let t = generators; t < others.length && got < required; t++) {
        const bit = 1 << (t - generators);
        for (let k = from; k < to; k++) {
          const tid = this.nameTok[k]!;
          if (this.tokenMark[tid] === m && (this.tokenBits[tid]! & bit) !== 0) {
            got += others[t]!.w;
            break;
          }
        }
      }
      if (got >= required) out.push(id);
    }
    return out;
  }

  /** Names in any of the lists, each once, with the summed weight of the lists holding it. */
  private stampAll(lists: { ids: Int32Array; w: number }[], gen: number): number[] {
    const stamped: number[] = [];
    for (let t = 0; t < lists.length; t++) {
      const { ids: list, w } = lists[t]!;
      for (let k = 0; k < list.length; k++) {
        const id = list[k]!;
        if (this.stamp[id] !== gen) {
          this.stamp[id] = gen;
          this.hitWeight[id] = 0;
          this.lastToken[id] = -1;
          stamped.push(id);
        }
        if (this.lastToken[id] === t) continue; // one count per party token
        this.lastToken[id] = t;
        this.hitWeight[id]! += w;
      }
    }
    return stamped;
  }

  /** The list tokens that count as the same as a party token (equal, or one edit away), and the names holding them. */
  /**
   * Names in every posting list (ascending ids; `lists` shortest first). Common first names and
   * surnames have lists of thousands: a merge of two such lists mispredicts a branch at every
   * step, so long lists are intersected as bit sets, word by word, and a short list is filtered
   * by bit tests against the long ones.
   */
  private intersectAll(lists: readonly Posting[]): ArrayLike<number> {
    let acc: Int32Array = lists[0]!.ids;
    if (lists.length === 1 || acc.length === 0) return acc;
    const words = this.words;
    if (acc.length >= words) {
      // Every list is longer than the bit sets: AND them word by word, then read the ids out.
      if (AND.length < words) AND = new Uint32Array(words);
      const and = AND;
      and.set(this.bitsOf(lists[0]!));
      for (let l = 1; l < lists.length; l++) {
        const bits = this.bitsOf(lists[l]!);
        for (let w = 0; w < words; w++) and[w]! &= bits[w]!;
      }
      const out = scratch(0, acc.length);
      let n = 0;
      for (let w = 0; w < words; w++) {
        let word = and[w]!;
        while (word !== 0) {
          const low = word & -word;
          out[n++] = (w << 5) + 31 - Math.clz32(low);
          word ^= low;
        }
      }
      return out.subarray(0, n);
    }
    for (let l = 1; l < lists.length && acc.length > 0; l++) {
      const other = lists[l]!;
      const into = (l % 2) as 0 | 1;
      if (other.ids.length < BITSET_MIN) {
        acc = intersectSorted(acc, other.ids, into);
        continue;
      }
      const bits = this.bitsOf(other);
      const out = scratch(into, acc.length);
      let n = 0;
      // Branch-free: about half the ids pass, which a branch would mispredict.
      for (let k = 0; k < acc.length; k++) {
        const id = acc[k]!;
        out[n] = id;
        n += (bits[id >>> 5]! >>> (id & 31)) & 1;
      }
      acc = out.subarray(0, n);
    }
    return acc;
  }

  private bitsOf(p: Posting): Uint32Array {
    if (p.bits) return p.bits;
    const bits = new Uint32Array(this.words);
    for (let k = 0; k < p.ids.length; k++) {
      const id = p.ids[k]!;
      bits[id >>> 5]! |= 1 << (id & 31);
    }
    p.bits = bits;
    return bits;
  }

  private near(token: string): Posting {
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
    if (this.expanded.size >= 50_000) this.expanded.clear();
    this.expanded.set(token, result);
    return result;
  }

  private best(ids: number[], q: NormalisedName, limit: number): WatchlistMatch[] {
    const byEntry = new Map<number, WatchlistMatch>();
    for (const id of ids) {
      const n = this.names[id]!;
      const similarity = this.normaliser.similarity(q, n.norm);
      if (similarity < this.threshold) continue;
      const prev = byEntry.get(n.entry);
      if (!prev || similarity > prev.similarity)
        byEntry.set(n.entry, { entry: this.entries[n.entry]!, listedName: n.name, alt: n.alt, similarity });
    }
    return [...byEntry.values()].sort((a, b) => b.similarity - a.similarity).slice(0, limit);
  }
}

/**
 * A copy of a listed name's normal form, made here rather than kept as normalise() returned it.
 * V8 learns per allocation site whether objects live long: if the 28,000 names of the list were
 * kept straight from normalise(), its sites would be marked long-lived and every party screened
 * afterwards (garbage a moment later) would be allocated in the old generation, which then fills
 * with garbage (measured: ~850 bytes a consignment, peak RSS 270 MB instead of ~150 MB).
 */
function kept(norm: NormalisedName): NormalisedName {
  return { tokens: norm.tokens.slice(), weights: norm.weights.slice(), text: norm.text };
}

/** Tokens shorter than this match only when equal (as NameNormaliser.tokenSimilarity allows edits from 4). */
const MIN_EDIT_LENGTH = 4;

/** The list tokens a party token may stand for, and the names holding them (ascending ids). */
interface Posting {
  tids: Int32Array;
  ids: Int32Array;
  /** The same names as a bit set, built on first use for lists of BITSET_MIN names or more. */
  bits?: Uint32Array;
}

/** Posting lists at least this long are intersected as bit sets. */
const BITSET_MIN = 128;
let AND = new Uint32Array(1024);

/** Memoised searches (by name), cleared when full. */
const SEARCH_MEMO = 1024;

// Two scratch buffers for chained intersections (one query at a time: screening is synchronous).
const SCRATCH = [new Int32Array(1024), new Int32Array(1024)];

function scratch(which: 0 | 1, size: number): Int32Array {
  if (SCRATCH[which]!.length < size)
    SCRATCH[which] = new Int32Array(Math.max(size, SCRATCH[which]!.length * 2));
  return SCRATCH[which]!;
}

/**
 * Ids in both ascending lists (a merge: sequential reads only), written to scratch buffer
 * `into`, which a chained call must not also read from.
 */
function intersectSorted(a: Int32Array, b: Int32Array, into: 0 | 1): Int32Array {
  const out = scratch(into, Math.min(a.length, b.length));
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

function deletionsOf(token: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < token.length; i++) out.push(token.slice(0, i) + token.slice(i + 1));
  return out;
}
