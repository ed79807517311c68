/**
 * A bounded table from strings, or slices of a larger string (not cut out), to non-negative
 * integers (the caller's ids for what it caches). Open addressing over the keys' hashes, at most
 * three quarters full: FNV-1a hashes computed by the caller while it scans the text anyway
 * (get/set), or hashes of whole keys the cache computes itself (find/put). It grows up to
 * `maxSlots`, and then the caller starts it over (see full()).
 *
 * Why not a Map: screening looks up every party name. Once a Map holds a hundred thousand names
 * its lookups miss the CPU caches on its table, on each key it compares and on the value
 * (measured ~1 µs a lookup, a fifth of a whole search). Here a slot is one cache line of a typed
 * array: hash, value, length and, for a key of up to 48 Latin-1 characters (party names almost
 * always), the key itself, four characters an integer. Longer or wider keys keep their
 * characters in a second array. A lookup so reads one cache line, and the keys are no objects
 * for the garbage collector to copy.
 */
export class StringCache {
  /** Slot s at 16s: hash, value (-1: free), key length, offset of the key in `chars` (-1: inline), inline key. */
  private table: Int32Array;
  /** Characters of the keys not kept inline. */
  private chars: Uint16Array;
  private used = 0;
  private mask: number;
  /** The key of the current find() or put() as packed inline, `keyWords` integers (-1: not packed). */
  private readonly key = new Int32Array(SLOT - HEAD);
  private keyWords = -1;
  private count = 0;
  private readonly maxChars: number;

  /**
   * `maxSlots`: a power of two; the table holds at most three quarters as many keys, and the
   * characters of keys not kept inline at most `maxSlots` × 16 code units. It starts with
   * `slots` (a smaller power of two), so that a table that stays small costs little.
   */
  constructor(
    readonly maxSlots: number,
    slots = Math.min(maxSlots, 1024),
  ) {
    if (!isPowerOfTwo(maxSlots) || !isPowerOfTwo(slots) || slots > maxSlots)
      throw new RangeError('slots must be powers of two, at most maxSlots');
    this.maxChars = maxSlots * 16;
    this.mask = slots - 1;
    this.table = freeSlots(slots);
    this.chars = new Uint16Array(64);
  }

  get size(): number {
    return this.count;
  }

  get slots(): number {
    return this.mask + 1;
  }

  /** The value of the key text[start, end), whose fnv1a hash is `h`; -1 when it has none. */
  get(text: string, start: number, end: number, h: number): number {
    this.keyWords = -1;
    const slot = this.slotOf(text, start, end, h);
    return slot < 0 ? -1 : this.table[slot * SLOT + 1]!;
  }

  /**
   * True when a new key of `length` characters might not fit: clear() before set(). (Whether a
   * key sits inline depends on its characters too, so any key counts against the character store.)
   */
  full(length: number): boolean {
    return (
      length <= this.maxChars && (this.count >= limit(this.maxSlots) || this.used + length > this.maxChars)
    );
  }

  /**
   * The value of the whole string `key`, -1 when it has none. Unlike get(), the cache hashes the
   * key itself, and a key it keeps inline (most) is read once: its characters are packed into
   * integers as they are read, hashed four at a time and compared with the slot as integers,
   * rather than read once to hash and again to compare. (Each read of a character of a string
   * cut from a larger one costs more than the arithmetic: measured ~40 % of a lookup.) A cache is
   * used either through find() and put() or through get() and set(), whose hashes differ.
   */
  find(key: string): number {
    const slot = this.slotOf(key, 0, key.length, this.hashKey(key));
    return slot < 0 ? -1 : this.table[slot * SLOT + 1]!;
  }

  /** set() for a whole string, hashed as find() hashes it. */
  put(key: string, value: number): boolean {
    return this.store(key, 0, key.length, this.hashKey(key), value);
  }

  /**
   * The hash of `key` for find() and put(). A key kept inline is left packed in `this.key`
   * (`this.keyWords` integers) for slotOf() to compare; any other is hashed with FNV-1a.
   */
  private hashKey(key: string): number {
    const words = packInto(key, 0, key.length, this.key, 0);
    this.keyWords = words;
    if (words < 0) return fnv1a(key);
    let h = key.length;
    for (let w = 0; w < words; w++) {
      // murmur3's block step: every bit of a word reaches the low bits that pick the slot.
      h ^= Math.imul(rotl(Math.imul(this.key[w]!, 0xcc9e2d51), 15), 0x1b873593);
      h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Forgets every key (in place: no new arrays). */
  clear(): void {
    for (let s = 1; s < this.table.length; s += SLOT) this.table[s] = -1;
    this.used = 0;
    this.count = 0;
  }

  /**
   * Sets the value (≥ 0) of text[start, end) (hash `h`), copying the key's characters. The
   * caller checks full() first: a full table throws rather than growing past its bounds. A key
   * longer than the whole character store, or whose slot is too far (see slotOf), is not kept:
   * returns whether it was, so that callers keep what the value stands for only then.
   */
  set(text: string, start: number, end: number, h: number, value: number): boolean {
    this.keyWords = -1;
    return this.store(text, start, end, h, value);
  }

  private store(text: string, start: number, end: number, h: number, value: number): boolean {
    if (value < 0 || value > 0x7fffffff) throw new RangeError('values are non-negative int32');
    let slot = this.slotOf(text, start, end, h);
    if (slot < 0) return false;
    if (this.table[slot * SLOT + 1] === -1) {
      const length = end - start;
      if (length > this.maxChars) return false;
      if (this.full(length)) throw new RangeError('the table is full: clear() it first');
      if (this.count >= limit(this.slots)) {
        this.grow();
        slot = this.slotOf(text, start, end, h);
        if (slot < 0) return false;
      }
      const at = slot * SLOT;
      const t = this.table;
      t[at] = h;
      t[at + 2] = length;
      if (packInto(text, start, end, t, at + HEAD) < 0) t[at + 3] = this.keep(text, start, end);
      else t[at + 3] = -1;
      this.count++;
    }
    this.table[slot * SLOT + 1] = value;
    return true;
  }

  /** Copies a key to `chars`, growing it; returns its offset. */
  private keep(text: string, start: number, end: number): number {
    const length = end - start;
    if (this.used + length > this.chars.length) {
      const size = Math.min(this.maxChars, Math.max(this.used + length, this.chars.length * 2));
      const chars = new Uint16Array(size);
      chars.set(this.chars.subarray(0, this.used));
      this.chars = chars;
    }
    const offset = this.used;
    for (let k = 0; k < length; k++) this.chars[offset + k] = text.charCodeAt(start + k);
    this.used += length;
    return offset;
  }

  /** Twice the slots, with every key moved to its place in them. */
  private grow(): void {
    const old = this.table;
    const slots = this.slots * 2;
    this.mask = slots - 1;
    this.table = freeSlots(slots);
    for (let s = 0; s < old.length; s += SLOT) {
      if (old[s + 1] === -1) continue;
      let slot = old[s]! & this.mask;
      while (this.table[slot * SLOT + 1] !== -1) slot = (slot + 1) & this.mask;
      this.table.set(old.subarray(s, s + SLOT), slot * SLOT);
    }
  }

  /**
   * The slot holding the key, or else the free slot where it belongs; -1 when neither is within
   * MAX_PROBES. Hashes are not secret: names chosen to share a slot would otherwise make every
   * lookup walk all of them. Past the bound a key is simply not cached.
   */
  private slotOf(text: string, start: number, end: number, h: number): number {
    const t = this.table;
    const length = end - start;
    let slot = h & this.mask;
    for (let probes = 0; probes < MAX_PROBES; probes++) {
      const at = slot * SLOT;
      if (t[at + 1] === -1 || (t[at] === h && t[at + 2] === length && this.holds(at, text, start, end)))
        return slot;
      slot = (slot + 1) & this.mask;
    }
    return -1;
  }

  /** True when the slot at `at` (same hash and length) holds the key text[start, end). */
  private holds(at: number, text: string, start: number, end: number): boolean {
    const t = this.table;
    const offset = t[at + 3]!;
    const words = this.keyWords;
    if (words >= 0) {
      // find() or put() packed the key: it matches only a key kept inline with the same integers.
      if (offset !== -1) return false;
      for (let w = 0; w < words; w++) if (t[at + HEAD + w] !== this.key[w]) return false;
      return true;
    }
    if (offset === -1) {
      for (let i = start, w = at + HEAD; i < end; i += 4, w++)
        if (t[w] !== packed(text, i, end)) return false;
      return true;
    }
    const chars = this.chars;
    for (let k = 0; k < end - start; k++) if (chars[offset + k] !== text.charCodeAt(start + k)) return false;
    return true;
  }
}

/** Slots a lookup reads at most (a miss at three quarters full reads ~8.5 on average). */
const MAX_PROBES = 64;
/** Integers a slot: 4 of head, then the inline key. */
const SLOT = 16;
const HEAD = 4;
/** Latin-1 characters a slot holds inline (four an integer). */
const INLINE_CHARS = (SLOT - HEAD) * 4;

/** Keys a table of `slots` holds before it grows: three quarters, rounded down (a slot stays free). */
function limit(slots: number): number {
  return (slots >> 1) + (slots >> 2);
}

/**
 * Writes text[start, end) into `dest` from `at`, four Latin-1 characters an integer (see packed),
 * and returns how many integers that took; -1 when it is not such a key of up to INLINE_CHARS
 * characters (or holds "ÿÿÿÿ", which packs to the -1 that stands for wider characters). The
 * integers written before it found out are left in `dest`.
 */
function packInto(text: string, start: number, end: number, dest: Int32Array, at: number): number {
  if (end - start > INLINE_CHARS) return -1;
  let w = at;
  for (let i = start; i < end; i += 4, w++) {
    const word = packed(text, i, end);
    if (word === -1) return -1;
    dest[w] = word;
  }
  return w - at;
}

/**
 * text[i, i + 4) (cut at `end`, missing characters 0) as one integer, a character a byte; -1
 * when one of them is wider than Latin-1 (no key kept inline holds a -1).
 */
function packed(text: string, i: number, end: number): number {
  const c0 = text.charCodeAt(i);
  const c1 = i + 1 < end ? text.charCodeAt(i + 1) : 0;
  const c2 = i + 2 < end ? text.charCodeAt(i + 2) : 0;
  const c3 = i + 3 < end ? text.charCodeAt(i + 3) : 0;
  if ((c0 | c1 | c2 | c3) > 0xff) return -1;
  return c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function freeSlots(slots: number): Int32Array {
  const table = new Int32Array(slots * SLOT);
  for (let s = 1; s < table.length; s += SLOT) table[s] = -1;
  return table;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** FNV-1a offset basis: the hash of nothing, to fold characters into with fnv1aStep. */
export const FNV1A_EMPTY = 0x811c9dc5 | 0;

/** The FNV-1a hash `h` with the character code `c` folded in (32-bit). */
export function fnv1aStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** The FNV-1a hash of text[start, end) over its UTF-16 code units. */
export function fnv1a(text: string, start = 0, end = text.length): number {
  let h = FNV1A_EMPTY;
  for (let i = start; i < end; i++) h = fnv1aStep(h, text.charCodeAt(i));
  return h;
}
