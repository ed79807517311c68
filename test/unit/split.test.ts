import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPlain, splitRecord } from '../../shared/formats/parcel-csv/split.js';

/** The splitter as first written, over a whole record at once (lines joined): the reference. */
function wholeRecord(text: string, delimiter: string): { fields: string[]; open: boolean } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
    i += 1;
  }
  fields.push(field);
  return { fields, open: quoted };
}

describe('CSV field splitting', () => {
  it('splits an unquoted line exactly as String.prototype.split does', () => {
    const delimiters = [',', ';', '\t', '|'] as const;
    const text = fc
      .array(fc.oneof(fc.string(), fc.constantFrom(...delimiters)), { maxLength: 30 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom(...delimiters), fc.nat(12), (t, d, expected) => {
        expect(splitPlain(t, d)).toEqual(t.split(d));
        // Sized for another field count than the line has: still exactly the line's fields.
        const sized = splitPlain(t, d, expected);
        expect(sized).toEqual(t.split(d));
        expect(sized.length).toBe(t.split(d).length);
        expect(splitRecord(t.replaceAll('"', ''), d)).toEqual({
          fields: t.replaceAll('"', '').split(d),
          open: false,
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps empty fields at both ends and in between', () => {
    expect(splitPlain('', ',')).toEqual(['']);
    expect(splitPlain(',a,,b,', ',')).toEqual(['', 'a', '', 'b', '']);
  });

  it('reads a record line by line as the whole record at once', () => {
    const piece = fc.constantFrom('"', '""', ',', ';', ' ', '\u00a0', '\t', 'a', 'b c', '\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.constantFrom(',', ';', '\t'), (pieces, d) => {
        const lines = pieces.join('').split('\n');
        // As the parser reads it: line by line while the record is open.
        let read = 1;
        const first = splitRecord(lines[0]!, d);
        let open = first.open;
        let fields = first.fields;
        if (first.splitter) {
          while (open && read < lines.length) open = first.splitter.continues(lines[read++]!);
          fields = first.splitter.finish();
        }
        expect({ fields, open }).toEqual(wholeRecord(lines.slice(0, read).join('\n'), d));
      }),
      { numRuns: 5000 },
    );
  });

  it('still honours quotes when the line may hold them', () => {
    expect(splitRecord('a,"b,c",d', ',')).toEqual({ fields: ['a', 'b,c', 'd'], open: false });
    expect(splitRecord('a,"b', ',').open).toBe(true);
  });
});
