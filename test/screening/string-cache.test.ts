import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a, StringCache } from '../../shared/screening/string-cache.js';

/** A cache used as callers do: clear() when full(), then set(). */
function put(cache: StringCache, text: string, start: number, end: number, value: number): boolean {
  const cleared = cache.full(end - start);
  if (cleared) cache.clear();
  cache.set(text, start, end, fnv1a(text, start, end), value);
  return cleared;
}

describe('string cache', () => {
  it('answers as a Map would, for keys given whole or as slices of a larger text', () => {
    fc.assert(
      fc.property(
        // Few distinct characters: many keys share hashes' low bits, lengths and prefixes.
        fc.array(
          fc.tuple(
            fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\u{1f600}'), maxLength: 6 }),
            fc.nat(1000),
          ),
          {
            maxLength: 300,
          },
        ),
        (ops) => {
          const cache = new StringCache(1 << 12, 2);
          const map = new Map<string, number>();
          for (const [key, value] of ops) {
            // The same key cut from a text around it.
            const text = `(${key})`;
            const h = fnv1a(key);
            expect(cache.get(text, 1, 1 + key.length, h)).toBe(map.get(key) ?? -1);
            put(cache, text, 1, 1 + key.length, value);
            map.set(key, value);
            expect(cache.get(key, 0, key.length, h)).toBe(value);
          }
          expect(cache.size).toBe(map.size);
          for (const [key, value] of map) expect(cache.get(key, 0, key.length, fnv1a(key))).toBe(value);
        },
      ),
    );
  });

  it('finds every key set since it last started over, whatever their width, in a small table', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: fc.constantFrom('a', 'ÿ', '名', '\u{1f600}'), maxLength: 40, size: 'max' }),
          {
            maxLength: 200,
          },
        ),
        (keys) => {
          const cache = new StringCache(8, 2); // 6 keys, 128 characters outside the slots
          let since: string[] = [];
          for (const [i, key] of keys.entries()) {
            if (put(cache, key, 0, key.length, i)) since = [];
            since = [...since.filter((k) => k !== key), key];
            expect(cache.size).toBe(since.length);
            for (const k of since) expect(cache.get(k, 0, k.length, fnv1a(k))).toBe(keys.lastIndexOf(k, i));
          }
        },
      ),
    );
  });

  it('finds a key despite hash collisions, by comparing characters', () => {
    const cache = new StringCache(16, 16);
    // Every key given the same hash: only the characters tell them apart.
    // "ÿÿÿÿ" packs to the integer that stands for wide characters: it is kept outside its slot.
    const keys = ['ab', 'ba', 'abc', '', 'ÿÿÿÿ', 'ĀĀĀĀ', 'x'.repeat(49)];
    for (const [i, key] of keys.entries()) cache.set(key, 0, key.length, 7, i);
    expect(keys.map((k) => cache.get(k, 0, k.length, 7))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const other of ['ac', 'ÿÿÿĀ', 'ĀĀĀÿ', 'x'.repeat(48) + 'y'])
      expect(cache.get(other, 0, other.length, 7)).toBe(-1);
  });

  it('reads a bounded number of slots when keys are chosen to share one: past it, keys are not cached', () => {
    const cache = new StringCache(1 << 12, 1 << 12);
    const keys = Array.from({ length: 1000 }, (_, i) => `flood ${i}`);
    // One hash for all, as an adversary might find for FNV-1a.
    // set() says which were kept: a caller keeps what a value stands for only then.
    expect(keys.map((key, i) => cache.set(key, 0, key.length, 7, i))).toEqual(keys.map((_, i) => i < 64));
    expect(cache.size).toBe(64);
    // The first 64 are found; the others are misses, not errors, however many came before.
    expect(keys.map((k) => cache.get(k, 0, k.length, 7))).toEqual(keys.map((_, i) => (i < 64 ? i : -1)));
    expect(cache.get('other', 0, 5, 7)).toBe(-1);
    expect(cache.get('other', 0, 5, 8)).toBe(-1);
    cache.set('other', 0, 5, 8, 1);
    expect(cache.get('other', 0, 5, 8)).toBe(1);
  });

  it('grows to its bound, then asks to start over, holding at most three quarters of its slots', () => {
    const cache = new StringCache(64, 2);
    let clears = 0;
    for (let i = 0; i < 1000; i++) {
      const key = `key ${i}`;
      if (put(cache, key, 0, key.length, i)) clears++;
      expect(cache.size).toBeLessThanOrEqual(48);
      expect(cache.get(key, 0, key.length, fnv1a(key))).toBe(i);
    }
    expect(cache.slots).toBe(64);
    expect(clears).toBe(Math.floor((1000 - 1) / 48));
  });

  it('bounds the characters kept outside the slots, and never keeps a key longer than them all', () => {
    const cache = new StringCache(4, 4); // 3 keys, 64 characters outside the slots at most
    const long = 'x'.repeat(65);
    expect(cache.full(long.length)).toBe(false);
    cache.set(long, 0, long.length, fnv1a(long), 1);
    expect(cache.size).toBe(0);
    expect(cache.get(long, 0, long.length, fnv1a(long))).toBe(-1);
    // Short Latin-1 keys sit in their slots and take none of those characters.
    for (const key of ['a'.repeat(48), 'b'.repeat(47)]) put(cache, key, 0, key.length, key.length);
    const wide = 'ā'.repeat(40);
    expect(put(cache, wide, 0, wide.length, 1)).toBe(false);
    const more = 'ē'.repeat(30);
    expect(cache.full(more.length)).toBe(true);
    expect(() => cache.set(more, 0, more.length, fnv1a(more), 2)).toThrow(RangeError);
    expect(put(cache, more, 0, more.length, 2)).toBe(true);
    expect(cache.get(wide, 0, wide.length, fnv1a(wide))).toBe(-1);
    expect(cache.get(more, 0, more.length, fnv1a(more))).toBe(2);
  });

  it('find() and put() answer as a Map would, for keys kept inline and not, as keys grow and start over', () => {
    fc.assert(
      fc.property(
        // Few distinct characters (one packing to -1 with its neighbours): keys share lengths,
        // prefixes and packed integers; lengths around 48 fall either side of the inline bound.
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.string({ unit: fc.constantFrom('a', 'b', 'ÿ', '\0', 'é', '\u{1f600}'), maxLength: 9 }),
              fc.string({ unit: fc.constantFrom('a', 'b', 'ÿ'), minLength: 44, maxLength: 52 }),
            ),
            fc.nat(1000),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const cache = new StringCache(64, 2); // 48 keys at most: starts over on the way
          const map = new Map<string, number>();
          for (const [key, value] of ops) {
            // The key as a slice of a larger text, as parties reach the memo.
            const sliced = `«${key}»`.slice(1, -1);
            expect(cache.find(sliced)).toBe(map.get(key) ?? -1);
            if (cache.full(key.length)) {
              cache.clear();
              map.clear();
            }
            if (cache.put(key, value)) map.set(key, value);
            for (const [k, v] of map) expect(cache.find(k)).toBe(v);
          }
          expect(cache.size).toBe(map.size);
        },
      ),
    );
  });

  it('find() tells keys apart by every character when their hashes collide', () => {
    const cache = new StringCache(64, 64);
    // Every key given one hash, as an adversary might find: only the comparison tells them apart.
    const inner = cache as unknown as { hashKey(key: string): number };
    const hashKey = inner.hashKey.bind(cache);
    inner.hashKey = (key) => (hashKey(key), 7);
    const keys = ['abcd', 'abce', 'abcdabcdX', 'abcdabcdY', 'ÿÿÿÿ', 'ĀĀĀĀ', 'a'.repeat(48), 'a'.repeat(49)];
    for (const [i, key] of keys.entries()) cache.put(key, i);
    expect(keys.map((k) => cache.find(k))).toEqual(keys.map((_, i) => i));
    for (const other of ['abcf', 'abcdabcdZ', 'a'.repeat(47) + 'b', 'ÿÿÿĀ'])
      expect(cache.find(other)).toBe(-1);
    // A slot once holding an inline key, now holding one kept outside (same length): no match.
    cache.clear();
    cache.put('ÿÿÿÿ', 1);
    expect(cache.find('abcd')).toBe(-1);
    cache.clear();
    cache.put('abcd', 2);
    cache.clear();
    cache.put('ĀĀĀĀ', 3);
    expect(cache.find('abcd')).toBe(-1);
    expect(cache.find('ĀĀĀĀ')).toBe(3);
  });

  it('refuses bad sizes and values', () => {
    expect(() => new StringCache(100)).toThrow(RangeError);
    expect(() => new StringCache(16, 32)).toThrow(RangeError);
    expect(() => new StringCache(16).set('a', 0, 1, fnv1a('a'), -1)).toThrow(RangeError);
  });
});
