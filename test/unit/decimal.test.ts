import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainDecimal, parseDecimal } from '../../shared/formats/decimal.js';

/**
 * What the readers did before the fast path: Number(), then a decimal comma read as a point;
 * but not hex, octal, binary or Infinity.
 */
function reference(text: string): number {
  if (/0[xob]|infinity/i.test(text)) return Number.NaN;
  const n = Number(text);
  return Number.isNaN(n) && text.includes(',') ? Number(text.trim().replace(',', '.')) : n;
}

const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
const decimalText = fc
  .tuple(
    fc.constantFrom('', ' ', '  ', '\t'),
    fc.constantFrom('', '-', '+', '--'),
    digits(18),
    fc.constantFrom('', '.', ',', '..', ',.'),
    digits(25),
    fc.constantFrom('', ' ', 'e3', 'x', ',5', 'x1F', 'b1', 'o7'),
  )
  .map((parts) => parts.join(''));

describe('parseDecimal', () => {
  it('equals Number() with a decimal comma fallback, bit for bit', () => {
    fc.assert(
      fc.property(fc.oneof(decimalText, fc.string({ maxLength: 12 })), (text) => {
        expect(Object.is(parseDecimal(text), reference(text)), JSON.stringify(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['2.34', 2.34],
    ['0,75', 0.75],
    [' 12 ', 12],
    ['-0', -0],
    ['.5', 0.5],
    ['1.', 1],
    ['0.1', 0.1],
    ['123456789012345.6', 123456789012345.6],
    ['9007199254740993', 9007199254740992],
    ['1e3', 1000],
    ['', 0],
  ])('%j → %d', (text, value) => {
    expect(Object.is(parseDecimal(text), value)).toBe(true);
  });

  it.each([
    '.',
    '-',
    '1,2,3',
    '1.2.3',
    '1 2',
    'abc',
    'NaN',
    '0x10',
    ' 0X1F ',
    '0b11',
    '0o7',
    'Infinity',
    '-Infinity',
  ])('%j is not a number', (text) => {
    expect(parseDecimal(text)).toBeNaN();
  });
});

describe('isPlainDecimal (xsd:decimal as written)', () => {
  it.each(['12', '-1.5', '+3', '.5', '1.', '007'])('%j is one', (text) =>
    expect(isPlainDecimal(text)).toBe(true),
  );
  it.each(['', ' 12', '1,5', '1e2', '0x10', 'Infinity', '1.2.3', '.', '-', '1 2'])('%j is not', (text) =>
    expect(isPlainDecimal(text)).toBe(false),
  );
});
