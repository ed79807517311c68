import { describe, expect, it } from 'vitest';
import { keyLineOf, parseJson, JsonLimitError } from '../../shared/formats/one-record/json.js';
import {
  MAX_JSON_CONTAINERS,
  MIN_OUTPUT_CHARS,
  OUTPUT_CHARS_PER_BYTE,
} from '../../shared/formats/one-record/reader.js';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import type { Consignment } from '../../shared/model/consignment.js';
import { createScreener } from '../../shared/screening/screen.js';
import { lineOf } from '../helpers/text.js';

/**
 * Defects found by the audit of the ONE Record reader (inputs /tmp/audit-inputs/or-*.json),
 * each with a fixture made here: descriptions and HS codes hidden in pieces or in extra values,
 * text multiplied by @id references, documents of millions of tiny objects, numbers that are
 * not numbers.
 */

const run = (json: string) => processAll(bufferChunks(json, 64 * 1024), { fileName: 'audit.json' });

const party = (role: string, name: string) => ({
  partyRole: role,
  partyDetails: {
    name,
    basedAtLocation: {
      address: { streetAddressLines: ['1 MAIN ST'], cityName: 'SINGAPORE', country: { countryCode: 'SG' } },
    },
  },
});
const PARTIES = [party('SHP', 'SEA HARVEST PTE LTD'), party('CNE', 'LONDON FISH MARKET LTD')];

/** An AWB serial with a valid check digit (the first seven digits mod 7). */
const serial = (i: number) => `${1_000_000 + i}${(1_000_000 + i) % 7}`;

const piece = (extra: Record<string, unknown> = {}) => ({
  '@type': 'Piece',
  grossWeight: { numericalValue: 10, unit: 'KGM' },
  contentProducts: [{ hsCode: '030471' }],
  ...extra,
});

/** A DIRECT waybill (unprefixed, @vocab) around a shipment; shipment fields override the defaults. */
function waybill(shipment: Record<string, unknown>, number = '98765435'): Record<string, unknown> {
  return {
    '@type': 'Waybill',
    waybillPrefix: '176',
    waybillNumber: number,
    waybillType: 'DIRECT',
    departureLocation: { locationCodes: [{ code: 'SIN' }] },
    arrivalLocation: { locationCodes: [{ code: 'LHR' }] },
    shipment: {
      '@type': 'Shipment',
      goodsDescription: 'FROZEN FISH FILLETS',
      involvedParties: PARTIES,
      pieces: [piece(), piece()],
      ...shipment,
    },
  };
}

const doc = (body: Record<string, unknown>) =>
  JSON.stringify({ '@context': { '@vocab': 'https://onerecord.iata.org/ns/cargo#' }, ...body }, null, 1);

async function only(json: string): Promise<Consignment> {
  const { consignments, summary } = await run(json);
  expect(summary.errors).toEqual([]);
  expect(consignments).toHaveLength(1);
  return consignments[0]!;
}

describe('ONE Record: every description and HS code reaches screening (audit 1)', () => {
  it('keeps the pieces’ descriptions beside the shipment’s, and screening sees them', async () => {
    const c = await only(
      doc(
        waybill({
          goodsDescription: 'MOBILE PHONES',
          pieces: [piece({ goodsDescription: 'GLOCK SWITCH AUTO SEAR' })],
        }),
      ),
    );
    expect(c.description).toBe('MOBILE PHONES; GLOCK SWITCH AUTO SEAR');
    const result = createScreener().screen(c);
    expect(result.riskScore).toBeGreaterThan(0);
    expect(result.flags.some((f) => f.category === 'firearms')).toBe(true);
  });

  it('refuses a party given several names: the others would go unscreened', async () => {
    const json = doc(
      waybill({
        involvedParties: [
          party('SHP', 'SEA HARVEST PTE LTD'),
          {
            ...party('CNE', ''),
            partyDetails: {
              ...party('CNE', '').partyDetails,
              name: ['LONDON FISH MARKET LTD', 'HUBEI JINLONG CHEMICAL'],
            },
          },
        ],
      }),
    );
    const { summary } = await run(json);
    expect(summary.counts).toMatchObject({ received: 1, accepted: 0, rejected: 1 });
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        field: 'consignee.name',
        line: lineOf(json, '"LONDON FISH MARKET LTD"') - 1,
        message: expect.stringMatching(
          /^the consignee has 2 names \("LONDON FISH MARKET LTD", "HUBEI JINLONG CHEMICAL"\); a party has one$/,
        ),
      }),
    ]);
    // The same name twice is one name.
    const twice = doc(
      waybill({
        involvedParties: [
          party('SHP', 'SEA HARVEST PTE LTD'),
          {
            ...party('CNE', ''),
            partyDetails: { ...party('CNE', '').partyDetails, name: ['LONDON FISH', 'LONDON FISH'] },
          },
        ],
      }),
    );
    expect((await only(twice)).consignee?.name).toBe('LONDON FISH');
  });

  it('keeps every value of a multi-valued goodsDescription (plain, @value, @list)', async () => {
    const plain = await only(
      doc(waybill({ goodsDescription: ['FROZEN FISH FILLETS', 'GLOCK SWITCH AUTO SEAR'] })),
    );
    expect(plain.description).toBe('FROZEN FISH FILLETS; GLOCK SWITCH AUTO SEAR');
    const tagged = await only(
      doc(
        waybill({
          goodsDescription: { '@list': [{ '@value': 'FISH', '@language': 'en' }, { '@value': 'AUTO SEAR' }] },
          pieces: [piece({ goodsDescription: ['FISH', ['SOLVENT TRAP KIT']] })],
        }),
      ),
    );
    expect(tagged.description).toBe('FISH; AUTO SEAR; SOLVENT TRAP KIT');
  });

  it('keeps identical texts once, in document order, wherever the pieces are written', async () => {
    // Pieces referenced by @id and written before their shipment come first.
    const json = doc({
      '@graph': [
        { '@id': 'urn:p1', ...piece({ goodsDescription: 'GLOCK SWITCH' }) },
        waybill({
          goodsDescription: ['MOBILE PHONES', 'GLOCK SWITCH'],
          pieces: [{ '@id': 'urn:p1' }, { '@id': 'urn:p2' }],
        }),
        { '@id': 'urn:p2', ...piece({ goodsDescription: ['MOBILE PHONES', 'PHONE CASES'] }) },
      ],
    });
    const c = await only(json);
    expect(c.description).toBe('GLOCK SWITCH; MOBILE PHONES; PHONE CASES');
    expect(c.pieces).toBe(2);
  });

  it('reads the texts and codes of pieces inside pieces (containedPieces), and a 2.x Shipment.containedPieces', async () => {
    const c = await only(
      doc(
        waybill({
          pieces: undefined,
          containedPieces: [
            piece({
              goodsDescription: 'MACHINE PARTS',
              containedPieces: [
                { '@type': 'Piece', goodsDescription: 'AUTO SEAR', contentProducts: { hsCode: '930590' } },
              ],
            }),
          ],
        }),
      ),
    );
    expect(c.description).toBe('FROZEN FISH FILLETS; MACHINE PARTS; AUTO SEAR');
    expect(c.hsCodes).toEqual(['030471', '930590']);
    expect(c.pieces).toBe(1);
  });

  it('keeps every HS code: several values of hsCode, several products, each once in document order', async () => {
    const c = await only(
      doc(
        waybill({
          pieces: [
            piece({
              contentProducts: [{ hsCode: ['030471', '930390'] }, { hsCode: { '@value': '930630' } }],
            }),
            piece({ contentProducts: [{ hsCode: '930390' }, { hsCode: '030471' }] }),
          ],
        }),
      ),
    );
    expect(c.hsCodes).toEqual(['030471', '930390', '930630']);
  });

  it('has no cap at 1,000 texts or codes: the 1,001st is kept', async () => {
    const pieces = Array.from({ length: 1100 }, (_, i) =>
      piece({
        goodsDescription: `ITEM ${i}`,
        contentProducts: {
          hsCode: String(10_000 + i)
            .padStart(6, '0')
            .replace(/^0/, '3'),
        },
      }),
    );
    pieces.push(piece({ goodsDescription: 'GLOCK SWITCH', contentProducts: { hsCode: '930390' } }));
    const c = await only(JSON.stringify({ '@context': {}, ...waybill({ pieces }) }));
    expect(c.description).toContain('GLOCK SWITCH');
    expect(c.hsCodes).toContain('930390');
    expect(c.hsCodes.length).toBeGreaterThan(1000);
  });

  it('rejects a record whose joined text passes 100,000 characters with RECORD_TOO_LARGE, never clipping it', async () => {
    const json = doc(
      waybill({
        goodsDescription: `FISH ${'A'.repeat(60_000)}`,
        pieces: [piece({ goodsDescription: `SEAR ${'B'.repeat(60_000)}` })],
      }),
    );
    const { consignments, summary } = await run(json);
    expect(consignments).toEqual([]);
    expect(summary.counts).toEqual({ received: 1, accepted: 0, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 1 })]);
  });
});

describe('ONE Record: records may not multiply the document (audit 2)', () => {
  it('rejects, with TOO_LARGE and counted, the records past the output bound', async () => {
    const description = `FROZEN FISH ${'FILLETS '.repeat(6_000)}`.trim(); // ~48,000 characters
    const graph: unknown[] = [
      {
        '@id': 's1',
        '@type': 'Shipment',
        goodsDescription: description,
        involvedParties: PARTIES,
        pieces: [piece()],
      },
    ];
    for (let i = 0; i < 200; i++)
      graph.push({
        '@type': 'Waybill',
        waybillPrefix: '176',
        waybillNumber: serial(i),
        waybillType: 'MASTER',
        shipment: 's1',
      });
    const json = JSON.stringify({
      '@context': { '@vocab': 'https://onerecord.iata.org/ns/cargo#' },
      '@graph': graph,
    });
    const budget = Math.max(MIN_OUTPUT_CHARS, OUTPUT_CHARS_PER_BYTE * Buffer.byteLength(json));
    const { consignments, summary } = await run(json);
    const { received, accepted, rejected, duplicate } = summary.counts;
    expect(received).toBe(200);
    expect(accepted + rejected + duplicate).toBe(received);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(25);
    const text = consignments.reduce((n, c) => n + c.description.length, 0);
    expect(text).toBeLessThanOrEqual(budget);
    expect(summary.errors.length).toBe(rejected);
    expect(summary.errors.every((e) => e.code === 'TOO_LARGE')).toBe(true);
    expect(summary.errors[0]!.message).toMatch(/@id/);
  });

  it('does not refuse records that share small parties by @id (the usual reference)', async () => {
    const graph: unknown[] = [
      { '@id': 'urn:shp', ...PARTIES[0] },
      { '@id': 'urn:cne', ...PARTIES[1] },
    ];
    for (let i = 0; i < 2000; i++)
      graph.push(
        waybill(
          {
            goodsDescription: `FROZEN FISH LOT ${i}`,
            involvedParties: [{ '@id': 'urn:shp' }, { '@id': 'urn:cne' }],
          },
          serial(i),
        ),
      );
    const { summary } = await run(JSON.stringify({ '@context': {}, '@graph': graph }));
    expect(summary.counts).toEqual({ received: 2000, accepted: 2000, rejected: 0, duplicate: 0 });
  });
});

describe('ONE Record: bounded memory (audit 3)', () => {
  it('refuses a document of more objects and arrays than the bound with TOO_LARGE, naming the line', async () => {
    const json = `{"@context":{},"@type":"Waybill",\n"x":[${'[],'.repeat(MAX_JSON_CONTAINERS)}[]]}`;
    const { summary } = await run(json);
    expect(summary).toMatchObject({ status: 'rejected', counts: { received: 0 } });
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'TOO_LARGE',
        line: 2,
        message: expect.stringContaining('objects and arrays'),
      }),
    ]);
  });

  it('counts a node’s properties once, not again for every reference to it', async () => {
    // Before: every `{"@id"}` reference listed the referenced node's 10,000 keys (~20 s here).
    const keys = Array.from({ length: 10_000 }, (_, i) => `"k${i}":0`).join(',');
    const refs = Array.from({ length: 5_000 }, () => '{"@id":"urn:big"}').join(',');
    const json = `{"@context":{},"@graph":[{"@id":"urn:big","@type":"Piece","goodsDescription":"X",${keys}},{"@type":"Shipment","goodsDescription":"X","pieces":[${refs}]}]}`;
    const started = Date.now();
    const { summary } = await run(json);
    expect(summary.counts.received).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 10_000);

  it('parseJson stops at maxContainers', () => {
    expect(() => parseJson('[{},{},[]]', { maxContainers: 3 })).toThrow(JsonLimitError);
    expect(JSON.stringify(parseJson('[{},{}]', { maxContainers: 3 }))).toBe('[{},{}]');
  });

  it('keeps the line of a property name whether it shares its object’s line or not', () => {
    const o = parseJson('{"a": 1, "b": 2,\n "c": 3,\n\n "d": {"e": 1}, "a": 9}') as Record<string, object>;
    expect(keyLineOf(o, 'a')).toBe(1);
    expect(keyLineOf(o, 'b')).toBe(1);
    expect(keyLineOf(o, 'c')).toBe(2);
    expect(keyLineOf(o, 'd')).toBe(4);
    expect(keyLineOf(o['d']!, 'e')).toBe(4);
    expect(keyLineOf(o, 'z')).toBeUndefined();
  });
});

describe('ONE Record: numbers are JSON numbers or plain decimal strings (audit 4)', () => {
  const errorsOf = async (json: string) => (await run(json)).summary;

  it.each([
    ['"0x10"', 'INVALID_PIECES'],
    ['true', 'INVALID_PIECES'],
    ['"1e1"', 'INVALID_PIECES'],
    ['[2, 5]', 'INVALID_PIECES'],
  ])('totalPieceCount %s is rejected with %s on its line', async (value, code) => {
    const json = doc(waybill({ totalPieceCount: 0 })).replace(
      '"totalPieceCount": 0',
      `"totalPieceCount": ${value}`,
    );
    const summary = await errorsOf(json);
    expect(summary.counts).toMatchObject({ received: 1, rejected: 1 });
    expect(summary.errors).toEqual([
      expect.objectContaining({ code, field: 'pieces', line: lineOf(json, '"totalPieceCount"') }),
    ]);
  });

  it.each(['"abc"', '"0x10"', 'true', '"Infinity"', '{"@value": "1e3"}', '{}'])(
    'a declared customs value of %s is INVALID_VALUE, never dropped',
    async (value) => {
      const json = doc(
        waybill({ declaredValueForCustoms: { numericalValue: 0, currencyUnit: 'EUR' } }),
      ).replace('"numericalValue": 0', `"numericalValue": ${value}`);
      const summary = await errorsOf(json);
      expect(summary.counts).toMatchObject({ received: 1, rejected: 1 });
      expect(summary.errors).toEqual([
        expect.objectContaining({
          code: 'INVALID_VALUE',
          field: 'declaredValue',
          line: lineOf(json, '"declaredValueForCustoms"'),
        }),
      ]);
    },
  );

  it.each(['"0x20"', '"1e2"', '" 0x20"', 'true', '"abc"', '[100, 5]'])(
    'a total gross weight of %s is one INVALID_WEIGHT on its line',
    async (value) => {
      const json = doc(waybill({ totalGrossWeight: { numericalValue: 0, unit: 'KGM' } })).replace(
        '"numericalValue": 0',
        `"numericalValue": ${value}`,
      );
      const summary = await errorsOf(json);
      expect(summary.counts).toMatchObject({ received: 1, rejected: 1 });
      expect(summary.errors).toEqual([
        expect.objectContaining({ code: 'INVALID_WEIGHT', line: lineOf(json, '"totalGrossWeight"') }),
      ]);
    },
  );

  it('does not leave a piece weight that is not a number out of the sum', async () => {
    const json = doc(
      waybill({ pieces: [piece(), piece({ grossWeight: { numericalValue: '0x10', unit: 'KGM' } })] }),
    );
    const summary = await errorsOf(json);
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'INVALID_WEIGHT' })]);
    expect(summary.errors[0]!.line).toBe(lineOf(json, '"0x10"') - 1);
  });

  it('refuses a decimal comma in a string ("1,500" is 1.5 to one reader, 1500 to another)', async () => {
    const json = doc(waybill({ totalGrossWeight: { numericalValue: '1,500', unit: 'KGM' } }));
    const summary = await errorsOf(json);
    expect(summary.counts).toMatchObject({ received: 1, rejected: 1 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'INVALID_WEIGHT' })]);
  });

  it('accepts JSON numbers and plain decimal strings', async () => {
    const c = await only(
      doc(
        waybill({
          totalPieceCount: ' 2 ',
          totalGrossWeight: { numericalValue: '12.5', unit: 'KGM' },
          declaredValueForCustoms: { numericalValue: { '@value': '1500.50' }, currencyUnit: 'EUR' },
        }),
      ),
    );
    expect(c).toMatchObject({
      pieces: 2,
      weightKg: 12.5,
      declaredValue: { amount: 1500.5, currency: 'EUR' },
    });
    const d = await only(
      doc(waybill({ totalPieceCount: 2, totalGrossWeight: { numericalValue: 2.5e1, unit: 'KGM' } })),
    );
    expect(d).toMatchObject({ pieces: 2, weightKg: 25 });
  });
});
