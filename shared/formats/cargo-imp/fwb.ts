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
  sphCodes,
  tagOf,
  TextJoin,
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

/** RTD sub-lines: `/NG/text` or `/2/NG/text` (nature of goods, HS code, origin, volume …). */
const RTD_SUB = /^\/(?:\d{1,2}\/)?(N[A-Z])\/(.*)$/;

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
      case 'RTD':
        this.goods.breakItem();
        this.consolidation.breakItem();
        return;
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
        if (m) this.rtdSub(n, m[1]!, m[2]!, raw);
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
      default:
        return; // continuation of a segment whose content is not mapped (AGT, OTH, PPD …)
    }
  }

  private rtdSub(n: number, code: string, value: string, raw: string): void {
    switch (code) {
      case 'NG':
        this.fieldLines.description ??= n;
        // Width matters for the join: take the fragment from the untrimmed line.
        this.goods.add(raw.slice(raw.indexOf('/NG/') + 4));
        return;
      case 'NC':
        this.fieldLines.consolidation ??= n;
        this.consolidation.add(raw.slice(raw.indexOf('/NC/') + 4));
        return;
      case 'NH':
        this.fieldLines.hsCodes ??= n;
        if (value.trim()) pushCapped(this.hsCodes, value.trim(), LIMITS.codes);
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

  finish(): void {
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
