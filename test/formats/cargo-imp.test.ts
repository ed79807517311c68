import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../shared/formats/registry.js';
import { cargoImpReader } from '../../shared/formats/cargo-imp/reader.js';
import { TextJoin } from '../../shared/formats/cargo-imp/segments.js';
import { edit, fixture, lineOf, only, readDrafts, run } from '../fixtures/cargo-imp/helpers.js';

const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('Cargo-IMP detection (by content)', () => {
  const detects = (text: string) => detectFormat(Buffer.from(text))?.id;

  it.each(['FWB/16', 'FWB/17', 'FWB/9', 'FHL/4', 'FHL/5', 'FFM/4', 'FFM/7', 'FFM/8', 'FFM/10'])(
    'reads %s',
    (header) => {
      expect(detects(`${header}\n176-12345675FRAJFK/T1K1\n`)).toBe('cargo-imp');
    },
  );

  it('reads a message behind a Type-B envelope, a BOM, CRLF and transmission control characters', () => {
    expect(detects('QD SIN05XH\r\n.HDQFMQR 200739\r\nFWB/16\r\n')).toBe('cargo-imp');
    expect(detects('\uFEFF\x01QD FRAFMLH JFKFMLH\n\x02.HDQFMQR 120915\nFFM/8\n')).toBe('cargo-imp');
    expect(detects('\n\n  \nFHL/5\nMBI/618-12345675SINJFK/T7K1000\n')).toBe('cargo-imp');
  });

  it("reads a message behind SITA's =HEADER … =TEXT block", () => {
    const head =
      '=HEADER\nRCV,2026/03/12 10:13\n=PRIORITY\nQK\n=DESTINATION TYPE B\nSTX,HDQFMQR\n=SMI\nFWB\n=TEXT\nFWB/16\n';
    expect(detects(head)).toBe('cargo-imp');
  });

  it('does not claim other messages or text', () => {
    expect(detects('QD SIN05XH\n.HDQFMQR 200739\nFSU/14\n157-53806270HKGNLU/P2K505.0T10\n')).toBeUndefined();
    expect(detects('MawbNr,ParcelID,ShipperName,BuyerName,TotalWeight\n1,2,3,4,5\n')).toBe('parcel-csv');
    expect(detects('FWB 16 is a message type\n')).toBeUndefined();
    expect(detects('<?xml version="1.0"?><rsm:Waybill/>')).not.toBe('cargo-imp');
  });

  it('an FSU status message is not a manifest: UNKNOWN_FORMAT', async () => {
    const { summary } = await run(
      'QD SIN05XH\r\n.HDQFMQR 200739\r\nFSU/14\r\n157-53806270HKGNLU/P2K505.0T10\r\n',
    );
    expect(summary.status).toBe('rejected');
    expect(codes(summary.errors)).toEqual(['UNKNOWN_FORMAT']);
  });
});

describe('FWB/16 (bare-slash party lines)', () => {
  const text = fixture('fwb16.txt');

  it('maps the AWB line, parties, RTD, CVD, SPH and OCI to the canonical consignment', async () => {
    const { consignments, summary } = await run(text);
    expect(summary).toMatchObject({
      format: 'cargo-imp',
      status: 'accepted',
      counts: { received: 1, accepted: 1 },
    });
    expect(summary.warnings).toEqual([]);
    const c = only(consignments);
    expect(c).toMatchObject({
      kind: 'master',
      awb: '176-12345675',
      hawb: null,
      origin: 'FRA',
      destination: 'JFK',
      pieces: 3,
      weightKg: 125.5,
      volumeM3: 1.2,
      // /NG/ continued over numbered lines, 20-character fragments joined with a space.
      description: 'HYDRAULIC GEAR PUMPS FOR CNC LATHES',
      hsCodes: ['841350', '841391'],
      shipper: {
        name: 'MUELLER MASCHINENBAU GMBH',
        address: 'HANAUER LANDSTRASSE 200',
        city: 'FRANKFURT',
        postcode: '60314',
        countryCode: 'DE',
      },
      consignee: {
        name: 'ACME TOOLING INC',
        address: '500 INDUSTRIAL PARKWAY',
        city: 'NEWARK',
        postcode: '07114',
        countryCode: 'US',
      },
      notify: {
        name: 'ACME LOGISTICS DESK',
        address: '1 AIRPORT ROAD',
        city: 'JAMAICA',
        postcode: '11430',
        countryCode: 'US',
      },
      declaredValue: { amount: 12500, currency: 'EUR' },
      specialHandling: ['EAP', 'SPX', 'HEA'],
      source: { line: 1 },
    });
    expect(c.extra).toMatchObject({
      messageType: 'FWB/16',
      flights: ['LH400/12'],
      routing: 'JFKLH',
      countryOfOrigin: 'DE',
      cvd: { currency: 'EUR', prepaidCollect: 'PP', carriage: 'NVD', customs: '12500.00', insurance: 'XXX' },
    });
    // OCI with 1- and 3-slash continuations.
    expect(c.extra?.oci).toEqual([
      { country: 'DE', info: 'ISS', control: 'RA', text: '01234-01' },
      { country: null, info: null, control: 'ED', text: '0326' },
      { country: null, info: null, control: 'SM', text: 'XRY' },
      { country: 'US', info: 'CNE', control: 'T', text: 'EIN123456789' },
    ]);
  });

  it('NCV customs value gives no declared value', async () => {
    const { consignments } = await run(edit(text, 'CVD/EUR//PP/NVD/12500.00/XXX', 'CVD/EUR//PP/NVD/NCV/XXX'));
    expect(only(consignments).declaredValue).toBeNull();
  });

  it('a wrong AWB check digit is AWB_CHECK_DIGIT on the AWB line', async () => {
    const bad = edit(text, '176-12345675FRAJFK', '176-12345676FRAJFK');
    const { consignments, summary } = await run(bad);
    expect(consignments).toEqual([]);
    expect(summary.status).toBe('rejected');
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'AWB_CHECK_DIGIT', line: 2, field: 'awb' }),
    ]);
  });

  it('a missing SHP block is MISSING_FIELD shipper name and address', async () => {
    const start = text.indexOf('SHP\n');
    const end = text.indexOf('CNE\n');
    const { summary } = await run(text.slice(0, start) + text.slice(end));
    expect(summary.status).toBe('rejected');
    expect(summary.errors.map((e) => [e.code, e.field, e.line])).toEqual([
      ['MISSING_FIELD', 'shipper.name', 1],
      ['MISSING_FIELD', 'shipper.address', 1],
    ]);
  });

  it('an SHP block without a name points MISSING_FIELD at its own line', async () => {
    const noName = edit(
      text,
      'SHP\n/MUELLER MASCHINENBAU GMBH\n/HANAUER LANDSTRASSE 200\n/FRANKFURT/HE\n/DE/60314/TE/4969123456\n',
      'SHP\n',
    );
    const { summary } = await run(noName);
    expect(summary.errors.map((e) => [e.code, e.field, e.line])).toEqual([
      ['MISSING_FIELD', 'shipper.name', lineOf(noName, 'SHP')],
      ['MISSING_FIELD', 'shipper.address', lineOf(noName, 'SHP')],
    ]);
  });

  it('an unknown country code is INVALID_COUNTRY on the coded-location line', async () => {
    const bad = edit(text, '/DE/60314/TE/4969123456', '/XQ/60314');
    const { summary } = await run(bad);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'INVALID_COUNTRY',
        field: 'shipper.countryCode',
        line: lineOf(bad, '/XQ/60314'),
      }),
    ]);
  });

  it('an unknown segment is a warning, not a failure', async () => {
    const withUnknown = edit(text, 'PPD/WT820.00\n', 'PPD/WT820.00\nZZZ/SOMETHING NEW\n/MORE OF IT\n');
    const { consignments, summary } = await run(withUnknown);
    expect(summary.status).toBe('accepted');
    expect(only(consignments).awb).toBe('176-12345675');
    expect(summary.warnings).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_SEGMENT',
        line: lineOf(withUnknown, 'ZZZ/'),
        severity: 'warning',
      }),
    ]);
  });

  it('a line over 69 characters is LINE_TOO_LONG, a warning', async () => {
    const osi = `OSI/${'HANDLE WITH CARE '.repeat(5).trim()}`;
    const long = edit(text, 'CER/SPEDITION NORD\n', `${osi}\nCER/SPEDITION NORD\n`);
    const { consignments, summary } = await run(long);
    expect(osi.length).toBeGreaterThan(69);
    expect(summary.status).toBe('accepted');
    expect(only(consignments).extra?.osi).toEqual([osi.slice(4)]);
    expect(summary.warnings).toEqual([
      expect.objectContaining({ code: 'LINE_TOO_LONG', line: lineOf(long, 'OSI/') }),
    ]);
  });

  it('a line that is no segment at all rejects its record with PARSE_ERROR on that line', async () => {
    const junk = edit(text, 'PPD/WT820.00\n', 'PPD/WT820.00\n## garbage ##\n');
    const { summary } = await run(`${junk}\n${fixture('fwb17-pounds.txt')}`);
    expect(summary.counts).toEqual({ received: 2, accepted: 1, rejected: 1, duplicate: 0 });
    expect(summary.status).toBe('partial');
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'PARSE_ERROR', line: lineOf(junk, '## garbage') }),
    ]);
  });

  it('a wrapped free-text line without "/" after SSR is only a warning', async () => {
    const wrapped = edit(
      text,
      'PPD/WT820.00\n',
      'SSR/DANGEROUS GOODS AS PER ATTACHED\nDECLARATION 1 PACKAGE\nPPD/WT820.00\n',
    );
    const { summary } = await run(wrapped);
    expect(summary.status).toBe('accepted');
    expect(codes(summary.warnings)).toEqual(['UNKNOWN_SEGMENT']);
  });

  it('a malformed AWB line is PARSE_ERROR on that line', async () => {
    const bad = edit(text, '176-12345675FRAJFK/T3K125.5MC1.2', '176-12345675FRAJFK/T3K125.5MC1.2XQ9');
    const { summary } = await run(bad);
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'PARSE_ERROR', line: 2, field: 'awb' })]);
  });

  it('an AWB with a short serial is AWB_FORMAT', async () => {
    const { summary } = await run(edit(text, '176-12345675FRAJFK', '176-1234567FRAJFK'));
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'AWB_FORMAT', line: 2, field: 'awb' })]);
  });

  it('an unknown airport is INVALID_LOCATION on the AWB line', async () => {
    const { summary } = await run(edit(text, '176-12345675FRAJFK', '176-12345675FRAXQZ'));
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_LOCATION', line: 2, field: 'destination' }),
    ]);
  });

  it('an invalid HS code is INVALID_HS_CODE on the first /NH/ line', async () => {
    const bad = edit(text, '/3/NH/841350', '/3/NH/ABC123');
    const { summary } = await run(bad);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_HS_CODE', line: lineOf(bad, '/NH/ABC'), field: 'hsCodes' }),
    ]);
  });

  it('a zero weight is INVALID_WEIGHT and a missing description MISSING_FIELD', async () => {
    const noGoods = edit(
      edit(text, '/NG/HYDRAULIC GEAR PUMPS\n/2/NG/FOR CNC LATHES\n', ''),
      'T3K125.5MC1.2',
      'T3K0MC1.2',
    );
    const { summary } = await run(noGoods);
    expect(summary.errors.map((e) => [e.code, e.field, e.line])).toEqual([
      ['MISSING_FIELD', 'description', 1],
      ['INVALID_WEIGHT', 'weightKg', 2],
    ]);
  });
});

describe('FWB/17 (NAM/ADR/LOC party blocks) and pounds', () => {
  it('reads continued names and addresses, LOC state, NCV, RTD volume, and converts L to kg', async () => {
    const { consignments, summary } = await run(fixture('fwb17-pounds.txt'));
    expect(summary.status).toBe('accepted');
    const c = only(consignments);
    expect(c).toMatchObject({
      awb: '020-55500012',
      origin: 'HKG',
      destination: 'LAX',
      pieces: 12,
      weightKg: 399.978, // 881.8 lb
      volumeM3: 2.4, // from /NV/MC2.4: the AWB line has none
      // 20-character /NG/ fragment cut mid-word: glued.
      description: 'LITHIUM ION BATTERIES IN EQUIPMENT',
      hsCodes: ['850760'],
      shipper: {
        name: 'SHENZHEN BRIGHT ELECTRONICS MANUFACTURING CO LTD',
        address: 'NO 18 KEJI ROAD NANSHAN BUILDING 4',
        city: 'SHENZHEN',
        postcode: '518057',
        countryCode: 'CN',
      },
      consignee: {
        name: 'PACIFIC GADGETS LLC',
        address: '2100 E GRAND AVE',
        city: 'EL SEGUNDO',
        postcode: '90245',
        countryCode: 'US',
      },
      declaredValue: null,
      specialHandling: ['ELI', 'EAW', 'SPX'],
    });
    expect(c.extra?.messageType).toBe('FWB/17');
  });

  it('a weight without a K or L unit is INVALID_WEIGHT', async () => {
    const { summary } = await run(edit(fixture('fwb17-pounds.txt'), '/T12L881.8', '/T12X881.8'));
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'INVALID_WEIGHT', line: 2 })]);
  });
});

describe('FHL/4 and FHL/5 (house manifests)', () => {
  it('FHL/4: one house linked to its master, TXT and HTS continuations, SPH, CVD', async () => {
    const { consignments, summary } = await run(fixture('fhl4.txt'));
    expect(summary.status).toBe('accepted');
    const c = only(consignments);
    expect(c).toMatchObject({
      kind: 'house',
      awb: '618-12345675',
      hawb: 'SIN1001',
      origin: 'SIN',
      destination: 'JFK',
      pieces: 3,
      weightKg: 200,
      // A 65-character TXT line cut mid-word ("CARTO" + "NS OF …") is glued back.
      description: 'LAPTOP COMPUTERS 14 INCH WITH CHARGERS AND USER MANUALS - 3 CARTONS OF 10 UNITS EACH',
      hsCodes: ['847130', '850440'],
      shipper: {
        name: 'TECHNO EXPORT PTE LTD',
        address: '20 CHANGI SOUTH AVENUE 2',
        city: 'SINGAPORE',
        postcode: '486547',
        countryCode: 'SG',
      },
      consignee: {
        name: 'NEW YORK COMPUTING CORP',
        address: '350 FIFTH AVENUE',
        city: 'NEW YORK',
        postcode: '10118',
        countryCode: 'US',
      },
      declaredValue: { amount: 15000, currency: 'USD' },
      specialHandling: ['EAW'],
      source: { line: 3 },
    });
    expect(c.extra).toMatchObject({
      messageType: 'FHL/4',
      shortDescription: 'LAPTOP COMPUTER',
      slac: '12',
      master: { origin: 'SIN', destination: 'JFK', pieces: 5, weight: '320.0', weightUnit: 'K' },
      oci: [{ country: 'US', info: 'CUS', control: 'AN', text: 'TECHNO EXPORT PTE LTD' }],
    });
  });

  it('FHL/5: one house record per HBS, each with its own parties and CVD', async () => {
    const { consignments, summary } = await run(fixture('fhl5.txt'));
    expect(summary).toMatchObject({ status: 'accepted', counts: { received: 2, accepted: 2 } });
    expect(consignments.map((c) => [c.kind, c.awb, c.hawb, c.pieces, c.weightKg, c.source.line])).toEqual([
      ['house', '176-23456786', 'DXB2001', 1, 50, 3],
      ['house', '176-23456786', 'DXB2002', 3, 100, 16],
    ]);
    const [a, b] = consignments;
    expect(a).toMatchObject({
      description: 'PERFUME EAU DE PARFUM 100ML GLASS BOTTLES',
      hsCodes: ['330300'],
      shipper: { name: 'ARABIAN SCENTS TRADING LLC', countryCode: 'AE', city: 'DUBAI' },
      consignee: { name: 'MAYFAIR BEAUTY LTD', postcode: 'W1S 1AB', countryCode: 'GB' },
      declaredValue: null,
    });
    expect(b).toMatchObject({
      description: 'DRIED DATES',
      specialHandling: ['PER'],
      shipper: { name: 'OASIS FOODS FZE' },
      consignee: { name: 'HARROW GROCERS LTD', city: 'HARROW' },
      declaredValue: { amount: 2200, currency: 'AED' },
    });
  });

  it('a bad house is rejected alone; the other house is kept', async () => {
    const text = edit(
      fixture('fhl5.txt'),
      'HBS/DXB2001/DXBLHR/1/K50//PERFUME',
      'HBS/DXB2001/DXBLHR/ONE/K50//PERFUME',
    );
    const { consignments, summary } = await run(text);
    expect(summary).toMatchObject({ status: 'partial', counts: { received: 2, accepted: 1, rejected: 1 } });
    expect(consignments.map((c) => c.hawb)).toEqual(['DXB2002']);
    expect(summary.errors[0]).toMatchObject({ code: 'PARSE_ERROR', line: 3, field: 'pieces' });
    expect(summary.errors.every((e) => e.line === 3)).toBe(true);
  });

  it('a house without parties fails the 7+1 check', async () => {
    const { summary } = await run(
      'FHL/5\nMBI/618-12345675SINJFK/T7K1000\nHBS/AEI1/SINJFK/1/K400//COMPUTER MEMORY BOARDS\n',
    );
    expect(summary.errors.map((e) => [e.code, e.field, e.line])).toEqual([
      ['MISSING_FIELD', 'shipper.name', 3],
      ['MISSING_FIELD', 'shipper.address', 3],
      ['MISSING_FIELD', 'consignee.name', 3],
      ['MISSING_FIELD', 'consignee.address', 3],
    ]);
  });

  it('a master AWB with a wrong check digit rejects each house on the MBI line', async () => {
    const text = edit(fixture('fhl5.txt'), 'MBI/176-23456786', 'MBI/176-23456785');
    const { summary } = await run(text);
    expect(summary.counts).toMatchObject({ received: 2, rejected: 2 });
    expect(summary.errors.map((e) => [e.code, e.line])).toEqual([
      ['AWB_CHECK_DIGIT', 2],
      ['AWB_CHECK_DIGIT', 2],
    ]);
  });

  it('an unreadable MBI line is a PARSE_ERROR for every house of the message', async () => {
    const text = edit(fixture('fhl5.txt'), 'MBI/176-23456786DXBLHR/T4K150', 'MBI/ WHATEVER');
    const { summary } = await run(text);
    expect(summary.counts).toMatchObject({ received: 2, rejected: 2 });
    expect(summary.errors.every((e) => e.code === 'PARSE_ERROR' && e.line === 2)).toBe(true);
  });
});

describe('FFM/7 and FFM/8 (flight manifests)', () => {
  it('FFM/7: one consignment per AWB line, split shipment pieces and total, flight and ULD in extra', async () => {
    const { consignments, summary } = await run(fixture('ffm7.txt'));
    expect(summary).toMatchObject({ status: 'accepted', counts: { received: 3, accepted: 3 } });
    // FFM carries no parties by design: accepted without them.
    expect(consignments.every((c) => c.kind === 'master' && c.shipper === null && c.consignee === null)).toBe(
      true,
    );
    const [bulk, split, pounds] = consignments;
    expect(bulk).toMatchObject({
      awb: '176-23456786',
      origin: 'LUX',
      destination: 'ORD',
      pieces: 10,
      weightKg: 250,
      volumeM3: 1.5,
      description: 'AUTO PARTS',
      specialHandling: ['SPX'],
    });
    expect(bulk!.totalPieces).toBeUndefined();
    expect(bulk!.extra).toMatchObject({
      messageType: 'FFM/7',
      flight: 'CV7401',
      flightDate: '14MAR',
      loadingPoint: 'LUX',
      unloadingPoint: 'ORD',
      part: 1,
    });
    expect(bulk!.extra?.uld).toBeUndefined();
    // D2K20T5: 2 of 5 pieces.
    expect(split).toMatchObject({
      awb: '020-55500012',
      pieces: 2,
      totalPieces: 5,
      weightKg: 20,
      description: 'MACHINERY SPARES',
      specialHandling: ['ELI', 'SPX'],
    });
    expect(split!.extra).toMatchObject({ uld: 'PMC12345CV', shipmentDescriptionCode: 'D' });
    expect(pounds).toMatchObject({
      awb: '131-44444444',
      pieces: 1,
      weightKg: 99.79,
      extra: expect.objectContaining({ uld: 'PMC12345CV' }),
    });
  });

  it('FFM/8: unloading points, ULD with loading indicator, DIM/onward/OSI/OCI lines, CONT', async () => {
    const { consignments, summary } = await run(fixture('ffm8.txt'));
    expect(summary).toMatchObject({ status: 'accepted', counts: { received: 3, accepted: 3 } });
    expect(summary.warnings).toEqual([]);
    expect(
      consignments.map((c) => [c.awb, c.destination, c.extra?.unloadingPoint, c.extra?.uld ?? null]),
    ).toEqual([
      ['057-77777770', 'FRA', 'FRA', null],
      ['160-10000012', 'FRA', 'FRA', 'AKE12345EK'],
      ['235-31415926', 'AMS', 'AMS', null],
    ]);
    expect(consignments[0]).toMatchObject({
      specialHandling: ['ELI'],
      extra: expect.objectContaining({ onward: ['FRALH400/21APR'], aircraft: 'A6EFL' }),
    });
    expect(consignments[1]).toMatchObject({
      pieces: 3,
      totalPieces: 6,
      extra: expect.objectContaining({ shipmentDescriptionCode: 'S' }),
    });
    expect(consignments[2]).toMatchObject({
      specialHandling: ['PER', 'COL'],
      extra: expect.objectContaining({
        osi: ['KEEP COOL'],
        oci: [
          expect.objectContaining({ country: 'NL', info: 'ISS' }),
          expect.objectContaining({ control: 'ED' }),
        ],
      }),
    });
  });

  it('the reader marks FFM parties as not carried', async () => {
    const { records } = await readDrafts(fixture('ffm8.txt'));
    expect(
      records.every((r) => r.notCarried?.includes('shipper') && r.notCarried.includes('consignee')),
    ).toBe(true);
  });

  it('a malformed consignment line is rejected alone, with PARSE_ERROR on its line', async () => {
    const { consignments, summary } = await run(fixture('ffm-malformed.txt'));
    expect(summary).toMatchObject({ status: 'partial', counts: { received: 3, accepted: 2, rejected: 1 } });
    expect(consignments.map((c) => c.awb)).toEqual(['176-23456786', '131-44444444']);
    expect(summary.errors[0]).toMatchObject({ code: 'PARSE_ERROR', line: 5 });
    expect(summary.errors.every((e) => e.line === 5)).toBe(true);
  });

  it('more pieces than the shipment total is INVALID_PIECES', async () => {
    const { summary } = await run(edit(fixture('ffm7.txt'), '/D2K20T5/', '/D9K20T5/'));
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'INVALID_PIECES', line: 7 })]);
  });

  it('an empty (NIL) manifest part yields no record', async () => {
    const { summary } = await run('FFM/8\n1/KL2084/18MAR/AMS\nLHR/NIL\nLAST\n');
    expect(summary.counts.received).toBe(0);
    expect(summary.status).toBe('rejected');
  });

  it('text after LAST is a warning', async () => {
    const { summary } = await run(`${fixture('ffm7.txt')}THANK YOU\nREGARDS\n`);
    expect(summary.status).toBe('accepted');
    expect(summary.warnings).toEqual([expect.objectContaining({ code: 'UNKNOWN_SEGMENT', line: 11 })]);
  });
});

describe('robustness', () => {
  const all = ['fwb16.txt', 'fwb17-pounds.txt', 'fhl4.txt', 'fhl5.txt', 'ffm7.txt', 'ffm8.txt', 'multi.txt'];

  it.each(all)('%s: CRLF, no final newline and any chunking give the same result', async (name) => {
    const lf = fixture(name);
    const base = await run(lf);
    expect(base.summary.counts.received).toBeGreaterThan(0);
    for (const variant of [
      lf.replace(/\n/g, '\r\n'),
      lf.replace(/\n+$/, ''),
      lf.replace(/\n/g, '\r\n').replace(/\r\n$/, ''),
    ]) {
      for (const size of [1, 7, 4096]) {
        const got = await run(variant, size);
        expect(got.consignments).toEqual(base.consignments);
        expect(got.summary).toEqual(base.summary);
      }
    }
  });

  it('several messages in one file, with blank lines and Type-B envelopes between them', async () => {
    const { consignments, summary } = await run(fixture('multi.txt'));
    expect(summary.format).toBe('cargo-imp');
    expect(summary.counts.received).toBe(3);
    expect(summary.errors).toEqual([]);
    expect(consignments.slice(0, 2).map((c) => [c.kind, c.awb, c.hawb])).toEqual([
      ['master', '176-12345675', null],
      ['house', '176-12345675', 'FRA7001'],
    ]);
    // The house of the same file points at its master's FWB.
    expect(consignments[1]!.extra?.linkedWaybill).toEqual({ line: 3, messageType: 'FWB/16' });
  });

  it('an FFM line is linked to the FWB of the same AWB in the same file (either order)', async () => {
    const { records } = await readDrafts(fixture('multi.txt'));
    const ffm = records.find((r) => r.draft.extra?.messageType === 'FFM/8')!;
    expect(ffm.draft.extra?.linkedWaybill).toEqual({ line: 3, messageType: 'FWB/16' });
    // The manifest line has no description: the waybill's fills it, pointing at the FWB.
    expect(ffm.draft.description).toBe('HYDRAULIC GEAR PUMPS');
    expect(ffm.fieldLines?.description).toBe(3);

    const reversed =
      'FFM/8\n1/LH400/13MAR/FRA\nJFK\n176-12345675FRAJFK/T3K125.5/PUMPS\nLAST\n\n' +
      fixture('envelope-fwb16.txt');
    const back = await readDrafts(reversed);
    const fwb = back.records.find((r) => r.draft.extra?.messageType === 'FWB/16')!;
    expect(fwb.draft.extra?.linkedManifests).toEqual([{ line: 4, flight: 'LH400' }]);
  });

  it('a Type-B envelope before the message is skipped', async () => {
    const { consignments, summary } = await run(fixture('envelope-fwb16.txt'));
    expect(summary).toMatchObject({ status: 'accepted', warnings: [] });
    expect(only(consignments)).toMatchObject({
      awb: '176-12345675',
      source: { line: 3 },
      description: 'HYDRAULIC GEAR PUMPS',
    });
  });

  it('another Cargo-IMP message type in the file is skipped with a warning', async () => {
    const fsu = 'FSU/14\n157-53806270HKGNLU/P2K505.0T10\nFIW/QR8403/20JUN1039/DOH/P2K505.0/S0720/A1008\n';
    const { consignments, summary } = await run(`${fixture('ffm7.txt')}\n${fsu}\n${fixture('fhl4.txt')}`);
    expect(consignments.map((c) => c.kind)).toEqual(['master', 'master', 'master', 'house']);
    expect(summary.warnings).toEqual([expect.objectContaining({ code: 'UNKNOWN_SEGMENT', line: 12 })]);

    // After a message that has no end marker (FWB), the blank line and the identifier end it.
    const afterFwb = await run(`${fixture('fwb16.txt')}\n${fsu}`);
    expect(afterFwb.summary).toMatchObject({ status: 'accepted', counts: { received: 1, accepted: 1 } });
    expect(afterFwb.summary.warnings).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_SEGMENT', line: 42 }),
    ]);
  });

  it('a line longer than 64 KiB is skipped unread and reported at its line; reading goes on', async () => {
    const xs = 'X'.repeat(70 * 1024);
    const text = `${fixture('ffm7.txt')}\nFFM/8\n1/LH1/01JAN/FRA\n${xs}\n\n${fixture('fhl4.txt')}`;
    const { consignments, summary } = await run(text);
    // No consignment holds the line (none had started): it is reported alone.
    expect(consignments.map((c) => c.kind)).toEqual(['master', 'master', 'master', 'house']);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: lineOf(text, 'XXXX') }),
    ]);
  });

  it('streams: the first record comes out before the input is read to its end', async () => {
    let served = 0;
    const total = 2000;
    async function* manifest(): AsyncGenerator<Buffer> {
      served += 1;
      yield Buffer.from('FFM/8\n1/CV7401/14MAR/LUX\nORD\n');
      for (let i = 0; i < total; i++) {
        served += 1;
        yield Buffer.from('176-23456786LUXORD/T10K250MC1.5/AUTO PARTS\n');
      }
      yield Buffer.from('LAST\n');
    }
    const reader = cargoImpReader.read(manifest(), {})[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(first.value).toMatchObject({ type: 'record' });
    expect(served).toBeLessThan(10);
    await reader.return?.(undefined);
  });

  it('hostile repetition stays bounded per record (OCI, OSI, text)', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => `///ED/${i}`).join('\n');
    const ng = Array.from({ length: 5000 }, (_, i) => `/${i}/NG/WORDS AND MORE WORDS`).join('\n');
    const text = edit(fixture('fwb16.txt'), '///SM/XRY\n', `///SM/XRY\n${many}\n`);
    const withNg = edit(text, '/2/NG/FOR CNC LATHES\n', `/2/NG/FOR CNC LATHES\n${ng}\n`);
    const { records } = await readDrafts(withNg);
    expect(records).toHaveLength(1);
    const draft = records[0]!.draft;
    expect((draft.extra?.oci as unknown[]).length).toBe(100);
    // A repeated description line is kept once (cargo-imp.audit.test.ts: nothing is clipped).
    expect(draft.description).toBe('HYDRAULIC GEAR PUMPS FOR CNC LATHES WORDS AND MORE WORDS');
  });
});

describe('TextJoin (fixed-width free text)', () => {
  const join = (width: number, ...parts: string[]) => {
    const t = new TextJoin(width);
    for (const p of parts) t.add(p);
    return t.toString();
  };

  it('glues a full-width fragment cut mid-word, otherwise joins with a space', () => {
    expect(join(20, 'PHARMACEUTICALS - NO', 'T RESTRICTED')).toBe('PHARMACEUTICALS - NOT RESTRICTED');
    expect(join(20, 'FEED SUPPLEMENTS FOR', 'HORSES')).toBe('FEED SUPPLEMENTS FOR HORSES');
    expect(join(20, 'DRY BATTERY NOT', 'RESTRICTED')).toBe('DRY BATTERY NOT RESTRICTED');
    expect(
      join(65, 'HUMAN BLOOD UN3373  CAT.B DRY ICE UN1845 1 20 KG DIMS 79X53X58 CM', ' X 1 HS CODE'),
    ).toBe('HUMAN BLOOD UN3373 CAT.B DRY ICE UN1845 1 20 KG DIMS 79X53X58 CM X 1 HS CODE');
  });

  it('keeps digits apart at the cut', () => {
    expect(join(10, 'WEIGHT 120', '50 KG')).toBe('WEIGHT 120 50 KG');
  });

  it('joins lines of 64 KiB of letters as it joins short ones', () => {
    // The letters at the cut were found by /([A-Za-z]+)$/, which tried every start in a run of
    // letters ending in a digit: seconds a line, minutes for a message of such lines.
    const letters = 'A'.repeat(64_000);
    const parts = Array.from({ length: 12 }, (_, i) => `${letters}${i % 10}`);
    expect(join(65, ...parts)).toBe(parts.join(' '));
    expect(join(65, `${letters}NO`, 'T RESTRICTED')).toBe(`${letters}NOT RESTRICTED`);
  });
});
