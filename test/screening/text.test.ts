import AhoCorasick from 'modern-ahocorasick';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, latinText, needsLatin, TermMatcher } from '../../shared/screening/text.js';

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
    // Scripts without a Latin reading stay separators.
    expect(foldText('枪支 ammo أسلحة')).toBe('ammo');
  });

  it('reads Cyrillic and Greek look-alikes inside Latin words as the letters they imitate', () => {
    // "а", "о", "с", "р", "і", "ѕ" below are Cyrillic; "Α", "Μ", "ο" Greek.
    expect(foldText('аmmunitiоn, сartridges, ѕіlencer')).toBe('ammunition cartridges silencer');
    expect(foldText('Glосk switсh 9mm')).toBe('glock switch 9mm');
    expect(foldText('ΑMMO pаrts')).toBe('ammo parts');
    // A word in Cyrillic and Greek at once is a disguise too.
    expect(foldText('ΑММО')).toBe('ammo');
  });

  it('reads Kazakh and Bashkir "һ" as a letter of the word, not as a disguise', () => {
    expect(foldText('Жиһаз ЖИҺАЗ')).toBe('zhihaz zhihaz');
    expect(latinText('ТОО «Жиһаз», Һәкім').disguises).toEqual([]);
  });

  it('reads a Cyrillic word with Latin look-alike slips as Cyrillic, not as a disguise', () => {
    // Latin "i" (and "I", "c", "o", "a") typed in Ukrainian, Belarusian and Russian words.
    expect(foldText('Фiльтр, ФIЛЬТР, Мiнськ, Київ')).toBe('filtr filtr minsk kiyiv');
    expect(foldText('Ліcoвий пaлець')).toBe('licoviy palets');
    expect(latinText('Фiльтр ФIЛЬТР Мiнськ Ліcoвий пaлець').disguises).toEqual([]);
  });

  it('still reads every other word that mixes scripts as a disguise', () => {
    // Cyrillic "о", "с", "а", "е", "і" with Latin n, g, l, r, which no Cyrillic letter imitates;
    // Latin letters with only look-alike Cyrillic ones ("АMMО"); Greek with Cyrillic slips.
    const words = ['аmmunitiоn', 'Rigоberto', 'Glосk', 'Cоtton', 'сосаinе', 'АMMО', 'Фiλtr'];
    const text = words.join(' ');
    expect(foldText(text)).toBe('ammunition rigoberto glock cotton cocaine ammo filtr');
    expect(latinText(text).disguises.map((d) => text.slice(d.start, d.end))).toEqual(words);
  });

  it('transliterates words written wholly in Cyrillic or Greek', () => {
    expect(foldText('ООО «Технохим» Ромашка')).toBe('ooo tekhnokhim romashka');
    expect(foldText('Сергей Щукин, Київ')).toBe('sergey shchukin kiyiv');
    expect(foldText('Πυρομαχικά Θεσσαλονίκη')).toBe('pyromachika thessaloniki');
    expect(foldText('АММО')).toBe('ammo');
  });

  it('drops combining accents and invisible characters instead of cutting the word', () => {
    expect(foldText('Lo\u0301pez Guzma\u0301n')).toBe('lopez guzman');
    expect(foldText('am\u200Bmu\u00ADni\u2060tion\uFEFF')).toBe('ammunition');
    expect(foldText('N\u200DP\u200CP')).toBe('npp');
  });

  it('drops every invisible filler, blank and selector inside a word, in and outside the BMP', () => {
    // Arabic letter mark, Hangul fillers, Khmer invisible vowels, Mongolian selectors, braille
    // blank, halfwidth Hangul filler; tag characters and the variation selectors supplement.
    const hidden = [
      '\u061C',
      '\u115F',
      '\u1160',
      '\u17B4',
      '\u17B5',
      '\u180B',
      '\u180C',
      '\u180D',
      '\u180E',
      '\u180F',
      '\u2800',
      '\u3164',
      '\uFFA0',
      '\u{E0000}',
      '\u{E0001}',
      '\u{E0041}',
      '\u{E007F}',
      '\u{E0100}',
      '\u{E01EF}',
    ];
    for (const h of hidden) {
      expect(foldText(`gl${h}ock 19`)).toBe('glock 19');
      expect(foldText(`her${h}${h}oin`)).toBe('heroin');
      expect(latinText(`her${h}oin`).disguises).toEqual([]);
    }
    // Alone they are no word; next to the supplement's neighbours nothing else is dropped.
    expect(foldText('ammo \u2800 \u{E0041} box')).toBe('ammo box');
    expect(foldText('box\u{E01F0}of\u{E0080}ammo')).toBe('box of ammo');
  });

  it('folds mathematical letters and small capitals as their letters', () => {
    expect(foldText('𝐀𝐌𝐌𝐔𝐍𝐈𝐓𝐈𝐎𝐍 𝟗𝐦𝐦 ᴀᴍᴍᴜɴɪᴛɪᴏɴ Fırearm')).toBe('ammunition 9mm ammunition firearm');
    // A character outside the BMP with no Latin reading is a separator; a lone surrogate too.
    expect(foldText('box😀of\uD800ammo')).toBe('box of ammo');
  });

  it('latinises any text to one without characters left to latinise, each unit traced to its source', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const { text: latin, from, to } = latinText(text);
        expect(needsLatin(latin)).toBe(false);
        expect([from.length, to.length]).toEqual([latin.length, latin.length]);
        for (let k = 0; k < latin.length; k++) {
          expect(from[k]).toBeGreaterThanOrEqual(k > 0 ? from[k - 1]! : 0);
          expect(to[k]).toBeGreaterThan(from[k]!);
          expect(to[k]).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('folds its own output to itself, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const once = foldText(text);
        expect(once).toMatch(/^([a-z0-9]+( [a-z0-9]+)*)?$/);
        expect(foldText(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
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

  it('matches look-alike letters and hidden characters, and reports the text as written', () => {
    // Cyrillic "а", "о", "с"; a zero-width space; a soft hyphen; mathematical bold.
    expect(found(m, 'box of аmmunitiоn; Glосk switch')).toEqual([
      ['ammunition', 'аmmunitiоn'],
      ['glock', 'Glосk'],
      ['glock switch', 'Glосk switch'],
    ]);
    expect(found(m, 'N\u200BPP 5 kg, 𝐧𝐩𝐩 2 kg')).toEqual([
      ['npp', 'N\u200BPP'],
      ['npp', '𝐧𝐩𝐩'],
    ]);
    expect(found(m, 'rece\u00ADiver')).toEqual([['receiver', 'rece\u00ADiver']]);
    // Still whole words only: a Cyrillic letter next to a term is a letter, not a gap.
    expect(found(m, 'nppа')).toEqual([]);
  });

  it('matches a term hidden by a filler or tag character, and reports it as written', () => {
    const drugs = terms(['heroin', 'glock']);
    expect(found(drugs, 'gl\u061Cock 19, her\u2800oin')).toEqual([
      ['glock', 'gl\u061Cock'],
      ['heroin', 'her\u2800oin'],
    ]);
    expect(found(drugs, 'x \u{E0001}gl\u{E0100}ock\u{E007F} her\u3164\u{E0041}oin')).toEqual([
      ['glock', 'gl\u{E0100}ock'],
      ['heroin', 'her\u3164\u{E0041}oin'],
    ]);
  });

  it('reports the same hits, at the places written, with or without hidden characters', () => {
    const disguises: Record<string, string[]> = {
      a: ['а', 'ɑ'],
      o: ['о', 'ο'],
      p: ['р'],
      c: ['с'],
      i: ['і', 'ı'],
      e: ['е'],
    };
    const word = fc.constantFrom('ammunition', 'npp', 'glock', 'switch', 'receiver', 'box', 'toys', '4-AP');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, fc.constantFrom(' ', ', ', '\n')), { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat(9)),
        (parts, dice) => {
          const plain = parts.map(([w, gap]) => w + gap).join('');
          // Disguise some letters and hide zero-width characters inside some words.
          let disguised = '';
          for (const ch of plain) {
            const roll = dice.next().value as number;
            const options = disguises[ch];
            disguised += options && roll < 4 ? options[roll % options.length] : ch;
            if (/[a-z]/.test(ch) && roll === 9) disguised += '\u200B';
          }
          const hits = m.scan(disguised);
          expect(hits.map((h) => h.data)).toEqual(m.scan(plain).map((h) => h.data));
          for (const h of hits) expect(foldText(disguised.slice(h.start, h.end))).toBe(foldText(h.term));
        },
      ),
      { numRuns: 500 },
    );
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
