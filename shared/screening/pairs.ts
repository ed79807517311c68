/**
 * Names by pair of tokens: for every listed name, each unordered pair of its distinct tokens
 * (and each token with itself) leads to the ids of the names holding both.
 *
 * Why: a person's name is screened only against listed names holding all its tokens, and its
 * tokens are common ones (a first name and surnames each held by hundreds of the 28,000 names
 * of a CSL-sized list). Intersecting those long lists cost more than the rest of a lookup; the
 * list of names holding two given tokens is short (tens), found in one table probe, and lists
 * of pairs sharing a token intersect into the names holding three or more.
 *
 * Layout: an open-addressing hash table over (a, b) vocabulary-id pairs, a ≤ b, four integers a
 * slot (a, b, start, count: one cache line per probe), pointing into one flat array of name ids
 * (ascending within a pair). Typed arrays only: a list of 28,000 names has ~150,000 pair
 * entries, which as Map entries of arrays would cost megabytes of heap.
 */
export class TokenPairIndex {
  private mask = 15;
  /** Slot s: [4s] = a (-1 when free), [4s + 1] = b, [4s + 2] = start in ids, [4s + 3] = count. */
  private table = freeTable(16);
  /** Slots taken (distinct pairs). */
  private used = 0;
  private readonly ids: Int32Array;
  /** Scratch outputs of names(), reused from query to query (screening is synchronous). */
  readonly found: [Int32Array, Int32Array] = [new Int32Array(256), new Int32Array(256)];

  /**
   * Name i holds the vocabulary ids tokens[starts[i] .. starts[i + 1]] (repeats allowed). A name
   * of k distinct tokens makes k(k+1)/2 entries: a list needing more than `maxEntries` is
   * refused (RangeError) rather than exhausting memory.
   */
  constructor(tokens: Int32Array, starts: Int32Array, maxEntries = MAX_PAIR_ENTRIES) {
    const names = starts.length - 1;
    // Each name's distinct tokens, ascending, flat: name i's are distinct[from[i] .. from[i + 1]).
    const distinct = new Int32Array(tokens.length);
    const from = new Int32Array(names + 1);
    let entries = 0;
    let n = 0;
    for (let i = 0; i < names; i++) {
      from[i] = n;
      for (let t = starts[i]!; t < starts[i + 1]!; t++) {
        // Insertion into the sorted run, skipping repeats: names hold a handful of tokens.
        const tid = tokens[t]!;
        let j = n;
        while (j > from[i]! && distinct[j - 1]! > tid) j--;
        if (j > from[i]! && distinct[j - 1] === tid) continue;
        distinct.copyWithin(j + 1, j, n);
        distinct[j] = tid;
        n++;
      }
      const k = n - from[i]!;
      entries += (k * (k + 1)) / 2;
      if (entries > maxEntries)
        throw new RangeError(
          `the list's names hold more than ${maxEntries.toLocaleString('en')} token pairs (name ${i + 1} of ${names})`,
        );
    }
    from[names] = n;
    // The table grows to stay at most two thirds full of distinct pairs, so probes stay short.
    // Sized by distinct pairs, not entries: names share pairs (common surnames, "trading co"),
    // and a table that fits the CPU caches answers each probe several times faster.
    this.ids = new Int32Array(entries);
    // Two passes over the same pairs: count per slot, then place ids at their slot's offsets.
    for (let i = 0; i < names; i++)
      this.eachPair(distinct, from[i]!, from[i + 1]!, (slot) => this.table[slot * 4 + 3]!++);
    let offset = 0;
    for (let s = 0; s <= this.mask; s++) {
      this.table[s * 4 + 2] = offset;
      offset += this.table[s * 4 + 3]!;
      this.table[s * 4 + 3] = 0;
    }
    for (let i = 0; i < names; i++)
      this.eachPair(distinct, from[i]!, from[i + 1]!, (slot) => {
        this.ids[this.table[slot * 4 + 2]! + this.table[slot * 4 + 3]!++] = i;
      });
  }

  /** Where the last names() result is: `list[offset .. offset + n)`. */
  list: Int32Array = this.found[0];
  offset = 0;

  /**
   * The names holding a token of `as` and a token of `bs`, ascending, each once: `n` (returned)
   * ids from `list[offset]`, which is the index's own array or `found[into]`, valid until the
   * next call with the same `into`. `stamp` must hold no `gen` yet (a fresh generation of the
   * caller's): it marks the names already taken.
   */
  names(as: Int32Array, bs: Int32Array, stamp: Uint32Array, gen: number, into: 0 | 1): number {
    if (as.length === 1 && bs.length === 1) {
      // The usual case, each token standing for one list token: one pair's list, already
      // ascending and without repeats, read where it is.
      const slot = this.find(as[0]!, bs[0]!);
      if (slot < 0) return 0;
      this.list = this.ids;
      this.offset = this.table[slot * 4 + 2]!;
      return this.table[slot * 4 + 3]!;
    }
    let out = this.found[into];
    let n = 0;
    for (let i = 0; i < as.length; i++)
      for (let j = 0; j < bs.length; j++) {
        const slot = this.find(as[i]!, bs[j]!);
        if (slot < 0) continue;
        const from = this.table[slot * 4 + 2]!;
        const to = from + this.table[slot * 4 + 3]!;
        out = this.found[into] = withRoom(out, n + to - from, n);
        for (let k = from; k < to; k++) {
          const id = this.ids[k]!;
          if (stamp[id] === gen) continue;
          stamp[id] = gen;
          out[n++] = id;
        }
      }
    // Merged lists are sorted, as a posting list is.
    out.subarray(0, n).sort();
    this.list = out;
    this.offset = 0;
    return n;
  }

  /** The slot of the pair (x, y), either order; -1 when no name holds both. */
  private find(x: number, y: number): number {
    const slot = x < y ? this.probe(x, y) : this.probe(y, x);
    return this.table[slot * 4] === -1 ? -1 : slot;
  }

  /** The slot holding the pair (a, b), a ≤ b, or else the free slot where it belongs. */
  private probe(a: number, b: number): number {
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const k = this.table[slot * 4]!;
      if (k === -1 || (k === a && this.table[slot * 4 + 1] === b)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Calls `visit` with the slot of each pair of the distinct tokens d[from .. to) (ascending), claiming free slots. */
  private eachPair(d: Int32Array, from: number, to: number, visit: (slot: number) => void): void {
    for (let i = from; i < to; i++)
      for (let j = i; j < to; j++) {
        let slot = this.probe(d[i]!, d[j]!);
        if (this.table[slot * 4] === -1) {
          if ((this.used + 1) * 3 > (this.mask + 1) * 2) {
            this.grow();
            slot = this.probe(d[i]!, d[j]!);
          }
          this.table[slot * 4] = d[i]!;
          this.table[slot * 4 + 1] = d[j]!;
          this.used++;
        }
        visit(slot);
      }
  }

  /** Twice the slots, each taken one moved with its count (only while counting: starts are not set yet). */
  private grow(): void {
    const old = this.table;
    this.mask = this.mask * 2 + 1;
    this.table = freeTable(this.mask + 1);
    for (let s = 0; s < old.length; s += 4) {
      if (old[s] === -1) continue;
      const slot = this.probe(old[s]!, old[s + 1]!);
      this.table.set(old.subarray(s, s + 4), slot * 4);
    }
  }
}

function freeTable(slots: number): Int32Array {
  const table = new Int32Array(slots * 4);
  for (let s = 0; s < slots; s++) table[s * 4] = -1;
  return table;
}

/**
 * `buf` when it holds `size` ids, else a larger one (at least doubled) with its first `keep` ids
 * copied: the per-query scratch buffers grow to the largest query seen and are then reused.
 */
export function withRoom(buf: Int32Array, size: number, keep = 0): Int32Array {
  if (buf.length >= size) return buf;
  const grown = new Int32Array(Math.max(size, buf.length * 2));
  if (keep > 0) grown.set(buf.subarray(0, keep));
  return grown;
}

/**
 * Token pairs a list may make: the real Consolidated Screening List makes ~300,000 (names of
 * ~4 tokens); 8 million entries are ~32 MB of ids plus the table.
 */
export const MAX_PAIR_ENTRIES = 8_000_000;

/** A 32-bit mix of the pair (murmur3's finaliser): vocabulary ids are small and dense. */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
