import iconv from 'iconv-lite';
import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { issue, type Issue } from '../../model/issues.js';
import type { DraftRecord, FormatReader, ReadItem, ReadOptions } from '../types.js';
import { lines, stripBom } from '../stream.js';
import { mapHeader, type Column } from './columns.js';
import { splitRecord, sniffDelimiter } from './split.js';

const MIN_MAPPED_COLUMNS = 3;

function isUtf8(head: Buffer): boolean {
  // Ignore a multi-byte sequence cut at the end of the head.
  const cut = Math.max(0, head.length - 4);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length < 4096 ? head.length : cut));
    return true;
  } catch {
    return false;
  }
}

function decoderFor(head: Buffer): (b: Buffer) => string {
  return isUtf8(stripBom(head)) ? (b) => b.toString('utf8') : (b) => iconv.decode(b, 'win1252');
}

function firstLine(head: Buffer): string {
  const body = stripBom(head);
  const nl = body.indexOf(10);
  const raw = nl < 0 ? body : body.subarray(0, nl);
  return decoderFor(head)(raw).replace(/\r$/, '');
}

type Row = Partial<Record<Column, string>>;

/** Parcel manifests: CSV, semicolon or tab separated, one row per item, rows grouped by parcel. */
export const parcelCsvReader: FormatReader = {
  id: 'parcel-csv',
  label: 'parcel manifest (CSV)',

  detect(head: Buffer): boolean {
    const header = firstLine(head);
    const delimiter = sniffDelimiter(header);
    if (!delimiter) return false;
    const mapped = mapHeader(splitRecord(header, delimiter).fields).filter(Boolean);
    return mapped.length >= MIN_MAPPED_COLUMNS;
  },

  async *read(chunks: AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<ReadItem> {
    let decode: ((b: Buffer) => string) | undefined;
    async function* decoded(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        decode ??= decoderFor(chunk);
        yield chunk;
      }
    }
    let columns: (Column | undefined)[] | undefined;
    let delimiter = ',';
    let pending: { text: string; line: number } | undefined; // a quoted field still open across lines
    let group: { rows: { row: Row; line: number }[]; key: string } | undefined;

    const flush = function* (): Generator<ReadItem> {
      if (group) yield { type: 'record', record: toRecord(group.rows) };
      group = undefined;
    };

    for await (const { n, text: rawText } of lines(decoded(), { decode: (b) => (decode ?? ((x: Buffer) => x.toString('utf8')))(b) })) {
      let text = n === 1 ? rawText.replace(/^\uFEFF/, '') : rawText;
      let line = n;
      if (pending) {
        text = `${pending.text}\n${text}`;
        line = pending.line;
        pending = undefined;
      }
      if (!columns) {
        delimiter = sniffDelimiter(text) ?? ',';
        const header = splitRecord(text, delimiter).fields;
        columns = mapHeader(header, options.profile);
        for (const [i, h] of header.entries()) {
          if (!columns[i] && h.trim())
            yield {
              type: 'issue',
              issue: issue('UNKNOWN_SEGMENT', line, `column "${h.trim()}" is not mapped to a consignment field and is ignored`, {
                severity: 'warning',
                field: h.trim(),
              }),
            };
        }
        continue;
      }
      if (text.trim() === '') continue;
      const split = splitRecord(text, delimiter);
      if (split.open) {
        pending = { text, line };
        continue;
      }
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i];
        const v = split.fields[i];
        if (c && v !== undefined && v !== '') row[c] = v.trim();
      }
      // Rows of one parcel are consecutive; a new parcel id (or none) starts a new record.
      const key = row.parcelId ?? `#${line}`;
      if (group && group.key === key) {
        group.rows.push({ row, line });
        continue;
      }
      yield* flush();
      group = { rows: [{ row, line }], key };
    }
    if (pending) yield { type: 'issue', issue: issue('PARSE_ERROR', pending.line, `line ${pending.line}: a quoted field is never closed`) };
    yield* flush();
  },
};

function num(value: string | undefined): number | null {
  if (value == null || value === '') return null;
  const n = Number(value.replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : Number.NaN;
}

function party(row: Row, who: 'shipper' | 'consignee'): Party | null {
  const name = row[`${who}Name`];
  const address = row[`${who}Street`];
  const city = row[`${who}City`];
  const postcode = row[`${who}Zip`];
  const countryCode = row[`${who}Country`];
  if (!name && !address && !city && !postcode && !countryCode) return null;
  return { name: name ?? '', address: address ?? null, city: city ?? null, postcode: postcode ?? null, countryCode: countryCode ?? null };
}

function toRecord(rows: { row: Row; line: number }[]): DraftRecord {
  const first = rows[0]!.row;
  const line = rows[0]!.line;
  const issues: Issue[] = [];
  const descriptions: string[] = [];
  const hsCodes: string[] = [];
  let value: number | null = null;
  let itemWeight = 0;
  for (const { row, line: rowLine } of rows) {
    if (row.description && !descriptions.includes(row.description)) descriptions.push(row.description);
    if (row.hsCode && !hsCodes.includes(row.hsCode)) hsCodes.push(row.hsCode);
    const total = num(row.totalValue);
    const unit = num(row.unitPrice);
    const qty = num(row.quantity) ?? 1;
    const lineValue = total ?? (unit != null ? unit * qty : null);
    if (lineValue != null) {
      if (Number.isNaN(lineValue)) issues.push(issue('INVALID_VALUE', rowLine, `value "${row.totalValue ?? row.unitPrice}" is not a number`, { field: 'declaredValue' }));
      else value = (value ?? 0) + lineValue;
    }
    const pw = num(row.productWeight);
    if (pw != null && !Number.isNaN(pw)) itemWeight += pw * qty;
  }
  const pieces = num(first.pieces);
  const unit = first.weightUnit?.toUpperCase().startsWith('L') ? 'L' : 'K';
  const rawWeight = first.weight ?? (itemWeight > 0 ? String(itemWeight) : null);
  const draft: ConsignmentDraft = {
    kind: 'parcel',
    awb: first.mawb ?? null,
    hawb: null,
    parcelId: first.parcelId ?? null,
    origin: first.origin ?? null,
    destination: first.destination ?? null,
    pieces: pieces == null ? 1 : pieces,
    rawWeight,
    weightUnit: unit,
    description: descriptions.join('; '),
    hsCodes,
    shipper: party(first, 'shipper'),
    consignee: party(first, 'consignee'),
    declaredValue: value == null ? null : { amount: Math.round(value * 100) / 100, currency: first.currency ?? '' },
    specialHandling: [],
    extra: compact({
      boxId: first.boxId,
      referenceId: first.referenceId,
      invoiceNumber: first.invoiceNumber,
      invoiceDate: first.invoiceDate,
      countryOfOrigin: first.countryOfOrigin,
      items: rows.length,
      skus: rows.map((r) => r.row.sku).filter(Boolean),
    }),
  };
  return { draft, line, issues };
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}
