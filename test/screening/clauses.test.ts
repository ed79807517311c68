import { describe, expect, it } from 'vitest';
import { Clauses } from '../../shared/screening/clauses.js';

/** The clause of each occurrence of `words` in `text`, in order. */
function clausesOf(text: string, ...words: string[]): number[] {
  const c = new Clauses(text);
  return words.map((w) => c.of(text.indexOf(w)));
}

/** The clauses ofTerms gives the terms (of rule 0, or "n:word" for rule n), each found by its first occurrence. */
function termSpans(text: string, ...words: string[]): [number, number][] {
  const terms = words.map((w) => {
    const [rule, word] = w.includes(':') ? [Number(w.split(':')[0]), w.split(':')[1]!] : [0, w];
    return { start: text.indexOf(word), end: text.indexOf(word) + word.length, rule };
  });
  return new Clauses(text).ofTerms(terms).map((s) => [s.from, s.to]);
}

describe('Clauses', () => {
  it('starts a clause at a comma, "+", "|", "&", a "." or "-" before a space, and at words that add goods', () => {
    expect(clausesOf('AR-15 rifle, free t-shirt included', 'AR-15', 'rifle', 't-shirt')).toEqual([0, 0, 2]);
    expect(clausesOf('Pistola Glock con playera de regalo', 'Glock', 'playera')).toEqual([0, 1]);
    expect(clausesOf('Rifle + cleaning kit', 'Rifle', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Rifle | cleaning kit', 'Rifle', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Rifle - cleaning kit', 'Rifle', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Glock 19 pistol. Cleaning kit', 'pistol', 'Cleaning')).toEqual([0, 1]);
    expect(clausesOf('Pistol w/ cleaning kit', 'Pistol', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Pistola más playera', 'Pistola', 'playera')).toEqual([0, 1]);
    expect(clausesOf('Rifle INCLUYE llavero', 'Rifle', 'llavero')).toEqual([0, 1]);
    expect(clausesOf('Rifle and cleaning kit', 'Rifle', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Pistol & holster', 'Pistol', 'holster')).toEqual([0, 1]);
  });

  it('starts none at a parenthesis, a colon, "/", inside a word, in a number or at a unit "W"', () => {
    expect(clausesOf('Revolver (keychain)', 'Revolver', 'keychain')).toEqual([0, 0]);
    expect(clausesOf('Poster: rifle diagram', 'Poster', 'rifle')).toEqual([0, 0]);
    expect(clausesOf('Pistol/rifle cleaning kit', 'Pistol', 'cleaning')).toEqual([0, 0]);
    expect(clausesOf('Heat gun 2000 W hot air, 0.5 kg', 'Heat', 'hot')).toEqual([0, 0]);
    expect(clausesOf('Withers cone pistol', 'Withers', 'pistol')).toEqual([0, 0]);
    expect(clausesOf('Consola pistol', 'Consola', 'pistol')).toEqual([0, 0]);
  });

  it('tells clauses attached by "with" or "con" from a list of goods', () => {
    const attached = (text: string, a: string, b: string) => {
      const c = new Clauses(text);
      return c.attached(c.of(text.indexOf(a)), c.of(text.indexOf(b)));
    };
    expect(attached('T-shirt with rifle print', 'T-shirt', 'rifle')).toBe(true);
    expect(attached('Playera con estampado de pistola', 'Playera', 'pistola')).toBe(true);
    expect(attached('Playera, pistola', 'Playera', 'pistola')).toBe(false);
    expect(attached('Mug with print and rifle', 'Mug', 'rifle')).toBe(false);
    expect(attached('T-shirt with rifle print', 'rifle', 'T-shirt')).toBe(false); // backwards
  });

  it('spans terms of one rule joined by list separators, from the first to the last', () => {
    expect(termSpans('Pistol, rifle & shotgun cleaning kit', 'Pistol', 'rifle', 'shotgun')).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
    expect(termSpans('Kit de limpieza para pistola y rifle', 'pistola', 'rifle')).toEqual([
      [0, 1],
      [0, 1],
    ]);
    // Other words between, or a term of another rule: each term keeps its own clause.
    expect(termSpans('Rifle, free t-shirt, pistol', 'Rifle', 'pistol')).toEqual([
      [0, 0],
      [3, 3],
    ]);
    expect(termSpans('Rifle, ammunition and cleaning kit', 'Rifle', '1:ammunition')).toEqual([
      [0, 0],
      [1, 1],
    ]);
    // An overlapping hit ("pistol barrel" over "pistol") is not the next term: after "pistol"
    // comes "barrel", so it keeps its own clause, while "pistol barrel" joins "rifle".
    expect(termSpans('Pistol barrel, rifle', 'Pistol barrel', 'Pistol', 'rifle')).toEqual([
      [0, 1],
      [0, 0],
      [0, 1],
    ]);
  });

  it('starts a clause at an item break, so that no clause spans two items', () => {
    expect(clausesOf('Pistol; toy', 'Pistol', 'toy')).toEqual([0, 1]);
    expect(clausesOf('Pistol\ntoy', 'Pistol', 'toy')).toEqual([0, 1]);
    const c = new Clauses('T-shirt; with rifle print');
    expect(c.attached(0, c.of('T-shirt; with rifle print'.indexOf('rifle')))).toBe(false);
  });

  it('finds the clauses of nothing but the given spans, numbers, single letters and neutral words', () => {
    /** The clauses qualifying() gives for the spans of `words` (each by its first occurrence). */
    const qualifying = (text: string, words: string[], neutral: string[] = []) =>
      [
        ...new Clauses(text, new Set(neutral)).qualifying(
          words
            .map((w) => ({ start: text.indexOf(w), end: text.indexOf(w) + w.length }))
            .sort((a, b) => a.start - b.start),
        ),
      ].sort();
    expect(qualifying('Pistol, toy', ['toy'])).toEqual([1]);
    expect(qualifying('Pistol, water bottle', ['water'])).toEqual([]);
    expect(qualifying('Cartridges, ink, HP 664 black', ['ink', 'HP'])).toEqual([1]);
    expect(qualifying('Cartridges, ink, HP 664 black', ['ink', 'HP'], ['black'])).toEqual([1, 2]);
    // Models and units name nothing: words of two letters or fewer, or of as many digits as letters.
    expect(qualifying('Cartuchos, Canon PG-245 XL', ['Canon'])).toEqual([1]);
    expect(qualifying('Silenciador, escape 51 mm', ['escape'])).toEqual([1]);
    // Digits for letters, or a word spelt out letter by letter, may name goods.
    expect(qualifying('Pistol, water b0ttle', ['water'])).toEqual([]);
    expect(qualifying('Pistol, water b o t t l e', ['water'])).toEqual([]);
    expect(qualifying('Pistol, water, S.A.', ['water'])).toEqual([1]);
    // The word that opens a clause names nothing; a neutral word only when listed.
    expect(qualifying('Cartuchos originales y tricolor HP', ['HP'])).toEqual([]);
    expect(qualifying('Cartuchos originales y tricolor HP', ['HP'], ['tricolor'])).toEqual([1]);
    expect(qualifying('Pistol with water tank', ['water'])).toEqual([]);
    // A span of several words covers them all; a clause without a span is not given.
    expect(qualifying('Pistola, pistola de agua, 2 x 3', ['de agua'], ['pistola'])).toEqual([1]);
  });

  it('tells clauses that add goods ("and", "y", "+") and that leave them out ("without", "sin")', () => {
    const c = new Clauses('Pistola, agua y tricolor + kit sin funda with case');
    expect([1, 2, 3, 4, 5].map((k) => c.addsGoods(k))).toEqual([false, true, true, false, false]);
    expect([1, 2, 3, 4, 5].map((k) => c.isNegated(k))).toEqual([false, false, false, true, false]);
    // A one-letter "y", "e", "o" is a word of the clause structure, not a letter spelt out.
    expect(new Clauses('Botella de agua y pistola').addsGoods(1)).toBe(true);
  });

  it('counts the words that may name goods, per clause and within a hit', () => {
    const text = 'Hidrolavadora 1800W, pistola, AR-15 rifle';
    const c = new Clauses(text);
    expect([0, 1, 2].map((k) => c.contentIn(k))).toEqual([1, 1, 1]);
    expect(c.contentWithin(text.indexOf('pistola'), text.indexOf('pistola') + 7)).toBe(1);
    expect(c.contentWithin(text.indexOf('AR-15'), text.indexOf('AR-15') + 5)).toBe(0);
    expect(c.sameItem(0, 2)).toBe(true);
    const items = new Clauses('Pistola; agua');
    expect(items.sameItem(0, 1)).toBe(false);
  });

  it('finds, for each clause, whether the next clause with words of its own, either side, is a target', () => {
    // Clauses: 0 "Pistol", 1 "2000W", 2 "toy", 3 "; rifle", 4 "sin agua", 5 "bottle".
    const c = new Clauses('Pistol, 2000W, toy; rifle sin agua, bottle');
    const reach = [...c.reaching(new Set([2, 4]))];
    expect(reach[0]).toBe(1); // forward past "2000W" to "toy"
    expect(reach[1]).toBe(1);
    expect(reach[2]).toBe(0); // a target itself reaches none: the next are "2000W", then "Pistol"
    expect(reach[3]).toBe(0); // another item before it; "sin agua" after it is left out
    expect(reach[5]).toBe(0); // "sin agua" before it is left out too
  });

  it('breaks clauses at the list marks of other scripts and at dashes between words', () => {
    for (const mark of ['，', '、', ' • ', ' · ', ' – ', ' — '])
      expect(clausesOf(`Glock${mark}water bottle`, 'Glock', 'water'), mark).toEqual([0, 1]);
    expect(new Clauses('Pistola；taza').sameItem(0, 1)).toBe(false);
  });

  it('counts a counted word as content alone and as nothing after a number', () => {
    const counted = new Set(['pack']);
    expect(new Clauses('Cartridges, 2 pack', new Set(), counted).contentIn(1)).toBe(0);
    expect(new Clauses('Pistol, water pack', new Set(), counted).contentIn(1)).toBe(2);
  });
});
