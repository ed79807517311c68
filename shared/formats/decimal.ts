/**
 * Decimal numbers as manifests write them ("2.34", "0,75", "-3", " 12 "), parsed without a call
 * into the engine's general string-to-number conversion, which is large code run three times a
 * parcel. The result is exactly Number()'s: with at most 15 significant digits and 22 decimals,
 * both the digits and the power of ten are exact doubles and one division rounds correctly.
 * Anything else (exponents, long digit strings) goes to Number() itself; hex, octal, binary and
 * Infinity are not numbers here.
 */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/**
 * A plain decimal as XML Schema's xsd:decimal writes it: an optional sign, digits and at most one
 * decimal point; no exponent, hex, comma, inner or surrounding space.
 */
const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
/** A character no decimal number holds (an exponent's e aside). */
const NOT_DECIMAL = /[^\d\s.,+\-eE]/;

/**
 * True when `text` is a plain decimal (see PLAIN_DECIMAL): what formats whose numbers are
 * xsd:decimal (Cargo-XML, ONE Record) accept, before parseDecimal reads it.
 */
export function isPlainDecimal(text: string): boolean {
  return PLAIN_DECIMAL.test(text);
}

/** Number(text) of a decimal, with a decimal comma read as a point; NaN when it is not a decimal. */
export function parseDecimal(text: string): number {
  let i = 0;
  let end = text.length;
  while (i < end && text.charCodeAt(i) === 32) i++;
  while (end > i && text.charCodeAt(end - 1) === 32) end--;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 45 || sign === 43) {
    negative = sign === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0; // significant digits (after leading zeros)
  let sawDigit = false;
  let decimals = -1; // -1: no decimal separator yet
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      sawDigit = true;
      if (mantissa > 0) digits++;
      if (decimals >= 0) decimals++;
    } else if ((c === 46 || c === 44) && decimals < 0) decimals = 0;
    else return slow(text);
  }
  // "", ".", "-": no digit at all.
  if (!sawDigit || digits > 15 || decimals > 22) return slow(text);
  const value = decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
  return negative ? -value : value;
}

/**
 * The general case: Number(), then once more with a decimal comma as a point; but never hex,
 * octal or binary ("0x10" is not 16 kg) nor Infinity, which Number() would read.
 */
function slow(text: string): number {
  if (NOT_DECIMAL.test(text)) return Number.NaN;
  const n = Number(text);
  if (Number.isNaN(n) && text.includes(',')) return Number(text.trim().replace(',', '.'));
  return n;
}
