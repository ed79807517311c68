import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPlain, splitRecord } from '../../shared/formats/parcel-csv/split.js';

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

  it('still honours quotes when the line may hold them', () => {
    expect(splitRecord('a,"b,c",d', ',')).toEqual({ fields: ['a', 'b,c', 'd'], open: false });
    expect(splitRecord('a,"b', ',').open).toBe(true);
  });
});
