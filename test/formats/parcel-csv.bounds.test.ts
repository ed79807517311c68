import iconv from 'iconv-lite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { MAX_RECORD_CHARS } from '../../shared/formats/parcel-csv/parser.js';
import { HEADER, row } from '../unit/helpers.js';

/**
 * The parcel CSV reader's bounds: a line over MAX_RECORD_CHARS bytes, a quoted field that runs on
 * without end, a NUL byte. Each rejects its own record alone, counted, at its line; every good
 * record before and after it is kept, whatever the chunks the document arrives in.
 */
const MB = 1024 * 1024;

async function read(data: string | Buffer, chunk: number) {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return processAll(bufferChunks(bytes, chunk), { fileName: 'x.csv' });
}

/** Chunk sizes: a few KiB, 64 KiB, more than a line of the limit, and the whole document at once. */
function chunkSizes(data: string | Buffer): number[] {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  return [4093, 64 * 1024, MB + 3, size + 1];
}

async function sameWhateverTheChunks(data: string | Buffer) {
  const sizes = chunkSizes(data);
  const whole = await read(data, sizes.at(-1)!);
  for (const size of sizes.slice(0, -1)) expect(await read(data, size), `chunks of ${size}`).toEqual(whole);
  const { received, accepted, rejected, duplicate } = whole.summary.counts;
  expect(received).toBe(accepted + rejected + duplicate);
  return whole;
}

const lines = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

describe('parcel CSV reader, a line over the limit', () => {
  it('rejects a 2 MB line alone, counted, and keeps the 200 rows before it and the row after it', async () => {
    const good = Array.from({ length: 200 }, (_, i) => row({ ParcelID: `P${i}` }));
    const text = lines(
      ...good,
      row({ ParcelID: 'BIG', GoodsDescription: 'x'.repeat(2_000_000) }),
      row({ ParcelID: 'LAST' }),
    );
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.status).toBe('partial');
    expect(summary.counts).toEqual({ received: 202, accepted: 201, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'RECORD_TOO_LARGE',
        line: 202,
        message: expect.stringMatching(/^line 202 is longer than 1,048,576 bytes; .* line 203$/),
      }),
    ]);
    expect(consignments.map((c) => [c.parcelId, c.source.line])).toEqual([
      ...good.map((_, i) => [`P${i}`, i + 2]),
      ['LAST', 203],
    ]);
  });

  it('keeps the good line before a 5 MB line and the one after it', async () => {
    const text = lines(
      row({ ParcelID: 'G1' }),
      row({ ParcelID: 'BIG', BuyerName: 'y'.repeat(5_000_000) }),
      row({ ParcelID: 'G2' }),
    );
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.status).toBe('partial');
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 3 })]);
    expect(consignments.map((c) => [c.parcelId, c.source.line])).toEqual([
      ['G1', 2],
      ['G2', 4],
    ]);
  });

  it('measures the line in bytes, its line feed not counted, the same in every chunking', async () => {
    // At the limit the line is read (and validation refuses its text); one byte more, it is not.
    const at = (bytes: number, text = 'x') => {
      const line = row({ ParcelID: 'L', GoodsDescription: '' });
      const fill = text.repeat(Math.ceil((bytes - Buffer.byteLength(line)) / Buffer.byteLength(text)));
      return row({ ParcelID: 'L', GoodsDescription: fill });
    };
    for (const [line, unread] of [
      [at(MAX_RECORD_CHARS), false],
      [at(MAX_RECORD_CHARS + 1), true],
      // 2 bytes a character: fewer characters than the limit, more bytes.
      [at(MAX_RECORD_CHARS + 2, 'é'), true],
    ] as const) {
      const { summary } = await sameWhateverTheChunks(
        lines(row({ ParcelID: 'A' }), line, row({ ParcelID: 'B' })),
      );
      expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
      expect(summary.errors).toEqual([
        expect.objectContaining({
          code: 'RECORD_TOO_LARGE',
          line: 3,
          message: unread
            ? expect.stringMatching(/skipped unread/)
            : expect.stringMatching(/characters of text/),
        }),
      ]);
    }
  });

  it('rejects the whole parcel an over-long item row belongs to, once', async () => {
    const text = lines(
      row({ ParcelID: 'P1' }),
      row({ ParcelID: 'P2', GoodsDescription: 'Mugs' }),
      row({ ParcelID: 'P2', GoodsDescription: 'x'.repeat(MB + 10) }),
      row({ ParcelID: 'P2', GoodsDescription: 'Plates' }),
      row({ ParcelID: 'P3' }),
    );
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 4 })]);
    expect(consignments.map((c) => c.parcelId)).toEqual(['P1', 'P3']);
  });

  it('makes a record of its own of an over-long line whose parcel id it cannot see', async () => {
    // The air waybill column comes before the parcel id: the id is past what is looked at.
    const text = lines(
      row({ ParcelID: 'P1' }),
      row({ ParcelID: 'P1', MawbNr: '0'.repeat(MB + 1) }),
      row({ ParcelID: 'P2' }),
    );
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 3 })]);
    expect(consignments.map((c) => c.parcelId)).toEqual(['P1', 'P2']);
  });

  it('rejects an over-long last line without a final line feed', async () => {
    const text = `${HEADER}\n${row({ ParcelID: 'P1' })}\n${row({ ParcelID: 'P2', GoodsDescription: 'x'.repeat(MB) })}`;
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.counts).toEqual({ received: 2, accepted: 1, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 3 })]);
    expect(consignments.map((c) => c.parcelId)).toEqual(['P1']);
  });

  it('does the same in Windows-1252', async () => {
    const text = lines(
      row({ ParcelID: 'P1', BuyerName: 'José Núñez' }),
      row({ ParcelID: 'P2', GoodsDescription: 'ñ'.repeat(2 * MB) }),
      row({ ParcelID: 'P3', BuyerName: 'Zoë Müller' }),
    );
    const bytes = iconv.encode(text, 'win1252');
    const { summary, consignments } = await sameWhateverTheChunks(bytes);
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'RECORD_TOO_LARGE',
        line: 3,
        message: expect.stringMatching(/skipped unread/),
      }),
    ]);
    expect(consignments.map((c) => c.consignee?.name)).toEqual(['José Núñez', 'Zoë Müller']);
  });

  it('skips a 64 MiB line without holding it', async () => {
    const piece = Buffer.alloc(64 * 1024, 'x');
    let peak = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${HEADER}\n${row({ ParcelID: 'P1' })}\nP2,`);
      const before = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < 1024; i++) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
        yield piece;
      }
      yield Buffer.from(`\n${row({ ParcelID: 'P3' })}\n`);
    }
    const { summary, consignments } = await processAll(chunks(), {});
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE', line: 3 })]);
    expect(consignments.map((c) => c.parcelId)).toEqual(['P1', 'P3']);
    expect(peak).toBeLessThan(16 * MB);
  });

  it('refuses a document whose header line is over the limit, in every chunking', async () => {
    const { summary } = await sameWhateverTheChunks(`${HEADER},${'x'.repeat(MB)}\n${row()}\n`);
    expect(summary).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ code: 'PARSE_ERROR', line: 1 })],
    });
  });
});

describe('parcel CSV reader, a quoted field without end', () => {
  it('counts a quoted field never closed as a rejected record', async () => {
    const text = lines(row({ ParcelID: 'P1' }), row({ ParcelID: 'P2', GoodsDescription: '"never closed' }));
    const { summary } = await sameWhateverTheChunks(text);
    expect(summary.counts).toEqual({ received: 2, accepted: 1, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        line: 3,
        message: expect.stringMatching(/never closed/),
      }),
    ]);
  });

  it('rejects the record that opened a quoted field running into an over-long line, and reads on after it', async () => {
    const text = lines(
      row({ ParcelID: 'P1' }),
      row({ ParcelID: 'P2', GoodsDescription: '"Mugs' }),
      'and plates',
      'z'.repeat(MB + 1),
      row({ ParcelID: 'P3' }),
    );
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        line: 3,
        message: expect.stringMatching(/runs on into line 5, .* reading goes on at line 6$/),
      }),
    ]);
    expect(consignments.map((c) => [c.parcelId, c.source.line])).toEqual([
      ['P1', 2],
      ['P3', 6],
    ]);
  });
});

describe('parcel CSV reader, NUL bytes', () => {
  const withNul = (rows: number, at: number) =>
    lines(
      ...Array.from({ length: rows }, (_, i) =>
        row({ ParcelID: `P${i}`, GoodsDescription: i + 2 === at ? 'Mu\0gs' : 'Mugs' }),
      ),
    );

  it('rejects the record holding a NUL alone, on line 3 as on line 2,000', async () => {
    for (const at of [3, 2000]) {
      const { summary, consignments } = await sameWhateverTheChunks(withNul(2100, at));
      expect(summary.format).toBe('parcel-csv');
      expect(summary.counts).toEqual({ received: 2100, accepted: 2099, rejected: 1, duplicate: 0 });
      expect(summary.errors).toEqual([
        expect.objectContaining({
          code: 'PARSE_ERROR',
          line: at,
          message: expect.stringMatching(/NUL byte/),
        }),
      ]);
      expect(consignments).toHaveLength(2099);
      expect(consignments.some((c) => c.description.includes('\0'))).toBe(false);
    }
  });

  it('rejects the whole parcel, and a quoted record, holding a NUL; and a last line with one', async () => {
    const text = `${[
      HEADER,
      row({ ParcelID: 'P1', GoodsDescription: 'Mugs' }),
      row({ ParcelID: 'P1', GoodsDescription: 'Pla\0tes' }),
      row({ ParcelID: 'P1', GoodsDescription: 'Cups' }),
      row({ ParcelID: 'P2', GoodsDescription: '"Mugs' }),
      'and\0 plates"',
      row({ ParcelID: 'P3' }),
      row({ ParcelID: 'P4', BuyerName: '\0' }),
    ].join('\n')}`;
    const { summary, consignments } = await sameWhateverTheChunks(text);
    expect(summary.counts).toEqual({ received: 4, accepted: 1, rejected: 3, duplicate: 0 });
    expect(summary.errors.map((e) => [e.code, e.line])).toEqual([
      ['PARSE_ERROR', 3],
      ['PARSE_ERROR', 6],
      ['PARSE_ERROR', 8],
    ]);
    expect(consignments.map((c) => c.parcelId)).toEqual(['P3']);
  });

  it('still refuses as UNKNOWN_FORMAT a file binary from its first line, or for more than NUL bytes', async () => {
    for (const data of [
      Buffer.from(lines(row(), row({ ParcelID: 'P2', GoodsDescription: '\u0001\u0002'.repeat(100) }))),
      Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000'), Buffer.from(lines(row()))]),
      iconv.encode(lines(row()), 'utf16le'),
      Buffer.from(`${HEADER.replace('ParcelID', 'Parcel\0ID')}\n${row()}\n`),
    ]) {
      const { summary } = await read(data, 64 * 1024);
      expect(summary).toMatchObject({
        format: 'unknown',
        status: 'rejected',
        errors: [expect.objectContaining({ code: 'UNKNOWN_FORMAT' })],
      });
    }
  });
});

describe('parcel CSV reader, bad lines among good ones (property)', () => {
  type Line = 'good' | 'long' | 'nul' | 'blank';
  it('rejects each bad line alone and keeps every good one, whatever the chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Line>('good', 'good', 'good', 'nul', 'blank', 'long'), { maxLength: 12 }),
        fc.integer({ min: 1, max: 300_000 }),
        fc.boolean(),
        async (kinds, chunk, crlf) => {
          // At most two lines over the limit a document: each is a megabyte of text.
          let longs = 0;
          const rows = kinds.map((kind, i) => {
            const id = `P${i}`;
            if (kind === 'long' && longs++ < 2)
              return row({ ParcelID: id, GoodsDescription: 'x'.repeat(MAX_RECORD_CHARS) });
            if (kind === 'nul') return row({ ParcelID: id, GoodsDescription: 'mugs\0' });
            if (kind === 'blank') return '';
            return row({ ParcelID: id });
          });
          rows.unshift(row({ ParcelID: 'FIRST' })); // a document without records is refused whole
          const text = `${[HEADER, ...rows].join(crlf ? '\r\n' : '\n')}${crlf ? '\r\n' : '\n'}`;
          const whole = await read(text, Buffer.byteLength(text) + 1);
          expect(await read(text, chunk)).toEqual(whole);
          const bad = rows.filter((r) => r.includes('\0') || r.length > MAX_RECORD_CHARS).length;
          const good = rows.filter((r) => r !== '' && !r.includes('\0') && r.length <= MAX_RECORD_CHARS);
          expect(whole.summary.counts).toEqual({
            received: good.length + bad,
            accepted: good.length,
            rejected: bad,
            duplicate: 0,
          });
          expect(whole.consignments.map((c) => c.parcelId)).toEqual(good.map((r) => r.split(',')[1]));
          expect(whole.summary.errors.map((e) => e.line)).toEqual(
            rows.flatMap((r, i) => (r.includes('\0') || r.length > MAX_RECORD_CHARS ? [i + 2] : [])),
          );
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
