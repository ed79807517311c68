import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldUnfoldedSpace, unfoldedSpace } from '../../shared/formats/parcel-csv/parser.js';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { HEADER, row } from './helpers.js';

/** Characters that are or are near white space, among ordinary ones. */
const SPACES = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2005',
  '\u200a',
  '\u200b',
];
const MORE = ['\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u180e', 'a', 'é', ',', ';', '"'];

/** The lines of a chunk as the reader hands them to the parser (LF or CRLF ends). */
function lines(text: string): string[] {
  return text.split('\n').map((l, i, all) => (i < all.length - 1 && l.endsWith('\r') ? l.slice(0, -1) : l));
}

describe('the chunk check for white space to fold', () => {
  it('never says "none" of a chunk with a line the per-line test would catch', () => {
    const chunk = fc
      .array(fc.oneof(fc.constantFrom(...SPACES, ...MORE), fc.string({ maxLength: 4 })), { maxLength: 40 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(chunk, fc.constantFrom(',', ';', '\t', '|'), (text, delimiter) => {
        const perLine = lines(text).some((l) => unfoldedSpace(delimiter).test(l));
        if (perLine) expect(mayHoldUnfoldedSpace(text, delimiter)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('lets plain chunks skip the per-line test, CRLF ends included', () => {
    expect(mayHoldUnfoldedSpace('a,b c\nd,e\n', ',')).toBe(false);
    expect(mayHoldUnfoldedSpace('a,b c\r\nd,e\r\n', ',')).toBe(false);
    expect(mayHoldUnfoldedSpace('a\tb\n', '\t')).toBe(false);
    expect(mayHoldUnfoldedSpace('a\tb\n', ',')).toBe(true);
    expect(mayHoldUnfoldedSpace('a\rb\n', ',')).toBe(true);
    expect(mayHoldUnfoldedSpace('a  b\n', ',')).toBe(true);
    expect(mayHoldUnfoldedSpace('a\u3000b\n', ',')).toBe(true);
  });

  it('still folds white space in rows deep in a document, in chunks with and without it', async () => {
    // 4 KiB chunks: the odd rows sit in later chunks, among chunks holding none.
    const rows = Array.from({ length: 3000 }, (_, i) =>
      row({
        ParcelID: `P${i}`,
        BuyerName: i === 2500 ? 'Ana\u00a0 María   López' : i === 2900 ? 'Ana\tLópez' : 'Ana López',
      }),
    );
    const { consignments, summary } = await processAll(
      bufferChunks([HEADER, ...rows, ''].join('\r\n'), 4096),
    );
    expect(summary.counts).toMatchObject({ received: 3000, accepted: 3000 });
    expect(consignments[2500]!.consignee!.name).toBe('Ana María López');
    expect(consignments[2900]!.consignee!.name).toBe('Ana López');
    expect(consignments[10]!.consignee!.name).toBe('Ana López');
  });
});
