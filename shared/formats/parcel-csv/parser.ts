import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { issue, type Issue } from '../../model/issues.js';
import type { DraftRecord, ReadItem } from '../types.js';
import { mapHeader, type Column } from './columns.js';
import { splitRecord, sniffDelimiter } from './split.js';

/** Field position of each mapped column: rows stay plain arrays (no per-row object with 20 keys). */
type ColumnIndex = Partial<Record<Column, number>>;
interface Row {
  fields: string[];
  line: number;
}
interface Group {
  key: string;
  rows: Row[];
}

/**
 * The synchronous core of the parcel CSV reader: fed one decoded line at a time, it maps the
 * header, joins quoted fields that span lines, and groups consecutive rows of one parcel into
 * a single draft consignment. Kept free of I/O so a million rows cost no async hop each.
 */
export class CsvParcelParser {
  private columns: ColumnIndex | undefined;
  private parties: { shipper: PartyColumns; consignee: PartyColumns } | undefined;
  private delimiter = ',';
  private pending: { text: string; line: number } | undefined;
  private group: Group | undefined;

  constructor(private readonly profile?: Record<string, string>) {}

  line(raw: string, n: number, out: ReadItem[]): void {
    let text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    let line = n;
    if (this.pending) {
      text = `${this.pending.text}\n${text}`;
      line = this.pending.line;
      this.pending = undefined;
    }
    if (!this.columns) {
      this.header(text, line, out);
      return;
    }
    if (text.length === 0 || text.trim() === '') return;
    const split = splitRecord(text, this.delimiter);
    if (split.open) {
      this.pending = { text, line };
      return;
    }
    const { fields } = split;
    // Rows of one parcel are consecutive; a new parcel id (or none) starts a new record.
    const key = field(fields, this.columns.parcelId) ?? `#${line}`;
    if (this.group && this.group.key === key) {
      this.group.rows.push({ fields, line });
      return;
    }
    this.flush(out);
    this.group = { key, rows: [{ fields, line }] };
  }

  end(out: ReadItem[]): void {
    if (this.pending)
      out.push({
        type: 'issue',
        issue: issue(
          'PARSE_ERROR',
          this.pending.line,
          `line ${this.pending.line}: a quoted field is never closed`,
        ),
      });
    this.pending = undefined;
    this.flush(out);
  }

  private header(text: string, line: number, out: ReadItem[]): void {
    this.delimiter = sniffDelimiter(text) ?? ',';
    const header = splitRecord(text, this.delimiter).fields;
    const mapped = mapHeader(header, this.profile);
    this.columns = {};
    for (const [i, c] of mapped.entries()) if (c) this.columns[c] = i;
    this.parties = {
      shipper: partyColumns(this.columns, 'shipper'),
      consignee: partyColumns(this.columns, 'consignee'),
    };
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
    if (this.group && this.columns && this.parties)
      out.push({ type: 'record', record: toRecord(this.group.rows, this.columns, this.parties) });
    this.group = undefined;
  }
}

/** A trimmed cell, or undefined when the column is absent or the cell empty. */
function field(fields: string[], index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const v = fields[index];
  if (v === undefined || v === '') return undefined;
  const c0 = v.charCodeAt(0);
  const c1 = v.charCodeAt(v.length - 1);
  const t = c0 <= 32 || c1 <= 32 ? v.trim() : v;
  return t === '' ? undefined : t;
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value.includes(',') ? value.replace(',', '.') : value);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Field positions of one party's columns, resolved once per file. */
type PartyColumns = readonly [
  number | undefined,
  number | undefined,
  number | undefined,
  number | undefined,
  number | undefined,
];

function partyColumns(ix: ColumnIndex, who: 'shipper' | 'consignee'): PartyColumns {
  return [ix[`${who}Name`], ix[`${who}Street`], ix[`${who}City`], ix[`${who}Zip`], ix[`${who}Country`]];
}

function party(f: string[], cols: PartyColumns): Party | null {
  const name = field(f, cols[0]);
  const address = field(f, cols[1]);
  const city = field(f, cols[2]);
  const postcode = field(f, cols[3]);
  const countryCode = field(f, cols[4]);
  if (!name && !address && !city && !postcode && !countryCode) return null;
  return {
    name: name ?? '',
    address: address ?? null,
    city: city ?? null,
    postcode: postcode ?? null,
    countryCode: countryCode ?? null,
  };
}

function toRecord(
  rows: Row[],
  ix: ColumnIndex,
  cols: { shipper: PartyColumns; consignee: PartyColumns },
): DraftRecord {
  const first = rows[0]!.fields;
  const line = rows[0]!.line;
  const get = (c: Column) => field(first, ix[c]);
  const issues: Issue[] = [];
  let description = '';
  const hsCodes: string[] = [];
  let value: number | null = null;
  let itemWeight = 0;
  const skus: string[] = [];
  for (const { fields: f, line: rowLine } of rows) {
    const d = field(f, ix.description);
    if (d) {
      if (description === '') description = d;
      else if (!description.split('; ').includes(d)) description = `${description}; ${d}`;
    }
    const hs = field(f, ix.hsCode);
    if (hs && !hsCodes.includes(hs)) hsCodes.push(hs);
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
  const pieces = num(get('pieces'));
  const extra: Record<string, unknown> = { items: rows.length };
  for (const c of ['boxId', 'referenceId', 'invoiceNumber', 'invoiceDate', 'countryOfOrigin'] as const) {
    const v = get(c);
    if (v) extra[c] = v;
  }
  if (skus.length > 0) extra.skus = skus;
  const unitText = get('weightUnit');
  const draft: ConsignmentDraft = {
    kind: 'parcel',
    awb: get('mawb') ?? null,
    hawb: null,
    parcelId: get('parcelId') ?? null,
    origin: get('origin') ?? null,
    destination: get('destination') ?? null,
    pieces: pieces === null ? 1 : pieces,
    rawWeight: get('weight') ?? (itemWeight > 0 ? String(itemWeight) : null),
    weightUnit: unitText && /^l/i.test(unitText) ? 'L' : 'K',
    description,
    hsCodes,
    shipper: party(first, cols.shipper),
    consignee: party(first, cols.consignee),
    declaredValue:
      value === null ? null : { amount: Math.round(value * 100) / 100, currency: get('currency') ?? '' },
    specialHandling: [],
    extra,
  };
  return { draft, line, issues };
}
