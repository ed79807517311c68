import AhoCorasick from 'modern-ahocorasick';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, TermMatcher } from '../../shared/screening/text.js';

const terms = (list: string[]) => new TermMatcher(list.map((term) => ({ term, data: term })));
const found = (m: TermMatcher<string>, text: string) =>
  m.scan(text).map((h) => [h.data, text.slice(h.start, h.end)]);

describe('foldText', () => {
  it('folds a long text as it folds its words one by one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Munición', 'Straße', '9-MM', 'ÆON', ' ', '¡', 'x'), { maxLength: 3000 }),
        (parts) => {
          const text = parts.join('');
          // Folding word by word and joining must give the same as folding the whole text.
          const expected = text
            .split(/\s+/)
            .map((w) => foldText(w))
            .filter(Boolean)
            .join(' ');
          expect(foldText(text)).toBe(foldText(expected));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('folds case, accents, ligatures and punctuation to single spaces', () => {
    expect(foldText('Munición, 9-MM  Straße')).toBe('municion 9 mm strasse');
    expect(foldText('  ¡Diésel!  ÆON\nañil ')).toBe('diesel aeon anil');
    expect(foldText('')).toBe('');
    expect(foldText('枪支 -- ##')).toBe('');
  });

  it('folds compatibility forms as their letters: full width, ligatures, circled, Vietnamese', () => {
    expect(foldText('ＡＭＭＵＮＩＴＩＯＮ ２１４０９')).toBe('ammunition 21409');
    expect(foldText('ﬁrearm Ĳssel ⓐⓑ Nguyễn')).toBe('firearm ijssel ab nguyen');
    // Other scripts stay separators (no look-alike folding: "а" here is Cyrillic).
    expect(foldText('аmmo Сергей')).toBe('mmo');
  });
});

describe('TermMatcher', () => {
  const m = terms([
    'ammunition',
    'glock switch',
    'npp',
    '4-AP',
    'receiver',
    'glock',
    'solvent trap',
    '80% lower',
    'municiones',
  ]);

  it('finds whole words only', () => {
    expect(found(m, 'NPP powder')).toEqual([['npp', 'NPP']]);
    expect(found(m, 'snpp nppx')).toEqual([]);
    expect(found(m, 'AV receivers')).toEqual([]);
    expect(found(m, 'ammunitions')).toEqual([]);
  });

  it('matches full-width text and reports it as written', () => {
    expect(found(m, 'box of ＡＭＭＵＮＩＴＩＯＮ, ﬁve')).toEqual([['ammunition', 'ＡＭＭＵＮＩＴＩＯＮ']]);
    expect(found(m, 'ＡＭＭＵＮＩＴＩＯＮＳ')).toEqual([]);
  });

  it('matches across case, accents and punctuation, and reports the original text', () => {
    expect(found(m, 'Caja de MUNICIONES.')).toEqual([['municiones', 'MUNICIONES']]);
    expect(found(m, 'Munición'.replace('ó', 'o') + 'es')).toEqual([['municiones', 'Municiones']]);
    expect(found(m, 'the 80 % LOWER receiver')).toEqual([
      ['80% lower', '80 % LOWER'],
      ['receiver', 'receiver'],
    ]);
  });

  it('joins a long word split across continuation lines, but never a short one', () => {
    expect(found(m, 'AMMUNI-\nTION 9MM')).toEqual([['ammunition', 'AMMUNI-\nTION']]);
    expect(found(m, 'AMMUNI TION')).toEqual([['ammunition', 'AMMUNI TION']]);
    expect(found(m, 'n p p')).toEqual([]);
    expect(found(m, 'N.P.P.')).toEqual([]);
  });

  it('matches glued multi-word terms and treats letter/digit changes as word boundaries', () => {
    expect(found(m, 'Glockswitch kit')).toEqual([['glock switch', 'Glockswitch']]);
    expect(found(m, 'glockswitchx')).toEqual([]);
    // Overlapping terms are all reported; the screener keeps the longest per category.
    expect(found(m, 'GLOCK-SWITCH')).toEqual([
      ['glock', 'GLOCK'],
      ['glock switch', 'GLOCK-SWITCH'],
    ]);
    expect(found(m, 'glock19 parts')).toEqual([['glock', 'glock']]);
    expect(found(m, '4AP and 4-ap')).toEqual([
      ['4-AP', '4AP'],
      ['4-AP', '4-ap'],
    ]);
  });

  it('reports every term of equal folded form', () => {
    const dup = new TermMatcher([
      { term: 'Diesel', data: 1 },
      { term: 'diésel', data: 2 },
    ]);
    expect(
      dup
        .scan('diesel')
        .map((h) => h.data)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('rejects a term without letters or digits', () => {
    expect(() => terms(['--'])).toThrow(/no letters or digits/);
  });

  it('never throws on any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const hits = m.scan(text);
        for (const h of hits) expect(h.start < h.end && h.end <= text.length).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a planted term anywhere in random text (property)', () => {
    const list = ['ammunition', 'solvent trap', 'municiones', 'glock switch'];
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }),
        fc.constantFrom(...list),
        fc.string({ maxLength: 80 }),
        (before, term, after) => {
          const text = `${before} ${term.toUpperCase()} ${after}`;
          expect(m.scan(text).some((h) => h.data === term)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees with modern-ahocorasick on folded text (property, the library as oracle)', () => {
    const dict = ['ab', 'abc', 'bca', 'cab', 'a', 'bb', 'cabbage'];
    const ours = terms(dict);
    const oracle = new AhoCorasick(dict);
    const word = /[a-z0-9]/;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'g', 'e', ' '), { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        const expected = oracle
          .search(text)
          .filter((h) => !word.test(text[h.start - 1] ?? ' ') && !word.test(text[h.end] ?? ' '))
          .map((h) => `${h.pattern}@${h.start}`)
          .sort();
        const got = ours
          .scan(text)
          .map((h) => `${h.term}@${h.start}`)
          .sort();
        expect(got).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
