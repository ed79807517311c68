import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { DocumentError, issue, type Issue } from '../../model/issues.js';
import { clip } from '../../model/clip.js';
import { canonicalHsCode } from '../../reference/hs-codes.js';
import { MAX_RECORD_TEXT } from '../../validation/validate.js';
import { isPlainDecimal, parseDecimal } from '../decimal.js';
import type { DraftRecord, FormatReader, ReadItem, ReadOptions } from '../types.js';
import { stripBom } from '../stream.js';
import { JsonLimitError, JsonSyntaxError, parseJson, type Json, type JsonObject } from './json.js';
import { LdDocument, asArray, iriCode, isObject, localName } from './jsonld.js';

/**
 * ONE Record documents are linked data: an `@id` may point anywhere in the document, so the
 * document is read whole. This cap bounds that memory (a ONE Record message describes one
 * shipment or a few; 20 MiB is far above any real one).
 */
export const MAX_ONE_RECORD_BYTES = 20 * 1024 * 1024;
export const MAX_JSON_DEPTH = 256;
/**
 * Objects and arrays a document may hold. Each costs some 60 bytes parsed however short its
 * text (`{},` is 3 bytes): 20 MiB of `{}` would be 7 million objects and over 1 GB. Real
 * documents hold one per 30 bytes or more (a 20 MiB shipment of 150,000 pieces: 600,000).
 */
export const MAX_JSON_CONTAINERS = 1_500_000;
/**
 * Records may hold at most this many characters of text per byte of the document (and at least
 * MIN_OUTPUT_CHARS in all): an `@id` lets one node's text reach any number of records, so a
 * small document could otherwise produce gigabytes of consignments. A record past the bound is
 * rejected with TOO_LARGE.
 */
export const OUTPUT_CHARS_PER_BYTE = 4;
export const MIN_OUTPUT_CHARS = 1_000_000;
/** Records yielded at a time (an async hop per record costs more than validating it). */
const BATCH = 256;
/** Several descriptions in one record, as the other readers join them. */
const SEPARATOR = '; ';

const KG_PER_LB = 0.45359237;

/** Content detection: JSON whose head mentions a JSON-LD context, the ONE Record namespace or `cargo:` keys. */
function detect(head: Buffer): boolean {
  const text = stripBom(head).toString('utf8').trimStart();
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  return /"@context"|onerecord\.iata\.org|"cargo:[A-Za-z]/.test(text);
}

/** A weight: `raw` is what validation reads; `error` says why it is not a number the reader accepts. */
type Measure = {
  value: number;
  raw: string;
  unit: string | undefined;
  line: number | undefined;
  error?: string;
};

/** A text (description, code) and the line of the property that holds it. */
type Located = { text: string; line: number | undefined };

interface PartyEntry {
  party: Party;
  /** Every name the party was given, when it was given more than one (see consignmentRecord). */
  names?: string[];
  line: number | undefined;
  nameLine: number | undefined;
  addressLine: number | undefined;
  /** Characters of the party's text. */
  chars: number;
}
type Parties = Partial<Record<'shipper' | 'consignee' | 'notify', PartyEntry>>;

interface ShipmentData {
  pieces: JsonObject[];
  piecesLine: number | undefined;
  declaredPieces: number | undefined;
  /** Every description text, each once, in document order. */
  descriptions: Located[];
  /** Every HS code, each once, in document order. */
  hsCodes: Located[];
  specialHandling: string[];
  /** Characters of descriptions (joined), HS codes and handling codes, as validation counts them. */
  chars: number;
  weight: Measure | undefined;
  parties: Parties;
  declaredValue: { amount: number; currency: string; line: number | undefined } | undefined;
  issues: Issue[];
}

interface PieceInfo {
  descriptions: Located[];
  weight: Measure | undefined;
  specialHandling: string[];
  hsCodes: Located[];
  /** Pieces inside this one (`containedPieces`): their texts and codes count, not their weight. */
  contained: JsonObject[];
}

/**
 * A number as ONE Record may write it: a JSON number or a string of an xsd:decimal, spaces around
 * it aside (a point, never a comma: "1,500" would be read as 1.5 by one reader and 1500 by another).
 */
const EDGE_SPACES = /^ +| +$/g;

type Numeric = { value: number; raw: string; error?: undefined } | { error: string; raw: string };

/**
 * Maps one parsed ONE Record document to draft consignments, one at a time. Whatever a node
 * costs to read (joined street lines, summed pieces) is computed once per node, so references
 * do not multiply memory; the text records take is counted against `budget`.
 */
class OneRecordMapper {
  private readonly shipmentCache = new WeakMap<JsonObject, ShipmentData>();
  private readonly pieceCache = new WeakMap<JsonObject, PieceInfo>();
  private readonly partiesCache = new WeakMap<JsonObject, Parties>();
  private readonly partyCache = new WeakMap<JsonObject, PartyEntry>();
  /** Characters of text the records read so far hold. */
  private spent = 0;

  constructor(
    private readonly doc: LdDocument,
    private readonly budget: number,
  ) {}

  *records(): Generator<DraftRecord> {
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

    const usedShipments = new Set<JsonObject>();
    for (const w of waybills) {
      const shipment = doc.resolve(doc.get(w, 'shipment'));
      if (shipment) usedShipments.add(shipment);
      yield this.waybillRecord(w, shipment, masterOf.get(w));
    }
    for (const s of shipments) {
      if (usedShipments.has(s)) continue;
      yield this.consignmentRecord(s, this.shipmentData(s), { kind: 'master' });
    }
    // Pieces nested in other objects belong to them; only top-level loose pieces make a consignment.
    const usedPieces = new Set<JsonObject>();
    for (const s of [...usedShipments, ...shipments])
      for (const p of this.withContained(this.shipmentData(s).pieces)) usedPieces.add(p);
    const orphans = pieces.filter((p) => topLevel.has(p) && !usedPieces.has(p));
    if (orphans.length > 0)
      yield this.consignmentRecord(orphans[0]!, this.piecesData(orphans, undefined), { kind: 'master' });
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
    if (!merged.declaredValue) merged.declaredValue = this.declaredValue(w, issues);
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
    // `pieces` in ontology 3.x; `containedPieces` before it.
    const listed = [...asArray(doc.get(s, 'pieces')), ...asArray(doc.get(s, 'containedPieces'))];
    const own = {
      descriptions: located(doc.texts(doc.get(s, 'goodsDescription')), doc.lineOf(s, 'goodsDescription')),
    };
    const data = this.piecesData(doc.objects(listed), doc.lineOf(s, 'pieces', 'containedPieces'), own);
    const countNames = ['totalPieceCount', 'pieceCount', 'numberOfPieces', 'totalPieces'];
    const declared = this.numeric(doc.first(s, ...countNames));
    if (declared) {
      const line = doc.lineOf(s, ...countNames);
      if (declared.error !== undefined)
        data.issues.push(
          issue('INVALID_PIECES', line ?? 0, `total piece count ${declared.error}`, { field: 'pieces' }),
        );
      else data.declaredPieces = declared.value;
      data.piecesLine = line;
    }
    const weight = this.measure(doc.get(s, 'totalGrossWeight'), doc.lineOf(s, 'totalGrossWeight'));
    if (weight) data.weight = weight;
    data.parties = { ...data.parties, ...this.partiesOf(s) };
    data.declaredValue = this.declaredValue(s, data.issues) ?? data.declaredValue;
    this.shipmentCache.set(s, data);
    return data;
  }

  /** The pieces and, at any depth, the pieces they contain; each once. */
  private withContained(pieces: JsonObject[]): JsonObject[] {
    const out: JsonObject[] = [];
    const seen = new Set<JsonObject>();
    const stack = [...pieces].reverse();
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      out.push(p);
      const inner = this.pieceInfo(p).contained;
      for (let i = inner.length - 1; i >= 0; i--) stack.push(inner[i]!);
    }
    return out;
  }

  /** One piece's own data, computed once however many shipments refer to it. */
  private pieceInfo(p: JsonObject): PieceInfo {
    const cached = this.pieceCache.get(p);
    if (cached) return cached;
    const { doc } = this;
    const hsCodes: Located[] = [];
    for (const product of doc.objects(
      doc.first(p, 'contentProducts', 'contentProduct', 'product', 'products'),
    )) {
      const line = doc.lineOf(product, 'hsCode', 'hsCommodityCode');
      for (const code of doc.codes(doc.first(product, 'hsCode', 'hsCommodityCode')))
        hsCodes.push({ text: code, line });
    }
    const info: PieceInfo = {
      descriptions: located(doc.texts(doc.get(p, 'goodsDescription')), doc.lineOf(p, 'goodsDescription')),
      weight: this.measure(doc.get(p, 'grossWeight'), doc.lineOf(p, 'grossWeight')),
      specialHandling: doc.codes(doc.get(p, 'specialHandlingCodes')),
      hsCodes,
      contained: doc.objects(doc.get(p, 'containedPieces')),
    };
    this.pieceCache.set(p, info);
    return info;
  }

  /**
   * What a set of pieces says, with what their shipment says itself (`own`): every description
   * and HS code (of pieces inside pieces too), each once and in document order; summed weights;
   * handling codes. Nothing is capped: a record whose text passes MAX_RECORD_TEXT is rejected.
   */
  private piecesData(
    pieces: JsonObject[],
    piecesLine: number | undefined,
    own: { descriptions: Located[] } = { descriptions: [] },
  ): ShipmentData {
    const descriptions = new Distinct();
    for (const d of own.descriptions) descriptions.add(d);
    const hsCodes = new Distinct();
    const specialHandling = new Set<string>();
    const weights: Measure[] = [];
    for (const p of pieces) {
      const weight = this.pieceInfo(p).weight;
      if (weight) weights.push(weight);
    }
    for (const p of this.withContained(pieces)) {
      const info = this.pieceInfo(p);
      for (const d of info.descriptions) descriptions.add(d);
      for (const h of info.hsCodes) hsCodes.add(h);
      for (const code of info.specialHandling) specialHandling.add(code);
    }
    const texts = descriptions.inDocumentOrder();
    const codes = hsCodes.inDocumentOrder();
    let chars = texts.length > 0 ? SEPARATOR.length * (texts.length - 1) : 0;
    for (const d of texts) chars += d.text.length;
    for (const h of codes) chars += h.text.length + 2;
    for (const c of specialHandling) chars += c.length + 2;
    return {
      pieces,
      piecesLine,
      declaredPieces: undefined,
      descriptions: texts,
      hsCodes: codes,
      specialHandling: [...specialHandling],
      chars,
      weight: sumMeasures(weights),
      parties: {},
      declaredValue: undefined,
      issues: [],
    };
  }

  /**
   * The one number a property holds: a JSON number, or a string of a plain decimal number
   * (digits, one `.`, a sign). Commas, hex, exponents, booleans,
   * objects and several values are errors; undefined when the property is absent.
   */
  private numeric(v: Json | undefined): Numeric | undefined {
    if (v === undefined || v === null) return undefined;
    const values = asArray(v);
    if (values.length === 0) return undefined;
    if (values.length > 1)
      return {
        error: `has ${values.length} values where one number is expected`,
        // Never a number, whatever the values: validation reads it as one that is not.
        raw: values
          .slice(0, 3)
          .map((x) => String(this.doc.scalar(x) ?? '?'))
          .join(' | '),
      };
    const one = values[0]!;
    if (isObject(one) && !('@value' in one)) return { error: 'is not a number', raw: '' };
    const s = this.doc.scalar(one);
    if (s === undefined) return undefined;
    if (typeof s === 'number') return { value: s, raw: String(s) };
    if (typeof s === 'string' && isPlainDecimal(s.replace(EDGE_SPACES, '')))
      return { value: parseDecimal(s), raw: s.trim() };
    return { error: `${JSON.stringify(s)} is not a number`, raw: String(s) };
  }

  /** A ONE Record Value: `{numericalValue, unit}` (unit a code-list element or IRI), or a bare number. */
  private measure(v: Json | undefined, line: number | undefined): Measure | undefined {
    const { doc } = this;
    if (v === undefined || v === null) return undefined;
    const o = doc.resolve(v);
    const n = this.numeric(o ? doc.first(o, 'numericalValue', 'value', '@value') : v);
    const unit = o ? doc.code(doc.first(o, 'unit', 'unitCode', 'unitOfMeasure')) : undefined;
    if (!n) return { value: Number.NaN, raw: '', unit, line, error: 'has no numericalValue' };
    if (n.error !== undefined) return { value: Number.NaN, raw: n.raw, unit, line, error: n.error };
    return { value: n.value, raw: n.raw, unit, line };
  }

  /** The customs value; one that is not a number is INVALID_VALUE (in `issues`), never dropped. */
  private declaredValue(o: JsonObject, issues: Issue[]): ShipmentData['declaredValue'] {
    const { doc } = this;
    const v = doc.first(o, 'declaredValueForCustoms');
    if (v === undefined) return undefined;
    const line = doc.lineOf(o, 'declaredValueForCustoms');
    const money = doc.resolve(v);
    const amount = this.numeric(money ? doc.first(money, 'numericalValue', 'value', 'amount') : v);
    if (!amount || amount.error !== undefined) {
      issues.push(
        issue(
          'INVALID_VALUE',
          line ?? 0,
          `declared customs value ${amount ? amount.error : 'has no numericalValue'}`,
          { field: 'declaredValue' },
        ),
      );
      return undefined;
    }
    const currency = money
      ? doc.code(doc.first(money, 'currencyUnit', 'currencyCode', 'currency'))
      : undefined;
    return { amount: amount.value, currency: currency ?? '', line };
  }

  /** The shipper, consignee and notify party of an object, read once per object. */
  private partiesOf(o: JsonObject): Parties {
    const cached = this.partiesCache.get(o);
    if (cached) return cached;
    const { doc } = this;
    const out: Parties = {};
    for (const p of doc.objects(doc.first(o, 'involvedParties', 'parties', 'involvedParty'))) {
      const role = roleOf(doc.code(doc.first(p, 'partyRole', 'role', 'partyType')));
      if (!role || out[role]) continue;
      out[role] = this.party(p);
    }
    this.partiesCache.set(o, out);
    return out;
  }

  /** One Party node, read once however many objects refer to it. */
  private party(p: JsonObject): PartyEntry {
    const cached = this.partyCache.get(p);
    if (cached) return cached;
    const { doc } = this;
    const org =
      doc.resolve(doc.first(p, 'partyDetails', 'organization', 'organisation', 'company', 'person')) ?? p;
    const person = [doc.text(doc.get(org, 'firstName')), doc.text(doc.get(org, 'lastName'))]
      .filter(Boolean)
      .join(' ');
    const names = [...new Set(doc.texts(doc.first(org, 'name', 'organizationName')))];
    const name = names[0] ?? (person || undefined);
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
    const party: Party = {
      name: name ?? '',
      address: street || null,
      city: (address && doc.text(doc.first(address, 'cityName', 'city'))) ?? null,
      postcode:
        (address && doc.text(doc.first(address, 'postalCode', 'postCode', 'postcode', 'zipCode'))) ?? null,
      countryCode: (address && doc.code(doc.first(address, 'country', 'countryCode'))) ?? null,
    };
    const entry: PartyEntry = {
      party,
      ...(names.length > 1 ? { names } : {}),
      line: doc.lineOf(p),
      // A missing name or address is reported on the organisation that lacks it.
      nameLine: doc.lineOf(org, 'name', 'organizationName', 'firstName'),
      addressLine: address
        ? doc.lineOf(address, 'streetAddressLines', 'street', 'streetAddress', 'addressLines')
        : doc.lineOf(org),
      chars:
        party.name.length +
        (party.address?.length ?? 0) +
        (party.city?.length ?? 0) +
        (party.postcode?.length ?? 0) +
        (party.countryCode?.length ?? 0),
    };
    this.partyCache.set(p, entry);
    return entry;
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
    at('description', data.descriptions[0]?.line);
    for (const who of ['shipper', 'consignee', 'notify'] as const) {
      const p = data.parties[who];
      if (!p) continue;
      at(who, p.line);
      at(`${who}.name`, p.nameLine);
      at(`${who}.address`, p.addressLine);
      // A party has one name: kept as the first, the others would go unscreened (a denied party
      // behind an innocent one).
      if (p.names)
        issues.push(
          issue(
            'PARSE_ERROR',
            p.nameLine ?? line,
            clip(
              `the ${who} has ${p.names.length} names (${p.names.map((n) => `"${n}"`).join(', ')}); a party has one`,
              300,
            ),
            { field: `${who}.name` },
          ),
        );
    }
    at('declaredValue', data.declaredValue?.line);
    const id = anchor['@id'];

    // The text this record would hold, counted before any of it is joined or copied.
    const chars =
      data.chars +
      (data.parties.shipper?.chars ?? 0) +
      (data.parties.consignee?.chars ?? 0) +
      (data.parties.notify?.chars ?? 0) +
      (fields.awb?.length ?? 0) +
      (fields.hawb?.length ?? 0);
    let refused: Issue | undefined;
    if (chars > MAX_RECORD_TEXT)
      refused = issue(
        'RECORD_TOO_LARGE',
        line,
        `the record holds ${chars.toLocaleString('en')} characters of text (descriptions, HS codes, parties), more than the ${MAX_RECORD_TEXT.toLocaleString('en')} a consignment may store`,
      );
    else if (this.spent + chars > this.budget)
      refused = issue(
        'TOO_LARGE',
        line,
        `this record would bring the text of the document's records past ${this.budget.toLocaleString('en')} characters (${OUTPUT_CHARS_PER_BYTE} per byte of the document, at least ${MIN_OUTPUT_CHARS.toLocaleString('en')}): an object referenced by @id from many records may not multiply the document`,
      );
    else this.spent += chars;

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
      description: null,
      hsCodes: [],
      shipper: null,
      consignee: null,
      notify: null,
      declaredValue: data.declaredValue
        ? { amount: data.declaredValue.amount, currency: data.declaredValue.currency }
        : null,
      specialHandling: [],
      extra: {
        ...(typeof id === 'string' && id.trim() ? { id: id.trim() } : {}),
        type: this.doc.types(anchor)[0] ?? 'unknown',
        ...extra,
      },
    };
    if (refused) {
      // Rejected whole: its text is neither joined nor validated (description and parties
      // are left out, so validation reports only the refusal and the record's other errors).
      return {
        draft,
        line,
        fieldLines,
        issues: [refused, ...issues],
        notCarried: ['description', 'shipper', 'consignee'],
      };
    }
    // The HS line cited is that of the code validation will refuse, if any.
    const badHs = data.hsCodes.find((h) => canonicalHsCode(h.text) === null);
    at('hsCodes', (badHs ?? data.hsCodes[0])?.line);
    draft.description = data.descriptions.length > 0 ? joinTexts(data.descriptions) : null;
    draft.hsCodes = data.hsCodes.map((h) => h.text);
    draft.shipper = data.parties.shipper?.party ?? null;
    draft.consignee = data.parties.consignee?.party ?? null;
    draft.notify = data.parties.notify?.party ?? null;
    draft.specialHandling = data.specialHandling;
    return { draft, line, fieldLines, issues };
  }
}

/** Every text of a property, each with the property's line. */
function located(texts: string[], line: number | undefined): Located[] {
  return texts.map((text) => ({ text, line }));
}

function joinTexts(items: Located[]): string {
  if (items.length === 1) return items[0]!.text;
  return items.map((d) => d.text).join(SEPARATOR);
}

/** Texts each kept once, at the first line it appears on. */
class Distinct {
  private readonly lines = new Map<string, number>();

  add(item: Located): void {
    const line = item.line ?? Number.MAX_SAFE_INTEGER;
    const known = this.lines.get(item.text);
    if (known === undefined || line < known) this.lines.set(item.text, line);
  }

  /** By line; texts of one line in the order they were met (the sort is stable). */
  inDocumentOrder(): Located[] {
    const out: Located[] = [];
    for (const [text, line] of this.lines)
      out.push({ text, line: line === Number.MAX_SAFE_INTEGER ? undefined : line });
    return out.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  }
}

function roleOf(code: string | undefined): 'shipper' | 'consignee' | 'notify' | undefined {
  const r = (code ?? '').toUpperCase().replace(/[^A-Z]/g, '');
  if (r === 'SHP' || r === 'SHIPPER' || r === 'CONSIGNOR') return 'shipper';
  if (r === 'CNE' || r === 'CONSIGNEE') return 'consignee';
  if (r === 'NFY' || r === 'NOTIFY' || r === 'NOTIFYPARTY') return 'notify';
  return undefined;
}

/**
 * Sum of piece weights, in their unit when they agree, else in kilograms. A weight that is not
 * a number is never left out of the sum: it is returned, so its record reports it.
 */
function sumMeasures(ms: Measure[]): Measure | undefined {
  if (ms.length === 0) return undefined;
  const bad = ms.find((m) => m.error !== undefined || !Number.isFinite(m.value));
  if (bad) return bad;
  const units = new Set(ms.map((m) => normaliseUnit(m.unit)));
  const first = ms[0]!;
  if (units.size === 1) {
    const total = ms.reduce((s, m) => s + m.value, 0);
    return { value: total, raw: String(total), unit: first.unit, line: first.line };
  }
  let kg = 0;
  for (const m of ms) {
    const u = normaliseUnit(m.unit);
    kg += m.value * (u === 'L' ? KG_PER_LB : u === 'G' ? 0.001 : u === 'T' ? 1000 : 1);
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
  if (m.error !== undefined) {
    // Validation reports a weight it cannot read ("abc", "true", missing) itself; one it would
    // read but is not a plain decimal ("0x10", "1e3") is reported here. One error either way.
    if (Number.isFinite(parseDecimal(m.raw)))
      issues.push(issue('INVALID_WEIGHT', m.line ?? 0, `weight ${m.error}`, { field: 'weightKg' }));
    return { rawWeight: m.raw, weightUnit: unit === 'K' || unit === 'L' ? unit : null };
  }
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

  async *read(chunks: AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<ReadItem[]> {
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
      parsed = parseJson(text, {
        maxDepth: MAX_JSON_DEPTH,
        maxContainers: MAX_JSON_CONTAINERS,
        key: localName,
      });
    } catch (error) {
      if (error instanceof JsonSyntaxError)
        throw new DocumentError(issue('PARSE_ERROR', error.line, error.message));
      if (error instanceof JsonLimitError)
        throw new DocumentError(
          issue(
            'TOO_LARGE',
            error.line,
            `a ONE Record document is read whole and may hold at most ${error.limit.toLocaleString('en')} JSON objects and arrays; this one has more (the next begins on line ${error.line})`,
          ),
        );
      throw error;
    }
    const doc = new LdDocument(parsed);
    const budget = Math.max(MIN_OUTPUT_CHARS, OUTPUT_CHARS_PER_BYTE * size);
    const mapper = new OneRecordMapper(doc, budget);
    let count = 0;
    let batch: ReadItem[] = [];
    try {
      for (const record of mapper.records()) {
        count += 1;
        batch.push({ type: 'record', record });
        if (batch.length >= BATCH) {
          const full = batch;
          batch = [];
          yield full;
        }
      }
    } catch (error) {
      if (batch.length > 0) yield batch;
      // Hostile shapes must end this document alone, never the run.
      throw new DocumentError(
        issue(
          'PARSE_ERROR',
          1,
          `the ONE Record document could not be mapped: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
    if (batch.length > 0) yield batch;
    if (count === 0) {
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
  },
};
