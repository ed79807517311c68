/**
 * Duplicate detection for millions of records in a few MB: a 64-bit fingerprint of the record's
 * identity (cyrb53's two lanes, public domain, bryc) kept in an open-addressing table of 32-bit
 * halves. A false "duplicate" by chance needs a 64-bit collision: ~3e-8 odds across a million
 * records. `seed` and `seed2` start the two lanes (see identityKey() for why they are secret).
 */
export function hashParts(
  parts: readonly (string | null | undefined)[],
  seed = 0,
  seed2 = seed,
): [number, number] {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed2;
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
  return [h1 >>> 0 || 1, h2 >>> 0];
}

/**
 * A fresh secret key for one document's duplicate table. Why: a record judged a duplicate is
 * counted and noted but neither stored nor screened. With a known key a sender could search
 * offline for two parcel ids with one fingerprint (a birthday search, ~2^32 hashes: minutes of
 * work), declare harmless goods under the first and have the second dropped as its repeat; or
 * for ids that all land in one run of slots, so that every insert walks all of them. A key drawn
 * per document from the system's CSPRNG gives nothing to search against. (cyrb53 is no keyed
 * cryptographic hash, so this raises the cost of such an attack rather than proving it away.)
 */
export function identityKey(): [number, number] {
  const key = new Uint32Array(2);
  globalThis.crypto.getRandomValues(key);
  return [key[0]!, key[1]!];
}

/**
 * A set of 64-bit fingerprints ([lo, hi], lo never 0) with linear probing; grows at half load.
 * Each slot's two 32-bit halves sit side by side in one Uint32Array, so a probe of a table larger
 * than the CPU cache costs one cache miss, not two.
 */
export class FingerprintSet {
  private slots = new Uint32Array(2 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Adds each hash in order (`fresh[i]`: whether `keys[i]` was new). A probe of a table bigger
   * than the CPU cache waits ~190 ns for memory; one tight loop over a batch of records lets
   * the CPU wait for several probes at once instead of one per record between validations.
   */
  addAll(keys: readonly (readonly [number, number])[], fresh: boolean[]): void {
    while ((this.count + keys.length) * 4 >= this.slots.length) this.grow();
    for (let i = 0; i < keys.length; i++) fresh[i] = this.insert(keys[i]![0], keys[i]![1]);
  }

  private insert(lo: number, hi: number): boolean {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const at = i << 1;
      const slot = slots[at]!;
      if (slot === 0) {
        slots[at] = lo;
        slots[at + 1] = hi;
        this.count += 1;
        return true;
      }
      if (slot === lo && slots[at + 1] === hi) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.count = 0;
    for (let at = 0; at < old.length; at += 2) if (old[at] !== 0) this.insert(old[at]!, old[at + 1]!);
  }
}

/** cyrb53 of one string, as a number below 2^53 (for maps keyed by long strings). */
export function hash53(text: string, seed = 0): number {
  const [lo, hi] = hashParts([text], seed);
  return 4294967296 * (hi & 2097151) + lo;
}
