import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { parcelCsvReader } from '../../shared/formats/parcel-csv/reader.js';
import type { DraftRecord } from '../../shared/formats/types.js';
import { validateRecord } from '../../shared/validation/validate.js';
import { loadAirports } from '../../shared/reference/airports.js';
import { HEADER, row } from '../unit/helpers.js';

/**
 * The parcel reader decodes whole lines straight from the bytes and joins only the unfinished
 * line to the next chunk: whatever the chunk size, the same document must give the same result,
 * with multi-byte characters, CRLF and quoted fields spanning lines cut anywhere.
 */
const cell = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\r\n",;\t|]/g, ''));
const quoted = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .map((s) => `"${s.replace(/"/g, '""')}"`);

const document = fc
  .record({
    rows: fc.array(
      fc.record({
        // Spacing a reader may vouch for (single spaces) or not (runs, no-break spaces): chunks
        // with and without such rows take both paths, and must agree.
        buyer: fc.oneof(
          cell,
          fc.constantFrom('José Ñúñez', 'Łukasz Żółć', '王小明', 'Zoë 👩‍👩‍👧', 'Ana  María', 'Ana\u00a0María '),
        ),
        description: fc.oneof(cell, quoted, fc.constant('"Mugs,\nplates"')),
        weight: fc.constantFrom('1.5', '0,75', '2', 'x', ''),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ rows, crlf, finalNewline }) => {
    const eol = crlf ? '\r\n' : '\n';
    const body = rows
      .map((r, i) =>
        row({
          ParcelID: `P${i}`,
          BuyerName: r.buyer || 'Ana',
          GoodsDescription: r.description,
          TotalWeight: r.weight,
        }),
      )
      .join(eol);
    return `${HEADER}${eol}${body}${finalNewline ? eol : ''}`;
  });

async function read(bytes: Buffer, chunk: number) {
  const { consignments, summary } = await processAll(bufferChunks(bytes, chunk), { fileName: 'x.csv' });
  return { consignments, summary };
}

describe('parcel CSV reader, chunked', () => {
  it('gives the same records and issues whatever the chunk size (UTF-8)', async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.integer({ min: 1, max: 97 }), async (text, chunk) => {
        const bytes = Buffer.from(text, 'utf8');
        const whole = await read(bytes, bytes.length + 1);
        const cut = await read(bytes, chunk);
        expect(cut).toEqual(whole);
        const { received, accepted, rejected, duplicate } = whole.summary.counts;
        expect(received).toBe(accepted + rejected + duplicate);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same records whatever the chunk size (Windows-1252)', async () => {
    const text = `${HEADER}\r\n${row({ BuyerName: 'José Ñúñez', GoodsDescription: 'Café – tazas' })}\r\n${row({ ParcelID: 'P2', BuyerName: 'Zoë Müller' })}\r\n`;
    const bytes = iconv.encode(text, 'win1252');
    const whole = await read(bytes, bytes.length + 1);
    expect(whole.consignments.map((c) => c.consignee?.name)).toEqual(['José Ñúñez', 'Zoë Müller']);
    expect(whole.consignments[0]!.description).toBe('Café – tazas');
    for (const chunk of [1, 2, 3, 5, 8, 13])
      expect(await read(bytes, chunk), `chunk ${chunk}`).toEqual(whole);
  });
});

describe('parcel CSV reader, folded records', () => {
  // Text with every kind of white space validation folds, in any position.
  const spacey = fc
    .array(
      fc.constantFrom('a', 'Ñ', 'z', ' ', '  ', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u000b'),
      {
        maxLength: 8,
      },
    )
    .map((parts) => parts.join(''));

  async function records(text: string): Promise<DraftRecord[]> {
    const out: DraftRecord[] = [];
    for await (const batch of parcelCsvReader.read(bufferChunks(text, 64), {}))
      for (const item of [batch].flat()) if (item.type === 'record') out.push(item.record);
    return out;
  }

  it('validates a record the reader vouches for exactly as when validation folds it itself', async () => {
    await loadAirports();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(spacey, spacey, spacey), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ';', '\t'),
        async (cells, delimiter) => {
          const lines = cells.map(([buyer, street, description], i) =>
            row({
              ParcelID: `P${i >> 1}`,
              BuyerName: `Ana${buyer}`,
              BuyerStreet: street,
              GoodsDescription: `x${description}`,
            })
              .split(',')
              .map((v) => v.replaceAll(delimiter, ''))
              .join(delimiter),
          );
          const text = `${HEADER.split(',').join(delimiter)}\n${lines.join('\n')}\n`;
          for (const record of await records(text))
            expect(validateRecord(record, {})).toEqual(validateRecord({ ...record, folded: false }, {}));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('vouches only for records whose lines hold nothing to fold', async () => {
    const text = [
      HEADER,
      row({ ParcelID: 'P1' }),
      row({ ParcelID: 'P2', BuyerName: 'Ana  López' }),
      row({ ParcelID: 'P3', GoodsDescription: 'Mugs\u00a0' }),
      row({ ParcelID: 'P4', GoodsDescription: 'Mugs' }),
      row({ ParcelID: 'P4', GoodsDescription: 'Plates\tand cups' }),
    ].join('\n');
    expect((await records(text)).map((r) => r.folded === true)).toEqual([true, false, false, false]);
    const tabbed = [HEADER, row()].map((l) => l.replaceAll(',', '\t')).join('\n');
    expect((await records(tabbed)).map((r) => r.folded === true)).toEqual([true]);
  });
});
