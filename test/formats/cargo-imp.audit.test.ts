import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { cargoImpMessageHeads } from '../../shared/formats/cargo-imp/ack.js';
import { impLines } from '../../shared/formats/cargo-imp/lines.js';
import { bufferChunks } from '../../shared/intake/process.js';
import { createScreener } from '../../shared/screening/screen.js';
import { edit, fixture, lineOf, only, run } from '../fixtures/cargo-imp/helpers.js';

/**
 * Defects found by an audit of the Cargo-IMP reader: text and codes clipped silently past a cap
 * (screening evasion by padding), RTD lines ignored, a long line ending the document, a bad ULD
 * line blamed on the wrong consignments, unreadable customs values accepted, Windows-1252 bytes
 * turned into U+FFFD. Fixtures are built here from the hand-written ones.
 */

const fwb = fixture('fwb16.txt');
const RTD_TAIL = '/2/NG/FOR CNC LATHES\n';
/** fwb16.txt with `lines` inserted after its second /NG/ line. */
const withRtd = (lines: string[]) => edit(fwb, RTD_TAIL, `${RTD_TAIL}${lines.join('\n')}\n`);
const codes = (issues: { code: string; line: number }[]) => issues.map((i) => [i.code, i.line]);

describe('Cargo-IMP: nothing screening reads is clipped silently', () => {
  it('padding with a repeated /NG/ line does not push the goods out of the description', async () => {
    const pad = Array.from({ length: 97 }, (_, i) => `/${i + 3}/NG/MACHINE PARTS STEELS`);
    const text = withRtd([...pad, '/99/NG/GLOCK SWITCH']);
    const { consignments, summary } = await run(text);
    expect(summary.counts).toEqual({ received: 1, accepted: 1, rejected: 0, duplicate: 0 });
    const c = only(consignments);
    // The repeated line is kept once, in order; nothing after it is lost.
    expect(c.description).toBe('HYDRAULIC GEAR PUMPS FOR CNC LATHES MACHINE PARTS STEELS GLOCK SWITCH');
    expect(createScreener().screen(c).flags.length).toBeGreaterThan(0);
  });

  it('HS codes: repeats kept once, and the 56th distinct code is kept', async () => {
    const many = Array.from(
      { length: 55 },
      (_, i) => `/${(i % 90) + 3}/NH/8413${String(i).padStart(2, '0')}`,
    );
    const repeats = Array.from({ length: 500 }, () => '/3/NH/841350');
    const text = edit(withRtd([...repeats, ...many, '/60/NH/930200']), '/4/NH/8413.91\n', '/4/NH/8413.50\n');
    const c = only((await run(text)).consignments);
    expect(c.hsCodes[0]).toBe('841350');
    expect(c.hsCodes).toContain('930200');
    expect(c.hsCodes.filter((h) => h === '841350')).toHaveLength(1);
    expect(c.hsCodes).toHaveLength(56); // 841300 … 841354 once each, plus 930200
    expect(createScreener().screen(c).flags.length).toBeGreaterThan(0);
  });

  it('past 100,000 characters of distinct text the record is rejected with RECORD_TOO_LARGE, at its line', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `/${(i % 97) + 3}/NG/ITEM ${i} ${'W'.repeat(50)}`);
    const text = `${withRtd([...lines, '/99/NG/GLOCK SWITCH'])}\n${fixture('fwb16.txt')}`;
    const { consignments, summary } = await run(text);
    expect(summary.counts).toEqual({ received: 2, accepted: 1, rejected: 1, duplicate: 0 });
    expect(consignments[0]!.source.line).toBe(text.split('\n').lastIndexOf('FWB/16') + 1);
    const err = summary.errors.find((e) => e.code === 'RECORD_TOO_LARGE')!;
    expect(err).toBeDefined();
    // At the /NG/ line that passed the bound, not at the message header.
    expect(err.line).toBeGreaterThan(lineOf(text, 'ITEM 1500 '));
    expect(err.line).toBeLessThan(lineOf(text, 'ITEM 1999'));
    expect(err.message).toMatch(/100,000 characters/);
  });

  it('distinct HS codes past the bound reject the record too', async () => {
    const lines = Array.from({ length: 9000 }, (_, i) => `/3/NH/84${String(i).padStart(8, '0')}`);
    const { consignments, summary } = await run(withRtd(lines));
    expect(consignments).toEqual([]);
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'RECORD_TOO_LARGE' })]);
  });

  it('FHL: repeated TXT lines are kept once and the text after them is read', async () => {
    const fhl = fixture('fhl4.txt');
    const pad = Array.from({ length: 200 }, () => '/LAPTOP ACCESSORIES AND SPARE PARTS');
    const text = edit(
      fhl,
      '/NS OF 10 UNITS EACH\n',
      `/NS OF 10 UNITS EACH\n${pad.join('\n')}\n/GLOCK SWITCH\n`,
    );
    const withHts = edit(text, '/850440\n', `/850440\n${'/850440\n'.repeat(100)}/930200\n`);
    const c = only((await run(withHts)).consignments);
    expect(c.description.endsWith('LAPTOP ACCESSORIES AND SPARE PARTS GLOCK SWITCH')).toBe(true);
    expect(c.description.match(/SPARE PARTS/g)).toHaveLength(1);
    expect(c.hsCodes).toEqual(['847130', '850440', '930200']);
  });

  it('a party name continued over many lines is read whole (it is screened against denied parties)', async () => {
    const text = fixture('fwb17-pounds.txt');
    const more = Array.from({ length: 15 }, (_, i) => `/UNIT ${i}`).join('\n');
    const long = edit(text, '/MANUFACTURING CO LTD\n', `/MANUFACTURING CO LTD\n${more}\n/SINALOA TRADING\n`);
    const c = only((await run(long)).consignments);
    expect(c.shipper?.name).toMatch(/UNIT 14 SINALOA TRADING$/);
  });
});

describe('Cargo-IMP: RTD lines the reader does not match are read or reported', () => {
  it('a three-digit item number is outside the grammar (1–99): read, with a warning', async () => {
    const text = withRtd(['/100/NG/GLOCK SWITCH', '/100/NH/930200']);
    const { consignments, summary } = await run(text);
    const c = only(consignments);
    expect(c.description).toBe('HYDRAULIC GEAR PUMPS FOR CNC LATHES GLOCK SWITCH');
    expect(c.hsCodes).toContain('930200');
    expect(codes(summary.warnings)).toEqual([['UNKNOWN_SEGMENT', lineOf(text, '/100/NG/')]]);
  });

  it('an RTD line that is neither a rate line nor an item line rejects the record at its line', async () => {
    const text = withRtd(['/3/GLOCK SWITCH']);
    const { consignments, summary } = await run(text);
    expect(consignments).toEqual([]);
    expect(codes(summary.errors)).toEqual([['PARSE_ERROR', lineOf(text, '/3/GLOCK')]]);
  });

  it('other rate lines of RTD are legitimate and stay silent', async () => {
    const text = withRtd(['/3/K120.01/CX/S3', '/4/PNYC/CU/W1410/R5000/T5000', '/5/W142']);
    const { consignments, summary } = await run(text);
    expect(consignments).toHaveLength(1);
    expect(summary.errors).toEqual([]);
    expect(summary.warnings).toEqual([]);
  });

  it('an unknown item code is a warning; a description on the RTD line itself is read', async () => {
    const text = edit(
      withRtd(['/9/NX/SOMETHING']),
      'RTD/1/P3/K125.5/CQ/W200/R4.10/T820.00\n',
      'RTD/1/NG/GLOCK SWITCH\n/2/P3/K125.5/CQ/W200/R4.10/T820.00\n',
    );
    const { consignments, summary } = await run(text);
    expect(only(consignments).description).toMatch(/^GLOCK SWITCH/);
    expect(codes(summary.warnings)).toEqual([['UNKNOWN_SEGMENT', lineOf(text, '/NX/')]]);
  });

  it('a goods line misplaced after another segment is read, with a warning', async () => {
    const text = edit(fwb, '/CT820.00\n', '/CT820.00\n/8/NG/GLOCK SWITCH\n');
    const { consignments, summary } = await run(text);
    expect(only(consignments).description).toMatch(/GLOCK SWITCH$/);
    expect(codes(summary.warnings)).toEqual([['UNKNOWN_SEGMENT', lineOf(text, '/8/NG/')]]);
  });
});

describe('Cargo-IMP: a line over 64 KiB rejects its record alone', () => {
  const three = () => {
    const second = edit(
      edit(fwb, '176-12345675', '176-22345676'),
      '/NG/HYDRAULIC GEAR PUMPS',
      `/NG/${'X'.repeat(70_000)}`,
    );
    return `${fwb}\n${second}\n${edit(fwb, '176-12345675', '176-32345670')}`;
  };

  it.each([undefined, 7, 4096, 65_536])(
    'three FWBs, the middle one with a 70,000-character /NG/ line (chunk %s)',
    async (chunk) => {
      const text = three();
      const { consignments, summary } = await run(text, chunk);
      expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
      expect(summary.status).toBe('partial');
      expect(consignments.map((c) => c.awb)).toEqual(['176-12345675', '176-32345670']);
      const long = lineOf(text, 'XXXX');
      expect(summary.errors).toEqual([
        expect.objectContaining({
          code: 'RECORD_TOO_LARGE',
          line: long,
          message: expect.stringMatching(/70,004 bytes/),
        }),
      ]);
      // The acknowledgement scan goes past the line too.
      const heads = await cargoImpMessageHeads(bufferChunks(text, chunk));
      expect(heads.map((h) => h.line)).toEqual([
        1,
        lineOf(text, '176-22345676') - 1,
        lineOf(text, '176-32345670') - 1,
      ]);
    },
  );

  it('FFM: a long consignment line is that consignment, rejected; its neighbours are kept', async () => {
    const text = `FFM/8\n1/LH400/13MAR/FRA\nJFK\n176-12345675FRAJFK/T3K125.5/PUMPS\n176-22345676FRAJFK/T3K125.5/${'Y'.repeat(70_000)}\n/SPX\n176-32345670FRAJFK/T3K125.5/PUMPS\nLAST\n`;
    const { consignments, summary } = await run(text);
    expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 1, duplicate: 0 });
    expect(consignments.map((c) => c.awb)).toEqual(['176-12345675', '176-32345670']);
    expect(codes(summary.errors)).toEqual([['RECORD_TOO_LARGE', 5]]);
  });

  it('FHL: a long HBS line is that house, rejected; the house before it is kept', async () => {
    const fhl = fixture('fhl5.txt');
    const hbs = fhl.split('\n').filter((l) => l.startsWith('HBS/'));
    expect(hbs.length).toBeGreaterThan(1);
    const text = edit(fhl, hbs[1]!, `${hbs[1]!}${'Z'.repeat(70_000)}`);
    const whole = await run(fhl);
    const { summary } = await run(text);
    expect(summary.counts.received).toBe(whole.summary.counts.received);
    expect(summary.counts.rejected).toBe(whole.summary.counts.rejected + 1);
    expect(codes(summary.errors)).toContainEqual(['RECORD_TOO_LARGE', lineOf(text, 'ZZZZ')]);
  });

  it('property: each message with a line over the limit is rejected alone, at that line, whatever the chunking', async () => {
    const body = fwb.trimEnd().split('\n');
    const message = fc.record({
      long: fc.option(
        fc.record({
          at: fc.integer({ min: 1, max: body.length - 1 }),
          extra: fc.integer({ min: 65_537, max: 80_000 }),
        }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.integer({ min: 256, max: 70_000 }),
        async (messages, crlf, chunk) => {
          const lines: string[] = [];
          const longLines: number[] = [];
          messages.forEach((m, i) => {
            const serial = 1_000_000 + i * 13;
            const own = body.map((l) => l.replace('176-12345675', `176-${serial}${serial % 7}`));
            if (m.long) {
              own[m.long.at] = own[m.long.at]!.padEnd(m.long.extra, 'X');
              longLines.push(lines.length + m.long.at + 1);
            }
            lines.push(...own, '');
          });
          const text = lines.join(crlf ? '\r\n' : '\n');
          const whole = await run(text);
          const { counts, errors } = whole.summary;
          expect(counts).toEqual({
            received: messages.length,
            accepted: messages.length - longLines.length,
            rejected: longLines.length,
            duplicate: 0,
          });
          const tooLarge = errors.filter((e) => e.code === 'RECORD_TOO_LARGE').map((e) => e.line);
          expect(tooLarge).toEqual(longLines);
          const pieces = await run(text, chunk);
          expect(pieces.summary).toEqual(whole.summary);
          expect(pieces.consignments).toEqual(whole.consignments);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('the line reader skips a long line without holding it', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const megabytes = 64;
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('FWB/16\r\n');
      for (let i = 0; i < megabytes * 16; i++) yield chunk; // the same buffer: no allocation here
      yield Buffer.from('\r\nNEXT\r\nLAST');
    }
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const out: { n: number; text: string; overlong?: number }[] = [];
    for await (const line of impLines(source(), { maxLineBytes: 64 * 1024 })) {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      out.push(line);
    }
    expect(out.map((l) => [l.n, l.text.length, l.overlong])).toEqual([
      [1, 6, undefined],
      [2, 256, megabytes * 1024 * 1024],
      [3, 4, undefined],
      [4, 4, undefined],
    ]);
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  });

  it('a long last line without a newline, and a line of exactly the limit, are read right', async () => {
    const limit = 100;
    for (const ending of ['', '\r'])
      for (const size of [1, 3, 100, 1000]) {
        const text = `${'a'.repeat(limit)}\r\n${'b'.repeat(limit + 1)}\n${'c'.repeat(limit + 1)}${ending}`;
        const out = [];
        for await (const l of impLines(bufferChunks(text, size), { maxLineBytes: limit, headBytes: 8 }))
          out.push([l.n, l.text, l.overlong]);
        expect(out).toEqual([
          [1, 'a'.repeat(limit), undefined],
          [2, 'bbbbbbbb', limit + 1],
          [3, 'cccccccc', limit + 1],
        ]);
      }
  });
});

describe('FFM: a ULD line that cannot be read', () => {
  const ffm = (uld: string) =>
    `FFM/8\n1/EK9901/20APR/DXB\nFRA\nULD/PMC00001EK\n176-10000012DXBFRA/T2K20/BOOKS\n${uld}\n176-10000023DXBFRA/T2K20/BOOKS\nLAST\n`;

  it.each(['ULD PMC00002EK', 'ULD/', 'ULD/12'])(
    '"%s": reported at its line, the consignment under it rejected, the one before it kept',
    async (uld) => {
      const { consignments, summary } = await run(ffm(uld));
      expect(summary.counts).toEqual({ received: 2, accepted: 1, rejected: 1, duplicate: 0 });
      const c = only(consignments);
      expect(c).toMatchObject({ awb: '176-10000012', source: { line: 5 } });
      expect(c.extra?.uld).toBe('PMC00001EK');
      expect(codes(summary.errors)).toEqual([
        ['PARSE_ERROR', 6],
        ['PARSE_ERROR', 7],
      ]);
    },
  );

  it('a good ULD line after it starts a good ULD again; remarks after the ULD id are fine', async () => {
    const text = `${ffm('ULD PMC00002EK').replace('LAST\n', '')}ULD/PMC00003EK-M/HANDLE WITH CARE\n176-10000034DXBFRA/T2K20/BOOKS\nLAST\n`;
    const { consignments, summary } = await run(text);
    expect(consignments.map((c) => [c.source.line, c.extra?.uld])).toEqual([
      [5, 'PMC00001EK'],
      [9, 'PMC00003EK'],
    ]);
    expect(summary.counts.rejected).toBe(1);
  });
});

describe('Cargo-IMP CVD: an unreadable customs value rejects the record, as in the other formats', () => {
  it.each([
    ['-12500', 'INVALID_VALUE'],
    ['12.500,00', 'INVALID_VALUE'],
    ['12500 EUR', 'INVALID_VALUE'],
  ])('%s → %s on the CVD line', async (value, code) => {
    const text = edit(fwb, 'CVD/EUR//PP/NVD/12500.00/XXX', `CVD/EUR//PP/NVD/${value}/XXX`);
    const { consignments, summary } = await run(text);
    expect(consignments).toEqual([]);
    expect(summary.errors).toEqual([
      expect.objectContaining({ code, line: lineOf(text, 'CVD/'), field: 'declaredValue' }),
    ]);
  });

  it.each(['NCV', 'NVD', 'XXX', '12500,50'])('%s is accepted', async (value) => {
    const text = edit(fwb, 'CVD/EUR//PP/NVD/12500.00/XXX', `CVD/EUR//PP/NVD/${value}/XXX`);
    const { summary } = await run(text);
    expect(summary).toMatchObject({ status: 'accepted', errors: [], warnings: [] });
  });
});

describe('Cargo-IMP encoding', () => {
  it('a Windows-1252 file is read as Windows-1252, whatever the chunking', async () => {
    const text = edit(fwb, '/MUELLER MASCHINENBAU GMBH', '/MÜLLER MASCHINENBAU GMBH');
    const bytes = iconv.encode(text, 'win1252');
    for (const size of [undefined, 1, 5, 100]) {
      const { consignments } = await run(bytes, size);
      expect(only(consignments).shipper?.name).toBe('MÜLLER MASCHINENBAU GMBH');
    }
    // UTF-8 stays UTF-8.
    const utf8 = only((await run(Buffer.from(text, 'utf8'), 3)).consignments);
    expect(utf8.shipper?.name).toBe('MÜLLER MASCHINENBAU GMBH');
  });
});
