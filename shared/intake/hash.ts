/**
 * Duplicate detection for millions of records in a few MB: a 53-bit hash of the record's
 * identity (cyrb53, public domain, bryc) kept in an open-addressing table of 32-bit halves.
 * A false "duplicate" needs a 53-bit collision: ~1e-4 odds across a million records.
 */
export function hashParts(parts: readonly (string | null | undefined)[], seed = 0): [number, number] {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (const part of parts) {
    const text = part ?? '';
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    // A separator, so ("ab","c") and ("a","bc") differ.
    h1 = Math.imul(h1 ^ 0x1f, 2654435761);
    h2 = Math.imul(h2 ^ 0x1f, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0 || 1, (2097151 & h2) >>> 0];
}

/** A set of 53-bit hashes in two Uint32Arrays with linear probing; grows at half load. */
export class HashSet53 {
  private lo = new Uint32Array(1 << 12);
  private hi = new Uint32Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the hash; false when it was already there. */
  add([lo, hi]: [number, number]): boolean {
    if (this.count * 2 >= this.lo.length) this.grow();
    const mask = this.lo.length - 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const slot = this.lo[i]!;
      if (slot === 0) {
        this.lo[i] = lo;
        this.hi[i] = hi;
        this.count += 1;
        return true;
      }
      if (slot === lo && this.hi[i] === hi) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { lo, hi } = this;
    this.lo = new Uint32Array(lo.length * 2);
    this.hi = new Uint32Array(hi.length * 2);
    this.count = 0;
    for (let i = 0; i < lo.length; i++) if (lo[i] !== 0) this.add([lo[i]!, hi[i]!]);
  }
}

/** cyrb53 of one string, as a number below 2^53 (for maps keyed by long strings). */
export function hash53(text: string, seed = 0): number {
  const [lo, hi] = hashParts([text], seed);
  return 4294967296 * hi + lo;
}
