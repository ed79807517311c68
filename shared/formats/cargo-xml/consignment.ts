import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { issue, type Issue, type IssueCode } from '../../model/issues.js';
import { canonicalHsCode } from '../../reference/hs-codes.js';
import { MAX_RECORD_TEXT } from '../../validation/validate.js';
import { isPlainDecimal, parseDecimal } from '../decimal.js';
import type { DraftRecord } from '../types.js';

/** One element's direct text child, with the attributes and line it came from. */
export interface Leaf {
  text: string;
  attrs: Record<string, string>;
  line: number;
}

/** An open element while streaming: only its direct leaf children are kept (bounded). */
export interface Frame {
  local: string;
  line: number;
  attrs: Record<string, string>;
  text: string;
  hasChildren: boolean;
  /** Created on the first leaf child: most elements have none. */
  fields: Map<string, Leaf> | undefined;
}

const NO_FIELDS: ReadonlyMap<string, Leaf> = new Map();

/**
 * Per-record list caps: one hostile consignment must not grow without bound. Descriptions and HS
 * codes, which screening reads, have none: the record's text bound (MAX_RECORD_TEXT) holds them.
 */
const MAX_LIST = 200;
/** Errors the reader itself raises on one record (it is rejected at the first; the rest add nothing). */
const MAX_RECORD_ISSUES = 20;

interface Measure {
  value: string;
  unit: string | undefined;
  line: number;
}

interface PartyAcc {
  line: number;
  nameLine?: number;
  addressLine?: number;
  countryLine?: number;
  name?: string;
  street?: string;
  city?: string;
  postcode?: string;
  country?: string;
  role?: string;
}

/** An OCI entry, in the Cargo-IMP reader's shape: IncludedCustomsNote maps field for field. */
export interface Oci {
  country: string | null;
  info: string | null;
  control: string | null;
  text: string;
}

const PARTY_ELEMENTS: Record<string, 'shipper' | 'consignee' | 'notify' | 'associated'> = {
  ConsignorParty: 'shipper',
  ConsigneeParty: 'consignee',
  NotifyParty: 'notify',
  AssociatedParty: 'associated',
};

const ITEM_ELEMENTS = new Set(['IncludedMasterConsignmentItem', 'IncludedHouseConsignmentItem']);

function leafOf(frame: Frame): Leaf {
  return { text: frame.text, attrs: frame.attrs, line: frame.line };
}

function measureOf(frame: Frame): Measure {
  return { value: frame.text.trim(), unit: frame.attrs.unitCode, line: frame.line };
}

function push<T>(list: T[], value: T): void {
  if (list.length < MAX_LIST) list.push(value);
}

function clean(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/\s+/g, ' ').trim();
  return t === '' ? undefined : t;
}

/**
 * Collects one consignment element (an XFWB MasterConsignment, an XFZB/XFHL
 * IncludedHouseConsignment or an XFFM IncludedMasterConsignment) from close events,
 * addressed by the path of local names below the consignment element.
 */
export class ConsignmentCollector {
  id?: Leaf;
  awb?: Leaf;
  totalWeight?: Measure;
  grossWeight?: Measure;
  itemWeights: Measure[] = [];
  totalPieces?: Leaf;
  pieceQuantity?: Leaf;
  itemPieces: Leaf[] = [];
  /** Every description text (summary and items'), once each, in document order. */
  descriptions: Leaf[] = [];
  private readonly seenDescriptions = new Set<string>();
  /** Every HS code of the items, in document order (validation drops repeats). */
  hsCodes: Leaf[] = [];
  parties: Partial<Record<'shipper' | 'consignee' | 'notify', PartyAcc>> = {};
  origin?: Leaf;
  destination?: Leaf;
  specialHandling: string[] = [];
  declared?: Leaf;
  nilCustomsValue = false;
  volume?: Measure;
  split?: string;
  oci: Oci[] = [];
  osi: string[] = [];
  movements: string[] = [];
  ulds: string[] = [];
  /** Set once the record's text passes MAX_RECORD_TEXT: where, and in which element. */
  tooLarge: { line: number; element: string } | undefined;
  /** Errors found while streaming (e.g. mixed content). */
  readonly issues: Issue[] = [];
  private readonly pendingAddress = new Map<string, ReadonlyMap<string, Leaf>>();
  private pendingUldOwner: string | undefined;

  constructor(readonly line: number) {}

  reject(code: IssueCode, line: number, message: string): void {
    if (this.issues.length < MAX_RECORD_ISSUES) this.issues.push(issue(code, line, message));
  }

  private describe(frame: Frame): void {
    const text = clean(frame.text);
    if (text === undefined || this.seenDescriptions.has(text)) return;
    this.seenDescriptions.add(text);
    this.descriptions.push({ text, attrs: frame.attrs, line: frame.line });
  }

  /** `path` runs from the consignment element's child down to the element being closed. */
  onClose(path: string[], frame: Frame): void {
    const n = path.length;
    const last = path[n - 1]!;
    const text = frame.text;
    const fields = frame.fields ?? NO_FIELDS;

    const itemAt = path.findIndex((p) => ITEM_ELEMENTS.has(p));
    if (itemAt >= 0) {
      const rel = path.slice(itemAt + 1).join('/');
      if (rel === 'TypeCode' && text.trim()) this.hsCodes.push(leafOf(frame));
      else if (rel === 'GrossWeightMeasure') push(this.itemWeights, measureOf(frame));
      else if (rel === 'PieceQuantity') push(this.itemPieces, leafOf(frame));
      else if (rel === 'NatureIdentificationTransportCargo/Identification') this.describe(frame);
      else if (rel === 'AssociatedUnitLoadTransportEquipment') this.uld(fields);
      else if (rel === 'AssociatedUnitLoadTransportEquipment/OperatingParty/PrimaryID')
        this.pendingUldOwner = text.trim();
      return;
    }
    if (path.join('/') === 'AssociatedUnitLoadTransportEquipment/OperatingParty/PrimaryID') {
      this.pendingUldOwner = text.trim();
      return;
    }

    const partyKind = PARTY_ELEMENTS[path[0]!];
    if (partyKind) {
      if (n === 1) this.closeParty(partyKind, frame);
      else if (last === 'PostalStructuredAddress' || last === 'FreightForwarderAddress')
        this.pendingAddress.set(path[0]!, fields);
      return;
    }

    if (n === 1) {
      switch (last) {
        case 'ID':
          this.id = leafOf(frame);
          break;
        case 'IncludedTareGrossWeightMeasure':
        case 'TotalGrossWeightMeasure':
          this.totalWeight ??= measureOf(frame);
          break;
        case 'GrossWeightMeasure':
          this.grossWeight ??= measureOf(frame);
          break;
        case 'GrossVolumeMeasure':
          this.volume ??= measureOf(frame);
          break;
        case 'TotalPieceQuantity':
          this.totalPieces = leafOf(frame);
          break;
        case 'PieceQuantity':
          this.pieceQuantity = leafOf(frame);
          break;
        case 'SummaryDescription':
          this.describe(frame);
          break;
        case 'TransportSplitDescription':
          this.split = text.trim().toUpperCase();
          break;
        case 'DeclaredValueForCustomsAmount':
          this.declared = leafOf(frame);
          break;
        case 'NilCustomsValueIndicator':
          this.nilCustomsValue = text.trim().toLowerCase() === 'true';
          break;
        case 'IncludedCustomsNote': {
          const value = (name: string) => fields.get(name)?.text.trim() || null;
          push(this.oci, {
            country: value('CountryID'),
            info: value('SubjectCode'),
            control: value('ContentCode'),
            text: clean(fields.get('Content')?.text) ?? '',
          });
          break;
        }
        case 'AssociatedUnitLoadTransportEquipment':
          this.uld(fields);
          break;
      }
      return;
    }

    switch (path.join('/')) {
      case 'TransportContractDocument/ID':
        this.awb = leafOf(frame);
        break;
      case 'OriginLocation/ID':
        this.origin = leafOf(frame);
        break;
      case 'FinalDestinationLocation/ID':
        this.destination = leafOf(frame);
        break;
      case 'HandlingSPHInstructions/DescriptionCode':
        if (text.trim()) push(this.specialHandling, text.trim());
        break;
      case 'HandlingOSIInstructions/Description': {
        const osi = clean(text);
        if (osi) push(this.osi, osi);
        break;
      }
      case 'SpecifiedLogisticsTransportMovement/ID':
        if (text.trim()) push(this.movements, text.trim());
        break;
    }
  }

  /** Once the record is too large, only its numbers are still read (for the RECORD_TOO_LARGE record). */
  onIdentity(path: string[], frame: Frame): void {
    const at = path.join('/');
    if (at === 'ID') this.id ??= leafOf(frame);
    else if (at === 'TransportContractDocument/ID') this.awb ??= leafOf(frame);
  }

  private uld(fields: ReadonlyMap<string, Leaf>): void {
    const type = fields.get('CharacteristicCode')?.text.trim() ?? '';
    const id = fields.get('ID')?.text.trim() ?? '';
    // ULD id as in Cargo-IMP: type, serial, owner (e.g. PMC1337XX).
    if (type || id) push(this.ulds, `${type}${id}${this.pendingUldOwner ?? ''}`);
    this.pendingUldOwner = undefined;
  }

  private closeParty(kind: 'shipper' | 'consignee' | 'notify' | 'associated', frame: Frame): void {
    const f = frame.fields ?? NO_FIELDS;
    const address = this.pendingAddress.get(frame.local) ?? NO_FIELDS;
    this.pendingAddress.delete(frame.local);
    const street = address.get('StreetName') ?? address.get('PostOfficeBox');
    const acc: PartyAcc = {
      line: frame.line,
      nameLine: f.get('Name')?.line,
      addressLine: street?.line,
      countryLine: address.get('CountryID')?.line,
      name: clean(f.get('Name')?.text),
      street: clean(street?.text),
      city: clean(address.get('CityName')?.text),
      postcode: clean(address.get('PostcodeCode')?.text),
      country: clean(address.get('CountryID')?.text),
      role: clean(f.get('RoleCode')?.text ?? f.get('Role')?.text),
    };
    if (kind === 'associated') {
      // XFWB carries the notify party as an AssociatedParty with role code NI.
      const role = (acc.role ?? '').toUpperCase();
      if (role === 'NI' || role === 'NFY' || role.includes('NOTIFY')) this.parties.notify ??= acc;
      return;
    }
    this.parties[kind] ??= acc;
  }
}

/** Document-level context a consignment is read in: header, master (for houses), flight (XFFM). */
export interface XmlContext {
  family: 'waybill' | 'house' | 'manifest' | 'flight';
  typeCode?: string;
  headerId?: Leaf;
  masterAwb?: Leaf;
  masterOrigin?: Leaf;
  masterDestination?: Leaf;
  flight?: string;
  flightDate?: string;
  loadingPoint?: string;
  unloadingPoint?: string;
  cargoType?: string;
  uld?: string;
  uldOwner?: string;
}

const MESSAGE_NAMES = { waybill: 'XFWB', house: 'XFZB', manifest: 'XFHL', flight: 'XFFM' } as const;

/**
 * The number a (trimmed) value writes, or NaN when it is not a plain decimal: numbers in Cargo-XML
 * are xsd:decimal, so exponents ("1e2"), hexadecimal ("0x10"), Infinity, commas and inner spaces
 * are not numbers here (Number() would read several of them), and a record carrying one is
 * rejected, never misread.
 */
function decimal(raw: string): number {
  return isPlainDecimal(raw) ? parseDecimal(raw) : Number.NaN;
}

function notDecimal(raw: string): string {
  return `"${raw}" is not a number (a plain decimal such as 12 or 12.5)`;
}

function toInt(leaf: Leaf | undefined, issues: Issue[], field: string): number | null {
  if (!leaf) return null;
  const raw = leaf.text.trim();
  const n = decimal(raw);
  if (!Number.isFinite(n)) {
    issues.push(issue('INVALID_PIECES', leaf.line, `${field} ${notDecimal(raw)}`, { field: 'pieces' }));
    return null;
  }
  return n;
}

/**
 * Whether a weight value is empty or a plain decimal; otherwise an INVALID_WEIGHT. For the weight
 * handed to validation (`handedOn`) only what validation would read as a number ("1e2", "0x10")
 * is reported here: validation reports the rest itself.
 */
function checkWeightValue(m: Measure, issues: Issue[], handedOn: boolean): boolean {
  if (m.value === '' || isPlainDecimal(m.value)) return true;
  if (!handedOn || Number.isFinite(parseDecimal(m.value)))
    issues.push(issue('INVALID_WEIGHT', m.line, `weight ${notDecimal(m.value)}`, { field: 'weightKg' }));
  return false;
}

/**
 * Weight units as UN/ECE Rec. 20 codes: KGM and LBR become the validator's K/L; grams and tonnes
 * are converted to kilograms here; anything else is an INVALID_WEIGHT for this record.
 */
function weightOf(m: Measure, issues: Issue[]): Pick<ConsignmentDraft, 'rawWeight' | 'weightUnit'> {
  if (!checkWeightValue(m, issues, true)) return { rawWeight: m.value, weightUnit: 'K' };
  const unit = m.unit?.trim().toUpperCase();
  if (unit === undefined || unit === '') return { rawWeight: m.value, weightUnit: null };
  if (unit === 'KGM' || unit === 'KG' || unit === 'K') return { rawWeight: m.value, weightUnit: 'K' };
  if (unit === 'LBR' || unit === 'LB' || unit === 'LBS' || unit === 'L')
    return { rawWeight: m.value, weightUnit: 'L' };
  const n = decimal(m.value);
  if ((unit === 'GRM' || unit === 'TNE') && Number.isFinite(n))
    return { rawWeight: String(unit === 'GRM' ? n / 1000 : n * 1000), weightUnit: 'K' };
  issues.push(
    issue('INVALID_WEIGHT', m.line, `weight unit "${m.unit}" is not a weight unit (KGM or LBR)`, {
      field: 'weightKg',
    }),
  );
  return { rawWeight: m.value, weightUnit: null };
}

/** Sum of item weights, in the items' unit when they agree, else in kilograms. */
function sumWeights(items: Measure[], issues: Issue[]): Measure | undefined {
  const usable = items.filter((m) => checkWeightValue(m, issues, false) && m.value !== '');
  if (usable.length === 0) return undefined;
  const units = new Set(usable.map((m) => m.unit?.trim().toUpperCase()));
  if (units.size === 1)
    return {
      value: String(usable.reduce((s, m) => s + decimal(m.value), 0)),
      unit: usable[0]!.unit,
      line: usable[0]!.line,
    };
  const kg = usable.reduce((s, m) => {
    const u = m.unit?.trim().toUpperCase();
    return s + decimal(m.value) * (u === 'LBR' ? 0.45359237 : u === 'GRM' ? 0.001 : u === 'TNE' ? 1000 : 1);
  }, 0);
  return { value: String(kg), unit: 'KGM', line: usable[0]!.line };
}

function volumeM3(m: Measure | undefined, issues: Issue[]): number | null {
  if (!m || m.value === '') return null;
  const v = decimal(m.value);
  if (!Number.isFinite(v)) {
    issues.push(issue('PARSE_ERROR', m.line, `volume ${notDecimal(m.value)}`, { field: 'volumeM3' }));
    return null;
  }
  if (v < 0) return null;
  const unit = m.unit?.trim().toUpperCase();
  if (unit === 'MTQ') return v;
  if (unit === 'CMQ') return v / 1_000_000;
  if (unit === 'DMQ') return v / 1000;
  return null;
}

function party(acc: PartyAcc | undefined): Party | null {
  if (!acc) return null;
  return {
    name: acc.name ?? '',
    address: acc.street ?? null,
    city: acc.city ?? null,
    postcode: acc.postcode ?? null,
    countryCode: acc.country ?? null,
  };
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

/** Turns one collected consignment into a draft record for the shared validator. */
export function toDraftRecord(c: ConsignmentCollector, ctx: XmlContext): DraftRecord {
  const issues: Issue[] = [];
  const fieldLines: Record<string, number> = {};
  const at = (field: string, line: number | undefined) => {
    if (line !== undefined) fieldLines[field] = line;
  };
  const kind = ctx.family === 'house' || ctx.family === 'manifest' ? 'house' : 'master';

  // Numbers: an XFWB's AWB is its business header ID (or the transport contract document); a
  // house's own number is its consignment ID, its master AWB the master's contract document.
  let awb: Leaf | undefined;
  let hawb: Leaf | undefined;
  if (kind === 'house') {
    awb = c.awb ?? ctx.masterAwb;
    hawb = c.id ?? (ctx.family === 'house' ? ctx.headerId : undefined);
  } else if (ctx.family === 'flight') {
    awb = c.awb;
  } else {
    awb = c.awb ?? ctx.headerId;
  }
  at('awb', awb?.line);
  at('hawb', hawb?.line);

  if (c.tooLarge) return tooLargeRecord(c, c.tooLarge, kind, awb, hawb, fieldLines);

  const origin = c.origin ?? (kind === 'house' ? ctx.masterOrigin : undefined);
  const destination = c.destination ?? (kind === 'house' ? ctx.masterDestination : undefined);
  at('origin', origin?.line);
  at('destination', destination?.line);

  // Pieces: the consignment total, else the pieces element, else the sum over items. An XFFM
  // part shipment (split code P/S/D) carries its own pieces and the AWB total.
  let pieces: number | null;
  let totalPieces: number | null = null;
  const total = toInt(c.totalPieces, issues, 'total pieces');
  const own = toInt(c.pieceQuantity, issues, 'pieces');
  if (ctx.family === 'flight' && c.split && c.split !== 'T' && own !== null) {
    pieces = own;
    if (total !== null && total !== own) totalPieces = total;
    at('pieces', c.pieceQuantity?.line);
  } else if (total !== null) {
    pieces = total;
    at('pieces', c.totalPieces?.line);
  } else if (own !== null) {
    pieces = own;
    at('pieces', c.pieceQuantity?.line);
  } else {
    const itemCounts: number[] = [];
    for (const l of c.itemPieces) {
      const raw = l.text.trim();
      if (raw === '') continue;
      const n = decimal(raw);
      if (Number.isFinite(n)) itemCounts.push(n);
      else
        issues.push(issue('INVALID_PIECES', l.line, `item pieces ${notDecimal(raw)}`, { field: 'pieces' }));
    }
    pieces = itemCounts.length > 0 ? itemCounts.reduce((s, n) => s + n, 0) : null;
    at('pieces', c.itemPieces[0]?.line);
  }

  const weightMeasure =
    ctx.family === 'flight'
      ? (c.grossWeight ?? c.totalWeight ?? sumWeights(c.itemWeights, issues))
      : (c.totalWeight ?? c.grossWeight ?? sumWeights(c.itemWeights, issues));
  const weight = weightMeasure ? weightOf(weightMeasure, issues) : { rawWeight: null, weightUnit: null };
  at('weightKg', weightMeasure?.line);

  // Every description the message carries (summary and items), as the other readers join
  // several goods descriptions: screening must see each of them.
  const description = c.descriptions.length > 0 ? c.descriptions.map((d) => d.text).join('; ') : null;
  at('description', c.descriptions[0]?.line);

  const hsCodes = c.hsCodes.map((l) => l.text.trim());
  // The HS line cited is that of the code validation will refuse, if any.
  const badHs = c.hsCodes.find((l) => canonicalHsCode(l.text.trim()) === null);
  at('hsCodes', (badHs ?? c.hsCodes[0])?.line);

  for (const who of ['shipper', 'consignee', 'notify'] as const) {
    const acc = c.parties[who];
    if (!acc) continue;
    at(who, acc.line);
    at(`${who}.name`, acc.nameLine ?? acc.line);
    at(`${who}.address`, acc.addressLine ?? acc.line);
    at(`${who}.countryCode`, acc.countryLine ?? acc.line);
  }

  let declaredValue: ConsignmentDraft['declaredValue'] = null;
  if (c.declared && c.declared.text.trim() !== '') {
    const amount = decimal(c.declared.text.trim());
    at('declaredValue', c.declared.line);
    if (!Number.isFinite(amount))
      issues.push(
        issue(
          'INVALID_VALUE',
          c.declared.line,
          `declared customs value ${notDecimal(c.declared.text.trim())}`,
          {
            field: 'declaredValue',
          },
        ),
      );
    else declaredValue = { amount, currency: c.declared.attrs.currencyID ?? '' };
  }

  const uld = ctx.uld ? `${ctx.uld}${ctx.uldOwner ?? ''}` : undefined;
  const draft: ConsignmentDraft = {
    kind,
    awb: awb ? awb.text.trim() : null,
    hawb: hawb ? hawb.text.trim() || null : null,
    parcelId: null,
    origin: origin ? origin.text.trim() : null,
    destination: destination ? destination.text.trim() : null,
    pieces,
    ...(totalPieces !== null ? { totalPieces } : {}),
    ...weight,
    volumeM3: volumeM3(c.volume, issues),
    description,
    hsCodes,
    shipper: party(c.parties.shipper),
    consignee: party(c.parties.consignee),
    notify: party(c.parties.notify),
    declaredValue,
    specialHandling: c.specialHandling,
    extra: compact({
      messageType: MESSAGE_NAMES[ctx.family],
      documentType: ctx.typeCode,
      consignmentId: kind === 'master' ? c.id?.text.trim() || undefined : undefined,
      flights: c.movements,
      flight: ctx.family === 'flight' ? ctx.flight : undefined,
      flightDate: ctx.family === 'flight' ? ctx.flightDate : undefined,
      loadingPoint: ctx.family === 'flight' ? ctx.loadingPoint : undefined,
      unloadingPoint: ctx.family === 'flight' ? ctx.unloadingPoint : undefined,
      uld: ctx.family === 'flight' ? uld : undefined,
      ulds: c.ulds,
      split: c.split,
      oci: c.oci,
      osi: c.osi,
    }),
  };
  issues.push(...c.issues);
  return {
    draft,
    line: c.line,
    fieldLines,
    issues,
    // A flight manifest lists consignments without their parties by design (the waybill has them).
    ...(ctx.family === 'flight' ? { notCarried: ['shipper', 'consignee'] } : {}),
  };
}

/**
 * A consignment whose text passed MAX_RECORD_TEXT: rejected whole with RECORD_TOO_LARGE at its
 * line, never cut (screening reads its description). It keeps only its numbers for the message;
 * the draft stands in for the fields it was not read for, and is never stored.
 */
function tooLargeRecord(
  c: ConsignmentCollector,
  at: { line: number; element: string },
  kind: 'master' | 'house',
  awb: Leaf | undefined,
  hawb: Leaf | undefined,
  fieldLines: Record<string, number>,
): DraftRecord {
  const limit = MAX_RECORD_TEXT.toLocaleString('en');
  return {
    draft: {
      kind,
      awb: awb ? awb.text.trim() : null,
      hawb: hawb ? hawb.text.trim() || null : null,
      parcelId: null,
      pieces: 1,
      rawWeight: '1',
      weightUnit: 'K',
    },
    line: c.line,
    fieldLines,
    issues: [
      issue(
        'RECORD_TOO_LARGE',
        c.line,
        `line ${c.line}: the consignment holds more than ${limit} characters of text (passed in <${at.element}> at line ${at.line}); it is rejected whole rather than cut, since a stored consignment is limited to ${limit}`,
      ),
    ],
    notCarried: ['description', 'shipper', 'consignee'],
  };
}
