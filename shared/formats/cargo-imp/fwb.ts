import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import {
  compact,
  customsValue,
  detailFields,
  LIMITS,
  PARTY_TAGS,
  parseCvd,
  parseDetail,
  parseOci,
  PartyBlock,
  pushCapped,
  RecordIssues,
  RecordText,
  sphCodes,
  tagOf,
  TextJoin,
  tooLongIssue,
  unknownSegment,
  warn,
  type ChargeDeclarations,
  type MessageContext,
  type MessageParser,
  type Oci,
} from './segments.js';

/** FWB segments read or knowingly skipped (FWB/16, FWB/17); anything else is UNKNOWN_SEGMENT. */
const FWB_SEGMENTS = new Set([
  'FLT',
  'RTG',
  'SHP',
  'CNE',
  'AGT',
  'SSR',
  'NFY',
  'ACC',
  'CVD',
  'RTD',
  'OTH',
  'PPD',
  'COL',
  'CER',
  'ISU',
  'OSI',
  'CDC',
  'REF',
  'COR',
  'COI',
  'SII',
  'ARD',
  'SPH',
  'NOM',
  'SRI',
  'OPI',
  'OCI',
]);

/** Free-text segments whose content is not canonical: an untagged line after them is tolerated. */
const FREE_TEXT = new Set(['SSR', 'OSI', 'ACC', 'OPI', 'NOM', 'SRI', 'REF', 'CER', 'ISU']);

/**
 * RTD sub-lines: `/NG/text` or `/2/NG/text` (nature of goods, HS code, origin, volume …). The
 * grammar numbers them with one or two digits (hwbRateLineNumber, 1–99); a longer number is
 * still read, with a warning, so that nothing a 100th line says escapes screening.
 */
const RTD_SUB = /^\/(?:(\d+)\/)?(N[A-Z])\/(.*)$/;
/** RTD sub-line codes of the grammar (goods, consolidation, dimensions, volume, ULD, SLAC, HS, origin). */
const RTD_CODES = new Set(['NG', 'NC', 'ND', 'NV', 'NU', 'NS', 'NH', 'NO']);
/**
 * Another rate line of the RTD segment: `/2/P2/K50/CQ/W50/R4.10/T205.00` (pieces, weight, rate
 * class, commodity item, chargeable weight, rate, total) or a service code `/3/S`. Each field is
 * a column letter and a number or a short code, so no free text hides in one.
 */
const RTD_RATE = /^\/\d{1,2}(?:\/[A-Z](?:\d+(?:[.,]\d+)?|[A-Z]{1,3}(?:\d+(?:[.,]\d+)?)?)?)+$/;
/** Description text and HS codes carried by RTD sub-lines (the rest is not canonical). */
const SCREENED = new Set(['NG', 'NC', 'NH']);

/**
 * FWB (air waybill), versions 16 and 17 and their neighbours: one master consignment per message.
 * Line 1 after the identification is the AWB line; then segments, each possibly continued by
 * `/` lines that belong to it.
 */
export class FwbParser implements MessageParser {
  readonly ended = false;
  private awbLineSeen = false;
  private segment: string | null = null;
  private party: PartyBlock | null = null;
  private readonly parties = new Map<string, PartyBlock>();
  private readonly issues = new RecordIssues();
  private readonly fieldLines: Record<string, number> = {};
  private readonly draft: ConsignmentDraft = { kind: 'master', hawb: null, parcelId: null };
  private readonly goods = new TextJoin(20);
  private readonly consolidation = new TextJoin(20);
  private readonly hsCodes: string[] = [];
  /** Description lines and HS codes read so far: repeats dropped, bounded (RECORD_TOO_LARGE). */
  private readonly text = new RecordText();
  private warnedNumber = false;
  private readonly sph: string[] = [];
  private readonly oci: Oci[] = [];
  private readonly osi: string[] = [];
  private readonly flights: string[] = [];
  private routing: string | null = null;
  private cvd: ChargeDeclarations | null = null;
  private countryOfOrigin: string | null = null;
  private slac: string | null = null;
  private rtdVolume: number | null = null;
  private extraDetail: Record<string, unknown> = {};

  constructor(private readonly ctx: MessageContext) {}

  line(n: number, raw: string): void {
    const t = raw.trim();
    if (!this.awbLineSeen) {
      this.awbLineSeen = true;
      if (/^\d/.test(t)) return this.awbLine(n, t);
      this.issues.error(
        'PARSE_ERROR',
        n,
        `line ${n}: expected the AWB line (e.g. 157-68076960BSLDOH/T1K40) after ${this.ctx.messageType}`,
        'awb',
      );
    }
    if (this.party) {
      if (this.party.feed(n, t)) return;
      this.party = null;
    }
    if (t.startsWith('/')) return this.continuation(n, raw, t);
    const seg = tagOf(t);
    if (!seg) {
      if (this.segment && FREE_TEXT.has(this.segment)) {
        // A wrapped line of free text that lost its leading "/": nothing canonical depends on it.
        this.ctx.sink.issue(
          warn(
            'UNKNOWN_SEGMENT',
            n,
            `line ${n}: text without a segment tag, read as a continuation of ${this.segment}`,
          ),
        );
        if (this.segment === 'OSI') pushCapped(this.osi, t, LIMITS.osiLines);
        return;
      }
      this.segment = null;
      this.issues.error('PARSE_ERROR', n, `line ${n}: "${t.slice(0, 40)}" is not a Cargo-IMP segment`);
      return;
    }
    this.segment = seg.tag;
    const role = PARTY_TAGS[seg.tag];
    if (role) {
      if (this.parties.has(role))
        this.issues.error('PARSE_ERROR', n, `line ${n}: a second ${seg.tag} block`, role);
      this.party = new PartyBlock(role, n, seg.rest);
      this.parties.set(role, this.party);
      return;
    }
    switch (seg.tag) {
      case 'RTD': {
        this.goods.breakItem();
        this.consolidation.breakItem();
        // `RTD/1/NG/…`: the first item may be a description line (no rate elements before it).
        const sub = RTD_SUB.exec(`/${seg.rest.trim()}`);
        if (sub) this.rtdSub(n, sub[1], sub[2]!, sub[3]!, raw);
        return;
      }
      case 'CVD':
        this.cvd = parseCvd(seg.rest);
        this.fieldLines.declaredValue = n;
        this.draft.declaredValue = customsValue(this.cvd, n, this.issues);
        return;
      case 'SPH':
        for (const c of sphCodes(seg.rest)) pushCapped(this.sph, c, LIMITS.codes);
        return;
      case 'OCI':
        pushCapped(this.oci, parseOci(seg.rest), LIMITS.ociEntries);
        return;
      case 'OSI':
        pushCapped(this.osi, seg.rest.trim(), LIMITS.osiLines);
        return;
      case 'FLT':
        pushCapped(this.flights, seg.rest.trim(), LIMITS.codes);
        return;
      case 'RTG':
        this.routing = seg.rest.trim();
        return;
      default:
        if (!FWB_SEGMENTS.has(seg.tag)) unknownSegment(this.ctx, n, seg.tag);
    }
  }

  private awbLine(n: number, t: string): void {
    for (const f of ['awb', 'origin', 'destination', 'pieces', 'weightKg', 'volumeM3'])
      this.fieldLines[f] = n;
    const { detail: d, error } = parseDetail(t);
    if (error) this.issues.error('PARSE_ERROR', n, `line ${n}: AWB line: ${error}`, 'awb');
    Object.assign(this.draft, detailFields(d));
    this.extraDetail = {
      densityGroup: d.densityGroup,
      volumeCode: d.volumeCode !== 'MC' ? d.volumeCode : null,
    };
  }

  private continuation(n: number, raw: string, t: string): void {
    switch (this.segment) {
      case 'RTD': {
        const m = RTD_SUB.exec(t);
        if (m) this.rtdSub(n, m[1], m[2]!, m[3]!, raw);
        else if (!RTD_RATE.test(t))
          // Unread, this line could carry goods screening would never see: refuse the record.
          this.issues.error(
            'PARSE_ERROR',
            n,
            `line ${n}: RTD line "${t.slice(0, 40)}" is neither a rate line (/2/P2/K50…) nor an item line (/NG/, /2/NH/ …)`,
          );
        return;
      }
      case 'SPH':
        for (const c of sphCodes(t.slice(1))) pushCapped(this.sph, c, LIMITS.codes);
        return;
      case 'OCI':
        pushCapped(this.oci, parseOci(t.slice(1)), LIMITS.ociEntries);
        return;
      case 'OSI':
        pushCapped(this.osi, t.slice(1).trim(), LIMITS.osiLines);
        return;
      default: {
        // Continuation of a segment whose content is not mapped (AGT, OTH, PPD …). A goods or
        // HS code line here belongs to RTD, misplaced: it is read all the same, with a warning.
        const m = RTD_SUB.exec(t);
        if (m && SCREENED.has(m[2]!)) {
          this.issues.add(
            warn(
              'UNKNOWN_SEGMENT',
              n,
              `line ${n}: /${m[2]}/ line after ${this.segment ?? 'an unknown segment'}, outside RTD; read as part of the rate description`,
            ),
          );
          this.rtdSub(n, m[1], m[2]!, m[3]!, raw);
        }
        return;
      }
    }
  }

  private rtdSub(n: number, number: string | undefined, code: string, value: string, raw: string): void {
    if (number !== undefined && number.length > 2 && !this.warnedNumber) {
      this.warnedNumber = true; // once a message: a long list would only repeat it
      this.issues.add(
        warn(
          'UNKNOWN_SEGMENT',
          n,
          `line ${n}: RTD line number ${number.slice(0, 12)} has more than two digits (Cargo-IMP numbers them 1 to 99); read as /${code}/ (later ones too)`,
        ),
      );
    }
    if (!RTD_CODES.has(code)) {
      this.issues.add(
        warn(
          'UNKNOWN_SEGMENT',
          n,
          `line ${n}: RTD item /${code}/ is not part of ${this.ctx.messageType}; ignored`,
        ),
      );
      return;
    }
    switch (code) {
      case 'NG': {
        this.fieldLines.description ??= n;
        // Width matters for the join: take the fragment from the untrimmed line.
        const fragment = raw.slice(raw.indexOf('/NG/') + 4);
        if (this.text.text(n, fragment)) this.goods.add(fragment);
        return;
      }
      case 'NC': {
        this.fieldLines.consolidation ??= n;
        const fragment = raw.slice(raw.indexOf('/NC/') + 4);
        if (this.text.text(n, fragment)) this.consolidation.add(fragment);
        return;
      }
      case 'NH':
        this.fieldLines.hsCodes ??= n;
        if (value.trim() && this.text.code(n, value.trim())) this.hsCodes.push(value.trim());
        return;
      case 'NO':
        this.countryOfOrigin = value.trim() || null;
        return;
      case 'NS':
        this.slac = value.trim() || null;
        return;
      case 'NV': {
        const m = /^MC(\d+(?:[.,]\d+)?)$/.exec(value.trim());
        if (m) this.rtdVolume = Number(m[1]!.replace(',', '.'));
        return;
      }
      default:
        return; // ND dimensions, NU ULD: not canonical
    }
  }

  tooLong(n: number, head: string, bytes: number): void {
    if (!this.awbLineSeen) {
      this.awbLineSeen = true;
      this.fieldLines.awb = n;
    }
    // The whole message is one record: it is rejected, and reading goes on after the line.
    this.issues.add(tooLongIssue(n, bytes, `the ${this.ctx.messageType} message`));
    if (this.party && !head.startsWith('/')) this.party = null;
  }

  finish(): void {
    const overflow = this.text.overflow('the description lines and HS codes');
    if (overflow) this.issues.add(overflow);
    for (const block of this.parties.values()) {
      const over = block.overflow();
      if (over) this.issues.add(over);
    }
    if (!this.awbLineSeen)
      this.issues.error(
        'PARSE_ERROR',
        this.ctx.headerLine,
        `${this.ctx.messageType} message ends before its AWB line`,
        'awb',
      );
    const draft = this.draft;
    const goods = this.goods.toString();
    const consolidation = this.consolidation.toString();
    draft.description = [goods, consolidation].filter(Boolean).join('; ');
    if (!goods && consolidation) this.fieldLines.description = this.fieldLines.consolidation!;
    draft.hsCodes = this.hsCodes;
    draft.specialHandling = this.sph;
    if (draft.volumeM3 == null && this.rtdVolume != null) draft.volumeM3 = this.rtdVolume;
    const parties: Partial<Record<string, Party | null>> = {};
    for (const [role, block] of this.parties) {
      const built = block.build();
      parties[role] = built.party;
      Object.assign(this.fieldLines, built.lines);
    }
    draft.shipper = parties.shipper ?? null;
    draft.consignee = parties.consignee ?? null;
    draft.notify = parties.notify?.name ? parties.notify : null;

    const awb = draft.awb ?? null;
    const links = awb ? this.ctx.links.manifestLines(awb) : undefined;
    draft.extra = compact({
      messageType: this.ctx.messageType,
      ...this.extraDetail,
      flights: this.flights,
      routing: this.routing,
      countryOfOrigin: this.countryOfOrigin,
      slac: this.slac,
      cvd: this.cvd,
      oci: this.oci,
      osi: this.osi,
      linkedManifests: links ? [...links] : undefined,
    });
    if (awb)
      this.ctx.links.addWaybill(awb, {
        line: this.ctx.headerLine,
        messageType: this.ctx.messageType,
        description: draft.description,
      });
    this.ctx.sink.record({
      draft,
      line: this.ctx.headerLine,
      fieldLines: this.fieldLines,
      issues: this.issues.done(),
    });
  }
}
