import { ConsignmentSchema, type Consignment, type ConsignmentDraft, type Party } from '../model/consignment.js';
import { issue, type Issue } from '../model/issues.js';
import type { DraftRecord } from '../formats/types.js';
import { checkAwb } from '../reference/awb.js';
import { isKnownAirport } from '../reference/airports.js';
import { toAlpha2 } from '../reference/countries.js';
import { isVagueDescription } from '../reference/vague-terms.js';

export const KG_PER_LB = 0.45359237;

export type Validated =
  | { ok: true; consignment: Consignment; warnings: Issue[] }
  | { ok: false; errors: Issue[]; warnings: Issue[] };

/** The ACAS "7+1" data: each one missing is MISSING_FIELD (19 CFR 122.48b; PACT). */
const REQUIRED_PARTY_FIELDS = [
  ['shipper.name', 'shipper name'],
  ['shipper.address', 'shipper address'],
  ['consignee.name', 'consignee name'],
  ['consignee.address', 'consignee address'],
] as const;

/**
 * Validates one draft record and normalises it into the canonical consignment.
 * A record with any error is rejected alone; warnings travel with an accepted record.
 * The airport dataset must be loaded (loadAirports) before the first call.
 */
export function validateRecord(record: DraftRecord, source: { documentId?: string; file?: string }): Validated {
  const { draft, line } = record;
  const at = (field: string) => record.fieldLines?.[field] ?? line;
  const notCarried = new Set(record.notCarried ?? []);
  const errors: Issue[] = record.issues.filter((i) => i.severity === 'error');
  const warnings: Issue[] = record.issues.filter((i) => i.severity === 'warning');
  const err = (code: Issue['code'], field: string, message: string) =>
    errors.push(issue(code, at(field), message, { field }));

  // AWB: format then the mod-7 check digit.
  let awb: string | null = null;
  if (draft.awb) {
    const checked = checkAwb(draft.awb);
    if (checked.ok) awb = checked.awb;
    else if (checked.reason === 'format')
      err('AWB_FORMAT', 'awb', `AWB "${draft.awb}" is not NNN-NNNNNNNN (3-digit prefix, 8-digit serial)`);
    else
      err('AWB_CHECK_DIGIT', 'awb', `AWB ${checked.awb}: the last digit must be the first seven digits of the serial mod 7`);
  }
  const kind = draft.kind ?? 'parcel';
  if (kind === 'master' && !draft.awb) err('MISSING_FIELD', 'awb', 'master consignment has no AWB number');
  if (kind === 'house' && !draft.hawb) err('MISSING_FIELD', 'hawb', 'house consignment has no house waybill number');
  if (kind === 'parcel' && !draft.parcelId) err('MISSING_FIELD', 'parcelId', 'parcel has no parcel id');

  // Locations: IATA codes from the maintained dataset.
  const location = (field: 'origin' | 'destination'): string | null => {
    const raw = draft[field];
    if (raw == null || raw === '') return null;
    const code = raw.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code) || !isKnownAirport(code)) {
      err('INVALID_LOCATION', field, `${field} "${raw}" is not a known IATA airport code`);
      return null;
    }
    return code;
  };
  const origin = location('origin');
  const destination = location('destination');

  // Description: 7+1 requires it; vague ones are a warning (screening decides).
  const description = draft.description?.replace(/\s+/g, ' ').trim() ?? '';
  if (!description && !notCarried.has('description'))
    err('MISSING_FIELD', 'description', 'cargo description is missing');
  else if (description && isVagueDescription(description))
    warnings.push(
      issue('VAGUE_DESCRIPTION', at('description'), `description "${description}" is too vague for customs`, {
        field: 'description',
        severity: 'warning',
      }),
    );

  // Pieces.
  const pieces = draft.pieces;
  if (pieces == null) err('MISSING_FIELD', 'pieces', 'number of pieces is missing');
  else if (!Number.isInteger(pieces) || pieces <= 0)
    err('INVALID_PIECES', 'pieces', `pieces must be a positive whole number, got ${pieces}`);

  // Weight: missing, zero, negative, or without a unit; pounds converted to kilograms.
  const weightKg = normaliseWeight(draft, (message) => err('INVALID_WEIGHT', 'weightKg', message));

  // Parties.
  const shipper = normaliseParty(draft.shipper, 'shipper', err);
  const consignee = normaliseParty(draft.consignee, 'consignee', err);
  const notify = draft.notify ? normaliseParty(draft.notify, 'notify', err) : null;
  const parties = { shipper, consignee } as Record<string, Party | null>;
  for (const [path, label] of REQUIRED_PARTY_FIELDS) {
    const [who, field] = path.split('.') as ['shipper' | 'consignee', 'name' | 'address'];
    if (notCarried.has(who) || notCarried.has(path)) continue;
    const value = parties[who]?.[field];
    if (!value || !value.trim()) err('MISSING_FIELD', path, `${label} is missing`);
  }

  // HS codes: digits only, 4 to 10, a real chapter (01–97, not 77).
  const hsCodes: string[] = [];
  for (const raw of draft.hsCodes ?? []) {
    const code = String(raw).replace(/[\s.]/g, '');
    const chapter = Number(code.slice(0, 2));
    if (!/^\d{4,10}$/.test(code) || chapter < 1 || chapter > 97 || chapter === 77)
      err('INVALID_HS_CODE', 'hsCodes', `HS code "${raw}" is not a valid tariff number (4 to 10 digits, chapter 01–97)`);
    else if (!hsCodes.includes(code)) hsCodes.push(code);
  }

  // Declared value.
  let declaredValue = draft.declaredValue ?? null;
  if (declaredValue) {
    const currency = declaredValue.currency?.trim().toUpperCase();
    if (!Number.isFinite(declaredValue.amount) || declaredValue.amount < 0)
      err('INVALID_VALUE', 'declaredValue', `declared value ${declaredValue.amount} is not a non-negative amount`);
    else if (!currency || !/^[A-Z]{3}$/.test(currency))
      err('INVALID_VALUE', 'declaredValue', `currency "${declaredValue.currency ?? ''}" is not an ISO 4217 code`);
    else declaredValue = { amount: declaredValue.amount, currency };
  }

  if (errors.length > 0) return { ok: false, errors, warnings };

  const candidate = {
    kind,
    awb,
    hawb: draft.hawb?.trim() || null,
    parcelId: draft.parcelId?.trim() || null,
    origin,
    destination,
    pieces,
    ...(draft.totalPieces != null ? { totalPieces: draft.totalPieces } : {}),
    weightKg,
    ...(draft.volumeM3 != null ? { volumeM3: draft.volumeM3 } : {}),
    description,
    hsCodes,
    shipper,
    consignee,
    ...(notify ? { notify } : {}),
    declaredValue,
    specialHandling: [...new Set((draft.specialHandling ?? []).map((s) => s.trim().toUpperCase()).filter(Boolean))],
    source: { ...source, line },
    ...(draft.extra ? { extra: draft.extra } : {}),
  };
  const parsed = ConsignmentSchema.safeParse(candidate);
  if (!parsed.success) {
    const errs = parsed.error.issues.map((zi) => {
      const field = zi.path.join('.');
      return issue('PARSE_ERROR', at(field.split('.')[0] ?? field), `${field || 'record'}: ${zi.message}`, { field });
    });
    return { ok: false, errors: errs, warnings };
  }
  return { ok: true, consignment: parsed.data, warnings };
}

function normaliseWeight(draft: ConsignmentDraft, fail: (message: string) => void): number {
  const raw = draft.rawWeight ?? (draft.weightKg != null ? String(draft.weightKg) : null);
  if (raw == null || raw.trim() === '') {
    fail('weight is missing');
    return 0;
  }
  const value = Number(raw.trim().replace(',', '.'));
  if (!Number.isFinite(value)) {
    fail(`weight "${raw}" is not a number`);
    return 0;
  }
  if (value <= 0) {
    fail(`weight must be greater than zero, got ${raw}`);
    return 0;
  }
  if (draft.rawWeight != null && draft.weightUnit == null) {
    fail(`weight ${raw} has no unit (K for kilograms or L for pounds)`);
    return 0;
  }
  const kg = draft.weightUnit === 'L' ? value * KG_PER_LB : value;
  return Math.round(kg * 1000) / 1000;
}

function normaliseParty(
  party: ConsignmentDraft['shipper'] | undefined,
  who: string,
  err: (code: Issue['code'], field: string, message: string) => void,
): Party | null {
  if (!party) return null;
  const clean = (v: string | null | undefined) => (v == null ? null : v.replace(/\s+/g, ' ').trim() || null);
  let countryCode: string | null = null;
  if (party.countryCode && party.countryCode.trim()) {
    countryCode = toAlpha2(party.countryCode);
    if (!countryCode)
      err('INVALID_COUNTRY', `${who}.countryCode`, `${who} country "${party.countryCode}" is not an ISO 3166 country code`);
  }
  const name = clean(party.name);
  if (!name) return { name: '', address: clean(party.address), city: clean(party.city), postcode: clean(party.postcode), countryCode };
  return { name, address: clean(party.address), city: clean(party.city), postcode: clean(party.postcode), countryCode };
}
