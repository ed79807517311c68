import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casCheckDigitOk, findCasNumbers } from '../../shared/screening/cas.js';

describe('CAS numbers', () => {
  it('accepts numbers whose check digit is right', () => {
    for (const cas of ['21409-26-7', '39742-60-4', '125541-22-2', '79099-07-3', '50-36-2', '7732-18-5'])
      expect(casCheckDigitOk(cas)).toBe(true);
  });

  it('rejects a wrong check digit and malformed numbers', () => {
    for (const cas of ['21409-26-8', '79099-07-4', '1-23-4', '12345678-12-3', '21409-2-67', 'abc'])
      expect(casCheckDigitOk(cas)).toBe(false);
  });

  it('finds valid numbers in free text and skips invalid ones', () => {
    const text = 'Reactivo CAS 79099-07-3; lote 21409-26-8; tel 555-12-3456; CAS No.0050-36-2.';
    expect(findCasNumbers(text).map((h) => h.cas)).toEqual(['79099-07-3', '50-36-2']);
    expect(text.slice(findCasNumbers(text)[0]!.start, findCasNumbers(text)[0]!.end)).toBe('79099-07-3');
  });

  it('reads numbers written with other dashes or full-width digits, at their place in the text', () => {
    for (const text of ['CAS 21409–26–7', 'CAS 21409—26−7', 'CAS ２１４０９－２６－７', 'CAS 21409‑26‐7']) {
      const hits = findCasNumbers(text);
      expect(hits.map((h) => h.cas)).toEqual(['21409-26-7']);
      expect(text.slice(hits[0]!.start, hits[0]!.end)).toBe(text.slice(4));
    }
    expect(findCasNumbers('CAS 21409–26–8')).toEqual([]); // still checked
  });

  it('does not take a number out of a longer digit run', () => {
    expect(findCasNumbers('SKU 121409-26-7-B')).toEqual([]);
  });

  const quoted = (text: string) => findCasNumbers(text).map((h) => [h.cas, text.slice(h.start, h.end)]);

  it('after a CAS label, reads numbers written with spaces, spaced hyphens or no separator', () => {
    for (const [text, written] of [
      ['Reactivo CAS-21409-26-7', '21409-26-7'],
      ['CAS 21409 26 7', '21409 26 7'],
      ['CAS: 21409 - 26 - 7', '21409 - 26 - 7'],
      ['CAS 21409267', '21409267'],
      ['CAS No. 21409267', '21409267'],
      ['CAS#21409267', '21409267'],
      ['cas nº 21409267', '21409267'],
      ['CAS N° 21409-26-7', '21409-26-7'],
      ['CAS number: 21409 26-7', '21409 26-7'],
      ['CAS RN 21409267.', '21409267'],
      ['(CAS-No.: 21409 – 26 – 7)', '21409 – 26 – 7'],
      ['CAS ２１４０９２６７', '２１４０９２６７'],
    ])
      expect(quoted(text!), text).toEqual([['21409-26-7', written]]);
  });

  it('splits a labelled digit run from the right and drops leading zeros', () => {
    expect(quoted('CAS 0050362, CAS 50 36 2, CAS 7732185')).toEqual([
      ['50-36-2', '0050362'],
      ['50-36-2', '50 36 2'],
      ['7732-18-5', '7732185'],
    ]);
    expect(quoted('Mezcla CAS 79099 07 3 y 21409-26-7; CAS#125541222')).toEqual([
      ['79099-07-3', '79099 07 3'],
      ['21409-26-7', '21409-26-7'],
      ['125541-22-2', '125541222'],
    ]);
  });

  it('still checks the digit of a labelled number', () => {
    for (const text of [
      'CAS 21409 26 8',
      'CAS 21409268',
      'CAS-21409-26-8',
      'CAS#79099074',
      'CAS: 21409 - 26 - 8',
    ])
      expect(findCasNumbers(text), text).toEqual([]);
  });

  it('keeps the strict hyphenated shape without a label', () => {
    for (const text of [
      '21409 26 7',
      '21409267',
      'Tel 21409267',
      'lote 21409 - 26 - 7',
      'Ref-21409-26-7',
      'Item 79099-07-3-B',
      'casa 21409267',
      'Casco 21409 26 7',
      'CASE 21409267',
      'Estuche 9mm 50 12 3',
    ])
      expect(findCasNumbers(text), text).toEqual([]);
  });

  it('a label does not take a number out of a longer digit run', () => {
    for (const text of [
      'CAS 121409267',
      'CAS 9921409267',
      'CAS 21409 26 78',
      'CAS 21409 26-78',
      'CAS 21409267-B',
    ])
      expect(findCasNumbers(text), text).toEqual([]);
  });

  it('every labelled way of writing a valid number reads as that number (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 9_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom('CAS ', 'CAS-', 'CAS: ', 'CAS No. ', 'CAS#', 'cas rn '),
        fc.constantFrom(['-', '-'], [' ', ' '], [' - ', ' - '], ['', ''], [' ', '-']),
        (a, b, label, [s1, s2]) => {
          const mid = String(b).padStart(2, '0');
          const digits = `${a}${mid}`;
          let sum = 0;
          for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i + 1);
          const written = `${a}${s1}${mid}${s2}${sum % 10}`;
          const text = `Reactivo ${label}${written} 25 kg`;
          expect(quoted(text)).toEqual([[`${a}-${mid}-${sum % 10}`, written]]);
          if (s1 !== '-' || s2 !== '-') expect(findCasNumbers(`Reactivo ${written} 25 kg`)).toEqual([]);
        },
      ),
    );
  });

  it('a one-digit change to a valid number is caught by the check digit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 9_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 9 }),
        (a, b, delta) => {
          const digits = `${a}${String(b).padStart(2, '0')}`;
          let sum = 0;
          for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i + 1);
          const good = `${a}-${String(b).padStart(2, '0')}-${sum % 10}`;
          const bad = `${a}-${String(b).padStart(2, '0')}-${(sum + delta) % 10}`;
          expect(casCheckDigitOk(good)).toBe(true);
          expect(casCheckDigitOk(bad)).toBe(false);
        },
      ),
    );
  });
});
