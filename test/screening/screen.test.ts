import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Consignment } from '../../shared/model/consignment.js';
import { defaultRuleSet, parseRuleSet } from '../../shared/screening/rules.js';
import { createScreener } from '../../shared/screening/screen.js';
import { parseCslCsv } from '../../shared/screening/watchlist.js';
import { FLAG_CATEGORIES } from '../../shared/screening/types.js';
import { parcel } from './fixtures.js';

const watchlist = parseCslCsv(
  readFileSync(new URL('../../config/watchlists/sample-csl.csv', import.meta.url), 'utf8'),
);
const screener = createScreener({ watchlist });
const screen = (overrides: Partial<Consignment>) => screener.screen(parcel(overrides));
const rules = (overrides: Partial<Consignment>) =>
  screen(overrides).flags.map((f) => `${f.category}/${f.rule}`);
const noHs = (description: string, extra: Partial<Consignment> = {}) =>
  screen({ description, hsCodes: [], ...extra });

describe('screening hostile text', () => {
  it('flags a megabyte of repeated terms as it flags them once', () => {
    // ~90,000 hits: compared pairwise for containment they once took half a minute.
    const once = noHs('ammunition cartridges').flags;
    expect(once.map((f) => f.rule)).toEqual(['ammunition', 'ammunition-cartridges']);
    expect(noHs('ammunition cartridges '.repeat(45_000)).flags).toEqual(once);
  });

  it('flags a megabyte of terms spelt with digits, and of context in clauses, as it flags them once', () => {
    // Each added hit once looked at every word a reading changed: ~20 s for this megabyte.
    const once = noHs('AMM0 t0y, ').flags;
    expect(once.map((f) => f.rule)).toEqual(['ammunition', 'disguised-text']);
    expect(noHs('AMM0 t0y, '.repeat(100_000)).flags.map((f) => f.rule)).toEqual(once.map((f) => f.rule));
    // A qualifying clause far from thousands of hits: one walk over the clauses, not one a hit.
    const far = `${'pistol '.repeat(50_000)}${', 1'.repeat(100_000)}, toy`;
    expect(noHs(far).flags).toEqual([]);
  });

  it('reads a description of nothing but document words once, not once a word', () => {
    // 42 s for these 100,000 characters when each word read the whole description again.
    const r = noHs('docs '.repeat(20_000), { declaredValue: { amount: 0, currency: 'USD' } });
    expect(r.flags.map((f) => f.rule)).not.toContain('value-per-kg-low');
    expect(
      noHs('Steel parts and docs', { declaredValue: { amount: 0, currency: 'USD' }, weightKg: 20 }).flags.map(
        (f) => f.rule,
      ),
    ).toContain('value-per-kg-low');
  });

  it('screens a consignee named by a megabyte of bracketed names or list marks', () => {
    // The brackets became runs of spaces a regular expression backtracked over: minutes.
    for (const unit of ['(Juan) ', 'a;', 'Juan / '])
      expect(
        screen({ consignee: { ...parcel().consignee!, name: unit.repeat(1_000_000 / unit.length) } }).flags,
      ).toEqual([]);
  });

  it('screens a consignee named by one megabyte-long word, and matches nobody', () => {
    const r = screen({ consignee: { ...parcel().consignee!, name: 'x'.repeat(1_000_000) } });
    expect(r.flags).toEqual([]);
  });
});

describe('screening result', () => {
  it('a clean parcel has no flags, score 0, and the rule-set version', () => {
    const r = screen({});
    expect(r).toEqual({
      flags: [],
      riskScore: 0,
      ruleSetVersion: 'default@1.4.0',
      review: false,
      watchlistVersion: expect.stringMatching(/^csl-[0-9a-f]+-15$/),
    });
    expect(createScreener().screen(parcel()).watchlistVersion).toBeUndefined();
  });

  it('every flag is explainable and uses a public category', () => {
    const r = noHs('Llaveros GLOCK-SWITCH y municiones', {
      consignee: { ...parcel().consignee!, name: 'Rigoberto Quintero Barragan' },
    });
    expect(r.review).toBe(true);
    for (const f of r.flags) {
      expect(FLAG_CATEGORIES).toContain(f.category);
      expect(f.rule).toMatch(/^[a-z0-9-]+$/);
      expect(f.evidence.field).toBeTruthy();
      expect(f.evidence.text).toBeTruthy();
    }
  });

  it('combines independent signals: two weak flags can reach the threshold, one cannot', () => {
    expect(
      screener.score([
        { category: 'misdeclaration', rule: 'a', score: 30, evidence: { field: 'x', text: 'y' } },
      ]),
    ).toEqual({ riskScore: 30, review: false });
    const two = screener.score([
      { category: 'misdeclaration', rule: 'a', score: 30, evidence: { field: 'x', text: 'y' } },
      { category: 'fuel', rule: 'b', score: 30, evidence: { field: 'x', text: 'y' } },
    ]);
    expect(two).toEqual({ riskScore: 51, review: true });
    // The same rule twice counts once.
    expect(
      screener.score([
        { category: 'fuel', rule: 'b', score: 30, evidence: { field: 'x', text: 'y' } },
        { category: 'fuel', rule: 'b', score: 30, evidence: { field: 'x', text: 'z' } },
      ]).riskScore,
    ).toBe(30);
  });
});

describe('repeated descriptions and parties', () => {
  it('screen the same as the first time, whatever came in between (the memos change nothing)', () => {
    const descriptions = [
      'Llaveros GLOCK-SWITCH y municiones',
      'Ceramic mugs',
      'Gift',
      'Aditivo para gasolina',
    ];
    const names = ['Rigoberto Quintero Barragan', 'Ana María López', 'QUINTERO, Rigo'];
    // Names as fresh strings, as each row of a file gives them; shipper and consignee alike.
    const fresh = (name: string) => ` ${name}`.slice(1);
    const sample = (i: number) =>
      parcel({
        description: descriptions[i % descriptions.length]!,
        shipper: { ...parcel().shipper!, name: fresh(names[(i >> 1) % names.length]!) },
        consignee: { ...parcel().consignee!, name: fresh(names[i % names.length]!) },
      });
    const shared = createScreener({ watchlist });
    for (let i = 0; i < 60; i++) {
      // A fresh screener has nothing remembered: its answer is the reference.
      expect(shared.screen(sample(i))).toEqual(createScreener({ watchlist }).screen(sample(i)));
    }
  });
});

describe('firearms', () => {
  it('HS chapter 93 under a bland description', () => {
    const r = screen({ description: 'Steel parts, hunting', hsCodes: ['930320'] });
    expect(r.flags).toContainEqual({
      category: 'firearms',
      rule: 'hs-chapter-93',
      score: 80,
      evidence: { field: 'hsCodes', text: '930320' },
    });
    expect(rules({ description: 'Steel parts, hunting', hsCodes: ['930320'] })).toContain(
      'misdeclaration/hs-nature-undeclared',
    );
    expect(r.review).toBe(true);
  });

  it('conversion devices, solvent traps, lowers, suppressors and ammunition, English and Spanish', () => {
    for (const [text, rule] of [
      ['Metal keychains (Glock switch style)', 'firearm-conversion-devices'],
      ['Llaveros metálicos tipo GLOCK-SWITCH', 'firearm-conversion-devices'],
      ['AUTOSEAR PARTS X10', 'firearm-conversion-devices'],
      ['Solvent trap kit 1/2x28', 'firearm-solvent-trap'],
      ['Kit de trampa de solvente', 'firearm-solvent-trap'],
      ['80% Lower receiver', 'firearm-receivers'],
      ['Suppressor baffle stack', 'firearm-suppressor'],
      ['Silenciador para rifle calibre 22', 'firearm-suppressor'],
      ['AMMUNI-\nTION 9MM', 'ammunition'],
      ['Munición calibre 9mm', 'ammunition'],
      ['MUNICIONES', 'ammunition'],
      ['Cartuchos calibre .22', 'ammunition-cartridges'],
      ['Pistola 9 mm', 'firearm-weapons'],
    ] as const) {
      const r = noHs(text);
      expect(
        r.flags.map((f) => f.rule),
        text,
      ).toContain(rule);
      expect(r.review, text).toBe(true);
    }
  });

  it('look-alike letters and hidden characters do not hide a term, and the evidence is the text as written', () => {
    for (const [text, rule, evidence] of [
      ['Box of аmmunitiоn 9mm', 'ammunition', 'аmmunitiоn'], // Cyrillic "а", "о"
      ['Kit de trаmpа de sоlvente', 'firearm-solvent-trap', 'trаmpа de sоlvente'],
      ['Sup\u200Bpressor baffle', 'firearm-suppressor', 'Sup\u200Bpressor'],
      ['ᴀᴜᴛᴏ sᴇᴀʀ', 'firearm-conversion-devices', 'ᴀᴜᴛᴏ sᴇᴀʀ'],
      ['Патроны 9мм — cartuchоs', 'ammunition-cartridges', 'cartuchоs'],
    ] as const) {
      const r = noHs(text);
      expect(r.flags.find((f) => f.rule === rule)?.evidence.text, text).toBe(evidence);
      expect(r.review, text).toBe(true);
    }
  });

  it('a word that mixes Latin with look-alike letters of another script is itself flagged, with the words', () => {
    const r = noHs('Cоtton T-shirts');
    expect(r.flags).toEqual([
      {
        category: 'misdeclaration',
        rule: 'disguised-text',
        score: 30,
        evidence: {
          field: 'description',
          text: '"Cоtton" (Cyrillic): Latin letters mixed with look-alike letters of another script',
        },
      },
    ]);
    // Alone it is informational; with a term it adds to the score.
    expect(r.review).toBe(false);
    const both = noHs('Box of аmmunitiоn');
    expect(both.flags.map((f) => f.rule)).toEqual(['ammunition', 'disguised-text']);
    expect(both.riskScore).toBeGreaterThan(noHs('Box of ammunition').riskScore);
    // Words wholly in one script, invisible characters and decomposed accents are no disguise.
    for (const text of ['Подарок: книги', 'Βιβλία', 'Cot\u200Bton T-shirts', 'Cafe\u0301 molido', '𝐁𝐨𝐨𝐤𝐬'])
      expect(
        noHs(text).flags.map((f) => f.rule),
        text,
      ).not.toContain('disguised-text');
    // At most three words are quoted.
    expect(noHs('Cоtton Tоwels Pаper Cаps Bаgs').flags[0]?.evidence.text).toBe(
      '"Cоtton" (Cyrillic), "Tоwels" (Cyrillic), "Pаper" (Cyrillic) and 2 more: Latin letters mixed with look-alike letters of another script',
    );
  });

  it('digits and symbols typed for letters do not hide a term: flagged, quoted as written, and as disguised', () => {
    for (const [text, rule, evidence] of [
      ['AMM0 9mm x50', 'ammunition', 'AMM0'],
      ['c0ca1ne', 'narcotics', 'c0ca1ne'],
      ['fentanyI citrate', 'narcotics', 'fentanyI'],
      ['fent@nyl powder', 'narcotics', 'fent@nyl'],
      ['$ilencer kit', 'firearm-suppressor', '$ilencer'],
      ['Pist0la usada', 'firearm-weapons', 'Pist0la'],
      ['p1sto1 parts', 'firearm-weapons', 'p1sto1 parts'],
      ['gas0lina en bidones', 'fuel', 'gas0lina'],
    ] as const) {
      const r = noHs(text);
      expect(r.flags.find((f) => f.rule === rule)?.evidence.text, text).toBe(evidence);
      expect(r.flags.find((f) => f.rule === 'disguised-text')?.evidence.text, text).toBe(
        `"${evidence.split(' ')[0]}" (digits for letters): a listed term spelt with look-alike digits or symbols`,
      );
      expect(r.review, text).toBe(true);
    }
    // Both disguises at once are quoted in the order they stand.
    expect(noHs('Cоtton bag with AMM0').flags.find((f) => f.rule === 'disguised-text')?.evidence.text).toBe(
      '"Cоtton" (Cyrillic), "AMM0" (digits for letters): look-alike letters of another script, or digits and symbols for letters',
    );
    // A context word spelt with digits clears nothing: the text as written keeps its hit.
    for (const [text, rule] of [
      ['Glock pistol t0y', 'firearm-weapons'],
      ['Pistola de agu4', 'firearm-weapons'],
      ['cartuchos 1nk', 'ammunition-cartridges'],
    ] as const)
      expect(
        noHs(text).flags.map((f) => f.rule),
        text,
      ).toContain(rule);
    // Digits and symbols of ordinary goods spell no term, and a context word still clears.
    for (const text of [
      'MP3 player',
      'B12 vitamins 500mg',
      'Playera talla 4XL, 3pcs',
      'USB 3.0 cable 1080p',
      'McIntosh amplifier',
      'Ink cartr1dges HP',
      'k1t de limpieza',
      'R134a refrigerant 13.6kg',
    ])
      expect(noHs(text).flags, text).toEqual([]);
  });

  it('a listed party written with abbreviations ("Ind.", "Ma.") is flagged as the listed name', () => {
    const r = screen({ shipper: { ...parcel().shipper!, name: 'Quimica Ind. del Pacifico' } });
    expect(r.flags.map((f) => [f.rule, f.evidence.field])).toEqual([['denied-party-exact', 'shipper.name']]);
    expect(r.flags[0]!.evidence.text).toContain(
      'matches listed name "Química Industrial del Pacífico, S.A. de C.V."',
    );
  });

  it('a listed party written with digits for letters is flagged as matched and as disguised', () => {
    const r = screen({ consignee: { ...parcel().consignee!, name: 'Rigob3rto Quint3ro Barragán' } });
    expect(r.flags.map((f) => [f.rule, f.evidence.field])).toEqual([
      ['denied-party-exact', 'consignee.name'],
      ['disguised-text', 'consignee.name'],
    ]);
    expect(r.flags[1]!.evidence.text).toBe(
      '"Rigob3rto" (digits for letters), "Quint3ro" (digits for letters): a listed name spelt with look-alike digits or symbols',
    );
  });

  it('a listed person named without the second surname, or without the middle name, is a fuzzy hit', () => {
    for (const [name, evidence] of [
      ['Rigoberto Quintero', 'matches listed name "QUINTERO BARRAGÁN, Rigoberto" without its second surname'],
      ['Bradley Holloway', 'matches listed name "HOLLOWAY, Bradley James" without its middle name'],
    ] as const) {
      const r = screen({ consignee: { ...parcel().consignee!, name } });
      expect(r.flags.map((f) => [f.rule, f.evidence.field])).toEqual([
        ['denied-party-fuzzy', 'consignee.name'],
      ]);
      expect(r.flags[0]!.evidence.text).toContain(evidence);
      expect(r.review).toBe(true);
    }
  });

  it('a listed party written with look-alike letters is flagged as matched and as disguised', () => {
    const r = screen({ consignee: { ...parcel().consignee!, name: 'Rigоberto Quinterо Barragán' } });
    expect(r.flags.map((f) => [f.rule, f.evidence.field])).toEqual([
      ['denied-party-exact', 'consignee.name'],
      ['disguised-text', 'consignee.name'],
    ]);
    expect(r.flags[1]!.evidence.text).toBe(
      '"Rigоberto" (Cyrillic), "Quinterо" (Cyrillic): Latin letters mixed with look-alike letters of another script',
    );
  });

  it('a context word clears the hits of its own item only, and never against a word that overrules it', () => {
    // Two items of one parcel: the mug does not clear the pistol beside it.
    expect(noHs('Pistola Glock 19 9mm; Taza de cerámica').review).toBe(true);
    expect(noHs('Pistola Glock 19\nTaza de cerámica').review).toBe(true);
    expect(noHs('Pistola de agua; Taza de cerámica').flags).toEqual([]);
    // Anywhere in its item, though: ink cartridges and paint guns say so at the end.
    for (const text of [
      'Cartuchos originales color negro y tricolor HP',
      'Pistola de 400W HVLP con 3 boquillas para pintura',
      'Pistola de calor para manualidades',
    ])
      expect(noHs(text).flags, text).toEqual([]);
    // Words of the real thing keep the hit whatever the context.
    for (const text of [
      'Cartuchos calibre .380 HP',
      'Cinta de cartuchos calibre .50',
      '12 gauge game load cartridges',
      'Municiones 9mm y dulces',
      'Pistola Glock 19 9mm con kit de limpieza',
      'Diesel fuel for generator, 20 drums',
      'Gasolina magna en bidones color azul',
    ])
      expect(noHs(text).review, text).toBe(true);
    // … and only those: sizes, volumes and gauges of ordinary goods do not.
    for (const text of [
      'HP 664 ink cartridges',
      'Diesel jeans azul',
      'Fuel filter for generator',
      'Generador a gasolina 3500W, tanque 15 litros',
      'Bomba de gasolina para tambo de 55 galones',
      'Pistola de silicon para cartuchos de 300 ml',
      'Cartuchos de CO2 12g para pistola de aire',
      'Silenciador de escape para moto, acero calibre 16',
      'Water filter cartridges, 9mm fittings',
      'Pistola para tatuar',
    ])
      expect(
        noHs(text).flags.filter((f) => f.score >= 50),
        text,
      ).toEqual([]);
  });

  it('a context word that qualifies clears from its clause, an attached one, or a clause of nothing else', () => {
    // Other goods named in another clause of the item: the weapon stands (rule set 1.4.0).
    for (const [text, rule] of [
      ['Glock 19 pistol, water bottle', 'firearm-weapons'],
      ['Botella de agua y pistola', 'firearm-weapons'],
      ['Water bottle + pistol', 'firearm-weapons'],
      ['Pistola Beretta, botella de agua', 'firearm-weapons'],
      // … whether the other goods are spelt with a digit or letter by letter …
      ['Glock 19 pistol, water b0ttle', 'firearm-weapons'],
      ['Glock 19 pistol, water b o t t l e', 'firearm-weapons'],
      ['Municiones, c0llar de plata', 'ammunition'],
      // … or are a context word that names goods of its own (a tool, a material, silver).
      ['Glock 19 pistol, paint', 'firearm-weapons'],
      ['Pistola Glock, pegamento', 'firearm-weapons'],
      ['Municiones, plata', 'ammunition'],
      // Joined terms: the context word of the first does not reach the next.
      ['Water pistol, Glock pistol', 'firearm-weapons'],
      ['Water pistol, AR-15 rifle', 'firearm-weapons'],
      // Left out ("without", "sin"), a context word clears nothing.
      ['Glock 19 pistol without toy', 'firearm-weapons'],
      ['Rifle AR-15 sin pintura', 'firearm-weapons'],
      // A colour is context for fuel ("Diesel azul"), but alone in its clause it qualifies nothing.
      ['Gasolina 20 litros, color rojo', 'fuel'],
      // Clauses break at the list marks of other scripts too, and "pack" counts only after a number.
      ['Glock 19 pistol，water bottle', 'firearm-weapons'],
      ['Glock 19 pistol、water bottle', 'firearm-weapons'],
      ['Glock 19 pistol – water bottle', 'firearm-weapons'],
      ['Glock 19 pistol • water bottle', 'firearm-weapons'],
      ['Glock 19 pistol, water pack', 'firearm-weapons'],
      ['Pistola Beretta y botella de agua', 'firearm-weapons'],
      ['Glock 19 pistol, toy car', 'firearm-weapons'],
      ['Pistol, toy box', 'firearm-weapons'],
      ['Rifle, paint roller', 'firearm-weapons'],
      ['Glock 19, cordless drill 20V', 'firearm-weapons'],
      ['Municiones, collar de plata', 'ammunition'],
      ['Ammo, chocolate bar', 'ammunition'],
      ['Gasolina, filtro de aire', 'fuel'],
      ['Diesel fuel 200 L, engine oil filter', 'fuel'],
      ['Receiver, phone case', 'firearm-receiver-ambiguous'],
      ['Silenciador, funda para auto', 'firearm-suppressor'],
    ] as const)
      expect(
        noHs(text).flags.map((f) => f.rule),
        text,
      ).toContain(rule);
    // The context word in the hit's clause, in a clause attached to it ("con", "with"), or in a
    // clause of nothing but context words, numbers and neutral words (colours, "para", "kids").
    for (const text of [
      'Pistol, toy',
      'Pistol, water, kids',
      // Models, units and counts name nothing.
      'Cartuchos, Canon PG-245',
      'Cartridges, 2 pack, for HP printer',
      'Cartuchos, 4 unidades, Epson',
      // A context word that is what is left out opens its clause ("sin THC").
      'Aceite de cannabis sin THC',
      'Cannabis oil, sin THC',
      'Cartridges, compatible with Epson XP-4100',
      'Motosierra 52 cc, gasolina',
      'Silenciador universal, escape 51 mm',
      // A term alone in its clause after the goods it belongs to (a tool's gun, an engine's fuel).
      'Hidrolavadora electrica 1800W, pistola, manguera, boquillas',
      'Kit de pintura: compresor, pistola, manguera',
      'Podadora de pasto, gasolina, 4 tiempos',
      'Refrigerator water filter, replacement cartridge',
      'Pistola de juguete, color negro',
      'Pistol, Automatic, Water Toy for kids',
      'Water Gun, Pistol for Kids, Summer Toy',
      'Kids toy with pistol shape',
      'Cartridges, ink, HP 664',
      'Cartuchos originales color negro y tricolor HP',
      'Receiver, Bluetooth audio, for car',
      'Jeans, Diesel, slim fit',
      'Hemp seed oil, cannabis sativa',
      'Black Opium, Eau de Parfum 90ml, YSL',
      'Pistola, masaje, 6 velocidades',
    ])
      expect(noHs(text).flags, text).toEqual([]);
    // Names of goods among the context words clear only the hit that describes them.
    expect(noHs('Taladro tipo pistola').flags).toEqual([]);
    expect(noHs('Collar de balas de plata').flags).toEqual([]);
    // The other side of a term alone after a context word: a weapon listed after other goods
    // by a comma is cleared, as a tool's gun is (documented in the README's known limits).
    expect(noHs('Water bottle, pistol').flags).toEqual([]);
  });

  it('a rule file without neutral words gets the bundled ones; an empty list lets only context words qualify', () => {
    const rules = defaultRuleSet();
    const { neutralWords, ...older } = rules.text;
    expect(parseRuleSet({ ...rules, text: older }).text.neutralWords).toEqual(neutralWords);
    const bare = createScreener({ rules: { ...rules, text: { ...rules.text, neutralWords: [] } } });
    const flagged = (d: string) => bare.screen({ ...parcel(), description: d, hsCodes: [] }).flags;
    expect(flagged('Pistol, water')).toEqual([]);
    expect(flagged('Pistol, water, kids').map((f) => f.rule)).toEqual([]);
    expect(flagged('Pistol, water kids').map((f) => f.rule)).toEqual(['firearm-weapons']);
  });

  it('a context word naming goods of its own clears only a hit that describes those goods', () => {
    // Goods sent with the real thing, in a clause after it: the hit stands.
    for (const text of [
      'Glock 19 pistol with cleaning kit',
      'AR-15 rifle, free t-shirt included',
      'Pistola Glock con playera de regalo',
      'Rifle AR15 incluye llavero',
      'Pistol w/ cleaning kit',
      'Rifle + cleaning kit',
      'Escopeta calibre 12 con kit de limpieza',
      'Rifle, ammunition, t-shirt',
      'Rifle, ammunition and cleaning kit',
      'Rifle and cleaning kit',
      'Pistola Glock y playera de regalo',
      'Glock 19 pistol. Cleaning kit',
      'Rifle - cleaning kit',
      'Pistol without cleaning kit',
      'Pistola sin kit de limpieza',
      // Goods and a weapon in a list: the weapon does not describe the goods.
      'Playera, pistola',
      'Mug, rifle',
    ])
      expect(
        noHs(text).flags.filter((f) => f.rule === 'firearm-weapons'),
        text,
      ).not.toEqual([]);
    // The hit describes the goods: in their clause, or in a clause attached to them ("with",
    // "con"), or named with terms of its rule joined by "and", "," or "&" to one in their clause.
    for (const text of [
      'Pistol cleaning kit w/ case',
      'T-shirt with rifle print',
      'Playera con estampado de pistola',
      'Mug with pistol design',
      'Taza con diseño de rifle',
      'Llavero con forma de pistola',
      'Poster: AR-15 rifle diagram',
      'Disfraz de vaquero con pistola',
      'Pistol and rifle cleaning kit',
      'Pistol, rifle & shotgun cleaning kit',
      'Kit de limpieza para pistola y rifle',
      // A picture of the weapon, in its clause; what qualifies it in brackets or after a colon.
      'Rifle print, cotton t-shirt',
      'Pistol pattern, ceramic mug',
      'AR15 Rifle Silhouette (Sticker)',
      'Revolver (keychain)',
      'Estampado de pistola: playera',
    ])
      expect(noHs(text).flags, text).toEqual([]);
    // Another item of the parcel is other goods, wherever it stands.
    expect(noHs('T-shirt with print; Pistola Glock').review).toBe(true);
  });

  it('spellings, plurals and vocabulary an audit found missing, and tools and goods it found flagged', () => {
    for (const [text, category] of [
      ['Fetanyl powder 1kg', 'narcotics'],
      ['Metanfetaminas', 'narcotics'],
      ['Amphetamine sulfate', 'narcotics'],
      ['Ojivas y fulminantes', 'firearms'],
      ['Trampa de solventes', 'firearms'],
      ['P80 frames x5', 'firearms'],
      ['Forced reset trigger', 'firearms'],
      ['Norfentanil', 'precursors'],
      ['BMK glycidate 5kg', 'precursors'],
      ['Acido fenilacetico', 'precursors'],
    ] as const)
      expect(
        noHs(text).flags.map((f) => f.category),
        text,
      ).toContain(category);
    for (const text of [
      'Pistola de grasa manual',
      'Pistola lectora de codigo de barras',
      'Pistola de vapor para planchar',
      'Pistola etiquetadora',
      'Soldering gun parts',
      'Glock knife FM78',
      'Carabina de escalada',
      'Collar de balas de plata',
      'Cartuchos para respirador 3M',
      'Silenciador neumatico de bronce',
      'Supresor de transitorios TVS',
      'Lampara de queroseno',
      'Panel de yeso no combustible',
      'Disfraz de heroina para niña',
      'CBD oil 0% THC',
    ])
      expect(noHs(text).review, text).toBe(false);
    for (const text of ['Efectos personales', 'SIN DESCRIPCION', 'Repuestos', 'Paquete'])
      expect(
        noHs(text).flags.map((f) => f.rule),
        text,
      ).toContain('vague-description');
  });

  it('a hit inside a longer hit of the same category is not repeated', () => {
    expect(noHs('Glock switch').flags.map((f) => f.evidence.text)).toEqual(['Glock switch']);
  });

  it('no flag on clean look-alikes', () => {
    for (const text of [
      'AV receiver 7.2 channel home theater',
      'Bluetooth audio receiver for car',
      'Printer ink cartridges HP 664',
      'Cartuchos de tinta para impresora Epson',
      'Water filter cartridge',
      'LUBRICANT GREASE CARTRIDGES 400G',
      'Silenciador de escape para motocicleta',
      'Pistola de silicón caliente',
      'Pistola masajeadora muscular',
      'Hot glue gun with sticks',
      'Surge suppressor power strip',
      'Bullet journal dotted notebook',
      'Replacement parts for vacuum cleaner',
      'Taladro percutor inalámbrico',
    ])
      expect(noHs(text).flags, text).toEqual([]);
  });
});

describe('precursors and narcotics', () => {
  it('chemical names, systematic names, synonyms and Spanish', () => {
    for (const text of [
      '4-Piperidone hydrochloride',
      '1-Boc-4-piperidona 98%',
      'N-Phenylpiperidin-4-amine',
      '4-ANILINOPIPERIDINE',
      'tert-Butyl 4-(phenylamino)piperidine-1-carboxylate',
      'NPP powder',
      'ANPP',
      'Norfentanyl reference standard',
      'Efedrina clorhidrato',
    ])
      expect(
        noHs(text).flags.map((f) => f.category),
        text,
      ).toContain('precursors');
    const boc = noHs('1-Boc-4-piperidone').flags.filter((f) => f.category === 'precursors');
    expect(boc.map((f) => f.evidence.text)).toEqual(['1-Boc-4-piperidone']); // not also "4-piperidone"
  });

  it('CAS numbers with a valid check digit, and only those', () => {
    expect(noHs('Reactivo CAS 79099-07-3').flags).toEqual([
      {
        category: 'precursors',
        rule: 'cas-fentanyl-precursors',
        score: 95,
        evidence: { field: 'description', text: 'CAS 79099-07-3 (1-boc-4-piperidone)' },
      },
    ]);
    expect(noHs('Reactivo CAS 79099-07-4').flags).toEqual([]);
    expect(
      noHs('Xilacina (CAS 7361-61-7)')
        .flags.map((f) => f.rule)
        .sort(),
    ).toEqual(['cas-narcotics', 'narcotics']);
  });

  it('HS 2933.3x and 2939.71', () => {
    expect(rules({ description: 'Pharmaceutical intermediate', hsCodes: ['293337'] })).toEqual([
      'precursors/hs-fentanyl-precursors',
      'misdeclaration/hs-nature-undeclared',
    ]);
    expect(rules({ description: 'Fentanyl citrate', hsCodes: ['293333'] })).toEqual([
      'narcotics/hs-fentanyls',
      'narcotics/narcotics',
    ]);
  });

  it('narcotics terms in both languages; cosmetics and perfume look-alikes stay clean', () => {
    for (const text of [
      'Fentanilo en polvo',
      'Blue M30 pills',
      'THC vape cartridges',
      'Tablet press TDP-5',
      'Prensa para pastillas',
      'Cocaína',
    ])
      expect(
        noHs(text).flags.map((f) => f.category),
        text,
      ).toContain('narcotics');
    expect(noHs('THC vape cartridges').flags.map((f) => f.category)).not.toContain('firearms');
    for (const text of ['Black Opium perfume 90 ml', 'Face cream with Cannabis Sativa Seed Oil'])
      expect(noHs(text).flags, text).toEqual([]);
  });
});

describe('fuel', () => {
  it('HS prefixes and terms, English and Spanish', () => {
    expect(
      rules({
        description: 'Mineral products',
        hsCodes: ['271019'],
        weightKg: 500,
        declaredValue: { amount: 900, currency: 'USD' },
      }),
    ).toContain('fuel/hs-fuels');
    for (const text of [
      'Gasolina premium 20 litros',
      'Diésel automotriz',
      'Turbosina',
      'Combustible',
      'Aditivo para gasolina',
      'Octane booster',
      'Gas LP cilindro',
    ])
      expect(
        noHs(text).flags.map((f) => f.category),
        text,
      ).toContain('fuel');
  });

  it('bulk lubricant only when heavy; fuel look-alikes stay clean', () => {
    expect(
      noHs('Aceite lubricante a granel', {
        weightKg: 900,
        declaredValue: { amount: 2500, currency: 'USD' },
      }).flags.map((f) => f.rule),
    ).toEqual(['fuel-declared-as-lubricant']);
    expect(noHs('Aceite lubricante', { weightKg: 4 }).flags).toEqual([]);
    for (const text of [
      'Diesel jeans hombre',
      'Generador a gasolina 3500W',
      'Bomba de gasolina para auto',
      'Butane lighter refill gas',
      'Diesel fuel filter for truck',
    ])
      expect(noHs(text).flags, text).toEqual([]);
  });

  it('"aditivo" alone is a weak sign that does not queue', () => {
    const r = noHs('Aditivo');
    expect(r.flags.map((f) => f.rule)).toEqual(['fuel-additive-generic']);
    expect(r.review).toBe(false);
    expect(noHs('Aditivo alimentario').flags).toEqual([]);
  });
});

describe('denied parties', () => {
  it('screens shipper, consignee and notify; evidence names the listed entry and the field', () => {
    const r = screen({
      notify: {
        name: 'QUIMICA INDUSTRIAL DEL PACIFICO SA DE CV',
        address: null,
        city: null,
        postcode: null,
        countryCode: 'MX',
      },
    });
    expect(r.flags).toHaveLength(1);
    expect(r.flags[0]).toMatchObject({
      category: 'denied-party',
      rule: 'denied-party-exact',
      score: 95,
      evidence: { field: 'notify.name' },
    });
    expect(r.flags[0]!.evidence.text).toMatch(
      /Química Industrial del Pacífico, S\.A\. de C\.V\..*SDN, entry 90002/,
    );
    const shipper = screen({
      shipper: { ...parcel().shipper!, name: 'Wuhan Tengfei Pharmatech Company Limited' },
    });
    expect(shipper.flags[0]!.evidence.field).toBe('shipper.name');
  });

  it('accented, reordered, alt and typo names; fuzzy ones score lower', () => {
    const c = (name: string) => screen({ consignee: { ...parcel().consignee!, name } }).flags[0];
    expect(c('MONTOYA ALVAREZ MARIA FERNANDA')?.rule).toBe('denied-party-exact');
    expect(c('Guerrero Saldaña, José de Jesús')?.rule).toBe('denied-party-exact');
    expect(c('LA PATRONA')?.evidence.text).toMatch(
      /alt name "LA PATRONA" of "MONTOYA ÁLVAREZ, María Fernanda"/,
    );
    const typo = c('Rigoberto Quinterro Barragan');
    expect(typo).toMatchObject({ rule: 'denied-party-fuzzy', score: 85 });
    expect(c('María José Pérez')).toBeUndefined();
  });

  it('evidence of an entry listed with only a name says no more than it knows', () => {
    const bare = createScreener({ watchlist: parseCslCsv('name\nBöm Test Trading\n') });
    const flag = bare.screen(parcel({ consignee: { ...parcel().consignee!, name: 'Bom Test Trading' } }))
      .flags[0];
    expect(flag?.evidence.text).toBe(
      '"Bom Test Trading" matches listed name "Böm Test Trading" (similarity 1.00)',
    );
  });
});

describe('mis-declaration and anomalies', () => {
  it('vague alone is informational; heavy or near-zero value queues it', () => {
    expect(screen({ description: 'Gift', hsCodes: [] })).toMatchObject({
      review: false,
      flags: [{ rule: 'vague-description', score: 20 }],
    });
    expect(screen({ description: 'Gift', hsCodes: [], weightKg: 32 })).toMatchObject({
      review: true,
      flags: [{ rule: 'vague-description-heavy' }],
    });
    expect(
      screen({ description: 'Samples', hsCodes: [], declaredValue: { amount: 0.5, currency: 'USD' } }),
    ).toMatchObject({ review: true, flags: [{ rule: 'vague-description-low-value' }] });
    expect(screen({ description: 'Mercancía general', hsCodes: [], weightKg: 40 }).flags[0]?.rule).toBe(
      'vague-description-heavy',
    );
    // PACT's shapes: one repeated character, no letters at all.
    expect(screen({ description: 'xxxxxxxxxx', hsCodes: [] }).flags[0]?.rule).toBe('vague-description');
    expect(screen({ description: '1234567 89', hsCodes: [] }).flags[0]?.rule).toBe('vague-description');
    expect(screen({ description: 'Cotton T-shirts', hsCodes: [] }).flags).toEqual([]);
    // A stop word disguised with a Cyrillic "і" or a zero-width space is still one.
    expect(screen({ description: 'Gіft', hsCodes: [] }).flags.map((f) => f.rule)).toContain(
      'vague-description',
    );
    expect(screen({ description: 'Sam\u200Bples', hsCodes: [] }).flags[0]?.rule).toBe('vague-description');
  });

  it('a master described as a consolidation is not vague', () => {
    expect(
      screen({
        kind: 'master',
        parcelId: null,
        description: 'CONSOLIDATION AS PER ATTACHED MANIFEST',
        hsCodes: [],
        weightKg: 2400,
        declaredValue: null,
      }).flags,
    ).toEqual([]);
    expect(
      screen({
        kind: 'master',
        parcelId: null,
        description: 'CONSOL',
        hsCodes: [],
        weightKg: 2400,
        declaredValue: null,
      }).flags,
    ).toEqual([]);
  });

  it('value per kg out of range, in USD after conversion; documents are exempt', () => {
    const low = screen({
      description: 'Laptop computers',
      hsCodes: ['847130'],
      weightKg: 12,
      declaredValue: { amount: 2, currency: 'USD' },
    });
    expect(low.flags[0]).toMatchObject({
      category: 'misdeclaration',
      rule: 'value-per-kg-low',
      evidence: { field: 'declaredValue' },
    });
    expect(
      screen({
        description: 'Ceramic tiles',
        hsCodes: [],
        weightKg: 50,
        declaredValue: { amount: 1000, currency: 'MXN' },
      }).flags,
    ).toEqual([]);
    expect(
      screen({
        description: 'Documents',
        hsCodes: [],
        weightKg: 6,
        declaredValue: { amount: 0, currency: 'USD' },
      }).flags,
    ).toEqual([]);
    expect(
      screen({
        description: 'Ceramic tiles',
        hsCodes: [],
        weightKg: 50,
        declaredValue: { amount: 0, currency: 'XYZ' },
      }).flags,
    ).toEqual([]);
    // Only documents are exempt: goods that merely mention papers keep their value checks.
    const free = { hsCodes: [], weightKg: 30, declaredValue: { amount: 0, currency: 'USD' } };
    for (const description of ['Documentos originales y copias', 'Business documents, 3 envelopes'])
      expect(screen({ ...free, description }).flags, description).toEqual([]);
    for (const description of ['Steel parts and docs', 'Piezas de acero, documentos'])
      expect(
        screen({ ...free, description }).flags.map((f) => f.rule),
        description,
      ).toContain('value-per-kg-low');
  });

  it('weight against volume out of range', () => {
    const dense = screen({
      kind: 'house',
      hawb: 'H1',
      description: 'TEXTILES',
      hsCodes: ['520852'],
      weightKg: 4800,
      volumeM3: 0.5,
      declaredValue: null,
    });
    expect(dense.flags).toEqual([
      {
        category: 'misdeclaration',
        rule: 'density-out-of-range',
        score: 50,
        evidence: { field: 'volumeM3', text: '4800 kg in 0.5 m³ = 9600 kg/m³ (expected 8–3000)' },
      },
    ]);
    expect(
      screen({ weightKg: 300, volumeM3: 1.2, declaredValue: { amount: 3000, currency: 'USD' } }).flags,
    ).toEqual([]);
  });

  it('HS code and description disagree', () => {
    expect(rules({ description: 'Solvent trap kit', hsCodes: ['842139'] })).toEqual([
      'firearms/firearm-solvent-trap',
      'misdeclaration/hs-description-mismatch',
    ]);
    expect(rules({ description: 'Tablet press', hsCodes: ['847930'] })).toEqual([
      'narcotics/narcotics-pill-press',
    ]); // machines are 8479: no mismatch
  });
});

describe('properties', () => {
  it('never throws and always returns a bounded score, whatever the text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
        fc.string({ maxLength: 60 }),
        (description, name) => {
          const r = screen({ description, consignee: { ...parcel().consignee!, name: name || 'x' } });
          expect(r.riskScore).toBeGreaterThanOrEqual(0);
          expect(r.riskScore).toBeLessThanOrEqual(100);
          expect(r.review).toBe(r.riskScore >= 50);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('what one item of a description says never clears or keeps the hits of another (property)', () => {
    // Terms, context words of every kind, words that name nothing, other goods and separators:
    // items made of these, joined as a parcel's items are, screen as they do alone.
    const words = [
      ...['pistol', 'pistola', 'rifle', 'Glock 19', 'AR-15', 'cartuchos', 'cartridges', 'municiones'],
      ...['ammo', 'gasolina', 'diesel', 'receiver', 'silenciador', 'cannabis'],
      ...['water', 'agua', 'toy', 'juguete', 'ink', 'HP', 'generador', 'hidrolavadora', 'taladro'],
      ...['pintura', 'jeans', 'bluetooth', 'escape', 'sin THC', 'filtro', 'plata', 'collar'],
      ...['t-shirt', 'playera', 'mug', 'cleaning kit', 'print', '9mm', 'calibre .380', 'drums'],
      ...['negro', '2', 'pack', 'para', 'kids', '600ml', 'bottle', 'botella', 'case', 'cable'],
    ];
    const marks = [
      ' ',
      ' ',
      ', ',
      ' y ',
      ' and ',
      ' with ',
      ' con ',
      ' sin ',
      ' + ',
      ' - ',
      '，',
      ' (',
      ') ',
    ];
    const item = fc
      .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(...marks)), { minLength: 1, maxLength: 8 })
      .map((parts) =>
        parts
          .map(([w, m]) => w + m)
          .join('')
          .trim(),
      );
    const termRules = new Set(defaultRuleSet().termRules.map((r) => r.id));
    const hits = (d: string) =>
      new Set(
        noHs(d)
          .flags.filter((f) => termRules.has(f.rule))
          .map((f) => f.rule),
      );
    fc.assert(
      fc.property(item, item, fc.constantFrom('; ', '\n', '；'), (a, b, join) => {
        const alone = [...hits(a)].sort();
        const both = hits(`${a}${join}${b}`);
        const bothReversed = hits(`${b}${join}${a}`);
        for (const rule of alone) {
          expect(both.has(rule), `${a} | ${b}: ${rule}`).toBe(true);
          expect(bothReversed.has(rule), `${b} | ${a}: ${rule}`).toBe(true);
        }
        // And nothing appears that neither item flags alone.
        const either = new Set([...alone, ...hits(b)]);
        for (const rule of both) expect(either.has(rule), `${a} | ${b}: ${rule}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('no context word of any rule clears its term from a clause that names other goods', () => {
    // Every rule's first term, then each of its context words with other goods in a clause of
    // their own (context words that open a clause themselves, "thc free", aside).
    for (const rule of defaultRuleSet().termRules)
      for (const word of [...rule.unlessNear, ...rule.unlessGoods]) {
        if (/\b(?:free|with|sin|con|and|y)\b/.test(word)) continue;
        for (const text of [`${rule.terms[0]}, ${word} bottle`, `${rule.terms[0]} y ${word} funda`])
          expect(
            noHs(text, { weightKg: 500 }).flags.map((f) => f.rule),
            text,
          ).toContain(rule.id);
      }
    // A term inside a context word of its rule is that word's, not listed with the term before.
    expect(noHs('Ammunition, ammo can').flags.map((f) => f.rule)).toEqual(['ammunition']);
    expect(noHs('Ammo can, military surplus').flags).toEqual([]);
  });

  it('a planted term anywhere in random text is flagged in its category (property)', () => {
    const planted = [
      ['solvent trap', 'firearms'],
      ['municiones', 'firearms'],
      ['4-anilinopiperidine', 'precursors'],
      ['norfentanilo', 'precursors'],
      ['carfentanil', 'narcotics'],
      ['turbosina', 'fuel'],
    ] as const;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.constantFrom(...planted),
        fc.string({ maxLength: 100 }),
        (before, [term, category], after) => {
          const r = noHs(`${before} ${term} ${after}`);
          expect(r.flags.map((f) => f.category)).toContain(category);
        },
      ),
      { numRuns: 300 },
    );
  });
});
