/**
 * CAS Registry Numbers in free text: 2–7 digits, 2 digits, 1 check digit (e.g. 21409-26-7).
 * The check digit is the sum of the other digits, each times its position counted from the
 * right (1, 2, 3 …), modulo 10: a number that fails it is a typo or not a CAS number at all.
 */

const CAS_IN_TEXT = /(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])/g;

export function casCheckDigitOk(cas: string): boolean {
  const m = /^(\d{2,7})-(\d{2})-(\d)$/.exec(cas);
  if (!m) return false;
  const digits = m[1]! + m[2]!;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (digits.charCodeAt(digits.length - 1 - i) - 48) * (i + 1);
  return sum % 10 === Number(m[3]);
}

export interface CasHit {
  cas: string;
  start: number;
  end: number;
}

/**
 * Dashes and digits written other ways: hyphen and dash characters, minus signs, full-width
 * forms ("２１４０９－２６－７", "21409–26–7"). Each is one code unit, as is its plain form, so
 * positions in the text hold.
 */
const OTHER_FORM = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\uff10-\uff19]/;
const OTHER_FORMS = new RegExp(OTHER_FORM.source, 'g');
const plainForm = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c >= 0xff10 ? String.fromCharCode(c - 0xff10 + 48) : '-';
};

/**
 * CAS numbers in the text whose check digit is right (leading zeros dropped: 0050-36-2 → 50-36-2).
 * Callers remember the answer per description (the screener's memo): the check for other forms
 * reads the whole text.
 */
export function findCasNumbers(text: string): CasHit[] {
  if (OTHER_FORM.test(text)) text = text.replace(OTHER_FORMS, plainForm);
  // Cheap guard: most descriptions hold no digit-hyphen-digit at all ("T-shirts" has a hyphen).
  if (!hasDigitHyphenDigit(text)) return [];
  const hits: CasHit[] = [];
  for (const m of text.matchAll(CAS_IN_TEXT)) {
    const cas = `${String(Number(m[1]))}-${m[2]}-${m[3]}`;
    if (casCheckDigitOk(cas)) hits.push({ cas, start: m.index, end: m.index + m[0].length });
  }
  return hits;
}

function hasDigitHyphenDigit(text: string): boolean {
  const isDigit = (c: number) => c >= 48 && c <= 57;
  for (let i = text.indexOf('-'); i > 0; i = text.indexOf('-', i + 1))
    if (isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) return true;
  return false;
}
