import type { Consignment, ConsignmentDraft, Party } from '../model/consignment.js';
import { issue, type Issue, type IssueCode } from '../model/issues.js';
import type { DraftRecord } from '../formats/types.js';
import { parseDecimal } from '../formats/decimal.js';
import { checkAwb } from '../reference/awb.js';
import { canonicalHsCode, realChapter } from '../reference/hs-codes.js';
import { isKnownAirport } from '../reference/airports.js';
import { toAlpha2 } from '../reference/countries.js';
import { isVagueDescription } from '../reference/vague-terms.js';
import { memo } from './memo.js';
import { DistinctStrings } from '../model/distinct.js';

export const KG_PER_LB = 0.45359237;

export type Validated =
  | { ok: true; consignment: Consignment; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };

// Manifests repeat the same few values (countries, descriptions) across millions of rows.
const alpha2 = memo(toAlpha2);
const vague = memo(isVagueDescription);

/**
 * Validates one draft record and normalises it into the canonical consignment.
 * A record with any error is rejected alone; warnings travel with an accepted record.
 * The airport dataset must be loaded (loadAirports) before the first call.
 *
 * The checks below are exactly those of ConsignmentSchema, written out by hand: running zod
 * on every record costs ~5.6 µs, as much as papaparse needs to parse the row. A property test
 * (test/unit/validate.property.test.ts) proves every accepted record satisfies the schema.
 */
export function validateRecord(
  record: DraftRecord,
  source: { documentId?: string; file?: string },
): Validated {
  const v = new RecordCheck(record);
  const { draft } = record;

  const awb = v.awb(draft.awb);
  const kind = draft.kind ?? 'parcel';
  if (kind === 'master' && !draft.awb) v.err('MISSING_FIELD', 'awb', 'master consignment has no AWB number');
  if (kind === 'house' && !draft.hawb)
    v.err('MISSING_FIELD', 'hawb', 'house consignment has no house waybill number');
  if (kind === 'parcel' && !draft.parcelId) v.err('MISSING_FIELD', 'parcelId', 'parcel has no parcel id');

  const origin = v.location('origin', draft.origin);
  const destination = v.location('destination', draft.destination);
  const description = v.description(draft.description);
  const pieces = v.pieces(draft.pieces);
  const totalPieces = draft.totalPieces == null ? undefined : v.pieces(draft.totalPieces, 'totalPieces');
  const weightKg = v.weight(draft);
  const shipper = v.party(draft.shipper, 'shipper');
  const consignee = v.party(draft.consignee, 'consignee');
  const notify = draft.notify ? v.party(draft.notify, 'notify') : null;
  const hsCodes = v.hsCodes(draft.hsCodes);
  const declaredValue = v.money(draft.declaredValue);
  // Infinity too: a JSON or XML number such as 1e999 reads as Infinity.
  if (draft.volumeM3 != null && !(Number.isFinite(draft.volumeM3) && draft.volumeM3 >= 0))
    v.err('PARSE_ERROR', 'volumeM3', `volume ${draft.volumeM3} is not a number of cubic metres`);

  if (v.errors.length > 0) return { ok: false, errors: v.errors, warnings: v.warnings };

  const consignment: Consignment = {
    kind,
    awb,
    hawb: trimOrNull(draft.hawb),
    parcelId: trimOrNull(draft.parcelId),
    origin,
    destination,
    pieces,
    weightKg,
    description,
    hsCodes,
    shipper,
    consignee,
    declaredValue,
    specialHandling: specialHandling(draft.specialHandling),
    source: sourceRef(source, record.line),
  };
  // Optional fields are set only when present, so JSON output carries no empty keys.
  if (totalPieces !== undefined) consignment.totalPieces = totalPieces;
  if (draft.volumeM3 != null) consignment.volumeM3 = draft.volumeM3;
  if (notify) consignment.notify = notify;
  if (draft.extra) consignment.extra = draft.extra;
  const chars = textChars(consignment);
  if (chars > MAX_RECORD_TEXT)
    return {
      ok: false,
      errors: [
        issue(
          'RECORD_TOO_LARGE',
          record.line,
          `the record holds ${chars.toLocaleString('en')} characters of text, more than the ${MAX_RECORD_TEXT.toLocaleString('en')} a consignment may store`,
        ),
      ],
      warnings: v.warnings,
    };
  return { ok: true, consignment, warnings: v.warnings };
}

/**
 * Characters of text a consignment may hold. A stored consignment is one DynamoDB item, at most
 * 400 KB: a record past it would fail the write of its whole batch, and so the document. Text
 * counts at up to 3 bytes a character, leaving room for keys and flags.
 */
export const MAX_RECORD_TEXT = 100_000;

/** Characters of a consignment's text fields, extra included (numbers count 8): what sizes its item. */
function textChars(c: Consignment): number {
  let n = c.description.length + partyChars(c.shipper) + partyChars(c.consignee);
  if (c.notify) n += partyChars(c.notify);
  n += (c.awb?.length ?? 0) + (c.hawb?.length ?? 0) + (c.parcelId?.length ?? 0);
  for (const h of c.hsCodes) n += h.length + 2;
  for (const s of c.specialHandling) n += s.length + 2;
  if (c.extra) n += valueChars(c.extra, 0);
  return n;
}

function partyChars(p: Party | null): number {
  if (!p) return 0;
  return (
    p.name.length +
    (p.address?.length ?? 0) +
    (p.city?.length ?? 0) +
    (p.postcode?.length ?? 0) +
    (p.countryCode?.length ?? 0)
  );
}

function valueChars(v: unknown, depth: number): number {
  if (typeof v === 'string') return v.length + 2;
  if (typeof v !== 'object' || v === null) return 8;
  // Readers build `extra` a few levels deep; anything past 16 counts as too long to store.
  if (depth > 16) return MAX_RECORD_TEXT + 1;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += valueChars(x, depth + 1);
  else for (const key in v) n += key.length + valueChars((v as Record<string, unknown>)[key], depth + 1);
  return n;
}

const NONE: readonly string[] = [];
const NO_ISSUES = Object.freeze([]) as unknown as Issue[];

/** An HS code without dots and spaces, or null when it is not 4 to 10 digits of a real chapter. */
const hsCode = memo(canonicalHsCode);

/**
 * Whether the code is already in canonical form: 4 to 10 digits and nothing else, of a real
 * chapter. Most codes are, and this check costs less than the memo's hash lookup.
 */
function plainHsCode(item: string): boolean {
  if (typeof item !== 'string' || item.length < 4 || item.length > 10) return false;
  for (let i = 0; i < item.length; i++) {
    const c = item.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return realChapter((item.charCodeAt(0) - 48) * 10 + item.charCodeAt(1) - 48);
}

function sourceRef(source: { documentId?: string; file?: string }, line: number): Consignment['source'] {
  const ref: Consignment['source'] = { line };
  if (source.documentId !== undefined) ref.documentId = source.documentId;
  if (source.file !== undefined) ref.file = source.file;
  return ref;
}
const awbChecked = memo(checkAwb);
/** An ISO 4217 shape (three letters, any case, trimmed), upper-cased; null otherwise. */
const currencyCode = memo((raw: string): string | null => {
  const code = raw.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
});

function trimOrNull(value: string | null | undefined): string | null {
  if (value == null) return null;
  const t = value.trim();
  return t === '' ? null : t;
}

function specialHandling(codes: string[] | null | undefined): string[] {
  if (!codes || codes.length === 0) return [];
  return [...new Set(codes.map((s) => s.trim().toUpperCase()).filter(Boolean))];
}

/** Collects the errors and warnings of one record, each pinned to its field's line. */
class RecordCheck {
  // Most records have no issue at all: they share one frozen empty list, and a list of their
  // own is made at the first issue (two arrays fewer per record of a million-row file).
  errors: Issue[] = NO_ISSUES;
  warnings: Issue[] = NO_ISSUES;
  private readonly notCarried: readonly string[];
  /** The reader already folded the text fields (DraftRecord.folded). */
  private readonly folded: boolean;

  constructor(private readonly record: DraftRecord) {
    this.folded = record.folded === true;
    if (record.issues.length) {
      this.errors = record.issues.filter((i) => i.severity === 'error');
      this.warnings = record.issues.filter((i) => i.severity === 'warning');
    }
    this.notCarried = record.notCarried ?? NONE;
  }

  private at(field: string): number {
    const lines = this.record.fieldLines;
    return (lines && (lines[field] ?? lines[field.split('.')[0]!])) ?? this.record.line;
  }

  err(code: IssueCode, field: string, message: string): void {
    if (this.errors === NO_ISSUES) this.errors = [];
    this.errors.push(issue(code, this.at(field), message, { field }));
  }

  awb(raw: string | null | undefined): string | null {
    if (!raw) return null;
    const checked = awbChecked(raw);
    if (checked.ok) return checked.awb;
    if (checked.reason === 'format')
      this.err('AWB_FORMAT', 'awb', `AWB "${raw}" is not NNN-NNNNNNNN (3-digit prefix, 8-digit serial)`);
    else
      this.err(
        'AWB_CHECK_DIGIT',
        'awb',
        `AWB ${checked.awb}: the last digit must be the first seven digits of the serial mod 7`,
      );
    return null;
  }

  /** IATA airport codes, checked against the maintained dataset. Absent is allowed (parcels). */
  location(field: 'origin' | 'destination', raw: string | null | undefined): string | null {
    if (raw == null || raw === '') return null;
    const code = raw.trim().toUpperCase();
    if (code.length === 3 && isKnownAirport(code)) return code;
    this.err('INVALID_LOCATION', field, `${field} "${raw}" is not a known IATA airport code`);
    return null;
  }

  /** 7+1 requires a description; a vague one is a warning here (screening decides). */
  description(raw: string | null | undefined): string {
    const text = raw ? this.fold(raw) : '';
    if (!text) {
      if (!this.notCarried.includes('description'))
        this.err('MISSING_FIELD', 'description', 'cargo description is missing');
    } else if (vague(text)) {
      if (this.warnings === NO_ISSUES) this.warnings = [];
      this.warnings.push(
        issue('VAGUE_DESCRIPTION', this.at('description'), `description "${text}" is too vague for customs`, {
          field: 'description',
          severity: 'warning',
        }),
      );
    }
    return text;
  }

  pieces(value: number | null | undefined, field = 'pieces'): number {
    if (value == null) {
      this.err('MISSING_FIELD', field, 'number of pieces is missing');
      return 0;
    }
    if (!Number.isSafeInteger(value) || value <= 0) {
      this.err('INVALID_PIECES', field, `pieces must be a positive whole number, got ${value}`);
      return 0;
    }
    return value;
  }

  /** Missing, zero, negative or unit-less weights are INVALID_WEIGHT; pounds become kilograms. */
  weight(draft: ConsignmentDraft): number {
    const raw = draft.rawWeight ?? (draft.weightKg != null ? String(draft.weightKg) : null);
    const fail = (message: string) => {
      this.err('INVALID_WEIGHT', 'weightKg', message);
      return 0;
    };
    if (raw == null || raw.trim() === '') return fail('weight is missing');
    const value = parseDecimal(raw);
    if (!Number.isFinite(value)) return fail(`weight "${raw}" is not a number`);
    if (value <= 0) return fail(`weight must be greater than zero, got ${raw}`);
    if (draft.rawWeight != null && draft.weightUnit == null)
      return fail(`weight ${raw} has no unit (K for kilograms or L for pounds)`);
    const kg = draft.weightUnit === 'L' ? value * KG_PER_LB : value;
    // Grams are the precision kept; a positive weight never rounds down to zero.
    return Math.max(0.001, Math.round(kg * 1000) / 1000);
  }

  party(
    party: ConsignmentDraft['shipper'] | undefined,
    who: 'shipper' | 'consignee' | 'notify',
  ): Party | null {
    const required = who !== 'notify' && !this.notCarried.includes(who);
    if (!party) {
      if (required) {
        if (!this.notCarried.includes(`${who}.name`))
          this.err('MISSING_FIELD', `${who}.name`, `${who} name is missing`);
        if (!this.notCarried.includes(`${who}.address`))
          this.err('MISSING_FIELD', `${who}.address`, `${who} address is missing`);
      }
      return null;
    }
    let countryCode: string | null = null;
    const rawCountry = party.countryCode?.trim();
    if (rawCountry) {
      countryCode = alpha2(rawCountry);
      if (!countryCode)
        this.err(
          'INVALID_COUNTRY',
          `${who}.countryCode`,
          `${who} country "${party.countryCode}" is not an ISO 3166 country code`,
        );
    }
    const name = this.clean(party.name);
    const address = this.clean(party.address);
    if (required && !name && !this.notCarried.includes(`${who}.name`))
      this.err('MISSING_FIELD', `${who}.name`, `${who} name is missing`);
    if (required && !address && !this.notCarried.includes(`${who}.address`))
      this.err('MISSING_FIELD', `${who}.address`, `${who} address is missing`);
    if (!name) return null;
    return { name, address, city: this.clean(party.city), postcode: this.clean(party.postcode), countryCode };
  }

  private fold(v: string): string {
    return this.folded ? v : squash(v);
  }

  /** Folded, or null when nothing is left. */
  private clean(v: string | null | undefined): string | null {
    if (v == null) return null;
    const t = this.fold(v);
    return t === '' ? null : t;
  }

  /** HS codes: 4 to 10 digits (dots and spaces dropped), a real chapter (01–97, not 77). */
  hsCodes(raw: string[] | null | undefined): string[] {
    if (!raw || raw.length === 0) return [];
    const out = new DistinctStrings();
    for (const item of raw) {
      const code = plainHsCode(item) ? item : hsCode(String(item));
      if (code === null)
        this.err(
          'INVALID_HS_CODE',
          'hsCodes',
          `HS code "${item}" is not a valid tariff number (4 to 10 digits, chapter 01–97)`,
        );
      else out.add(code);
    }
    return out.items;
  }

  money(value: ConsignmentDraft['declaredValue']): Consignment['declaredValue'] {
    if (!value) return null;
    const currency = value.currency ? currencyCode(value.currency) : null;
    if (!Number.isFinite(value.amount) || value.amount < 0) {
      this.err(
        'INVALID_VALUE',
        'declaredValue',
        `declared value ${value.amount} is not a non-negative amount`,
      );
      return null;
    }
    if (!currency) {
      this.err(
        'INVALID_VALUE',
        'declaredValue',
        `currency "${value.currency ?? ''}" is not an ISO 4217 code`,
      );
      return null;
    }
    return { amount: value.amount, currency };
  }
}

/** Exactly the strings `replace(/\s+/g, ' ').trim()` changes: a white space other than a single
 * interior space (a tab, a no-break space, a run, a leading or trailing one). */
const MESSY_SPACE = /[^\S ]| {2}|^ | $/;

/**
 * Folds runs of white space to one space and trims. Most values are clean: one regular
 * expression test (faster than a character loop on the sliced strings a CSV split makes)
 * lets them through untouched.
 */
function squash(v: string): string {
  return MESSY_SPACE.test(v) ? v.replace(/\s+/g, ' ').trim() : v;
}
