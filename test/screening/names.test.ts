import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_SIMILARITY,
  jaroWinkler,
  NameNormaliser,
  oneEditApart,
  reorderLastFirst,
} from '../../shared/screening/names.js';
import { defaultRuleSet } from '../../shared/screening/rules.js';
import { foldText } from '../../shared/screening/text.js';

const normaliser = new NameNormaliser(defaultRuleSet().deniedParty);
const sim = (a: string, b: string) => normaliser.similarity(normaliser.normalise(a), normaliser.normalise(b));

describe('Jaro–Winkler', () => {
  it('gives the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });

  it('handles tokens longer than 31 characters the same way', () => {
    const a = 'tertbutylphenylaminopiperidinecarboxylate';
    expect(jaroWinkler(a, a.replace('amino', 'amnio'))).toBeGreaterThan(0.95);
    expect(jaroWinkler(a, a)).toBe(1);
  });
});

describe('oneEditApart', () => {
  it('allows one insertion, deletion, substitution or swap', () => {
    expect(oneEditApart('lopez', 'lopaz')).toBe(true);
    expect(oneEditApart('quintero', 'quinterro')).toBe(true);
    expect(oneEditApart('garcia', 'garica')).toBe(true);
    expect(oneEditApart('mendez', 'mendoza')).toBe(false);
    expect(oneEditApart('ramos', 'ramon')).toBe(true);
    expect(oneEditApart('abcd', 'badc')).toBe(false);
  });
});

describe('name normalisation', () => {
  it('reorders "LAST, First"', () => {
    expect(reorderLastFirst('PÉREZ GARCÍA, José Luis')).toBe('José Luis PÉREZ GARCÍA');
    expect(reorderLastFirst('A, B, C')).toBe('A, B, C');
    expect(reorderLastFirst('Acme')).toBe('Acme');
  });

  it('folds case and accents and drops legal suffixes in all their spellings', () => {
    for (const name of [
      'Química Industrial del Pacífico, S.A. de C.V.',
      'QUIMICA INDUSTRIAL DEL PACIFICO SA DE CV',
      'Quimica Industrial del Pacifico S. A. de C. V.',
    ])
      expect(normaliser.normalise(name).text).toBe('quimica industrial pacifico');
    expect(normaliser.normalise('Wuhan Tengfei Pharmatech Co., Ltd.').text).toBe('wuhan tengfei pharmatech');
    expect(normaliser.normalise('Sierra Armory Supply, LLC').text).toBe('sierra armory supply');
    expect(normaliser.normalise('Transportes Frontera, S. de R.L. de C.V.').text).toBe(
      'transportes frontera',
    );
  });

  it('keeps a name that is only a legal form or a particle', () => {
    expect(normaliser.normalise('CO').tokens).toEqual(['co']);
    expect(normaliser.normalise('De').tokens).toEqual(['de']);
  });
});

/**
 * The normal form as the rules define it, computed the plain way (fold the whole name, split it,
 * drop legal-form sequences and particles): normalise() reads words through a cache instead,
 * and must give the same tokens and weights.
 */
function plainNormalise(name: string): { tokens: string[]; weights: number[] } {
  const rules = defaultRuleSet().deniedParty;
  const suffixes = rules.legalSuffixes.map((x) => foldText(x).split(' ')).sort((a, b) => b.length - a.length);
  const stop = new Set(rules.stopTokens.map(foldText));
  const weak = new Set(rules.weakTokens.map(foldText));
  const titles = rules.titles.map((x) => foldText(x).split(' ')).sort((a, b) => b.length - a.length);
  const folded = foldText(reorderLastFirst(name));
  const all = folded ? folded.split(' ') : [];
  // The parts of the name as written, in the order of `all`: "First" and "LAST" when reordered.
  const comma = name.indexOf(',');
  const parts = (
    reorderLastFirst(name) === name ? name.split(',') : [name.slice(comma + 1), name.slice(0, comma)]
  )
    .map((p) => foldText(p))
    .filter(Boolean)
    .map((p) => p.split(' '));
  expect(parts.flat()).toEqual(all);
  // Titles off the start and end of each part, unless no word but titles and particles is left.
  const isAt = (words: string[], at: number, seq: string[]) => seq.every((t, j) => words[at + j] === t);
  const trimmed = parts.map((words) => {
    let from = 0;
    let to = words.length;
    for (let seq; (seq = titles.find((q) => from + q.length <= to && isAt(words, from, q)));)
      from += seq.length;
    for (let seq; (seq = titles.find((q) => to - q.length >= from && isAt(words, to - q.length, q)));)
      to -= seq.length;
    return words.slice(from, to);
  });
  const raw = trimmed.flat().some((t) => !stop.has(t)) ? trimmed.flat() : all;
  const tokens: string[] = [];
  for (let i = 0; i < raw.length;) {
    const seq = suffixes.find((q) => q.every((t, j) => raw[i + j] === t));
    if (seq && !(i === 0 && seq.length === raw.length)) {
      i += seq.length;
      continue;
    }
    if (!stop.has(raw[i]!) || raw.length === 1) tokens.push(raw[i]!);
    i++;
  }
  tokens.splice(24);
  const weights = tokens.map(
    (t) => (weak.has(t) ? rules.weakTokenWeight : 1) * (t.length <= 1 ? 0.2 : t.length === 2 ? 0.5 : 1),
  );
  return { tokens, weights };
}

describe('name normalisation through the word cache', () => {
  const words = [
    'S.A. de C.V.',
    'sa de cv',
    'LLC',
    'Co.',
    'Ltd',
    'de',
    'la',
    'Trading',
    'José',
    'GARCÍA,',
    'Straße',
    'Æon',
    "O'Brien",
    'co',
    's',
    'a',
    'c',
    'v',
    '😀',
    '\t',
    '\u00a0',
    'Lic.',
    'Sra',
    'C.P.',
    'Jr',
    'don',
    'p',
  ];
  const part = fc.oneof(fc.constantFrom(...words), fc.string({ unit: 'binary', maxLength: 12 }));

  it('gives the tokens and weights of the plain computation, for any name', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 30 }), fc.constantFrom(' ', '', ',', '-'), (parts, sep) => {
        const name = parts.join(sep);
        const n = normaliser.normalise(name);
        expect({ tokens: n.tokens, weights: n.weights }).toEqual(plainNormalise(name));
        expect(n.text).toBe(n.tokens.join(' '));
      }),
      { numRuns: 3000 },
    );
  });

  it('screens a hostile name of thousands of words on its first 24 tokens, and the next name as usual', () => {
    const huge = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    const n = normaliser.normalise(huge);
    expect(n.tokens).toHaveLength(24);
    expect(n.tokens[23]).toBe('w23');
    expect(normaliser.normalise('Ana López')).toMatchObject(plainNormalise('Ana López'));
  });

  it('stays right after its cache fills and starts over', () => {
    const fresh = new NameNormaliser(defaultRuleSet().deniedParty);
    const name = 'Química Industrial del Pacífico, S.A. de C.V.';
    const before = fresh.normalise(name);
    // More distinct words than the cache holds (49,152), each normalised once.
    for (let i = 0; i < 40_000; i++) fresh.normalise(`w${i.toString(36)} x${i}`);
    expect(fresh.normalise(name)).toMatchObject({ tokens: before.tokens, weights: before.weights });
    expect(fresh.normalise('Zz9 Qq8')).toMatchObject(plainNormalise('Zz9 Qq8'));
  });
});

describe('name similarity', () => {
  it('ignores token order, accents, case and legal suffixes', () => {
    expect(sim('QUINTERO BARRAGAN RIGOBERTO', 'QUINTERO BARRAGÁN, Rigoberto')).toBe(1);
    expect(
      sim('Quimica Industrial del Pacifico SA de CV', 'Química Industrial del Pacífico, S.A. de C.V.'),
    ).toBe(1);
  });

  it('tolerates a one-letter typo and a dropped second surname of a three-part name', () => {
    expect(sim('Rigoberto Quinterro Barragan', 'QUINTERO BARRAGÁN, Rigoberto')).toBeGreaterThan(0.95);
    expect(sim('Juan Carlos Torres Gazmán', 'TORRES GUZMÁN, Juan Carlos')).toBeGreaterThan(0.9);
    expect(sim('María Fernanda Montoya', 'MONTOYA ÁLVAREZ, María Fernanda')).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps different people apart', () => {
    expect(sim('José Guerrero', 'GUERRERO SALDAÑA, José de Jesús')).toBeLessThan(0.9);
    expect(sim('Gabriela Valenzuela Méndez', 'VALENZUELA MENDOZA, Gabriela')).toBeLessThan(0.9);
    expect(sim('Ramón Ramos Martínez', 'Ramón Martínez')).toBeLessThan(0.9); // one-to-one pairing
    expect(sim('Ningbo Rising Trading Co., Ltd.', 'Ningbo Risingstarlight Trading Co., Ltd.')).toBeLessThan(
      0.9,
    );
    expect(
      sim('Hubei Chemical Trading Co Ltd', 'Hubei Xinyuan Chemical Trading Company Limited'),
    ).toBeLessThan(0.9);
  });
});

describe('titles and honorifics', () => {
  const text = (name: string) => normaliser.normalise(name).text;

  it('come with the rules by default, folded', () => {
    const { titles } = defaultRuleSet().deniedParty;
    for (const t of ['lic', 'ing', 'arq', 'sra', 'mr', 'c p', 'don', 'jr', 'iii'])
      expect(titles).toContain(t);
  });

  it('are dropped at the start and generational suffixes at the end of a name', () => {
    for (const name of [
      'Lic. Rigoberto Quintero Barragán',
      'Ing. Rigoberto Quintero Barragán',
      'Arq. Rigoberto Quintero Barragán',
      'C.P. Rigoberto Quintero Barragán',
      'Sr. Lic. Rigoberto Quintero Barragán', // several
      'Quintero Barragán Rigoberto, Lic.',
      'Quintero Barragán, Rigoberto, Lic.', // alone after a comma
      'Lic. Quintero Barragán, Rigoberto', // at the start of the name as written
      'Rigoberto Quintero Barragán Jr.',
    ])
      expect(normaliser.normalise(name).tokens.sort(), name).toEqual(['barragan', 'quintero', 'rigoberto']);
    expect(text('Sra. Maria Fernanda Montoya Alvarez')).toBe('maria fernanda montoya alvarez');
    expect(text('Mr. Bradley James Holloway Jr.')).toBe('bradley james holloway');
    expect(text('HOLLOWAY, Bradley James, III')).toBe('holloway bradley james');
    expect(text('Holloway Jr., Bradley James')).toBe('bradley james holloway');
  });

  it('are kept in the middle of a name, and when they are all the name has', () => {
    expect(text('Juan Don Pérez')).toBe('juan don perez');
    expect(text('Comercializadora Lic Ramos, S.A. de C.V.')).toBe('comercializadora lic ramos');
    for (const name of ['Don', 'Mr.', 'Sr. Jr.', 'Lic., Ing.', 'Don de la']) {
      const tokens = normaliser.normalise(name).tokens;
      expect(tokens.length, name).toBeGreaterThan(0);
    }
    expect(text('Sr. Jr.')).toBe('sr jr');
  });

  it('hide no listed name, on either side', () => {
    expect(sim('Lic. Rigoberto Quintero Barragán', 'QUINTERO BARRAGÁN, Rigoberto')).toBe(1);
    expect(sim('Mr. Bradley James Holloway Jr.', 'HOLLOWAY, Bradley James')).toBe(1);
    expect(sim('Bradley James Holloway', 'HOLLOWAY, Bradley James, Jr.')).toBe(1);
  });
});

describe('initials', () => {
  it('pair with a word that starts with their letter, at a reduced similarity, either way', () => {
    const s = normaliser.tokenSimilarity('m', 'manuel');
    expect(s).toBe(INITIAL_SIMILARITY);
    expect(normaliser.tokenSimilarity('manuel', 'm')).toBe(s);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(0.8); // below any pair of whole words: those are paired first
    expect(normaliser.tokenSimilarity('m', 'juan')).toBe(0);
    expect(normaliser.tokenSimilarity('m', 'm')).toBe(1);
    expect(normaliser.tokenSimilarity('3', '3m')).toBe(0); // a digit is no initial
  });

  it('stand for the listed words they start', () => {
    for (const [party, listed] of [
      ['Hector M. Espinoza Ruvalcaba', 'ESPINOZA RUVALCABA, Héctor Manuel'],
      ['H. Manuel Espinoza Ruvalcaba', 'ESPINOZA RUVALCABA, Héctor Manuel'],
      ['Bradley J. Holloway', 'HOLLOWAY, Bradley James'],
      ['R. Quintero Barragan', 'QUINTERO BARRAGÁN, Rigoberto'],
      ['María F. Montoya Álvarez', 'MONTOYA ÁLVAREZ, María Fernanda'],
    ])
      expect(sim(party!, listed!), party).toBeGreaterThanOrEqual(0.9);
    // An initial helps, never hurts: with it a name scores more than without.
    expect(sim('Hector M. Espinoza Ruvalcaba', 'ESPINOZA RUVALCABA, Héctor Manuel')).toBeGreaterThan(
      sim('Hector Espinoza Ruvalcaba', 'ESPINOZA RUVALCABA, Héctor Manuel'),
    );
  });

  it('carry no name', () => {
    for (const [party, listed] of [
      ['R. Quintero', 'QUINTERO BARRAGÁN, Rigoberto'],
      ['R. Quintero', 'QUINTERO, Rigo'],
      ['J. Holloway', 'HOLLOWAY, Bradley James'],
      ['B. J. Holloway', 'HOLLOWAY, Bradley James'], // two initials and a surname: too little
      ['B. J. Holloway', 'HOLLOWAY, Brad'],
      ['Bradley K. Holloway', 'HOLLOWAY, Bradley James'], // another letter
      ['Hector M. Espinoza Ramírez', 'ESPINOZA RUVALCABA, Héctor Manuel'],
      ['R. Quintero Salazar', 'QUINTERO BARRAGÁN, Rigoberto'],
      ['Bradley J. Hollis', 'HOLLOWAY, Bradley James'],
    ])
      expect(sim(party!, listed!), `${party} / ${listed}`).toBeLessThan(0.9);
  });
});

describe('abbreviations', () => {
  it('read as their word when a period follows them, on either side', () => {
    expect(normaliser.normalise('Ma. Fernanda López Ruiz').tokens.sort()).toEqual(
      ['fernanda', 'lopez', 'maria', 'ruiz'].sort(),
    );
    expect(sim('Ma. Fernanda López Ruiz', 'LÓPEZ RUIZ, María Fernanda')).toBe(1);
    expect(sim('María Fernanda López Ruiz', 'LOPEZ RUIZ, Ma. Fernanda')).toBe(1);
    expect(sim('Fco. Hdz. Glz.', 'HERNÁNDEZ GONZÁLEZ, Francisco')).toBe(1);
    expect(sim('Química Ind. del Pacífico', 'Química Industrial del Pacífico, S.A. de C.V.')).toBe(1);
    expect(sim('Pérez Hnos.', 'PEREZ HERMANOS S.A.')).toBe(1);
  });

  it('are themselves without the period: "Ma Jun" is not María', () => {
    expect(normaliser.normalise('Ma Jun').tokens.sort()).toEqual(['jun', 'ma']);
    expect(normaliser.normalise('MA, Jun').tokens.sort()).toEqual(['jun', 'ma']);
    expect(sim('Ma Jun', 'MA, Jun')).toBe(1);
    expect(sim('Ma Jun', 'María Jun')).toBeLessThan(0.9);
  });

  it('come with the rules by default, and a rule file may set its own', () => {
    expect(defaultRuleSet().deniedParty.abbreviations).toMatchObject({ ma: 'maria', hdz: 'hernandez' });
    const none = new NameNormaliser({ ...defaultRuleSet().deniedParty, abbreviations: {} });
    expect(none.normalise('Ma. Fernanda').tokens.sort()).toEqual(['fernanda', 'ma']);
  });
});
