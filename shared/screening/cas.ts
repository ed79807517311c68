/**
 * CAS Registry Numbers in free text: 2–7 digits, 2 digits, 1 check digit (e.g. 21409-26-7).
 * The check digit is the sum of the other digits, each times its position counted from the
 * right (1, 2, 3 …), modulo 10: a number that fails it is a typo or not a CAS number at all.
 */

const CAS_IN_TEXT = /(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])/g;

/**
 * After a "CAS" label ("CAS-", "CAS:", "CAS No.", "CAS Nº", "CAS number", "CAS RN", "CAS#" …) the
 * number may also be written with spaces, spaced hyphens or no separator ("CAS 21409 26 7",
 * "CAS#21409267"): the label says what it is, so that looser shape is not a phone number or a date.
 * Without a label only the hyphenated shape above is read. Separators stay on one line.
 */
const H = String.raw`[^\S\r\n]`;
const PUNCT = String.raw`${H}*(?:[#:.\-]${H}*){0,3}`;
const WORD = String.raw`(?:n[uú]m(?:ero|ber)?|nos?|nr|n\.?[º°]|rn)(?!\p{L})`;
const LABEL = String.raw`(?<![\p{L}\p{N}])cas(?:${PUNCT}${WORD})?${PUNCT}`;
const SEP = String.raw`(?:${H}*-${H}*|${H}+)`;
// An unseparated run may be followed by a quantity ("CAS 21409267 25 kg"), but is not the first
// group of a separated number that runs on ("CAS 21409 26 78" is not 21-40-9).
const NUMBER = String.raw`(\d{2,7}${SEP}\d{2}${SEP}\d|\d{5,10}(?!${SEP}\d{2}${SEP}\d))(?![\d-])`;
const LABELLED_CAS = new RegExp(LABEL + NUMBER, 'giu');

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
  // Cheap guards: most descriptions hold no digit-hyphen-digit at all ("T-shirts" has a hyphen),
  // and no "cas".
  const hyphenated = hasDigitHyphenDigit(text);
  const labelled = /cas/i.test(text);
  if (!hyphenated && !labelled) return [];
  const hits: CasHit[] = [];
  if (labelled)
    // exec, not matchAll: matchAll copies the regex, which costs more than most of these scans.
    for (let m; (m = LABELLED_CAS.exec(text));) {
      // Split from the right: the check digit, two digits, and the 2–7 before them.
      const digits = m[1]!.replace(/\D/g, '');
      const n = digits.length;
      const cas = `${String(Number(digits.slice(0, n - 3)))}-${digits.slice(n - 3, n - 1)}-${digits[n - 1]}`;
      const end = m.index + m[0].length;
      if (casCheckDigitOk(cas)) hits.push({ cas, start: end - m[1]!.length, end });
    }
  if (hyphenated) {
    // A labelled hyphenated number is matched by both: keep it once, in text order.
    const seen = new Set(hits.map((h) => h.start));
    const before = hits.length;
    for (const m of text.matchAll(CAS_IN_TEXT)) {
      const cas = `${String(Number(m[1]))}-${m[2]}-${m[3]}`;
      if (!seen.has(m.index) && casCheckDigitOk(cas))
        hits.push({ cas, start: m.index, end: m.index + m[0].length });
    }
    if (before > 0 && hits.length > before) hits.sort((a, b) => a.start - b.start);
  }
  return hits;
}

function hasDigitHyphenDigit(text: string): boolean {
  const isDigit = (c: number) => c >= 48 && c <= 57;
  for (let i = text.indexOf('-'); i > 0; i = text.indexOf('-', i + 1))
    if (isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) return true;
  return false;
}
