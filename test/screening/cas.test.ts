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
