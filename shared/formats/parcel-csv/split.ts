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
 * the text ends inside a quoted field: the caller then feeds the next lines to a RecordSplitter
 * that has read this one (see RecordSplitter.continues).
 * `mayQuote` false skips the search for a quote (the caller searched the whole chunk).
 */
export function splitRecord(
  text: string,
  delimiter: string,
  mayQuote = true,
  expected = 0,
): { fields: string[]; open: boolean; splitter?: RecordSplitter } {
  if (!mayQuote || !text.includes('"')) return { fields: splitPlain(text, delimiter, expected), open: false };
  const splitter = new RecordSplitter(delimiter);
  const open = splitter.feed(text);
  return open ? { fields: [], open, splitter } : { fields: splitter.finish(), open };
}

/**
 * The quoting state machine of one record, fed a piece at a time: a quoted field may span
 * lines, and each line is read once. (Joining the lines and splitting again at each one was
 * quadratic: a sender's megabyte of quoted line breaks took minutes.)
 */
export class RecordSplitter {
  private readonly fields: string[] = [];
  private field = '';
  /** The field so far is white space only: a quote there opens a quoted field. */
  private blank = true;
  private quoted = false;
  /** Characters fed so far. */
  length = 0;

  constructor(private readonly delimiter: string) {}

  /** Reads `text`; true when the record is still open (inside a quoted field) at its end. */
  feed(text: string): boolean {
    this.length += text.length;
    const delimiter = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            this.blank = false;
            i++;
            continue;
          }
          this.quoted = false;
        } else this.append(ch);
      } else if (ch === '"' && this.blank) {
        this.quoted = true;
        this.field = '';
      } else if (ch === delimiter) {
        this.fields.push(this.field);
        this.field = '';
        this.blank = true;
      } else this.append(ch);
    }
    return this.quoted;
  }

  private append(ch: string): void {
    this.field += ch;
    // White space as String#trim sees it (\s is the same set), without trimming a growing field.
    if (this.blank && !WHITE.test(ch)) this.blank = false;
  }

  /** Reads the next line of a record left open: its line break belongs to the quoted field. */
  continues(line: string): boolean {
    this.field += '\n';
    this.length += 1;
    return this.feed(line);
  }

  /** The record's fields (call once the record is closed, or to give up on it). */
  finish(): string[] {
    this.fields.push(this.field);
    return this.fields;
  }
}

const WHITE = /\s/;

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
