import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { clip } from '../../model/clip.js';
import { DocumentError, issue, type Issue } from '../../model/issues.js';
import { parseDecimal } from '../decimal.js';
import type { DraftRecord, ReadItem } from '../types.js';
import { COLUMN_SYNONYMS, mapHeader, type Column } from './columns.js';
import { splitRecord, sniffDelimiter, type RecordSplitter } from './split.js';
import { DistinctStrings } from '../../model/distinct.js';

/**
 * Field position of each mapped column, -1 when absent, resolved once per file: rows stay plain
 * arrays (no per-row object with 20 keys), and a record reads its cells by number.
 */
type Layout = Record<Column, number>;
interface Row {
  fields: string[];
  line: number;
}
interface Group {
  key: string;
  rows: Row[];
  /** Every row's text held no white space but single spaces (see unfoldedSpace). */
  folded: boolean;
  /** Rows of the parcel past MAX_ITEMS_PER_PARCEL, counted but not kept. */
  overflow: number;
}

/**
 * Item rows one parcel may have. Its rows are held until the parcel ends: a file whose parcel
 * id column is wrong (one value on every row) would otherwise hold all of itself at once.
 */
const MAX_ITEMS_PER_PARCEL = 10_000;

/**
 * The one-character white space that validation would fold, but tab and line ends, one string
 * each: the set both tests below are made from, so that they cannot drift apart.
 */
const UNFOLDED_CHARS = [
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];

/**
 * White space that validation would fold: any but the plain space (and but the delimiter, for
 * tab-separated files), or two spaces in a row. A line without any has only folded fields once
 * `field` trims their ends, so its record is marked `folded` and validation skips folding it
 * field by field: one test per line (~220 ns) instead of one per text field (~50 ns each).
 */
export function unfoldedSpace(delimiter: string): RegExp {
  const tab = delimiter === '\t' ? '' : '\\t';
  const chars = UNFOLDED_CHARS.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  return new RegExp(`[${tab}\\n\\r${chars}]| {2}`);
}

/**
 * False when no line of `text` (several lines: a decoded chunk) can hold white space that
 * unfoldedSpace(delimiter) finds, so the reader may skip that test line by line. Why: the regular
 * expression scans a line at ~1.7 ns a character (~300 ms for a million parcel rows), while a
 * search for one character runs at memory speed and, in a string of Latin-1 characters, returns
 * at once for a wider one; a chunk costs ~24 searches (~120 ms for the same rows).
 */
export function mayHoldUnfoldedSpace(text: string, delimiter: string): boolean {
  if (text.includes('  ') || (delimiter !== '\t' && text.includes('\t'))) return true;
  for (const c of UNFOLDED_CHARS) if (text.includes(c)) return true;
  // A carriage return is a line end only right before a line feed.
  for (let r = text.indexOf('\r'); r >= 0; r = text.indexOf('\r', r + 1))
    if (text.charCodeAt(r + 1) !== 10) return true;
  return false;
}

/**
 * A record longer than this (quoted newlines included) is hostile or broken; so is a line of more
 * bytes than this (its line feed not counted), which the reader skips unread (see overLong).
 */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * Characters of an over-long line the reader passes on (see CsvParcelParser.overLong): enough to
 * name its parcel, never the whole line.
 */
export const OVER_LONG_PREFIX = 64 * 1024;

/** Fields a record rejected unread does not carry (see unread). */
const UNREAD_FIELDS = ['description', 'shipper', 'consignee'];

/**
 * The synchronous core of the parcel CSV reader: fed one decoded line at a time, it maps the
 * header, joins quoted fields that span lines, and groups consecutive rows of one parcel into
 * a single draft consignment. Kept free of I/O so a million rows cost no async hop each.
 */
export class CsvParcelParser {
  private layout: Layout | undefined;
  private extras: Extras = [];
  /** The header's delimiter (a comma until the header is read). */
  delimiter = ',';
  private unfolded = unfoldedSpace(',');
  /** Fields in the header: the usual count of a row's fields. */
  private width = 0;
  /** A record whose quoted field runs on past its first line (at `line`); NUL bytes found in it. */
  private pending: { splitter: RecordSplitter; line: number; issues: Issue[] | undefined } | undefined;
  private group: Group | undefined;
  /**
   * The errors that reject the current group's record, found by the reader (an over-long line, a
   * NUL byte, a quoted field never closed), and the group's first line: it goes out unread.
   */
  private rejected: { line: number; issues: Issue[] } | undefined;

  constructor(private readonly profile?: Record<string, string>) {}

  /**
   * `mayQuote` false: the caller knows the line holds no quote character; `mayUnfold` false: no
   * white space that validation would fold (see mayHoldUnfoldedSpace).
   */
  line(raw: string, n: number, out: ReadItem[], mayQuote = true, mayUnfold = true): void {
    const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    const pending = this.pending;
    if (pending) {
      if (!pending.splitter.continues(text)) {
        this.pending = undefined;
        // Folded it is not: a line break sits inside the quoted field.
        this.row(pending.splitter.finish(), pending.line, false, out);
        if (pending.issues) this.taint(pending.issues);
      } else if (pending.splitter.length > MAX_RECORD_CHARS) {
        this.giveUp(
          `line ${pending.line}: a quoted field runs past ${MAX_RECORD_CHARS.toLocaleString('en')} characters without its closing quote; the record is skipped, reading goes on at line ${n + 1}`,
          out,
        );
      }
      return;
    }
    if (!this.layout) {
      this.header(text, n, out);
      return;
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    const split = splitRecord(text, this.delimiter, mayQuote, this.width);
    if (split.splitter) {
      this.pending = { splitter: split.splitter, line: n, issues: undefined };
      return;
    }
    this.row(split.fields, n, !mayUnfold || !this.unfolded.test(text), out);
  }

  /** A row read: the next item of the current parcel, or the first of a new one. */
  private row(fields: string[], line: number, folded: boolean, out: ReadItem[]): void {
    // Rows of one parcel are consecutive; a new parcel id (or none) starts a new record.
    const key = field(fields, this.layout!.parcelId) ?? `#${line}`;
    if (this.group && this.group.key === key) {
      if (this.group.rows.length < MAX_ITEMS_PER_PARCEL) this.group.rows.push({ fields, line });
      else this.group.overflow += 1;
      this.group.folded &&= folded;
      return;
    }
    this.flush(out);
    this.group = { key, rows: [{ fields, line }], folded, overflow: 0 };
  }

  end(out: ReadItem[]): void {
    if (this.pending) this.giveUp(`line ${this.pending.line}: a quoted field is never closed`, out);
    this.flush(out);
  }

  /**
   * Line `n` is longer than MAX_RECORD_CHARS bytes: the reader skips it unread, to its line feed,
   * and passes on its first OVER_LONG_PREFIX characters (`prefix`), which may name its parcel.
   * Its record is rejected (RECORD_TOO_LARGE); inside a quoted field, the record that opened the
   * field is (PARSE_ERROR). Reading goes on at line n + 1, outside quotes.
   */
  overLong(prefix: string, n: number, out: ReadItem[]): void {
    const limit = MAX_RECORD_CHARS.toLocaleString('en');
    if (this.pending) {
      this.giveUp(
        `line ${this.pending.line}: a quoted field runs on into line ${n}, which is longer than ${limit} bytes; the record is skipped, reading goes on at line ${n + 1}`,
        out,
      );
      return;
    }
    if (!this.layout)
      throw new DocumentError(issue('PARSE_ERROR', n, `the header line is longer than ${limit} bytes`));
    const split = splitRecord(prefix, this.delimiter);
    const problem = issue(
      'RECORD_TOO_LARGE',
      n,
      `line ${n} is longer than ${limit} bytes; the record is skipped unread, reading goes on at line ${n + 1}`,
    );
    this.reject(this.parcelIdOf(split.splitter ? split.splitter.finish() : split.fields), n, [problem], out);
  }

  /** Line `n`, just read, holds a NUL byte: the record it belongs to is rejected. */
  nul(n: number): void {
    const problem = issue(
      'PARSE_ERROR',
      n,
      `line ${n} holds a NUL byte (binary data, not text); the record is rejected`,
    );
    if (this.pending) (this.pending.issues ??= []).push(problem);
    // The header has no record (and the registry refuses a file whose first line is binary).
    else if (this.group) this.taint([problem]);
  }

  /** Drops the record of a quoted field still open, and rejects it at its first line. */
  private giveUp(message: string, out: ReadItem[]): void {
    const pending = this.pending!;
    this.pending = undefined;
    const problems = [issue('PARSE_ERROR', pending.line, message), ...(pending.issues ?? [])];
    this.reject(this.parcelIdOf(pending.splitter.finish()), pending.line, problems, out);
  }

  /**
   * The parcel id of a record read in part: `fields` end with one that may be cut, so only a cell
   * before the last is whole. Undefined when unknown.
   */
  private parcelIdOf(fields: string[]): string | undefined {
    const at = this.layout!.parcelId;
    return at >= 0 && at < fields.length - 1 ? field(fields, at) : undefined;
  }

  /**
   * Rejects the record at `line` of the parcel `id` (undefined: unknown, a parcel of its own):
   * the current record when it is that parcel's, else a new one, which the next rows of the
   * parcel join. Either goes out unread when the parcel ends (see flush).
   */
  private reject(id: string | undefined, line: number, problems: Issue[], out: ReadItem[]): void {
    if (id !== undefined && this.group?.key === id) {
      this.taint(problems);
      return;
    }
    this.flush(out);
    this.group = { key: id ?? `#${line}`, rows: [], folded: false, overflow: 0 };
    this.rejected = { line, issues: problems };
  }

  /** Rejects the current record (the one holding the row just read) with `problems`. */
  private taint(problems: Issue[]): void {
    if (this.rejected) this.rejected.issues.push(...problems);
    else this.rejected = { line: this.group!.rows[0]!.line, issues: problems };
  }

  private header(text: string, line: number, out: ReadItem[]): void {
    this.delimiter = sniffDelimiter(text) ?? ',';
    this.unfolded = unfoldedSpace(this.delimiter);
    const header = splitRecord(text, this.delimiter).fields;
    this.width = header.length;
    const mapped = mapHeader(header, this.profile);
    const layout = Object.fromEntries(Object.keys(COLUMN_SYNONYMS).map((c) => [c, -1])) as Layout;
    for (const [i, c] of mapped.entries()) if (c) layout[c] = i;
    this.layout = layout;
    this.extras = EXTRA_COLUMNS.filter((c) => layout[c] >= 0).map((c) => [c, layout[c]] as const);
    for (const [i, h] of header.entries()) {
      if (!mapped[i] && h.trim())
        out.push({
          type: 'issue',
          issue: issue(
            'UNKNOWN_SEGMENT',
            line,
            `column "${h.trim()}" is not mapped to a consignment field and is ignored`,
            {
              severity: 'warning',
              field: h.trim(),
            },
          ),
        });
    }
  }

  private flush(out: ReadItem[]): void {
    const group = this.group;
    if (this.rejected) {
      out.push({ type: 'record', record: unread(group!.key, this.rejected.line, this.rejected.issues) });
      this.rejected = undefined;
    } else if (group && this.layout) {
      const record = toRecord(group.rows, this.layout, this.extras, group.folded);
      if (group.overflow > 0)
        record.issues.push(
          issue(
            'PARSE_ERROR',
            record.line,
            `parcel ${clip(group.key, 41)} has ${(group.rows.length + group.overflow).toLocaleString('en')} item rows, more than the ${MAX_ITEMS_PER_PARCEL.toLocaleString('en')} a parcel may have: is the parcel id column right?`,
            { field: 'parcelId' },
          ),
        );
      out.push({ type: 'record', record });
    }
    this.group = undefined;
  }
}

/**
 * The record of a parcel rejected before it was read whole (see CsvParcelParser.reject): its
 * `issues` and nothing else. Validation counts it received and rejects it with those errors alone:
 * the draft holds only what validation requires of every parcel (an id, the parcel's or `#line`;
 * one piece of 1 kg), and carries none of UNREAD_FIELDS. It is never stored.
 */
function unread(key: string, line: number, issues: Issue[]): DraftRecord {
  return {
    draft: { kind: 'parcel', parcelId: key, pieces: 1, rawWeight: '1', weightUnit: 'K' },
    line,
    issues,
    notCarried: UNREAD_FIELDS,
  };
}

/** A trimmed cell, or undefined when the column is absent or the cell empty. */
function field(fields: string[], index: number): string | undefined {
  if (index < 0) return undefined;
  const v = fields[index];
  if (v === undefined || v === '') return undefined;
  const c0 = v.charCodeAt(0);
  const c1 = v.charCodeAt(v.length - 1);
  const t = c0 <= 32 || c1 <= 32 ? v.trim() : v;
  return t === '' ? undefined : t;
}

/** A number, with a decimal comma accepted ("1,5"); NaN when the cell is not a number. */
function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = parseDecimal(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

function party(
  f: string[],
  nameAt: number,
  streetAt: number,
  cityAt: number,
  zipAt: number,
  countryAt: number,
): Party | null {
  const name = field(f, nameAt);
  const address = field(f, streetAt);
  const city = field(f, cityAt);
  const postcode = field(f, zipAt);
  const countryCode = field(f, countryAt);
  if (!name && !address && !city && !postcode && !countryCode) return null;
  return {
    name: name ?? '',
    address: address ?? null,
    city: city ?? null,
    postcode: postcode ?? null,
    countryCode: countryCode ?? null,
  };
}

/** Extra fields kept as they are (`extra`), in this order. */
const EXTRA_COLUMNS = ['boxId', 'referenceId', 'invoiceNumber', 'invoiceDate', 'countryOfOrigin'] as const;

/** The extra columns a file has, with their positions (resolved once per file). */
type Extras = readonly (readonly [ExtraColumn, number])[];
type ExtraColumn = (typeof EXTRA_COLUMNS)[number];

/** `text.split('; ')`, without the split call for the usual text that holds no '; '. */
function itemParts(text: string): string[] {
  return text.includes('; ') ? text.split('; ') : [text];
}

function toRecord(rows: Row[], ix: Layout, extras: Extras, folded: boolean): DraftRecord {
  const first = rows[0]!.fields;
  const line = rows[0]!.line;
  const issues: Issue[] = [];
  let description = '';
  /** description.split('; '), made once a second item description comes. */
  let parts: DistinctStrings | undefined;
  const hsCodes = new DistinctStrings();
  let value: number | null = null;
  let itemWeight = 0;
  const skus: string[] = [];
  for (const { fields: f, line: rowLine } of rows) {
    const d = field(f, ix.description);
    if (d) {
      if (description === '') description = d;
      else {
        parts ??= new DistinctStrings(itemParts(description));
        if (!parts.has(d)) {
          description = `${description}; ${d}`;
          for (const part of itemParts(d)) parts.push(part);
        }
      }
    }
    const hs = field(f, ix.hsCode);
    if (hs) hsCodes.add(hs);
    const sku = field(f, ix.sku);
    if (sku) skus.push(sku);
    const qty = num(field(f, ix.quantity)) ?? 1;
    const totalText = field(f, ix.totalValue);
    const unitText = field(f, ix.unitPrice);
    const total = num(totalText);
    const unit = num(unitText);
    const lineValue = total ?? (unit !== null ? unit * qty : null);
    if (lineValue !== null) {
      if (Number.isNaN(lineValue))
        issues.push(
          issue('INVALID_VALUE', rowLine, `value "${totalText ?? unitText}" is not a number`, {
            field: 'declaredValue',
          }),
        );
      else value = (value ?? 0) + lineValue;
    }
    const pw = num(field(f, ix.productWeight));
    if (pw !== null && !Number.isNaN(pw)) itemWeight += pw * qty;
  }
  const pieces = num(field(first, ix.pieces));
  const extra: Record<string, unknown> = { items: rows.length };
  for (const [c, at] of extras) {
    const v = field(first, at);
    if (v) extra[c] = v;
  }
  if (skus.length > 0) extra.skus = skus;
  const unitText = field(first, ix.weightUnit);
  const draft: ConsignmentDraft = {
    kind: 'parcel',
    awb: field(first, ix.mawb) ?? null,
    hawb: null,
    parcelId: field(first, ix.parcelId) ?? null,
    origin: field(first, ix.origin) ?? null,
    destination: field(first, ix.destination) ?? null,
    pieces: pieces === null ? 1 : pieces,
    rawWeight: field(first, ix.weight) ?? (itemWeight > 0 ? String(itemWeight) : null),
    weightUnit: unitText && /^l/i.test(unitText) ? 'L' : 'K',
    description,
    hsCodes: hsCodes.items,
    shipper: party(first, ix.shipperName, ix.shipperStreet, ix.shipperCity, ix.shipperZip, ix.shipperCountry),
    consignee: party(
      first,
      ix.consigneeName,
      ix.consigneeStreet,
      ix.consigneeCity,
      ix.consigneeZip,
      ix.consigneeCountry,
    ),
    declaredValue:
      value === null
        ? null
        : { amount: Math.round(value * 100) / 100, currency: field(first, ix.currency) ?? '' },
    specialHandling: [],
    extra,
  };
  return { draft, line, issues, folded };
}
