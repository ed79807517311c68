import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { generateWatchlist, mxPerson, nameVariant, rng } from '../../eval/generate.js';
import { NameNormaliser } from '../../shared/screening/names.js';
import { defaultRuleSet } from '../../shared/screening/rules.js';
import {
  csvRecords,
  decodeWatchlist,
  firstSurnameForm,
  parseCslCsv,
  WatchlistFormatError,
  WatchlistIndex,
} from '../../shared/screening/watchlist.js';

const dp = defaultRuleSet().deniedParty;
const sample = readFileSync(new URL('../../config/watchlists/sample-csl.csv', import.meta.url), 'utf8');

describe('CSL CSV parsing', () => {
  it('reads quoted fields with commas, doubled quotes, line breaks and a BOM', () => {
    const rows = [...csvRecords('\uFEFFa,b,c\n1,"x, y","say ""hi"""\r\n2,"multi\nline",z\n\n')];
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'multi\nline', 'z'],
    ]);
    expect(rows[2]!.line).toBe(3);
  });

  it('reads past the columns it is told to skip, quoted or not, as empty fields', () => {
    const text = 'a,b,c\n1,"x,\n""y""",z\n2,plain,"q"\n';
    const keep = [true, false, true];
    const rows = [...csvRecords(text, keep)];
    expect(rows.map((r) => r.fields)).toEqual([
      ['a', '', 'c'],
      ['1', '', 'z'],
      ['2', '', 'q'],
    ]);
    // Line numbers still count the line breaks inside a skipped quoted field.
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect([...csvRecords(text)].map((r) => r.fields[1])).toEqual(['b', 'x,\n"y"', 'plain']);
  });

  it('reads any text as a character-by-character reading does: fields, skipped columns, lines', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom('a', 'é', ',', '"', '""', '\n', '\r', '\r\n', ' ', 'x"y'), { maxLength: 40 })
          .map((p) => p.join('')),
        fc.array(fc.boolean(), { maxLength: 6 }),
        (text, keep) => {
          let expected: { fields: string[]; line: number }[] | string;
          try {
            expected = byCharacter(text, keep);
          } catch (e) {
            expected = (e as Error).message;
          }
          let actual: { fields: string[]; line: number }[] | string;
          try {
            actual = [...csvRecords(text, keep)];
          } catch (e) {
            actual = (e as Error).message;
          }
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('maps columns by header name and splits alt names on ";"', () => {
    const entries = parseCslCsv(sample, 'sample');
    expect(entries).toHaveLength(15);
    const e = entries.find((x) => x.entityNumber === '90001')!;
    expect(e.name).toBe('QUINTERO BARRAGÁN, Rigoberto');
    expect(e.altNames).toEqual(['QUINTERO, Rigo', 'EL INGENIERO', 'Rigoberto Kintero Barragan']);
    expect(e.source).toMatch(/SDN/);
    expect(e.type).toBe('Individual');
    const other = parseCslCsv('alt_names,name,source\nA; B,ACME TRADING LTD,DPL\n,,\n');
    expect(other).toEqual([
      expect.objectContaining({ name: 'ACME TRADING LTD', altNames: ['A', 'B'], source: 'DPL' }),
    ]);
  });

  it('explains what is wrong with a file that is not a CSL list', () => {
    expect(() => parseCslCsv('', 'x.csv')).toThrow(WatchlistFormatError);
    expect(() => parseCslCsv('id,title\n1,x\n', 'x.csv')).toThrow(/x\.csv: no "name" column/);
    expect(() => parseCslCsv('name\n"unclosed\n', 'x.csv')).toThrow(
      /^x\.csv: line 2: a quoted field is never closed/,
    );
  });
});

describe('watchlist files', () => {
  it('reads UTF-8, with or without a BOM, and a list saved as Windows-1252', () => {
    // Š, Ž and “ ” are 0x8A, 0x8E, 0x93, 0x94 in Windows-1252, where Latin-1 has control characters.
    const names = ['Química del Pacífico', 'Böm Trading', 'Šaric “Žuti” Trading'];
    const text = `name\n${names.map((n) => `"${n}"`).join('\n')}\n`;
    const utf8 = new TextEncoder().encode(text);
    for (const bytes of [utf8, Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8]), iconv.encode(text, 'win1252')])
      expect(parseCslCsv(decodeWatchlist(bytes)).map((e) => e.name)).toEqual(names);
  });
});

describe('watchlist index', () => {
  const index = WatchlistIndex.fromCsv(sample, dp);
  const best = (name: string) => index.search(name, 1)[0];

  it('finds listed names written in other ways', () => {
    expect(best('Rigoberto Quintero Barragan')?.entry.entityNumber).toBe('90001'); // no accents, natural order
    expect(best('QUINTERO BARRAGAN RIGOBERTO')?.entry.entityNumber).toBe('90001'); // reordered, no comma
    expect(best('Quimica Industrial del Pacifico SA DE CV')?.entry.entityNumber).toBe('90002'); // legal suffix
    expect(best('Wuhan Tengfei Pharmatech Company Limited')?.entry.entityNumber).toBe('90003');
    expect(best('Wei Ming Chang')?.entry.entityNumber).toBe('90005'); // alt name
    expect(best('Maria Fernanda Montoya Alvarez')?.entry.entityNumber).toBe('90006');
    expect(best('Rigoberto Quinterro Barragán')?.similarity).toBeLessThan(1); // typo: fuzzy
    const alt = best('TRANSLOG FRONTERA NORTE')!;
    expect(alt.alt).toBe(true);
    expect(alt.entry.name).toMatch(/Transportes y Logística/);
  });

  it('finds a listed person written with the first of two surnames only, exactly, as a partial match', () => {
    for (const [party, entity] of [
      ['Rigoberto Quintero', '90001'],
      ['Quintero, Rigoberto', '90001'],
      ['Maria Fernanda Montoya', '90006'],
      ['José de Jesús Guerrero', '90010'], // "de" in the given names is a particle
      ['Lic. Héctor Manuel Espinoza', '90014'],
    ] as const) {
      const m = best(party);
      expect(m?.entry.entityNumber, party).toBe(entity);
      expect(m?.firstSurnameOnly, party).toBe(true);
    }
    // The whole name is a whole match.
    expect(best('Rigoberto Quintero Barragán')?.firstSurnameOnly).toBeUndefined();
    // Not the second surname alone, not a typo in a shortened name, not one surname, and no
    // form for an entity ("Sierra Armory Supply, LLC", "Química Industrial del Pacífico, S.A. …").
    for (const party of [
      'Rigoberto Barragán',
      'Rigoberto Quinteros',
      'Quimica Industrial',
      'Quimica',
      'Sierra',
      'LLC Sierra',
      'Wuhan',
    ])
      expect(best(party), party).toBeUndefined();
    // Only persons have surnames: an entity written "WORDS, Word" gets no such form.
    const typed = (type: string) =>
      WatchlistIndex.fromCsv(`type,name\n${type},"TRANSPORTES RAMÍREZ, Hermanos"\n`, dp).search(
        'Hermanos Transportes',
        1,
      );
    expect(typed('Entity')).toEqual([]);
    expect(typed('Individual')[0]?.firstSurnameOnly).toBe(true);
    // A rule set may turn it off.
    const off = WatchlistIndex.fromCsv(sample, { ...dp, firstSurnameForms: false });
    expect(off.search('Rigoberto Quintero', 1)).toEqual([]);
  });

  it('finds a listed person written without the middle names, exactly, as a partial match', () => {
    for (const party of ['Bradley Holloway', 'Holloway, Bradley', 'Mr. Bradley Holloway']) {
      const m = best(party);
      expect(m?.entry.entityNumber, party).toBe('90009');
      expect(m?.middleNamesDropped, party).toBe(1);
      expect(m?.firstSurnameOnly, party).toBeUndefined();
    }
    // The whole name, or an alt name written whole, is a whole match.
    expect(best('Bradley James Holloway')?.middleNamesDropped).toBeUndefined();
    expect(best('Brad Holloway')?.middleNamesDropped).toBeUndefined();
    // Not a middle name for the first, not a typo in the shortened name, not an initial.
    for (const party of ['James Holloway', 'Bradly Holloway', 'B. Holloway'])
      expect(best(party), party).toBeUndefined();
    const listed = (name: string, type = 'Individual') =>
      WatchlistIndex.fromCsv(
        `type,name
${type},"${name}"
`,
        dp,
      );
    // Only persons, and only from "SURNAMES, Given" with a given name that is not an initial.
    expect(listed('SMITH, John Robert', 'Entity').search('John Smith', 1)).toEqual([]);
    expect(listed('SMITH, J. Robert').search('J Smith', 1)).toEqual([]);
    // One given name: hyphenated (any dash), run together in another name of the entry, or with
    // a particle; nor from a patronymic particle.
    expect(listed('ZHANG, Wei-Ming').search('Wei Zhang', 1)).toEqual([]);
    expect(listed('WONG, Wei–Ming').search('Wei Wong', 1)).toEqual([]);
    const both = WatchlistIndex.fromCsv(
      'type,name,alt_names\nIndividual,"CHANG, Weiming","CHANG, Wei Ming"\n',
      dp,
    );
    expect(both.search('Wei Chang', 1)).toEqual([]);
    expect(listed('GARCÍA, María de la Luz').search('María García', 1)).toEqual([]);
    expect(listed('AL-BAGHDADI, Abu Bakr').search('Abu Baghdadi', 1)).toEqual([]);
    expect(listed('GARCÍA LÓPEZ, Juan Carlos').search('Juan Garcia Lopez', 1)[0]?.middleNamesDropped).toBe(1);
    expect(
      listed('GARCÍA LÓPEZ, María Fernanda Isabel').search('María García López', 1)[0]?.middleNamesDropped,
    ).toBe(2);
    // A rule set may turn it off.
    expect(
      WatchlistIndex.fromCsv(sample, { ...dp, middleNameForms: false }).search('Bradley Holloway', 1),
    ).toEqual([]);
  });

  it('reads digits and symbols typed for letters in a party name, when they bring it closer to a listed name', () => {
    for (const [party, entity, words] of [
      ['Qu1m1ca Industrial del Pacifico', '90002', ['Qu1m1ca']],
      ['Rigob3rto Quint3ro Barragan', '90001', ['Rigob3rto', 'Quint3ro']], // fuzzy as written, exact read
      ['Wuhan Tengfei Pharmat3ch Co Ltd', '90003', ['Pharmat3ch']],
    ] as const) {
      const m = best(party)!;
      expect(m.entry.entityNumber, party).toBe(entity);
      expect(m.similarity, party).toBeGreaterThanOrEqual(0.9999);
      expect(
        m.digitsForLetters?.map((w) => party.slice(w.start, w.end)),
        party,
      ).toEqual(words);
    }
    // Written exactly, nothing is read; digits that spell no listed name change nothing.
    expect(best('Rigoberto Quintero Barragan')?.digitsForLetters).toBeUndefined();
    expect(best('Grupo 3 Hermanos')).toBeUndefined();
  });

  it('prefers a whole listed name to a first-surname form of another entry that matches as well', () => {
    const list = WatchlistIndex.fromCsv(
      'entity_number,type,name\n91001,Individual,"GARCÍA LÓPEZ, Juan"\n91002,Individual,"GARCÍA, Juan"\n',
      dp,
    );
    expect(list.search('Juan Garcia', 2).map((m) => [m.entry.entityNumber, m.firstSurnameOnly])).toEqual([
      ['91002', undefined],
      ['91001', true],
    ]);
  });

  it("prefers an entry's whole name to its first-surname form when a party field holds both", () => {
    for (const party of [
      'Rigoberto Quintero c/o Rigoberto Quintero Barragan',
      'Rigoberto Quintero / Quintero Barragán, Rigoberto',
    ]) {
      const m = best(party)!;
      expect(m.similarity, party).toBeGreaterThanOrEqual(0.9999);
      expect(m.firstSurnameOnly, party).toBeUndefined();
    }
  });

  it('derives the first-surname form from "SURNAMES, Given" only', () => {
    const n = new NameNormaliser(dp);
    const tokens = (name: string) => firstSurnameForm(name, n)?.tokens;
    expect(tokens('QUINTERO BARRAGÁN, Rigoberto')).toEqual(['rigoberto', 'quintero']);
    expect(tokens('DE LA CRUZ PÉREZ, Juan')).toEqual(['juan', 'cruz']);
    // Titles and generational suffixes in the given names are dropped, as in any name.
    expect(tokens('QUINTERO BARRAGÁN, Rigoberto Jr.')).toEqual(['rigoberto', 'quintero']);
    expect(tokens('MORENO VEGA, Raúl, Jr.')).toEqual(['raul', 'moreno']);
    for (const name of [
      'HOLLOWAY, Bradley James', // one surname
      'Rigoberto Quintero Barragán', // which words are surnames is unknown
      'QUINTERO BARRAGÁN,',
      'EL CHUY',
      'DE LA O PÉREZ, Ana', // a letter alone
      'ABU BAKR, Ahmed', // a particle alone
    ])
      expect(tokens(name), name).toBeUndefined();
  });

  it('finds names disguised with look-alike letters, hidden characters or decomposed accents', () => {
    for (const party of [
      'Rigоberto Quinterо Barragán', // Cyrillic "о"
      'RIGOBERTO QUINTERO BARRAGΑN', // Greek "Α"
      'Rigo\u200Bberto Quin\u00ADtero Barragán', // zero-width space, soft hyphen
      'Rigoberto Quintero Barraga\u0301n', // "á" as "a" and a combining accent
      '𝐑𝐢𝐠𝐨𝐛𝐞𝐫𝐭𝐨 ＱＵＩＮＴＥＲＯ ʙᴀʀʀᴀɢᴀɴ', // mathematical bold, full width, small capitals
    ])
      expect(best(party), party).toMatchObject({ similarity: 1, entry: { entityNumber: '90001' } });
  });

  it('finds a name written in Cyrillic as the lists spell it in Latin letters', () => {
    const listed = WatchlistIndex.fromCsv(
      'name,alt_names\n"OOO Tekhnokhim Import",\n"SHCHUKIN, Sergey Viktorovich",\n',
      dp,
    );
    expect(listed.search('ООО «Технохим Импорт»', 1)[0]).toMatchObject({
      listedName: 'OOO Tekhnokhim Import',
      similarity: 1,
    });
    expect(listed.search('Щукин Сергей Викторович', 1)[0]).toMatchObject({
      listedName: 'SHCHUKIN, Sergey Viktorovich',
      similarity: 1,
    });
  });

  it('does not match look-alikes', () => {
    for (const name of [
      'Laboratorios del Norte SA de CV',
      'Shenzhen Bright Trading Co',
      'Juan Carlos Ramírez',
      'José Guerrero',
      'Hubei Chemical Trading Co Ltd',
      'Zhang Wei',
      'Ingeniero Juan Pérez',
    ])
      expect(index.search(name)).toEqual([]);
  });

  it('finds listed people behind titles, honorifics and generational suffixes', () => {
    for (const [party, entity] of [
      ['Lic. Rigoberto Quintero Barragán', '90001'],
      ['Ing. Rigoberto Quintero Barragán', '90001'],
      ['Arq. Rigoberto Quintero Barragán', '90001'],
      ['Quintero Barragán Rigoberto, Lic.', '90001'],
      ['QUINTERO BARRAGAN, RIGOBERTO, LIC.', '90001'],
      ['Sra. Maria Fernanda Montoya Alvarez', '90006'],
      ['Mr. Bradley James Holloway Jr.', '90009'],
    ] as const)
      expect(best(party), party).toMatchObject({ similarity: 1, entry: { entityNumber: entity } });
  });

  it('finds listed people written with initials, and not on an initial and a surname alone', () => {
    for (const [party, entity] of [
      ['Hector M. Espinoza Ruvalcaba', '90014'],
      ['Héctor Manuel Espinoza', '90014'], // as before: a dropped second surname
      ['Bradley J. Holloway', '90009'],
      ['R. Quintero Barragan', '90001'],
      ['María F. Montoya Álvarez', '90006'],
    ] as const)
      expect(best(party)?.entry.entityNumber, party).toBe(entity);
    for (const name of [
      'R. Quintero',
      'J. Holloway',
      'B. J. Holloway',
      'Bradley K. Holloway',
      'R. Quintero Salazar',
      'Hector M. Espinoza Ramírez',
      'María F. Montoya Ruiz',
      'Lic. Juan Carlos Ramírez',
      'Sr. José Guerrero',
    ])
      expect(index.search(name), name).toEqual([]);
  });

  it('returns the same answer as a linear scan for names with initials and titles, listed or screened', () => {
    const r = rng(13);
    const listed = generateWatchlist(r, 1500);
    // Some listed people carry a title, a suffix or an initial for a given name or a surname.
    for (let i = 0; i < listed.length; i += 7) {
      const p = listed[i]!;
      if (p.type !== 'Individual' || !p.first || !p.last) continue;
      const k = i % 4;
      listed[i] =
        k === 0
          ? { ...p, name: `${p.last.toUpperCase()}, ${p.first.charAt(0)}.` }
          : k === 1
            ? { ...p, name: `${p.last.toUpperCase()}, ${p.first} ${p.last.charAt(0)}.` }
            : k === 2
              ? { ...p, name: `${p.last.toUpperCase()}, Lic. ${p.first}` }
              : { ...p, name: `${p.last.toUpperCase()}, ${p.first}, Jr.` };
    }
    const big = new WatchlistIndex(listed, new NameNormaliser(dp), dp.threshold);
    const initials = (name: string, r: () => number) =>
      name
        .split(' ')
        .map((w) => (r() < 0.3 ? `${w.charAt(0)}.` : w))
        .join(' ');
    let hits = 0;
    for (let i = 0; i < 600; i++) {
      const p = listed[Math.floor(r() * listed.length)]!;
      const base = i % 3 === 2 ? mxPerson(r) : nameVariant(p, r).name;
      const q = i % 2 === 0 ? initials(base, r) : `${['Lic.', 'Sra.', 'Mr.', 'Ing.'][i % 4]} ${base}`;
      const a = big.searchIndexed(q, 3);
      expect(a, q).toEqual(big.searchLinear(q, 3));
      if (a.length > 0) hits++;
    }
    expect(hits).toBeGreaterThan(100);
  });

  it('finds a name whose words break elsewhere: run together, split, cut across continuation lines', () => {
    const listed = WatchlistIndex.fromCsv(
      [
        'name,alt_names',
        '"Comercializadora Álamo Norteño, S.A. de C.V."',
        '"ZHANG, Wei Ming"',
        '"Hubei Jinlong Chemical Co., Ltd.",Yuancheng Biotechnology',
        'Ana Lisa Ramos,', // runs together as "Analisa Ramos": both would match
        'Analisa Ramos,',
      ].join('\n'),
      dp,
    );
    const found = (name: string) =>
      [listed.searchIndexed(name, 3), listed.searchLinear(name, 3)].map((a) =>
        a.map((m) => [m.listedName, m.similarity]),
      );
    for (const [party, name] of [
      ['COMERCIALIZADORA ALAMO NORT ENO SA DE CV', 'Comercializadora Álamo Norteño, S.A. de C.V.'],
      ['COMERCIALIZA DORA ALAMO NORTENO', 'Comercializadora Álamo Norteño, S.A. de C.V.'],
      ['Zhang Weiming', 'ZHANG, Wei Ming'], // as listed, run together
      ['Weiming Zhang', 'ZHANG, Wei Ming'], // reordered, run together
      ['HubeiJinlong Chemical', 'Hubei Jinlong Chemical Co., Ltd.'],
      ['HUBEI JIN LONG CHEMICAL CO LTD', 'Hubei Jinlong Chemical Co., Ltd.'],
      ['Yuancheng Bio-technology', 'Yuancheng Biotechnology'],
    ] as const)
      for (const answer of found(party)) expect(answer[0], party).toEqual([name, 1]);
    // The name equal word for word is met first.
    expect(found('Analisa Ramos')[0]).toEqual([
      ['Analisa Ramos', 1],
      ['Ana Lisa Ramos', 1],
    ]);
    // Only where the words break: syllables in another order are not the same name.
    expect(listed.search('Zhang Mingwei', 1)[0]?.similarity ?? 0).toBeLessThan(1);
    expect(listed.search('Mingwei Zhang', 1)[0]?.similarity ?? 0).toBeLessThan(1);
  });

  it('matches a token too long to be a name word only when equal, and keeps the work linear', () => {
    // A party name is the sender's text: one CSV line may hold a megabyte-long word, whose
    // one-letter deletions alone would be a terabyte of strings.
    expect(index.search('x'.repeat(1_000_000))).toEqual([]);
    expect(index.search(`Rigoberto Quintero Barragan ${'x'.repeat(500_000)}`, 1)).toEqual([]);
    const long = 'Quinterobarraganrigobertoelmayor'; // 32 letters: still one edit from a typo
    const listed = WatchlistIndex.fromCsv(`name,alt_names\n${long},\n${long}x,\n`, dp);
    expect(listed.search(`${long.slice(0, -1)}a`, 3).map((m) => m.listedName)).toEqual([long]);
    expect(listed.search(`${long}y`, 3).map((m) => m.listedName)).toEqual([]);
    expect(listed.search(`${long}x`, 3).map((m) => m.listedName)).toEqual([`${long}x`]);
    expect(listed.searchLinear(`${long}y`, 3)).toEqual([]);
  });

  it('on ties cites the name met first, and ranks the entry met first', () => {
    const entry = (id: string, name: string, altNames: string[]) => ({
      id,
      source: 'DPL',
      entityNumber: id,
      type: 'Entity',
      programs: '',
      name,
      altNames,
      addresses: '',
      countries: '',
    });
    const idx = new WatchlistIndex(
      [entry('1', 'ACME TRADING', ['Acme Trading', 'acme-trading']), entry('2', 'Acme, Trading', [])],
      new NameNormaliser(dp),
      dp.threshold,
    );
    for (const answer of [idx.searchIndexed('acme trading', 3), idx.searchLinear('acme trading', 3)])
      expect(answer.map((m) => [m.entry.id, m.listedName, m.alt, m.similarity])).toEqual([
        ['1', 'ACME TRADING', false, 1],
        ['2', 'Acme, Trading', false, 1],
      ]);
  });

  it('returns the same best match as a linear scan of a generated 3,000-entry list', () => {
    const r = rng(11);
    const listed = generateWatchlist(r, 3000);
    const big = new WatchlistIndex(listed, new NameNormaliser(dp), dp.threshold);
    let hits = 0;
    for (let i = 0; i < 300; i++) {
      const q = i % 2 === 0 ? nameVariant(listed[Math.floor(r() * listed.length)]!, r).name : mxPerson(r);
      // The whole answer (entry, name, similarity, order), for one match and for several: the
      // index's few candidates and the scan's every name are ranked by different code.
      const a = big.searchIndexed(q, 3);
      expect(a).toEqual(big.searchLinear(q, 3));
      expect(big.searchIndexed(q, 1)).toEqual(big.searchLinear(q, 1));
      if (a.length > 0) hits++;
    }
    expect(hits).toBeGreaterThan(100);
  });

  it('answers from its memo of recent searches exactly as a fresh search, whatever the limit', () => {
    const r = rng(12);
    const listed = generateWatchlist(r, 500);
    const idx = new WatchlistIndex(listed, new NameNormaliser(dp), dp.threshold);
    // Repeating shippers among one-off consignees, listed names among them, limits mixed.
    const shippers = [
      listed[0]!.name,
      'Shenzhen Bright Trading Co',
      listed[1]!.altNames[0] ?? listed[1]!.name,
    ];
    for (let i = 0; i < 400; i++) {
      const name =
        i % 3 === 0
          ? shippers[i % shippers.length]!
          : i % 5 === 0
            ? listed[i % listed.length]!.name
            : mxPerson(r);
      const limit = i % 7 === 0 ? 3 : 1;
      expect(idx.search(name, limit)).toEqual(idx.searchIndexed(name, limit));
    }
  });
});

/**
 * The reading csvRecords() does, one character at a time: a field ends at a comma, a line feed
 * or a carriage return; a quoted one runs to its closing quote ("" inside is a quote), and any
 * characters after that up to the field's end are kept; line numbers count every line feed.
 */
function byCharacter(text: string, keep: readonly boolean[]): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  const ends = (c: string | undefined) => c === undefined || c === ',' || c === '\n' || c === '\r';
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error(`line ${startLine}: a quoted field is never closed`);
          const c = text[i]!;
          if (c === '"' && text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (c === '"') {
            i++;
            break;
          } else {
            if (c === '\n') line++;
            value += c;
            i++;
          }
        }
      }
      while (!ends(text[i])) value += text[i++];
      fields.push(keep[fields.length] === false ? '' : value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    rows.push({ fields, line: startLine });
  }
  return rows;
}
