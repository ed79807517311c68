import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookalikeReadings } from '../../shared/screening/lookalike-digits.js';

const words = (text: string) => lookalikeReadings(text).words.map((w) => text.slice(w.start, w.end));

describe('lookalikeReadings', () => {
  it('reads digits and symbols typed for letters inside words', () => {
    expect(lookalikeReadings('AMM0 9mm').readings).toEqual(['AMMo 9mm']);
    expect(lookalikeReadings('her0in m3th').readings).toEqual(['heroin meth']);
    expect(lookalikeReadings('$ilencer fent@nyl p!stol').readings).toEqual(['silencer fentanyl pistol']);
    expect(lookalikeReadings('b4las 5afrol pis7ol').readings).toEqual(['balas safrol pistol']);
    // A capital I after a small letter is an l.
    expect(lookalikeReadings('fentanyI citrate').readings).toEqual(['fentanyl citrate']);
  });

  it('reads a "1" both as "l" and as "i"', () => {
    expect(lookalikeReadings('c0ca1ne').readings).toEqual(['cocalne', 'cocaine']);
    expect(lookalikeReadings('diese1').readings).toEqual(['diesel', 'diesei']);
    expect(words('c0ca1ne diese1 cotton')).toEqual(['c0ca1ne', 'diese1']);
    // Both ways within one word, too.
    expect(lookalikeReadings('p1sto1').readings).toEqual(['plstol', 'pistoi', 'pistol', 'plstoi']);
    // Bounded: many such words make at most 8 readings.
    expect(lookalikeReadings('ab1cd1ef1 '.repeat(20)).readings).toHaveLength(8);
  });

  it('leaves numbers, sizes, models and prices as they are', () => {
    for (const text of [
      '9mm 12ga 22lr',
      'B12 vitamins 500mg',
      'USB 3.0 cable, 1080p',
      'Model X100',
      '$100 gift card',
      'Hi! Thanks',
      'Pack of 3',
      'AK47 airsoft 1:1',
      'Rev. 2024-11-05',
      'Tel. 55 1234 5678',
      'Cotton T-shirts',
      'IPHONE CASE',
    ])
      expect(lookalikeReadings(text), text).toEqual({ readings: [], words: [] });
    // Read, but harmless: screening keeps only the terms a reading adds (screen.test.ts).
    expect(lookalikeReadings('Size 4XL, 3pcs, MP3').readings).toEqual(['Size aXL, epcs, MPe']);
  });

  it('keeps every position: a reading has the length of the text and changes only look-alikes', () => {
    const piece = fc.constantFrom(
      'AMM0',
      'c0ca1ne',
      '$ilencer',
      'fent@nyl',
      'fentanyI',
      '9mm',
      'x100',
      'Ñandú',
      '𝐀𝐌',
      ' ',
      ', ',
      'é',
      '3',
      'I',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const { readings, words: ws } = lookalikeReadings(text);
        for (const reading of readings) {
          expect(reading.length).toBe(text.length);
          for (let i = 0; i < text.length; i++)
            if (reading[i] !== text[i]) {
              expect('0134573@$!I').toContain(text[i]);
              expect(ws.some((w) => w.start <= i && i < w.end)).toBe(true);
            }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stays linear on a long hostile text', () => {
    const text = 'c0ca1ne '.repeat(50_000);
    const { readings, words: ws } = lookalikeReadings(text);
    expect(readings).toHaveLength(2);
    expect(ws).toHaveLength(50_000);
  });
});
