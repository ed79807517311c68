/**
 * A bounded table from strings, or slices of a larger string (not cut out), to non-negative
 * integers (the caller's ids for what it caches). Open addressing over the keys' FNV-1a hashes,
 * computed by the caller (often while it scans the text anyway), at most half full; it grows up
 * to `maxSlots`, and then the caller starts it over (see full()).
 *
 * Why not a Map: screening looks up every party name. Once a Map holds a hundred thousand names
 * its lookups miss the CPU caches on its table, on each key it compares and on the value
 * (measured ~1 µs a lookup, a fifth of a whole search). Here a slot is four integers (hash, key
 * offset, key length, value) in one typed array and the keys' characters sit in another, so a
 * lookup reads two cache lines; and the keys are no objects for the garbage collector to copy.
 */
export class StringCache {
  /** Slot s: [4s] = hash, [4s + 1] = key offset in chars, [4s + 2] = key length, [4s + 3] = value (-1: free). */
  private table: Int32Array;
  private chars: Uint16Array;
  private used = 0;
  private mask: number;
  private count = 0;
  private readonly maxChars: number;

  /**
   * `maxSlots`: a power of two; the table holds at most half as many keys, and their characters
   * at most `maxSlots` × 16 code units. It starts with `slots` (a smaller power of two), so that
   * a table that stays small costs little.
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
    this.chars = new Uint16Array(slots * 8);
  }

  get size(): number {
    return this.count;
  }

  get slots(): number {
    return this.mask + 1;
  }

  /** The value of the key text[start, end), whose fnv1a hash is `h`; -1 when it has none. */
  get(text: string, start: number, end: number, h: number): number {
    return this.table[this.slotOf(text, start, end, h) * 4 + 3]!;
  }

  /** True when a new key of `length` characters would not fit: clear() before set(). */
  full(length: number): boolean {
    return (
      length <= this.maxChars && (this.count >= this.maxSlots >> 1 || this.used + length > this.maxChars)
    );
  }

  /** Forgets every key (in place: no new arrays). */
  clear(): void {
    this.table.fill(-1);
    this.used = 0;
    this.count = 0;
  }

  /**
   * Sets the value (≥ 0) of text[start, end) (hash `h`), copying the key's characters. The
   * caller checks full() first: a full table throws rather than growing past its bounds. A key
   * longer than the whole character store is not kept.
   */
  set(text: string, start: number, end: number, h: number, value: number): void {
    if (value < 0 || value > 0x7fffffff) throw new RangeError('values are non-negative int32');
    let slot = this.slotOf(text, start, end, h);
    if (this.table[slot * 4 + 3] === -1) {
      const length = end - start;
      if (length > this.maxChars) return;
      if (this.full(length)) throw new RangeError('the table is full: clear() it first');
      if (this.count >= this.slots >> 1) {
        this.grow();
        slot = this.slotOf(text, start, end, h);
      }
      if (this.used + length > this.chars.length) {
        const chars = new Uint16Array(
          Math.min(this.maxChars, Math.max(this.used + length, this.chars.length * 2)),
        );
        chars.set(this.chars.subarray(0, this.used));
        this.chars = chars;
      }
      for (let k = 0; k < length; k++) this.chars[this.used + k] = text.charCodeAt(start + k);
      this.table[slot * 4] = h;
      this.table[slot * 4 + 1] = this.used;
      this.table[slot * 4 + 2] = length;
      this.used += length;
      this.count++;
    }
    this.table[slot * 4 + 3] = value;
  }

  /** Twice the slots, with every key moved to its place in them. */
  private grow(): void {
    const old = this.table;
    const slots = this.slots * 2;
    this.mask = slots - 1;
    this.table = freeSlots(slots);
    for (let s = 0; s < old.length; s += 4) {
      if (old[s + 3] === -1) continue;
      let slot = old[s]! & this.mask;
      while (this.table[slot * 4 + 3] !== -1) slot = (slot + 1) & this.mask;
      this.table.set(old.subarray(s, s + 4), slot * 4);
    }
  }

  /** The slot holding the key, or else the free slot where it belongs. */
  private slotOf(text: string, start: number, end: number, h: number): number {
    const t = this.table;
    const chars = this.chars;
    const length = end - start;
    let slot = h & this.mask;
    while (t[slot * 4 + 3] !== -1) {
      if (t[slot * 4] === h && t[slot * 4 + 2] === length) {
        const from = t[slot * 4 + 1]!;
        let k = 0;
        while (k < length && chars[from + k] === text.charCodeAt(start + k)) k++;
        if (k === length) return slot;
      }
      slot = (slot + 1) & this.mask;
    }
    return slot;
  }
}

function freeSlots(slots: number): Int32Array {
  const table = new Int32Array(slots * 4);
  for (let s = 3; s < table.length; s += 4) table[s] = -1;
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
