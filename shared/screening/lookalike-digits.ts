/**
 * Digits and symbols typed for the letters they look like inside a word ("AMM0", "c0ca1ne",
 * "$ilencer", "fent@nyl", "p!stol"), and a capital I typed for an l after a small letter
 * ("fentanyI"): the disguises left once Cyrillic and Greek look-alikes are read (latin.ts).
 *
 * A reading replaces such characters one for one, so every position stays that of the text as
 * written and a hit in a reading quotes the original. Only words with at least two letters, and
 * more letters than look-alikes, are read: "9mm", "b12", "x100", "AK47", "$100" and "1080p" stay
 * as they are. Harmless readings ("mp3" as "mpe") match no term; screening keeps only the terms a
 * reading adds.
 */

/** Where a reading changed the text: one word, positions in the text as written. */
export interface DigitDisguise {
  start: number;
  end: number;
}

export interface LookalikeReadings {
  /**
   * Texts of the original's length: a "1" is read as "l" in the first, as "i" in the second, and
   * both ways within a word that holds two or three ("p1sto1") in a few more (at most 8 in all).
   */
  readings: string[];
  /** The words the readings changed, in order. */
  words: DigitDisguise[];
}

const NONE: LookalikeReadings = Object.freeze({ readings: [], words: [] }) as LookalikeReadings;

/** What a digit or symbol reads as in a word ("1" is "l" or "i": both readings are made). */
const AS_LETTER: Record<string, string> = {
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};
/** Symbols count only before a letter or digit: "$100", "Hi!" and "a@b" at a word end are no disguise. */
const SYMBOLS = new Set(['@', '$', '!']);
/** Cheap test first: most descriptions hold no such character next to a letter. */
const MAY_HOLD = /[A-Za-z][013457@$!]|[013457@$!][A-Za-z]|[a-z]I/;
const WORD = /[\p{L}\p{N}@$!]+/gu;
const LETTER = /\p{L}/u;

function isLookalike(word: string, i: number): boolean {
  const c = word[i]!;
  if (c === '1' || AS_LETTER[c] !== undefined) {
    if (!SYMBOLS.has(c)) return true;
    const after = word[i + 1];
    return after !== undefined && (LETTER.test(after) || AS_LETTER[after] !== undefined || after === '1');
  }
  // A capital I after a small letter: "fentanyI" is "fentanyl" ("McIntosh" reads "Mclntosh", harmless).
  return c === 'I' && i > 0 && /\p{Ll}/u.test(word[i - 1]!);
}

/** The readings of `text` with its look-alike digits and symbols read as letters (none: no such word). */
export function lookalikeReadings(text: string): LookalikeReadings {
  if (!MAY_HOLD.test(text)) return NONE;
  const asL = text.split('');
  const asI = text.split('');
  const words: DigitDisguise[] = [];
  let hasOne = false;
  /** Positions of the "1"s of each word that holds two or three: read each way ("p1sto1"). */
  const mixed: number[][] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    let letters = 0;
    const at: number[] = [];
    for (let i = 0; i < word.length; i++) {
      if (isLookalike(word, i)) at.push(i);
      else if (LETTER.test(word[i]!)) letters++;
    }
    if (at.length === 0 || letters < 2 || at.length >= letters) continue;
    const start = m.index;
    for (const i of at) {
      const c = word[i]!;
      if (c === '1') {
        hasOne = true;
        asL[start + i] = 'l';
        asI[start + i] = 'i';
      } else {
        const letter = c === 'I' ? 'l' : AS_LETTER[c]!;
        asL[start + i] = letter;
        asI[start + i] = letter;
      }
    }
    words.push({ start, end: start + word.length });
    const ones = at.filter((i) => word[i] === '1').map((i) => start + i);
    if (ones.length >= 2 && ones.length <= 3) mixed.push(ones);
  }
  if (words.length === 0) return NONE;
  const readings = hasOne ? [asL.join(''), asI.join('')] : [asL.join('')];
  // The mixed ways of the first such words, each on the "l" reading (at most MAX_READINGS in all).
  for (const ones of mixed)
    for (let mask = 1; mask < (1 << ones.length) - 1 && readings.length < MAX_READINGS; mask++) {
      const variant = asL.slice();
      ones.forEach((at, k) => (variant[at] = mask & (1 << k) ? 'i' : 'l'));
      readings.push(variant.join(''));
    }
  return { readings, words };
}

/** Bounds the texts scanned for one description. */
const MAX_READINGS = 8;
