import type { ConsignmentDraft } from '../../model/consignment.js';
import { issue, type Issue } from '../../model/issues.js';
import {
  compact,
  detailFields,
  LIMITS,
  parseDetail,
  parseOci,
  pushCapped,
  RecordIssues,
  sphCodes,
  tagOf,
  tooLongIssue,
  unknownSegment,
  warn,
  type MessageContext,
  type MessageParser,
  type Oci,
} from './segments.js';

const FFM_SEGMENTS = new Set(['ULD', 'DIM', 'OSI', 'COR', 'OCI', 'SCI', 'SSR']);

/** `1/AF077/17APR/CDG[/aircraft][/country/date/airport]`: part, flight, date, point of loading. */
const FLIGHT =
  /^(\d{1,2})\/([A-Z0-9]{2}[A-Z]?\d{1,5}[A-Z]?)\/(\d{2}[A-Z]{3}(?:\d{4})?)\/([A-Z]{3})(?:\/(.*))?$/;
/** Point of unloading: `JFK`, `LHR/NIL`, `SVO/24JUL1105/24JUL1300`. */
const UNLOADING = /^([A-Z]{3})(?:\/(NIL|\d{2}[A-Z]{3}\d{0,4})(?:\/.*)?)?$/;
const ONWARD = /^\/([A-Z]{3}[A-Z0-9]{2}(?:\d{1,4}[A-Z]?\/\d{2}[A-Z]{3})?)$/;
const PRIORITY = /^\/[A-Z]$/;
const SPH_LINE = /^(\/[A-Z0-9]{3})+$/;
const DIMS = /^\/[A-Z]?[\d.,]*\/[A-Z]{3}[\d-]+(\/\d+)?$|^\/[A-Z]{2,3}\d/;
const UTILISATION = /^\/\d$/;
/**
 * A ULD identification: type (a letter and two letters or digits), serial (a letter or digit and
 * three or four digits), owner (two letters or digits): PMC72534QR, AKE01063CV, P1G1234KL.
 */
const ULD_ID = /^[A-Z][A-Z0-9]{2}[A-Z0-9]\d{3,4}[A-Z0-9]{2}$/;
/** A line meant as a ULD line but without its `ULD/` (`ULD PMC00002EK`). A bare `ULD` is Ulundi. */
const ULD_LIKE = /^ULD[^/]/;

type Context = 'head' | 'uld' | 'cons' | 'dim' | 'onward' | 'osi' | 'oci' | 'ignore';

interface Pending {
  line: number;
  draft: ConsignmentDraft;
  issues: RecordIssues;
  sph: string[];
  oci: Oci[];
  osi: string[];
  onward: string[];
  customsOrigin: string | null;
  extra: Record<string, unknown>;
}

/**
 * FFM (flight manifest), versions 4 to 8: flight line, then per point of unloading its bulk and
 * ULD-loaded consignment lines, ending with LAST or CONT. One `master` consignment per AWB line,
 * emitted as soon as the next line that is not its own arrives. FFM carries no parties by design.
 */
export class FfmParser implements MessageParser {
  ended = false;
  private flightSeen = false;
  private flight: Record<string, unknown> = {};
  private readonly headIssues: Issue[] = [];
  /** Errors on lines between consignments: they go to the next consignment. */
  private carry: Issue[] = [];
  private unloading: string | null = null;
  private uld: string | null = null;
  /**
   * The line of a ULD line that cannot be read (reported at its line): the consignments under it,
   * to the next ULD or point of unloading, are rejected, since their ULD is unknown.
   */
  private badUldLine: number | null = null;
  private current: Pending | null = null;
  private context: Context = 'head';

  constructor(private readonly ctx: MessageContext) {}

  line(n: number, raw: string): void {
    const t = raw.trim();
    if (!this.flightSeen) {
      this.flightSeen = true;
      const m = FLIGHT.exec(t);
      if (m) {
        const more = (m[5] ?? '').split('/');
        this.flight = {
          part: Number(m[1]),
          flight: m[2],
          flightDate: m[3],
          loadingPoint: m[4],
          aircraft: more.length === 1 || more.length === 4 ? more[0] || undefined : undefined,
        };
        return;
      }
      this.headIssues.push(
        issue('PARSE_ERROR', n, `line ${n}: expected the flight line (e.g. 1/AF077/17APR/CDG)`),
      );
      if (!/^(\d{3}-?\d|[A-Z]{3}(\/|$))/.test(t)) return;
    }
    if (t === 'LAST' || t === 'CONT') {
      this.emit();
      this.ended = true;
      return;
    }
    if (/^\d{3}-?\d/.test(t)) return this.consignment(n, t);
    if (t.startsWith('/')) return this.continuation(n, t);
    if (ULD_LIKE.test(t)) {
      // Not the previous consignment's problem, and not the previous ULD's consignments.
      return this.badUld(
        this.uldParseError(
          n,
          `line ${n}: "${t.slice(0, 40)}" is not a ULD line (ULD/ then the ULD identification, e.g. ULD/PMC12345EK)`,
        ),
      );
    }
    const seg = tagOf(t);
    if (seg && FFM_SEGMENTS.has(seg.tag) && t.includes('/')) return this.segment(n, seg.tag, seg.rest);
    const unl = UNLOADING.exec(t);
    if (unl) {
      this.emit();
      this.unloading = unl[1]!;
      this.uld = null;
      this.badUldLine = null;
      this.context = 'head';
      return;
    }
    if (seg) {
      this.context = 'ignore';
      return unknownSegment(this.ctx, n, seg.tag);
    }
    if (this.context === 'osi' && this.current) {
      // A wrapped OSI line that lost its leading "/": free text, nothing canonical depends on it.
      this.ctx.sink.issue(
        warn('UNKNOWN_SEGMENT', n, `line ${n}: text without a segment tag, read as a continuation of OSI`),
      );
      pushCapped(this.current.osi, t, LIMITS.osiLines);
      return;
    }
    this.error(n, `line ${n}: "${t.slice(0, 40)}" is not a Cargo-IMP segment`);
    this.context = 'ignore';
  }

  private segment(n: number, tag: string, rest: string): void {
    switch (tag) {
      case 'ULD': {
        const id = rest
          .split('/')[0]!
          .trim()
          .replace(/-[A-Z]$/, '');
        if (!ULD_ID.test(id))
          return this.badUld(
            this.uldParseError(
              n,
              `line ${n}: ULD "${id.slice(0, 20)}" is not a ULD identification (type, serial, owner, e.g. PMC12345EK)`,
            ),
          );
        this.emit();
        this.uld = id;
        this.badUldLine = null;
        this.context = 'uld';
        return;
      }
      case 'DIM':
        this.context = 'dim';
        return;
      case 'OSI':
        this.context = 'osi';
        if (this.current) pushCapped(this.current.osi, rest.trim(), LIMITS.osiLines);
        return;
      case 'COR':
        this.context = 'ignore';
        if (this.current) this.current.customsOrigin = rest.trim() || null;
        return;
      case 'OCI':
      case 'SCI':
        this.context = 'oci';
        if (this.current) pushCapped(this.current.oci, parseOci(rest), LIMITS.ociEntries);
        return;
      default:
        this.context = 'ignore';
    }
  }

  /**
   * A ULD line that cannot be read: it ends the consignment before it (which keeps its own ULD),
   * is reported at its line, and the consignments under it are rejected.
   */
  private badUld(error: Issue): void {
    this.emit();
    this.ctx.sink.issue(error);
    this.uld = null;
    this.badUldLine = error.line;
    this.context = 'uld';
  }

  private uldParseError(n: number, message: string): Issue {
    return issue('PARSE_ERROR', n, `${message}; the consignments under it are rejected`);
  }

  tooLong(n: number, head: string, bytes: number): void {
    if (!this.flightSeen) {
      this.flightSeen = true;
      this.headIssues.push(tooLongIssue(n, bytes, 'every consignment of the message'));
      return;
    }
    if (/^\d{3}-?\d/.test(head)) {
      // A consignment line: the consignment it starts is rejected, not the one before it.
      this.consignment(n, head);
      this.current!.issues.add(tooLongIssue(n, bytes, 'its consignment'));
      return;
    }
    if (head.startsWith('ULD')) {
      this.badUld(tooLongIssue(n, bytes, 'every consignment under its ULD'));
      return;
    }
    const c = this.current;
    if (c) c.issues.add(tooLongIssue(n, bytes, `the consignment of line ${c.line}`));
    else if (this.carry.length < LIMITS.issuesPerRecord) this.carry.push(tooLongIssue(n, bytes));
    this.context = 'ignore';
  }

  private consignment(n: number, t: string): void {
    this.emit();
    const issues = new RecordIssues();
    for (const i of this.headIssues) issues.add(i);
    if (this.badUldLine !== null)
      issues.error(
        'PARSE_ERROR',
        n,
        `line ${n}: the consignment is under the ULD line ${this.badUldLine}, which cannot be read: its ULD is unknown`,
      );
    for (const i of this.carry) issues.add(i);
    this.carry = [];
    const draft: ConsignmentDraft = {
      kind: 'master',
      hawb: null,
      parcelId: null,
      shipper: null,
      consignee: null,
      hsCodes: [],
    };
    const extra: Record<string, unknown> = {};
    const { detail: d, error } = parseDetail(t);
    if (error) issues.error('PARSE_ERROR', n, `line ${n}: consignment line: ${error}`, 'awb');
    Object.assign(draft, detailFields(d), { description: d.description ?? '' });
    if (d.code && d.code !== 'T') {
      extra.shipmentDescriptionCode = d.code;
      if (d.totalPieces != null) {
        draft.totalPieces = d.totalPieces;
        if (d.pieces != null && d.totalPieces < d.pieces)
          issues.error(
            'INVALID_PIECES',
            n,
            `line ${n}: ${d.pieces} pieces of a shipment of ${d.totalPieces}`,
            'pieces',
          );
      }
    }
    extra.densityGroup = d.densityGroup;
    this.current = {
      line: n,
      draft,
      issues,
      sph: [],
      oci: [],
      osi: [],
      onward: [],
      customsOrigin: null,
      extra,
    };
    this.context = 'cons';
  }

  private continuation(n: number, t: string): void {
    const c = this.current;
    switch (this.context) {
      case 'cons':
        if (c && SPH_LINE.test(t)) {
          for (const code of sphCodes(t.slice(1))) pushCapped(c.sph, code, LIMITS.codes);
          return;
        }
        break;
      case 'uld':
        if (ONWARD.test(t) || UTILISATION.test(t)) return;
        break;
      case 'osi':
        if (c) pushCapped(c.osi, t.slice(1).trim(), LIMITS.osiLines);
        return;
      case 'oci':
        if (c) pushCapped(c.oci, parseOci(t.slice(1)), LIMITS.ociEntries);
        return;
      case 'ignore':
        return;
      default:
        break;
    }
    if (c && (this.context === 'cons' || this.context === 'dim' || this.context === 'onward')) {
      const onward = ONWARD.exec(t);
      if (onward) {
        pushCapped(c.onward, onward[1]!, LIMITS.codes);
        this.context = 'onward';
        return;
      }
      if (PRIORITY.test(t)) return;
      if (this.context === 'dim' && DIMS.test(t)) return;
    }
    this.ctx.sink.issue(
      warn(
        'UNKNOWN_SEGMENT',
        n,
        `line ${n}: continuation line "${t.slice(0, 30)}" not understood here; ignored`,
      ),
    );
  }

  private error(n: number, message: string): void {
    if (this.current) this.current.issues.error('PARSE_ERROR', n, message);
    else if (this.carry.length < LIMITS.issuesPerRecord) this.carry.push(issue('PARSE_ERROR', n, message));
  }

  private emit(): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    const { draft } = c;
    draft.specialHandling = c.sph;
    const awb = draft.awb ?? null;
    const link = awb ? this.ctx.links.waybill(awb) : undefined;
    const fieldLines: Record<string, number> = {};
    for (const k of [
      'awb',
      'origin',
      'destination',
      'pieces',
      'totalPieces',
      'weightKg',
      'volumeM3',
      'description',
    ])
      fieldLines[k] = c.line;
    if (link && !draft.description && link.description) {
      // The waybill of the same file describes the goods the manifest line leaves out.
      draft.description = link.description;
      fieldLines.description = link.line;
    }
    draft.extra = compact({
      messageType: this.ctx.messageType,
      ...this.flight,
      unloadingPoint: this.unloading,
      uld: this.uld,
      ...c.extra,
      onward: c.onward,
      customsOrigin: c.customsOrigin,
      oci: c.oci,
      osi: c.osi,
      linkedWaybill: link ? { line: link.line, messageType: link.messageType } : undefined,
    });
    if (awb)
      this.ctx.links.addManifest(awb, {
        line: c.line,
        flight: (this.flight.flight as string | undefined) ?? null,
      });
    this.ctx.sink.record({
      draft,
      line: c.line,
      fieldLines,
      issues: c.issues.done(),
      notCarried: ['shipper', 'consignee'],
    });
  }

  finish(): void {
    this.emit();
    for (const i of this.carry) this.ctx.sink.issue(i);
    this.carry = [];
  }
}
