import { describe, expect, it } from 'vitest';
import { Clauses } from '../../shared/screening/clauses.js';

/** The clause of each occurrence of `words` in `text`, in order. */
function clausesOf(text: string, ...words: string[]): number[] {
  const c = new Clauses(text);
  return words.map((w) => c.of(text.indexOf(w)));
}

/** The clauses ofTerms gives the terms, each found by its first occurrence. */
function termClauses(text: string, ...words: string[]): number[] {
  const terms = words.map((w) => ({ start: text.indexOf(w), end: text.indexOf(w) + w.length }));
  return new Clauses(text).ofTerms(terms);
}

describe('Clauses', () => {
  it('starts a clause at a comma, "+", a parenthesis, a colon and a word that adds goods', () => {
    expect(clausesOf('AR-15 rifle, free t-shirt included', 'rifle', 't-shirt')).toEqual([0, 2]);
    expect(clausesOf('Pistola Glock con playera de regalo', 'Glock', 'playera')).toEqual([0, 1]);
    expect(clausesOf('Rifle + cleaning kit', 'Rifle', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Keychains (Glock style)', 'Keychains', 'Glock')).toEqual([0, 1]);
    expect(clausesOf('Poster: rifle diagram', 'Poster', 'rifle')).toEqual([0, 1]);
    expect(clausesOf('Pistol w/ cleaning kit', 'Pistol', 'cleaning')).toEqual([0, 1]);
    expect(clausesOf('Pistola más playera', 'Pistola', 'playera')).toEqual([0, 1]);
    expect(clausesOf('Rifle INCLUYE llavero', 'Rifle', 'llavero')).toEqual([0, 1]);
  });

  it('does not start one at "and", "y", "&", "/", inside a word or at a unit "W"', () => {
    expect(clausesOf('Pistol and rifle cleaning kit', 'Pistol', 'cleaning')).toEqual([0, 0]);
    expect(clausesOf('Pistola y rifle, limpieza', 'Pistola', 'rifle')).toEqual([0, 0]);
    expect(clausesOf('Heat gun 2000 W hot air', 'Heat', 'hot')).toEqual([0, 0]);
    expect(clausesOf('Withers cone pistol', 'Withers', 'pistol')).toEqual([0, 0]);
    expect(clausesOf('Consola pistol', 'Consola', 'pistol')).toEqual([0, 0]);
  });

  it('gives terms joined by list separators the clause of the last of them', () => {
    expect(termClauses('Pistol, rifle & shotgun cleaning kit', 'Pistol', 'rifle', 'shotgun')).toEqual([
      1, 1, 1,
    ]);
    // Other words between: each term keeps its own clause.
    expect(termClauses('Rifle, free t-shirt, pistol', 'Rifle', 'pistol')).toEqual([0, 3]);
    // An overlapping hit ("pistol barrel" over "pistol") is not the next term: after "pistol"
    // comes "barrel", so it keeps its own clause, while "pistol barrel" joins "rifle".
    expect(termClauses('Pistol barrel, rifle', 'Pistol barrel', 'Pistol', 'rifle')).toEqual([1, 0, 1]);
  });
});
