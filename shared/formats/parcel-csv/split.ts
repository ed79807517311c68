const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Picks the delimiter that splits the header line into the most fields (outside quotes). */
export function sniffDelimiter(header: string): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = splitRecord(header, d).fields.length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Splits one CSV record (RFC 4180 quoting: "" inside quotes is a quote). `open` is true when
 * the text ends inside a quoted field, so the caller joins the next line and tries again.
 * `mayQuote` false skips the search for a quote (the caller searched the whole chunk).
 */
export function splitRecord(
  text: string,
  delimiter: string,
  mayQuote = true,
  expected = 0,
): { fields: string[]; open: boolean } {
  if (!mayQuote || !text.includes('"')) return { fields: splitPlain(text, delimiter, expected), open: false };
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

/**
 * `text.split(delimiter)` for a one-character delimiter, by indexOf and slice: measured ~1.6×
 * faster than the built-in split on a parcel manifest's lines (630 against 1,000 ns a line),
 * which was a fifth of the time validating one. `expected`, the header's field count, sizes the
 * array up front: no copies as it grows (~20 % of splitting a 19-field line).
 */
export function splitPlain(text: string, delimiter: string, expected = 0): string[] {
  const fields: string[] = expected > 0 ? new Array<string>(expected) : [];
  let count = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf(delimiter, from);
    if (at < 0) break;
    if (count < expected) fields[count] = text.slice(from, at);
    else fields.push(text.slice(from, at));
    count += 1;
    from = at + 1;
  }
  if (count < expected) {
    fields[count] = text.slice(from);
    // Only when the line has fewer fields than expected: setting length costs even unchanged.
    if (count + 1 < expected) fields.length = count + 1;
  } else fields.push(text.slice(from));
  return fields;
}
