import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJson, JsonSyntaxError } from '../../shared/formats/one-record/json.js';
import {
  MAX_JSON_DEPTH,
  MAX_ONE_RECORD_BYTES,
  oneRecordReader,
} from '../../shared/formats/one-record/reader.js';
import { detectFormat } from '../../shared/formats/registry.js';
import type { DraftRecord } from '../../shared/formats/types.js';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import type { Consignment } from '../../shared/model/consignment.js';
import { DocumentError } from '../../shared/model/issues.js';
import { lineOf } from '../helpers/text.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(resolve(here, '../fixtures/one-record', name), 'utf8');
const run = (json: string, chunkSize = 64 * 1024) =>
  processAll(bufferChunks(json, chunkSize), { fileName: 'test.json' });

async function records(json: string): Promise<DraftRecord[]> {
  const out: DraftRecord[] = [];
  for await (const item of oneRecordReader.read(bufferChunks(json), {}))
    for (const i of Array.isArray(item) ? item : [item]) if (i.type === 'record') out.push(i.record);
  return out;
}

/** Canonical output without the document-specific bits (source line, @id). */
function comparable(c: Consignment): Partial<Consignment> {
  const { source: _source, extra: _extra, ...rest } = c;
  return rest;
}

/** Rewrites every `cargo:` key to its full IRI. */
function withFullIris(json: string): string {
  return json.replace(/"cargo:([A-Za-z]+)"(\s*:)/g, '"https://onerecord.iata.org/ns/cargo#$1"$2');
}

const SHIPPER = {
  '@type': 'cargo:Party',
  'cargo:partyRole': { '@id': 'https://onerecord.iata.org/ns/code-lists/ParticipantIdentifier#SHP' },
  'cargo:partyDetails': {
    'cargo:name': 'SHIPPER CO',
    'cargo:basedAtLocation': {
      'cargo:address': {
        'cargo:streetAddressLines': ['1 MAIN ST'],
        'cargo:cityName': 'PARIS',
        'cargo:country': { '@id': 'country:FR' },
      },
    },
  },
};
const CONSIGNEE = {
  '@type': 'cargo:Party',
  'cargo:partyRole': { '@id': 'https://onerecord.iata.org/ns/code-lists/ParticipantIdentifier#CNE' },
  'cargo:partyDetails': {
    'cargo:name': 'CONSIGNEE CO',
    'cargo:basedAtLocation': {
      'cargo:address': {
        'cargo:streetAddressLines': ['2 HIGH ST'],
        'cargo:cityName': 'NEW YORK',
        'cargo:country': { '@id': 'country:US' },
      },
    },
  },
};

function waybill(shipment: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      '@context': { cargo: 'https://onerecord.iata.org/ns/cargo#' },
      '@type': 'cargo:Waybill',
      'cargo:waybillPrefix': '020',
      'cargo:waybillNumber': '12345675',
      'cargo:waybillType': 'MASTER',
      'cargo:shipment': {
        '@type': 'cargo:Shipment',
        'cargo:goodsDescription': 'WINE',
        'cargo:totalGrossWeight': {
          'cargo:numericalValue': 100,
          'cargo:unit': { '@id': 'https://vocabulary.uncefact.org/UnitMeasureCode#KGM' },
        },
        'cargo:involvedParties': [SHIPPER, CONSIGNEE],
        'cargo:pieces': [{ '@type': 'cargo:Piece' }],
        ...shipment,
      },
      ...extra,
    },
    null,
    2,
  );
}

describe('ONE Record detection', () => {
  it('recognises JSON-LD by its context, namespace or cargo: keys, not other JSON or XML', () => {
    for (const name of [
      'waybill-graph-prefixed.json',
      'waybill-embedded-unprefixed.json',
      'house-waybill.json',
    ])
      expect(detectFormat(Buffer.from(fixture(name)))?.id, name).toBe('one-record');
    expect(oneRecordReader.detect(Buffer.from('\uFEFF[{"cargo:goodsDescription": "x"}]'))).toBe(true);
    expect(oneRecordReader.detect(Buffer.from('{"name": "not linked data"}'))).toBe(false);
    expect(oneRecordReader.detect(Buffer.from('<?xml version="1.0"?><Waybill/>'))).toBe(false);
  });
});

describe('ONE Record mapping', () => {
  it('reads a Waybill in an @graph with @id-referenced Shipment, Pieces, Products, Organization and Location', async () => {
    const json = fixture('waybill-graph-prefixed.json');
    const { consignments, summary } = await run(json);
    expect(summary).toMatchObject({
      format: 'one-record',
      status: 'accepted',
      counts: { received: 1, accepted: 1 },
    });
    expect(consignments[0]).toMatchObject({
      kind: 'master',
      awb: '020-12345675',
      hawb: null,
      parcelId: null,
      origin: 'FRA',
      destination: 'JFK',
      pieces: 2,
      weightKg: 420.5,
      description: 'INDUSTRIAL VALVES',
      hsCodes: ['848180'],
      shipper: {
        name: 'VALVE WORKS AG',
        address: 'Industriestrasse 5, Halle 3',
        city: 'Offenbach',
        postcode: '63067',
        countryCode: 'DE',
      },
      consignee: {
        name: 'PIPELINE SUPPLY CORP',
        address: '400 HARBOR DRIVE',
        city: 'NEWARK',
        postcode: '07114',
        countryCode: 'US',
      },
      declaredValue: { amount: 8200, currency: 'EUR' },
      specialHandling: ['HEA'],
      source: {
        file: 'test.json',
        line: lineOf(json, '"@id": "https://1r.example.com/logistics-objects/wb-1"') - 1,
      },
      extra: { id: 'https://1r.example.com/logistics-objects/wb-1', waybillType: 'MASTER' },
    });
  });

  it('reads an unprefixed (@vocab) Waybill with embedded objects, pounds and repeated codes', async () => {
    const { consignments, summary } = await run(fixture('waybill-embedded-unprefixed.json'));
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({
      kind: 'master',
      awb: '176-98765435',
      origin: 'SIN',
      destination: 'LHR',
      pieces: 2,
      weightKg: 199.581, // 2 × 220 lb
      description: 'FROZEN FISH FILLETS',
      hsCodes: ['030471'],
      shipper: { name: 'SEA HARVEST PTE LTD', countryCode: 'SG', postcode: '619742' },
      consignee: { name: 'LONDON FISH MARKET LTD', countryCode: 'GB' },
      notify: { name: 'CUSTOMS BROKER UK', address: null },
      specialHandling: ['PEF', 'COL'],
      extra: { waybillType: 'DIRECT' },
    });
  });

  it('reads the same data with cargo: prefixes, full IRIs or no prefix at all', async () => {
    const prefixed = fixture('waybill-graph-prefixed.json');
    const unprefixed = prefixed
      .replace(
        '"cargo": "https://onerecord.iata.org/ns/cargo#"',
        '"@vocab": "https://onerecord.iata.org/ns/cargo#"',
      )
      .replace(/"cargo:([A-Za-z]+)"(\s*:)/g, '"$1"$2')
      .replace(/"cargo:([A-Za-z]+)"/g, '"$1"');
    expect(unprefixed).not.toContain('cargo:');
    const base = comparable((await run(prefixed)).consignments[0]!);
    for (const variant of [unprefixed, withFullIris(prefixed)]) {
      const { consignments, summary } = await run(variant);
      expect(summary.status).toBe('accepted');
      expect(comparable(consignments[0]!)).toEqual(base);
    }
  });

  it('gives the same consignment for embedded and @id-referenced objects', async () => {
    const piece = (n: number) => ({
      '@id': `https://x.example/piece-${n}`,
      '@type': 'cargo:Piece',
      'cargo:goodsDescription': 'WINE',
      'cargo:grossWeight': { 'cargo:numericalValue': 50, 'cargo:unit': 'KGM' },
      'cargo:contentProducts': [
        { '@id': 'https://x.example/product', '@type': 'cargo:Product', 'cargo:hsCode': '220421' },
      ],
    });
    const embedded = waybill({ 'cargo:pieces': [piece(1), piece(2)], 'cargo:totalGrossWeight': undefined });
    const referenced = JSON.stringify({
      '@context': { cargo: 'https://onerecord.iata.org/ns/cargo#' },
      '@graph': [
        {
          ...JSON.parse(embedded),
          '@context': undefined,
          'cargo:shipment': { '@id': 'https://x.example/shipment' },
        },
        {
          ...JSON.parse(embedded)['cargo:shipment'],
          '@id': 'https://x.example/shipment',
          'cargo:pieces': [{ '@id': 'https://x.example/piece-1' }, { '@id': 'https://x.example/piece-2' }],
        },
        { ...piece(1), 'cargo:contentProducts': [{ '@id': 'https://x.example/product' }] },
        { ...piece(2), 'cargo:contentProducts': { '@id': 'https://x.example/product' } },
        {
          '@id': 'https://x.example/product',
          '@type': 'cargo:Product',
          'cargo:hsCode': { '@value': '220421' },
        },
      ],
    });
    const a = await run(embedded);
    const b = await run(referenced);
    expect(a.summary.status).toBe('accepted');
    expect(b.summary.status).toBe('accepted');
    expect(comparable(b.consignments[0]!)).toEqual(comparable(a.consignments[0]!));
    expect(a.consignments[0]).toMatchObject({ pieces: 2, weightKg: 100, hsCodes: ['220421'] });
  });

  it('links a HOUSE waybill to its master and rejects the bare master alone', async () => {
    const json = fixture('house-waybill.json');
    const { consignments, summary } = await run(json);
    expect(summary).toMatchObject({ status: 'partial', counts: { received: 2, accepted: 1, rejected: 1 } });
    expect(consignments[0]).toMatchObject({
      kind: 'house',
      awb: '020-12345675',
      hawb: 'HAWB-0001',
      origin: 'PVG',
      destination: 'FRA',
      pieces: 3,
      weightKg: 35,
      hsCodes: ['940540'],
      shipper: { name: 'SHANGHAI LIGHTING CO', countryCode: 'CN' },
      consignee: { name: 'LICHT HANDEL GMBH', countryCode: 'DE' },
    });
    const masterLine = lineOf(json, '"@id": "https://1r.example.com/wb/master"') - 1;
    expect(summary.errors.every((e) => e.line === masterLine)).toBe(true);
    expect(summary.errors.map((e) => e.field)).toContain('description');
  });

  it('treats houses listed under a master (houseWaybills) as its houses', async () => {
    const json = JSON.stringify({
      '@context': { cargo: 'https://onerecord.iata.org/ns/cargo#' },
      '@type': 'cargo:Waybill',
      'cargo:waybillPrefix': '020',
      'cargo:waybillNumber': '12345675',
      'cargo:houseWaybills': [
        JSON.parse(
          waybill(
            {},
            { 'cargo:waybillType': 'HOUSE', 'cargo:waybillNumber': 'H-9', 'cargo:waybillPrefix': undefined },
          ),
        ),
      ],
    });
    const all = await records(json);
    expect(all.map((r) => [r.draft.kind, r.draft.awb, r.draft.hawb])).toEqual([
      ['master', '020-12345675', null],
      ['house', '020-12345675', 'H-9'],
    ]);
  });

  it('keeps field lines: an invalid HS code and a bad unit are reported on their own lines', async () => {
    const json = waybill({
      'cargo:totalGrossWeight': { 'cargo:numericalValue': 100, 'cargo:unit': 'LTR' },
      'cargo:pieces': [
        {
          '@type': 'cargo:Piece',
          'cargo:contentProducts': [{ 'cargo:hsCode': '220421' }, { 'cargo:hsCode': '7799' }],
        },
      ],
    });
    const { summary } = await run(json);
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'INVALID_WEIGHT',
          field: 'weightKg',
          line: lineOf(json, '"cargo:totalGrossWeight"'),
        }),
        expect.objectContaining({ code: 'INVALID_HS_CODE', line: lineOf(json, '"7799"') }),
      ]),
    );
  });

  it('reports missing 7+1 data with MISSING_FIELD on the line of the object that lacks it', async () => {
    const json = waybill({
      'cargo:involvedParties': [
        SHIPPER,
        { ...CONSIGNEE, 'cargo:partyDetails': { 'cargo:name': 'NO ADDRESS INC' } },
      ],
    });
    const { summary } = await run(json);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'MISSING_FIELD',
        field: 'consignee.address',
        line: lineOf(json, 'NO ADDRESS INC') - 1,
      }),
    ]);
  });

  it('reads a bare Shipment or Piece with what it has and lets validation name what is missing', async () => {
    const shipment = JSON.stringify(
      {
        '@context': { cargo: 'https://onerecord.iata.org/ns/cargo#' },
        '@type': 'cargo:Shipment',
        'cargo:goodsDescription': 'BOOKS',
        'cargo:totalGrossWeight': { 'cargo:numericalValue': 3, 'cargo:unit': 'KGM' },
      },
      null,
      2,
    );
    const s = await run(shipment);
    expect(s.summary.status).toBe('rejected');
    expect(s.summary.errors.map((e) => [e.code, e.field])).toEqual(
      expect.arrayContaining([
        ['MISSING_FIELD', 'awb'],
        ['MISSING_FIELD', 'pieces'],
        ['MISSING_FIELD', 'shipper.name'],
      ]),
    );
    expect(s.summary.errors.map((e) => e.field)).not.toContain('description');
    const [piece] = await records(
      '{"@type":"cargo:Piece","cargo:specialHandlingCodes":[{"@id":"https://x/SpecialHandlingCode#VAL"}]}',
    );
    expect(piece!.draft).toMatchObject({ pieces: 1, specialHandling: ['VAL'], kind: 'master' });
  });

  it('rejects a document without Waybill, Shipment or Piece, naming what it holds', async () => {
    const { summary } = await run(
      '{"@context":{"cargo":"https://onerecord.iata.org/ns/cargo#"},"@type":"cargo:CustomsInformation"}',
    );
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        message: expect.stringContaining('CustomsInformation'),
      }),
    ]);
  });

  it('does not loop on self-referencing objects and ignores __proto__ keys', async () => {
    const json = JSON.stringify({
      '@context': {},
      '@graph': [
        {
          '@id': 'urn:s',
          '@type': 'cargo:Shipment',
          'cargo:pieces': [{ '@id': 'urn:s' }, { '@id': 'urn:p' }],
          'cargo:goodsDescription': 'LOOPS',
        },
        { '@id': 'urn:p', '@type': 'cargo:Piece', 'cargo:contentProducts': { '@id': 'urn:p' } },
      ],
    }).replace('"@context":{}', '"@context":{},"__proto__":{"polluted":true}');
    const all = await records(json);
    expect(all).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('ONE Record scale', () => {
  it('counts every piece of a large shipment and reads shared pieces once', async () => {
    const pieces = Array.from({ length: 1500 }, (_, i) => ({ '@id': `urn:piece:${i}` }));
    const graph = [
      JSON.parse(waybill({ 'cargo:pieces': pieces })),
      ...Array.from({ length: 1500 }, (_, i) => ({
        '@id': `urn:piece:${i}`,
        '@type': 'cargo:Piece',
        'cargo:contentProducts': { '@id': 'urn:product' },
      })),
      { '@id': 'urn:product', '@type': 'cargo:Product', 'cargo:hsCode': '220421' },
    ];
    const { consignments, summary } = await run(JSON.stringify({ '@context': {}, '@graph': graph }));
    expect(summary.status).toBe('accepted');
    expect(consignments[0]).toMatchObject({ pieces: 1500, hsCodes: ['220421'] });
  });

  it('does not turn pieces nested in a waybill line item into a consignment of their own', async () => {
    const json = waybill(
      {},
      {
        'cargo:waybillLineItems': {
          'cargo:lineItemPackages': [{ 'cargo:pieceReferences': [{ '@type': 'cargo:Piece' }] }],
        },
      },
    );
    expect(await records(json)).toHaveLength(1);
  });
});

describe('ONE Record errors and limits', () => {
  it('reports invalid JSON as PARSE_ERROR with line and column', async () => {
    const json = waybill({}).replace('"cargo:goodsDescription": "WINE",', '"cargo:goodsDescription": "WINE"');
    const { summary } = await run(json, 10);
    const line = lineOf(json, '"WINE"') + 1;
    expect(summary).toMatchObject({ status: 'rejected', format: 'one-record' });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'PARSE_ERROR', line })]);
    expect(summary.errors[0]!.message).toMatch(new RegExp(`line ${line}, column \\d+`));
  });

  it('agrees with JSON.parse on what is valid JSON', () => {
    const samples = [
      '{"a":[1,2.5e3,-0,true,false,null,"\\u00e9\\n"]}',
      '[]',
      '{"a":1,}',
      '[1 2]',
      '{"a":01}',
      '"\t"',
      '{"a":"b"} x',
      '{',
    ];
    for (const s of samples) {
      let ours: unknown;
      let theirs: unknown;
      try {
        ours = parseJson(s);
      } catch (e) {
        expect(e).toBeInstanceOf(JsonSyntaxError);
        ours = 'error';
      }
      try {
        theirs = JSON.parse(s);
      } catch {
        theirs = 'error';
      }
      expect(JSON.stringify(ours), s).toEqual(JSON.stringify(theirs));
    }
  });

  it('bounds nesting depth', async () => {
    const deep = `{"@context":{},"x":${'['.repeat(MAX_JSON_DEPTH + 10)}${']'.repeat(MAX_JSON_DEPTH + 10)}}`;
    const { summary } = await run(deep);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code: 'PARSE_ERROR', message: expect.stringContaining('nested deeper') }),
    ]);
  });

  it('stops with TOO_LARGE past the size cap without reading the rest', async () => {
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    let pulled = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"@context":{},"x":"');
      for (;;) {
        pulled += 1;
        yield mb;
      }
    }
    await expect(async () => {
      for await (const _ of oneRecordReader.read(chunks(), {})) void _;
    }).rejects.toSatisfy((e) => e instanceof DocumentError && e.issue.code === 'TOO_LARGE');
    expect(pulled).toBeLessThanOrEqual(MAX_ONE_RECORD_BYTES / mb.length + 1);
  });

  it('rejects bytes that are not UTF-8 with ENCODING', async () => {
    const raw = await processAll(
      bufferChunks(Buffer.from('{"@context":{},"@type":"cargo:Piece","d":"caf\xe9"}', 'latin1')),
    );
    expect(raw.summary.errors).toEqual([expect.objectContaining({ code: 'ENCODING' })]);
  });
});
