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
    expect(qualifying('Cartridges, ink, HP 664 XL', ['ink', 'HP'])).toEqual([1]);
    expect(qualifying('Cartridges, ink, HP 664 XL', ['ink', 'HP'], ['xl'])).toEqual([1, 2]);
    // The word that opens a clause names nothing; a neutral word only when listed.
    expect(qualifying('Cartuchos originales y tricolor HP', ['HP'])).toEqual([]);
    expect(qualifying('Cartuchos originales y tricolor HP', ['HP'], ['tricolor'])).toEqual([1]);
    expect(qualifying('Pistol with water tank', ['water'])).toEqual([]);
    // A span of several words covers them all; a clause without a span is not given.
    expect(qualifying('Pistola, pistola de agua, 2 x 3', ['de agua'], ['pistola'])).toEqual([1]);
  });
});
