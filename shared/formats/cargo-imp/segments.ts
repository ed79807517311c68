import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { issue, type Issue, type IssueCode } from '../../model/issues.js';
import { MAX_RECORD_TEXT } from '../../validation/validate.js';
import type { DraftRecord } from '../types.js';

/**
 * Building blocks shared by the FWB, FHL and FFM parsers: segment tags, the consignment detail
 * (`157-68076960BSLDOH/T1K40MC0.36`), party blocks in both styles, CVD, OCI, SPH and free text
 * cut into fixed-width lines.
 *
 * Text one record may hold is bounded by validation's MAX_RECORD_TEXT (the README's
 * RECORD_TOO_LARGE bound): description text, HS codes and each party's name and address are read
 * up to it; text past it rejects the record with RECORD_TOO_LARGE at the line that passed it,
 * never clipped silently (screening reads the whole description and every HS code).
 */

/** Caps that keep one message's memory bounded whatever the input. */
export const LIMITS = {
  ociEntries: 100,
  osiLines: 20,
  codes: 50,
  partyLines: 12,
  issuesPerRecord: 50,
  links: 20_000,
} as const;

/** Where a parser sends what it reads. */
export interface Sink {
  record(record: DraftRecord): void;
  issue(item: Issue): void;
}

export interface MessageParser {
  /** One body line: `raw` is the cleaned line (control characters removed), untrimmed. */
  line(n: number, raw: string): void;
  /** True once the message has ended by itself (FFM `LAST` / `CONT`). */
  readonly ended: boolean;
  /**
   * A line over the reader's line limit, skipped unread: `head` is its start (cleaned, trimmed)
   * so the parser can tell which record it belongs to (or starts); that record is rejected.
   */
  tooLong(n: number, head: string, bytes: number): void;
  /** End of the message (next message, envelope, end of input): emits what is pending. */
  finish(): void;
}

/**
 * The error for a line the reader skipped unread because it is too long; `what` names the
 * record (or records) rejected with it, if any.
 */
export function tooLongIssue(n: number, bytes: number, what?: string): Issue {
  return issue(
    'RECORD_TOO_LARGE',
    n,
    `line ${n} has ${bytes.toLocaleString('en')} bytes, more than the ${MAX_LINE_BYTES.toLocaleString('en')} a Cargo-IMP line may have; skipped unread${what ? `, so ${what} is rejected` : ''}`,
  );
}

/** A line this long is not Cargo-IMP: it is skipped unread and its record rejected. */
export const MAX_LINE_BYTES = 64 * 1024;

export interface MessageContext {
  sink: Sink;
  links: LinkIndex;
  /** Message identification as received, e.g. "FWB/16". */
  messageType: string;
  version: number;
  /** Line of the message identification. */
  headerLine: number;
}

export function warn(code: IssueCode, line: number, message: string, field?: string): Issue {
  return issue(code, line, message, { severity: 'warning', ...(field ? { field } : {}) });
}

export function unknownSegment(ctx: MessageContext, n: number, tag: string): void {
  ctx.sink.issue(
    warn(
      'UNKNOWN_SEGMENT',
      n,
      `line ${n}: segment "${tag}" is not part of ${ctx.messageType} as read here; ignored`,
    ),
  );
}

/** Errors of one record, capped so a hostile message cannot grow them without bound. */
export class RecordIssues {
  readonly list: Issue[] = [];
  private droppedErrors = 0;
  private droppedWarnings = 0;

  add(i: Issue): void {
    if (this.list.length < LIMITS.issuesPerRecord) this.list.push(i);
    else if (i.severity !== 'error') this.droppedWarnings += 1;
    else {
      // An error takes the place of a warning: the record's errors say why it is rejected.
      const w = this.list.findLastIndex((x) => x.severity !== 'error');
      if (w < 0) this.droppedErrors += 1;
      else {
        this.list.splice(w, 1);
        this.droppedWarnings += 1;
        this.list.push(i);
      }
    }
  }

  error(code: IssueCode, line: number, message: string, field?: string): void {
    this.add(issue(code, line, message, field ? { field } : {}));
  }

  done(): Issue[] {
    const at = this.list[0]?.line ?? 0;
    if (this.droppedErrors > 0)
      this.list.push(issue('PARSE_ERROR', at, `${this.droppedErrors} more problems in this record`));
    // Warnings past the cap do not turn into an error: they never reject a record.
    if (this.droppedWarnings > 0)
      this.list.push(warn('UNKNOWN_SEGMENT', at, `${this.droppedWarnings} more warnings in this record`));
    return this.list;
  }
}

/** A segment line: three-letter tag, then `/fields` or nothing (`SHP`, `CNE/4321`, `OCI/CH/ISS/RA/1`). */
export function tagOf(t: string): { tag: string; rest: string } | null {
  const m = /^([A-Z]{3})(?:\/(.*))?$/.exec(t);
  return m ? { tag: m[1]!, rest: m[2] ?? '' } : null;
}

/** True for lines shaped like message content (segments, continuations, AWB or flight lines). */
export function looksLikeContent(t: string): boolean {
  return /^([A-Z]{3}(\/|$)|\/|\d|LAST$|CONT$)/.test(t);
}

export function decimal(raw: string): number {
  return Number(raw.replace(',', '.'));
}

// ---------------------------------------------------------------------------------------------
// Consignment detail: AWB, origin/destination, quantity, volume, density, total pieces, goods.

/** The canonical fields an AWB detail carries (the FWB AWB line, an FFM consignment line). */
export function detailFields(
  d: Partial<Detail>,
): Pick<
  ConsignmentDraft,
  'awb' | 'origin' | 'destination' | 'pieces' | 'rawWeight' | 'weightUnit' | 'volumeM3'
> {
  return {
    awb: d.awb ?? null,
    origin: d.origin ?? null,
    destination: d.destination ?? null,
    pieces: d.pieces ?? null,
    rawWeight: d.rawWeight ?? null,
    weightUnit: d.unit ?? null,
    volumeM3: d.volumeM3 ?? null,
  };
}

export interface Detail {
  awb: string;
  origin: string | null;
  destination: string;
  /** Shipment description code: T total, P part, S split, D divided. */
  code: string;
  pieces: number;
  unit: 'K' | 'L' | null;
  rawWeight: string | null;
  volumeM3: number | null;
  volumeCode: string | null;
  densityGroup: string | null;
  totalPieces: number | null;
  description: string | null;
}

// The serial is read loosely (any digit run) so a wrong length becomes AWB_FORMAT, not PARSE_ERROR.
const DETAIL = /^(\d{3}-\d+|\d{11})([A-Z]{6}|[A-Z]{3})\/([TPSD])(\d+)(?:([A-Z])(\d+(?:[.,]\d+)?))?(.*)$/;
const DETAIL_REST = /^(?:(MC|CF|CI|CC)(\d+(?:[.,]\d+)?))?(?:DG(\d{1,2}))?(?:T(\d+))?(?:\/(.*))?$/;
const TO_M3: Record<string, number> = { MC: 1, CF: 0.028316846592, CI: 0.000016387064, CC: 0.000001 };

/**
 * Reads a consignment detail. A line that fits only in part still gives what it can (so the
 * validator does not add MISSING_FIELD noise next to the PARSE_ERROR), plus the error.
 */
export function parseDetail(t: string): { detail: Partial<Detail>; error?: string } {
  const m = DETAIL.exec(t);
  if (!m) {
    // Unreadable head: salvage the AWB and the quantity for line-precise follow-up errors.
    const awb = /^(\d{3}-?\d{4,12})/.exec(t)?.[1];
    const q = /\/([TPSD])(\d+)([KL])(\d+(?:[.,]\d+)?)/.exec(t);
    return {
      detail: {
        ...(awb ? { awb: awb.includes('-') ? awb : `${awb.slice(0, 3)}-${awb.slice(3)}` } : {}),
        ...(q ? { code: q[1]!, pieces: Number(q[2]), unit: q[3] as 'K' | 'L', rawWeight: q[4]! } : {}),
      },
      error: 'expected AWB, origin and destination, then /T pieces K|L weight',
    };
  }
  const awb = m[1]!.includes('-') ? m[1]! : `${m[1]!.slice(0, 3)}-${m[1]!.slice(3)}`;
  const places = m[2]!;
  const unitLetter = m[5];
  const base: Detail = {
    awb,
    origin: places.length === 6 ? places.slice(0, 3) : null,
    destination: places.slice(-3),
    code: m[3]!,
    pieces: Number(m[4]),
    unit: unitLetter === 'K' || unitLetter === 'L' ? unitLetter : null,
    rawWeight: m[6] ?? null,
    volumeM3: null,
    volumeCode: null,
    densityGroup: null,
    totalPieces: null,
    description: null,
  };
  const rest = DETAIL_REST.exec(m[7]!);
  if (!rest) {
    const desc = m[7]!.indexOf('/');
    if (desc >= 0) base.description = m[7]!.slice(desc + 1).trim();
    return {
      detail: base,
      error: `cannot read "${m[7]!.slice(0, 30)}" after the weight (MC volume, DG density, T total, /description)`,
    };
  }
  const volumeCode = rest[1] ?? null;
  const volume = rest[2] != null && volumeCode ? decimal(rest[2]) * TO_M3[volumeCode]! : null;
  base.volumeCode = volumeCode;
  base.volumeM3 = volume == null ? null : Math.round(volume * 1e6) / 1e6;
  base.densityGroup = rest[3] ?? null;
  base.totalPieces = rest[4] != null ? Number(rest[4]) : null;
  base.description = rest[5] != null ? rest[5].trim() : null;
  return { detail: base };
}

// ---------------------------------------------------------------------------------------------
// Free text cut into fixed-width lines (RTD /NG/ 20 characters, TXT 65 characters).

/**
 * What one record has read of the text screening looks at (description lines, HS codes): a text
 * or code already seen is not taken again (senders repeat lines, and repetition must not push
 * anything out), and the whole stays within MAX_RECORD_TEXT. Past it nothing more is taken
 * and `overflowLine` says where: the parser rejects the record there (RECORD_TOO_LARGE).
 * Memory: at most the text it admitted, twice.
 */
export class RecordText {
  private readonly seen = new Set<string>();
  private chars = 0;
  overflowLine: number | null = null;

  constructor(private readonly max = MAX_RECORD_TEXT) {}

  /** True when a line of description text is new and fits: the caller then adds it. */
  text(n: number, fragment: string): boolean {
    const key = fragment.replace(/\s+/g, ' ').trim().toUpperCase();
    return key !== '' && this.admit(n, `T${key}`, key.length + 2);
  }

  /** True when an HS code is new (dots and spaces aside) and fits. */
  code(n: number, raw: string): boolean {
    const key = raw.replace(/[\s.]/g, '');
    return key !== '' && this.admit(n, `H${key}`, raw.length + 2);
  }

  private admit(n: number, key: string, cost: number): boolean {
    if (this.overflowLine !== null || this.seen.has(key)) return false;
    if (this.chars + cost > this.max) {
      this.overflowLine = n;
      return false;
    }
    this.seen.add(key);
    this.chars += cost;
    return true;
  }

  /** The RECORD_TOO_LARGE error when the record passed the bound, else null. */
  overflow(what: string): Issue | null {
    if (this.overflowLine === null) return null;
    const n = this.overflowLine;
    return issue(
      'RECORD_TOO_LARGE',
      n,
      `line ${n}: ${what} pass ${this.max.toLocaleString('en')} characters (repeated lines and codes counted once); the record is rejected rather than screened in part`,
    );
  }
}

/**
 * Joins fragments of text that senders cut at a fixed width. A fragment that fills the width
 * was probably cut mid-word ("PHARMACEUTICALS - NO" + "T RESTRICTED"), so when a short letter
 * fragment sits at the boundary it is glued; otherwise fragments are joined with a space
 * ("FEED SUPPLEMENTS FOR" + "HORSES"). `breakItem()` separates items with "; ".
 */
export class TextJoin {
  private text = '';
  private last = '';
  private hardBreak = false;

  constructor(private readonly width: number) {}

  add(fragment: string): void {
    if (fragment.trim() === '') return;
    if (this.text === '') this.text = fragment.trimStart();
    else if (this.hardBreak) this.text = `${this.text.trimEnd()}; ${fragment.trimStart()}`;
    else if (/\s$/.test(this.last) || /^\s/.test(fragment)) this.text += fragment;
    else if (this.last.length >= this.width && this.cutMidWord(fragment)) this.text += fragment;
    else this.text += ` ${fragment}`;
    this.last = fragment;
    this.hardBreak = false;
  }

  breakItem(): void {
    if (this.text) this.hardBreak = true;
  }

  private cutMidWord(next: string): boolean {
    // Letters counted from each side up to 3, by hand: /([A-Za-z]+)$/ tried every start in a
    // long run of letters ending in another character (seconds for one 64 KiB line).
    const tail = lettersAt(this.last, this.last.length - 1, -1);
    const head = lettersAt(next, 0, 1);
    return tail > 0 && head > 0 && (tail <= 2 || head <= 2);
  }

  toString(): string {
    return this.text.replace(/\s+/g, ' ').trim();
  }
}

/** How many ASCII letters run from `from` in direction `step` (1 or −1), counted up to 3. */
function lettersAt(text: string, from: number, step: 1 | -1): number {
  let n = 0;
  for (let i = from; n < 3 && i >= 0 && i < text.length; i += step) {
    const c = text.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Parties: FWB/16 bare `/` lines, or FWB/17 / FHL `NAM/ ADR/ LOC/` then `/CC/postcode`.

export type PartyRole = 'shipper' | 'consignee' | 'notify';

export const PARTY_TAGS: Record<string, PartyRole> = { SHP: 'shipper', CNE: 'consignee', NFY: 'notify' };

/** Collects one SHP / CNE / NFY block line by line. */
export class PartyBlock {
  private style: 'bare' | 'nam' | null = null;
  private sub: 'NAM' | 'ADR' | 'LOC' | 'CODED' | null = null;
  private readonly bare: { n: number; text: string }[] = [];
  private name = '';
  private address = '';
  private place: string | null = null;
  private state: string | null = null;
  private coded: string | null = null;
  private readonly lines: Partial<Record<'name' | 'address' | 'countryCode', number>> = {};
  /** The line where the name or address passed MAX_RECORD_TEXT (the record is rejected). */
  overflowLine: number | null = null;

  constructor(
    readonly role: PartyRole,
    readonly line: number,
    readonly account: string,
  ) {}

  /** Feeds a line of the block; false when the line is not part of it (the block has ended). */
  feed(n: number, t: string): boolean {
    const sub = /^(NAM|ADR|LOC)\/(.*)$/.exec(t);
    if (sub && this.style !== 'bare') {
      this.style = 'nam';
      this.sub = sub[1] as 'NAM' | 'ADR' | 'LOC';
      this.take(n, sub[2]!, true);
      return true;
    }
    if (!t.startsWith('/')) return false;
    if (this.style === 'nam') this.take(n, t.slice(1), false);
    else {
      this.style = 'bare';
      // Bare style is positional: only the first four lines are read (contacts follow).
      if (this.bare.length < LIMITS.partyLines) this.bare.push({ n, text: t.slice(1) });
    }
    return true;
  }

  private take(n: number, text: string, first: boolean): void {
    switch (this.sub) {
      case 'NAM':
        this.name = this.join(n, this.name, text);
        this.lines.name ??= n;
        break;
      case 'ADR':
        this.address = this.join(n, this.address, text);
        this.lines.address ??= n;
        break;
      case 'LOC':
        if (first) {
          const [place, state] = text.split('/');
          this.place = place?.trim() || null;
          this.state = state?.trim() || null;
        } else {
          this.coded = text;
          this.lines.countryCode = n;
          this.sub = 'CODED';
        }
        break;
      default:
        break; // contact lines after the coded location carry nothing canonical
    }
  }

  build(): { party: Party | null; lines: Record<string, number> } {
    if (this.style === 'bare') this.fromBare();
    const fieldLines: Record<string, number> = { [this.role]: this.line };
    for (const [k, v] of Object.entries(this.lines)) fieldLines[`${this.role}.${k}`] = v;
    if (!this.name && !this.address && !this.place && !this.coded) return { party: null, lines: fieldLines };
    const [country, postcode] = (this.coded ?? '').split('/');
    let city = this.place;
    // "/4070/BASEL": the postcode written in the place field, the city in the state field.
    if (city && /^\d+$/.test(city) && this.state && !/^\d+$/.test(this.state)) city = this.state;
    return {
      party: {
        name: this.name.trim(),
        address: this.address.trim() || null,
        city: city || null,
        postcode: postcode?.trim() || null,
        countryCode: country?.trim() || null,
      },
      lines: fieldLines,
    };
  }

  /** Bare style is positional: name, street, place[/state], country[/postcode/contacts]. */
  private fromBare(): void {
    const rows = this.bare;
    const isCoded = (s: string) => /^[A-Z]{2}(\/.*)?$/.test(s.trim());
    let codedAt = -1;
    if (rows.length >= 4) codedAt = 3;
    else if (rows.length >= 2 && isCoded(rows[rows.length - 1]!.text)) codedAt = rows.length - 1;
    const at = (i: number) => (i >= 0 && i < rows.length && i !== codedAt ? rows[i] : undefined);
    const name = at(0);
    const street = at(1);
    const place = codedAt === 2 ? undefined : at(2);
    if (name) {
      this.name = name.text;
      this.lines.name = name.n;
    }
    if (street) {
      this.address = street.text;
      this.lines.address = street.n;
    }
    if (place) {
      const [p, s] = place.text.split('/');
      this.place = p?.trim() || null;
      this.state = s?.trim() || null;
    }
    if (codedAt >= 0) {
      this.coded = rows[codedAt]!.text;
      this.lines.countryCode = rows[codedAt]!.n;
    }
  }

  /** Name and address lines joined with a space; past MAX_RECORD_TEXT nothing more is taken. */
  private join(n: number, a: string, b: string): string {
    const t = b.trim();
    if (!t || this.overflowLine !== null) return a;
    const joined = a ? `${a} ${t}` : t;
    if (joined.length <= MAX_RECORD_TEXT) return joined;
    this.overflowLine = n;
    return a;
  }

  /** The RECORD_TOO_LARGE error when the name or address passed the bound, else null. */
  overflow(): Issue | null {
    const n = this.overflowLine;
    if (n === null) return null;
    return issue(
      'RECORD_TOO_LARGE',
      n,
      `line ${n}: the ${this.role}'s name or address passes ${MAX_RECORD_TEXT.toLocaleString('en')} characters; the record is rejected rather than screened in part`,
      { field: this.role },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// CVD, OCI, SPH.

export interface ChargeDeclarations {
  currency: string;
  prepaidCollect: string | null;
  carriage: string | null;
  customs: string | null;
  insurance: string | null;
}

/**
 * `CVD/CHF//PP/NVD/NCV/XXX` (FWB: currency, charge code, PP|CC, carriage, customs, insurance) or
 * `CVD/INR/PP/NVD/NCV/XXX` (FHL, no charge code). Located by the prepaid/collect field.
 */
export function parseCvd(rest: string): ChargeDeclarations {
  const f = rest.split('/').map((s) => s.trim());
  let pc = f.findIndex((s, i) => i > 0 && /^(PP|CC|PC|CP)$/.test(s));
  if (pc < 0) pc = Math.max(0, f.length - 4);
  const at = (i: number) => (i < f.length && f[i] ? f[i]! : null);
  return {
    currency: f[0] ?? '',
    prepaidCollect: at(pc),
    carriage: at(pc + 1),
    customs: at(pc + 2),
    insurance: at(pc + 3),
  };
}

/**
 * Declared value for customs: a number, or null for NCV (no customs value; NVD and XXX are read
 * the same). Anything else rejects the record with INVALID_VALUE, as in Cargo-XML and parcel
 * CSV; a negative amount goes through, for validation to refuse it like any other format's.
 */
export function customsValue(
  cvd: ChargeDeclarations,
  n: number,
  issues: RecordIssues,
): ConsignmentDraft['declaredValue'] {
  const v = cvd.customs;
  if (v == null || /^(NCV|NVD|XXX)$/.test(v)) return null;
  if (/^-?\d+([.,]\d+)?$/.test(v)) return { amount: decimal(v), currency: cvd.currency };
  issues.error(
    'INVALID_VALUE',
    n,
    `line ${n}: customs value "${v}" is neither an amount (digits, one decimal point or comma) nor NCV`,
    'declaredValue',
  );
  return null;
}

/** One OCI entry: country / information id / control information id / supplementary text. */
export interface Oci {
  country: string | null;
  info: string | null;
  control: string | null;
  text: string;
}

/** `CH/ISS/RA/00043-01` (after `OCI/`) or `//ED/1128` (continuation after its first `/`). */
export function parseOci(fields: string): Oci {
  const f = fields.split('/');
  return {
    country: f[0]?.trim() || null,
    info: f[1]?.trim() || null,
    control: f[2]?.trim() || null,
    text: f.slice(3).join('/').trim(),
  };
}

/** Special handling codes: three letters or digits each, slash-separated. */
export function sphCodes(fields: string): string[] {
  return fields
    .split('/')
    .map((s) => s.trim())
    .filter((s) => /^[A-Z0-9]{3}$/.test(s));
}

export function pushCapped<T>(list: T[], item: T, max: number): void {
  if (list.length < max) list.push(item);
}

// ---------------------------------------------------------------------------------------------
// Links between messages of the same file: an FFM line and the FWB of the same AWB.

export interface WaybillLink {
  line: number;
  messageType: string;
  description: string;
}

export interface ManifestLink {
  line: number;
  flight: string | null;
}

/**
 * AWBs seen so far in this file, bounded. Linking across documents happens in storage through
 * the AWB index; this only connects messages that arrive together.
 */
export class LinkIndex {
  private readonly waybills = new Map<string, WaybillLink>();
  private readonly manifests = new Map<string, ManifestLink[]>();

  addWaybill(awb: string, link: WaybillLink): void {
    if (this.waybills.size < LIMITS.links && !this.waybills.has(awb)) this.waybills.set(awb, link);
  }

  waybill(awb: string): WaybillLink | undefined {
    return this.waybills.get(awb);
  }

  addManifest(awb: string, link: ManifestLink): void {
    const list = this.manifests.get(awb);
    if (list) pushCapped(list, link, 20);
    else if (this.manifests.size < LIMITS.links) this.manifests.set(awb, [link]);
  }

  manifestLines(awb: string): ManifestLink[] | undefined {
    return this.manifests.get(awb);
  }
}

/** Drops undefined, null and empty arrays/objects, so `extra` holds only what was read. */
export function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
