import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { DocumentError, issue, type Issue } from '../../model/issues.js';
import { canonicalHsCode } from '../../reference/hs-codes.js';
import type { DraftRecord, FormatReader, ReadItem, ReadOptions } from '../types.js';
import { stripBom } from '../stream.js';
import { JsonSyntaxError, parseJson, type Json, type JsonObject } from './json.js';
import { LdDocument, asArray, iriCode, isObject, localName } from './jsonld.js';

/**
 * ONE Record documents are linked data: an `@id` may point anywhere in the document, so the
 * document is read whole. This cap bounds that memory (a ONE Record message describes one
 * shipment or a few; 20 MiB is far above any real one).
 */
export const MAX_ONE_RECORD_BYTES = 20 * 1024 * 1024;
export const MAX_JSON_DEPTH = 256;
/** Per-record caps on the codes and descriptions kept (pieces are all counted). */
const MAX_CODES = 1000;

const KG_PER_LB = 0.45359237;

/** Content detection: JSON whose head mentions a JSON-LD context, the ONE Record namespace or `cargo:` keys. */
function detect(head: Buffer): boolean {
  const text = stripBom(head).toString('utf8').trimStart();
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  return /"@context"|onerecord\.iata\.org|"cargo:[A-Za-z]/.test(text);
}

type Measure = { value: number | undefined; raw: string; unit: string | undefined; line: number | undefined };

interface ShipmentData {
  pieces: JsonObject[];
  piecesLine: number | undefined;
  declaredPieces: number | undefined;
  description: string | undefined;
  descriptionLine: number | undefined;
  weight: Measure | undefined;
  hsCodes: { code: string; line: number | undefined }[];
  specialHandling: string[];
  parties: Partial<
    Record<
      'shipper' | 'consignee' | 'notify',
      {
        party: Party;
        line: number | undefined;
        nameLine: number | undefined;
        addressLine: number | undefined;
      }
    >
  >;
  declaredValue: { amount: number; currency: string; line: number | undefined } | undefined;
  issues: Issue[];
}

interface PieceInfo {
  description: string | undefined;
  descriptionLine: number | undefined;
  weight: Measure | undefined;
  specialHandling: string[];
  hsCodes: { code: string; line: number | undefined }[];
}

/** Maps one parsed ONE Record document to draft consignments. */
class OneRecordMapper {
  private readonly shipmentCache = new WeakMap<JsonObject, ShipmentData>();
  private readonly pieceCache = new WeakMap<JsonObject, PieceInfo>();

  constructor(private readonly doc: LdDocument) {}

  records(): DraftRecord[] {
    const { doc } = this;
    const waybills: JsonObject[] = [];
    const shipments: JsonObject[] = [];
    const pieces: JsonObject[] = [];
    const seen = new Set<JsonObject>();
    const topLevel = new Set<JsonObject>(this.topLevel());
    for (const node of doc.nodes) {
      const o = doc.resolve(node);
      if (!o || seen.has(o)) continue;
      const kind = this.kindOf(o, topLevel.has(node) || topLevel.has(o));
      if (!kind) continue;
      seen.add(o);
      (kind === 'waybill' ? waybills : kind === 'shipment' ? shipments : pieces).push(o);
    }

    // A master may list its houses; a house may name its master.
    const masterOf = new Map<JsonObject, JsonObject>();
    for (const w of waybills)
      for (const h of doc.objects(doc.get(w, 'houseWaybills'))) if (!masterOf.has(h)) masterOf.set(h, w);

    const out: DraftRecord[] = [];
    const usedShipments = new Set<JsonObject>();
    const usedPieces = new Set<JsonObject>();
    for (const w of waybills) {
      const shipment = doc.resolve(doc.get(w, 'shipment'));
      if (shipment) usedShipments.add(shipment);
      out.push(this.waybillRecord(w, shipment, masterOf.get(w)));
    }
    for (const s of shipments) {
      if (usedShipments.has(s)) continue;
      out.push(this.consignmentRecord(s, this.shipmentData(s), { kind: 'master' }));
    }
    for (const s of [...usedShipments, ...shipments])
      for (const p of this.shipmentData(s).pieces) usedPieces.add(p);
    // Pieces nested in other objects belong to them; only top-level loose pieces make a consignment.
    const orphans = pieces.filter((p) => topLevel.has(p) && !usedPieces.has(p));
    if (orphans.length > 0)
      out.push(this.consignmentRecord(orphans[0]!, this.piecesData(orphans, undefined), { kind: 'master' }));
    return out;
  }

  /** Root object, or the entries of a root array / `@graph`. */
  private topLevel(): JsonObject[] {
    const { root } = this.doc;
    const entries = Array.isArray(root)
      ? root
      : isObject(root) && Array.isArray(root['@graph'])
        ? root['@graph']
        : [root];
    return entries.filter(isObject);
  }

  /** By `@type`; a top-level object without one is recognised by its properties. */
  private kindOf(o: JsonObject, topLevel: boolean): 'waybill' | 'shipment' | 'piece' | undefined {
    const types = this.doc.types(o);
    if (types.includes('waybill')) return 'waybill';
    if (types.includes('shipment')) return 'shipment';
    if (types.includes('piece')) return 'piece';
    if (types.length > 0 || !topLevel) return undefined;
    const has = (...names: string[]) => names.some((n) => this.doc.get(o, n) !== undefined);
    if (has('waybillNumber')) return 'waybill';
    if (has('pieces', 'involvedParties', 'totalGrossWeight')) return 'shipment';
    if (has('contentProducts', 'grossWeight', 'goodsDescription')) return 'piece';
    return undefined;
  }

  private waybillRecord(
    w: JsonObject,
    shipment: JsonObject | undefined,
    listedBy: JsonObject | undefined,
  ): DraftRecord {
    const { doc } = this;
    const data = shipment ? this.shipmentData(shipment) : this.piecesData([], undefined);
    const declaredType = doc.code(doc.get(w, 'waybillType'))?.toUpperCase();
    const master = doc.resolve(doc.get(w, 'masterWaybill')) ?? listedBy;
    const type = declaredType ?? (master ? 'HOUSE' : 'MASTER');
    const number = doc.text(doc.get(w, 'waybillNumber'));
    const numberLine = doc.lineOf(w, 'waybillNumber');
    const fields: Partial<ConsignmentDraft> = {};
    const lines: Record<string, number | undefined> = {};
    const issues: Issue[] = [];
    if (type === 'HOUSE') {
      fields.kind = 'house';
      fields.hawb = number ?? null;
      lines.hawb = numberLine;
      fields.awb = master ? this.awbOf(master) : null;
      lines.awb = master ? doc.lineOf(master, 'waybillNumber') : undefined;
    } else {
      if (type !== 'MASTER' && type !== 'DIRECT')
        issues.push(
          issue(
            'PARSE_ERROR',
            doc.lineOf(w, 'waybillType') ?? 0,
            `waybill type "${type}" is not MASTER, HOUSE or DIRECT`,
            {
              field: 'kind',
            },
          ),
        );
      fields.kind = 'master';
      fields.awb = this.awbOf(w);
      lines.awb = numberLine;
    }
    const origin = this.location(doc.first(w, 'departureLocation', 'originLocation', 'origin'));
    const destination = this.location(
      doc.first(w, 'arrivalLocation', 'destinationLocation', 'finalDestination', 'destination'),
    );
    if (origin) {
      fields.origin = origin;
      lines.origin = doc.lineOf(w, 'departureLocation', 'originLocation', 'origin');
    }
    if (destination) {
      fields.destination = destination;
      lines.destination = doc.lineOf(
        w,
        'arrivalLocation',
        'destinationLocation',
        'finalDestination',
        'destination',
      );
    }
    // Parties and customs value may sit on the waybill rather than the shipment.
    const own = this.partiesOf(w);
    const merged: ShipmentData = { ...data, parties: { ...own, ...data.parties } };
    if (!merged.declaredValue) merged.declaredValue = this.declaredValue(w);
    // No gross weight on the shipment or its pieces: the waybill's rated gross weight(s).
    if (!merged.weight) {
      const rated = doc
        .objects(doc.get(w, 'waybillLineItems'))
        .map((item) => this.measure(doc.get(item, 'rateGrossWeight'), doc.lineOf(item, 'rateGrossWeight')))
        .filter((m): m is Measure => m !== undefined);
      merged.weight = sumMeasures(rated);
    }
    return this.consignmentRecord(w, merged, fields, lines, [...issues, ...data.issues], {
      waybillType: type,
    });
  }

  private awbOf(w: JsonObject): string | null {
    const prefix = this.doc.text(this.doc.get(w, 'waybillPrefix'));
    const number = this.doc.text(this.doc.get(w, 'waybillNumber'));
    if (!number) return null;
    return prefix ? `${prefix}-${number}` : number;
  }

  private location(v: Json | undefined): string | undefined {
    const { doc } = this;
    if (v === undefined || v === null) return undefined;
    const loc = doc.resolve(v);
    if (!loc) return doc.text(v);
    const codes = doc.first(loc, 'locationCodes', 'locationCode', 'code', 'iataCode');
    return doc.code(codes) ?? doc.code(loc);
  }

  private shipmentData(s: JsonObject): ShipmentData {
    const cached = this.shipmentCache.get(s);
    if (cached) return cached;
    const { doc } = this;
    const pieces = doc.objects(doc.get(s, 'pieces'));
    const data = this.piecesData(pieces, doc.lineOf(s, 'pieces'));
    const declared = doc.scalar(
      doc.first(s, 'totalPieceCount', 'pieceCount', 'numberOfPieces', 'totalPieces'),
    );
    if (declared !== undefined) {
      data.declaredPieces = Number(declared);
      data.piecesLine = doc.lineOf(s, 'totalPieceCount', 'pieceCount', 'numberOfPieces', 'totalPieces');
    }
    const description = doc.text(doc.get(s, 'goodsDescription'));
    if (description) {
      data.description = description;
      data.descriptionLine = doc.lineOf(s, 'goodsDescription');
    }
    const weight = this.measure(doc.get(s, 'totalGrossWeight'), doc.lineOf(s, 'totalGrossWeight'));
    if (weight) data.weight = weight;
    data.parties = { ...data.parties, ...this.partiesOf(s) };
    data.declaredValue = this.declaredValue(s) ?? data.declaredValue;
    this.shipmentCache.set(s, data);
    return data;
  }

  /** What a set of pieces says: descriptions, summed weights, HS codes, handling codes. */
  /** One piece's own data, computed once however many shipments refer to it. */
  private pieceInfo(p: JsonObject): PieceInfo {
    const cached = this.pieceCache.get(p);
    if (cached) return cached;
    const { doc } = this;
    const hsCodes: PieceInfo['hsCodes'] = [];
    for (const product of doc.objects(
      doc.first(p, 'contentProducts', 'contentProduct', 'product', 'products'),
    )) {
      const code = doc.code(doc.first(product, 'hsCode', 'hsCommodityCode'));
      if (code && hsCodes.length < MAX_CODES && !hsCodes.some((h) => h.code === code))
        hsCodes.push({ code, line: doc.lineOf(product, 'hsCode', 'hsCommodityCode') });
    }
    const info: PieceInfo = {
      description: doc.text(doc.get(p, 'goodsDescription')),
      descriptionLine: doc.lineOf(p, 'goodsDescription'),
      weight: this.measure(doc.get(p, 'grossWeight'), doc.lineOf(p, 'grossWeight')),
      specialHandling: doc.codes(doc.get(p, 'specialHandlingCodes')).slice(0, MAX_CODES),
      hsCodes,
    };
    this.pieceCache.set(p, info);
    return info;
  }

  /** What a set of pieces says: descriptions, summed weights, HS codes, handling codes. */
  private piecesData(pieces: JsonObject[], piecesLine: number | undefined): ShipmentData {
    const descriptions = new Set<string>();
    let descriptionLine: number | undefined;
    const hsCodes = new Map<string, number | undefined>();
    const specialHandling = new Set<string>();
    const weights: Measure[] = [];
    for (const p of pieces) {
      const info = this.pieceInfo(p);
      if (info.description && descriptions.size < MAX_CODES && !descriptions.has(info.description)) {
        descriptions.add(info.description);
        descriptionLine ??= info.descriptionLine;
      }
      if (info.weight) weights.push(info.weight);
      for (const code of info.specialHandling)
        if (specialHandling.size < MAX_CODES) specialHandling.add(code);
      for (const h of info.hsCodes)
        if (hsCodes.size < MAX_CODES && !hsCodes.has(h.code)) hsCodes.set(h.code, h.line);
    }
    return {
      pieces,
      piecesLine,
      declaredPieces: undefined,
      description: descriptions.size > 0 ? [...descriptions].join('; ') : undefined,
      descriptionLine,
      weight: sumMeasures(weights),
      hsCodes: [...hsCodes].map(([code, line]) => ({ code, line })),
      specialHandling: [...specialHandling],
      parties: {},
      declaredValue: undefined,
      issues: [],
    };
  }

  /** A ONE Record Value: `{numericalValue, unit}` (unit a code-list element or IRI), or a bare number. */
  private measure(v: Json | undefined, line: number | undefined): Measure | undefined {
    const { doc } = this;
    if (v === undefined || v === null) return undefined;
    const o = doc.resolve(v);
    if (!o) {
      const s = doc.scalar(v);
      if (s === undefined || typeof s === 'boolean') return undefined;
      return { value: Number(s), raw: String(s), unit: undefined, line };
    }
    const s = doc.scalar(doc.first(o, 'numericalValue', 'value', '@value'));
    if (s === undefined || typeof s === 'boolean') return undefined;
    const unit = doc.code(doc.first(o, 'unit', 'unitCode', 'unitOfMeasure'));
    return { value: Number(s), raw: String(s), unit, line };
  }

  private declaredValue(o: JsonObject): ShipmentData['declaredValue'] {
    const { doc } = this;
    const v = doc.first(o, 'declaredValueForCustoms');
    if (v === undefined) return undefined;
    const money = doc.resolve(v);
    const amount = doc.scalar(money ? doc.first(money, 'numericalValue', 'value', 'amount') : v);
    if (amount === undefined || typeof amount === 'boolean' || !Number.isFinite(Number(amount)))
      return undefined;
    const currency = money
      ? doc.code(doc.first(money, 'currencyUnit', 'currencyCode', 'currency'))
      : undefined;
    return {
      amount: Number(amount),
      currency: currency ?? '',
      line: doc.lineOf(o, 'declaredValueForCustoms'),
    };
  }

  private partiesOf(o: JsonObject): ShipmentData['parties'] {
    const { doc } = this;
    const out: ShipmentData['parties'] = {};
    for (const p of doc.objects(doc.first(o, 'involvedParties', 'parties', 'involvedParty'))) {
      const role = roleOf(doc.code(doc.first(p, 'partyRole', 'role', 'partyType')));
      if (!role || out[role]) continue;
      const org =
        doc.resolve(doc.first(p, 'partyDetails', 'organization', 'organisation', 'company', 'person')) ?? p;
      const person = [doc.text(doc.get(org, 'firstName')), doc.text(doc.get(org, 'lastName'))]
        .filter(Boolean)
        .join(' ');
      const name = doc.text(doc.first(org, 'name', 'organizationName')) ?? (person || undefined);
      const located =
        doc.resolve(doc.first(org, 'basedAtLocation', 'location')) ??
        doc.resolve(doc.get(p, 'basedAtLocation'));
      const address =
        doc.resolve(doc.first(located, 'address', 'postalAddress')) ??
        doc.resolve(doc.first(org, 'address', 'postalAddress')) ??
        doc.resolve(doc.get(p, 'address'));
      const lines = address
        ? doc.first(address, 'streetAddressLines', 'street', 'streetAddress', 'addressLines')
        : undefined;
      const street =
        lines === undefined
          ? undefined
          : [lines]
              .flat()
              .map((l) => doc.text(l))
              .filter(Boolean)
              .join(', ');
      out[role] = {
        party: {
          name: name ?? '',
          address: street || null,
          city: (address && doc.text(doc.first(address, 'cityName', 'city'))) ?? null,
          postcode:
            (address && doc.text(doc.first(address, 'postalCode', 'postCode', 'postcode', 'zipCode'))) ??
            null,
          countryCode: (address && doc.code(doc.first(address, 'country', 'countryCode'))) ?? null,
        },
        line: doc.lineOf(p),
        // A missing name or address is reported on the organisation that lacks it.
        nameLine: doc.lineOf(org, 'name', 'organizationName', 'firstName'),
        addressLine: address
          ? doc.lineOf(address, 'streetAddressLines', 'street', 'streetAddress', 'addressLines')
          : doc.lineOf(org),
      };
    }
    return out;
  }

  private consignmentRecord(
    anchor: JsonObject,
    data: ShipmentData,
    fields: Partial<ConsignmentDraft>,
    lines: Record<string, number | undefined> = {},
    issues: Issue[] = [...data.issues],
    extra: Record<string, unknown> = {},
  ): DraftRecord {
    const line = this.doc.lineOf(anchor) ?? 1;
    const fieldLines: Record<string, number> = {};
    const at = (field: string, l: number | undefined) => {
      if (l !== undefined) fieldLines[field] = l;
    };
    for (const [k, v] of Object.entries(lines)) at(k, v);

    const pieces = data.declaredPieces ?? (data.pieces.length > 0 ? data.pieces.length : undefined);
    at('pieces', data.piecesLine);
    const weight = data.weight ? weightOf(data.weight, issues) : { rawWeight: null, weightUnit: null };
    at('weightKg', data.weight?.line);
    at('description', data.descriptionLine);
    const badHs = data.hsCodes.find((h) => canonicalHsCode(h.code) === null);
    at('hsCodes', (badHs ?? data.hsCodes[0])?.line);
    for (const who of ['shipper', 'consignee', 'notify'] as const) {
      const p = data.parties[who];
      if (!p) continue;
      at(who, p.line);
      at(`${who}.name`, p.nameLine);
      at(`${who}.address`, p.addressLine);
    }
    at('declaredValue', data.declaredValue?.line);
    const id = anchor['@id'];

    const draft: ConsignmentDraft = {
      kind: fields.kind ?? 'master',
      awb: fields.awb ?? null,
      hawb: fields.hawb ?? null,
      parcelId: null,
      origin: fields.origin ?? null,
      destination: fields.destination ?? null,
      // A Piece document (no Shipment around it) is one piece.
      pieces: pieces ?? (this.doc.types(anchor).includes('piece') ? data.pieces.length || 1 : null),
      ...weight,
      description: data.description ?? null,
      hsCodes: data.hsCodes.map((h) => h.code),
      shipper: data.parties.shipper?.party ?? null,
      consignee: data.parties.consignee?.party ?? null,
      notify: data.parties.notify?.party ?? null,
      declaredValue: data.declaredValue
        ? { amount: data.declaredValue.amount, currency: data.declaredValue.currency }
        : null,
      specialHandling: data.specialHandling,
      extra: {
        ...(typeof id === 'string' && id.trim() ? { id: id.trim() } : {}),
        type: this.doc.types(anchor)[0] ?? 'unknown',
        ...extra,
      },
    };
    return { draft, line, fieldLines, issues };
  }
}

function roleOf(code: string | undefined): 'shipper' | 'consignee' | 'notify' | undefined {
  const r = (code ?? '').toUpperCase().replace(/[^A-Z]/g, '');
  if (r === 'SHP' || r === 'SHIPPER' || r === 'CONSIGNOR') return 'shipper';
  if (r === 'CNE' || r === 'CONSIGNEE') return 'consignee';
  if (r === 'NFY' || r === 'NOTIFY' || r === 'NOTIFYPARTY') return 'notify';
  return undefined;
}

/** Sum of piece weights, in their unit when they agree, else in kilograms. */
function sumMeasures(ms: Measure[]): Measure | undefined {
  const usable = ms.filter((m) => Number.isFinite(m.value));
  if (usable.length === 0) return ms[0];
  const units = new Set(usable.map((m) => normaliseUnit(m.unit)));
  const first = usable[0]!;
  if (units.size === 1) {
    const total = usable.reduce((s, m) => s + m.value!, 0);
    return { value: total, raw: String(total), unit: first.unit, line: first.line };
  }
  let kg = 0;
  for (const m of usable) {
    const u = normaliseUnit(m.unit);
    kg += m.value! * (u === 'L' ? KG_PER_LB : u === 'G' ? 0.001 : u === 'T' ? 1000 : 1);
  }
  return { value: kg, raw: String(kg), unit: 'KGM', line: first.line };
}

function normaliseUnit(unit: string | undefined): 'K' | 'L' | 'G' | 'T' | undefined | string {
  const u = unit?.trim().toUpperCase();
  if (u === undefined || u === '') return undefined;
  if (u === 'KGM' || u === 'KG' || u === 'K' || u === 'KGS') return 'K';
  if (u === 'LBR' || u === 'LB' || u === 'LBS' || u === 'L') return 'L';
  if (u === 'GRM' || u === 'G') return 'G';
  if (u === 'TNE' || u === 'T') return 'T';
  return u;
}

/** Units as UN/ECE Rec. 20 codes: KGM/LBR for the validator's K/L; grams and tonnes converted here. */
function weightOf(m: Measure, issues: Issue[]): Pick<ConsignmentDraft, 'rawWeight' | 'weightUnit'> {
  const unit = normaliseUnit(m.unit);
  if (unit === undefined) return { rawWeight: m.raw, weightUnit: null };
  if (unit === 'K' || unit === 'L') return { rawWeight: m.raw, weightUnit: unit };
  if ((unit === 'G' || unit === 'T') && Number.isFinite(m.value))
    return { rawWeight: String(unit === 'G' ? m.value! / 1000 : m.value! * 1000), weightUnit: 'K' };
  issues.push(
    issue('INVALID_WEIGHT', m.line ?? 0, `weight unit "${m.unit}" is not a weight unit (KGM or LBR)`, {
      field: 'weightKg',
    }),
  );
  return { rawWeight: m.raw, weightUnit: null };
}

/**
 * ONE Record JSON-LD (IATA ontology 3.x): Waybill, Shipment and Piece objects, with or without the
 * `cargo:` prefix, embedded or referenced by `@id`, in a single object, an array or an `@graph`.
 * Each Waybill is one consignment (MASTER/DIRECT → master, HOUSE → house); a Shipment without a
 * Waybill is one consignment; Pieces outside any Shipment together make one.
 */
export const oneRecordReader: FormatReader = {
  id: 'one-record',
  label: 'ONE Record (JSON-LD)',
  detect,

  async *read(chunks: AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<ReadItem> {
    const cap = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, MAX_ONE_RECORD_BYTES);
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > cap)
        throw new DocumentError(
          issue('TOO_LARGE', 0, `a ONE Record document is read whole and may not exceed ${cap} bytes`),
        );
      parts.push(chunk);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(stripBom(Buffer.concat(parts, size)));
    } catch {
      throw new DocumentError(issue('ENCODING', 0, 'the document is not valid UTF-8'));
    }
    parts.length = 0;
    let parsed: Json;
    try {
      parsed = parseJson(text, { maxDepth: MAX_JSON_DEPTH, key: localName });
    } catch (error) {
      if (error instanceof JsonSyntaxError)
        throw new DocumentError(issue('PARSE_ERROR', error.line, error.message));
      throw error;
    }
    const doc = new LdDocument(parsed);
    let records: DraftRecord[];
    try {
      records = new OneRecordMapper(doc).records();
    } catch (error) {
      // Hostile shapes must end this document alone, never the run.
      throw new DocumentError(
        issue(
          'PARSE_ERROR',
          1,
          `the ONE Record document could not be mapped: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
    if (records.length === 0) {
      const found = [
        ...new Set(
          doc.nodes.flatMap((n) =>
            asArray(n['@type'])
              .filter((t) => typeof t === 'string')
              .map(iriCode),
          ),
        ),
      ].slice(0, 5);
      throw new DocumentError(
        issue(
          'PARSE_ERROR',
          doc.lineOf(isObject(parsed) ? parsed : undefined) ?? 1,
          `the ONE Record document holds no Waybill, Shipment or Piece${found.length ? ` (it holds: ${found.join(', ')})` : ''}`,
        ),
      );
    }
    for (const record of records) yield { type: 'record', record };
  },
};
