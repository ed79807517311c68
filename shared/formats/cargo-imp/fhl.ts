import type { ConsignmentDraft, Party } from '../../model/consignment.js';
import { issue, type Issue } from '../../model/issues.js';
import {
  compact,
  customsValue,
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
  type Detail,
  type MessageContext,
  type MessageParser,
  type Oci,
} from './segments.js';

const HOUSE_SEGMENTS = new Set(['TXT', 'HTS', 'OCI', 'SHP', 'CNE', 'CVD']);

interface House {
  line: number;
  draft: ConsignmentDraft;
  fieldLines: Record<string, number>;
  issues: RecordIssues;
  short: string;
  slac: string | null;
  txt: TextJoin;
  hts: string[];
  /** TXT lines and HTS codes read so far: repeats dropped, bounded (RECORD_TOO_LARGE). */
  text: RecordText;
  sph: string[];
  oci: Oci[];
  parties: Map<string, PartyBlock>;
  cvd: ChargeDeclarations | null;
}

/**
 * FHL (house manifest), versions 4 and 5: `MBI/` names the master, then per house an `HBS/` line
 * and its optional TXT, HTS, OCI, SHP, CNE, CVD. Each house becomes a `house` consignment
 * linked to the master AWB, emitted when the next house (or the message end) arrives.
 */
export class FhlParser implements MessageParser {
  readonly ended = false;
  private mbiSeen = false;
  private master: Partial<Detail> | null = null;
  private masterAwb: string | null = null;
  private masterLine = 0;
  /** Problems of the message head (MBI): they concern every house of the message. */
  private readonly headIssues: Issue[] = [];
  private house: House | null = null;
  private houses = 0;
  private segment: string | null = null;
  private party: PartyBlock | null = null;

  constructor(private readonly ctx: MessageContext) {}

  line(n: number, raw: string): void {
    const t = raw.trim();
    if (!this.mbiSeen) {
      this.mbiSeen = true;
      this.masterLine = n;
      if (t.startsWith('MBI/')) return this.mbi(n, t.slice(4));
      this.headIssues.push(
        issue(
          'PARSE_ERROR',
          n,
          `line ${n}: expected the MBI master line (MBI/AWB ORGDST/T pieces K weight)`,
          { field: 'awb' },
        ),
      );
    }
    if (this.party) {
      if (this.party.feed(n, t)) return;
      this.party = null;
    }
    if (t.startsWith('/')) return this.continuation(n, raw, t);
    const seg = tagOf(t);
    if (!seg) {
      this.segment = null;
      this.error(n, `line ${n}: "${t.slice(0, 40)}" is not a Cargo-IMP segment`);
      return;
    }
    this.segment = seg.tag;
    if (seg.tag === 'HBS') return this.hbs(n, seg.rest);
    if (!HOUSE_SEGMENTS.has(seg.tag)) return unknownSegment(this.ctx, n, seg.tag);
    const h = this.house;
    if (!h) {
      this.ctx.sink.issue(
        warn('UNKNOWN_SEGMENT', n, `line ${n}: ${seg.tag} before any HBS house line; ignored`),
      );
      this.segment = null;
      return;
    }
    const role = PARTY_TAGS[seg.tag];
    if (role) {
      if (h.parties.has(role))
        h.issues.error(
          'PARSE_ERROR',
          n,
          `line ${n}: a second ${seg.tag} block for house ${h.draft.hawb ?? ''}`,
          role,
        );
      this.party = new PartyBlock(role, n, seg.rest);
      h.parties.set(role, this.party);
      return;
    }
    switch (seg.tag) {
      case 'TXT': {
        h.fieldLines.description = n;
        const fragment = raw.slice(raw.indexOf('TXT/') + 4);
        if (h.text.text(n, fragment)) h.txt.add(fragment);
        return;
      }
      case 'HTS':
        h.fieldLines.hsCodes ??= n;
        this.code(h, n, seg.rest);
        return;
      case 'OCI':
        pushCapped(h.oci, parseOci(seg.rest), LIMITS.ociEntries);
        return;
      case 'CVD':
        h.cvd = parseCvd(seg.rest);
        h.fieldLines.declaredValue = n;
        h.draft.declaredValue = customsValue(h.cvd, n, h.issues);
        return;
    }
  }

  private mbi(n: number, rest: string): void {
    const { detail: d, error } = parseDetail(rest.trim());
    if (error)
      this.headIssues.push(issue('PARSE_ERROR', n, `line ${n}: MBI master line: ${error}`, { field: 'awb' }));
    this.master = d;
    this.masterAwb = d.awb ?? null;
  }

  private hbs(n: number, rest: string): void {
    this.emit();
    this.houses += 1;
    const issues = new RecordIssues();
    const f = rest.split('/');
    const fieldLines: Record<string, number> = { awb: this.masterLine };
    for (const k of ['hawb', 'origin', 'destination', 'pieces', 'weightKg', 'description']) fieldLines[k] = n;
    const draft: ConsignmentDraft = {
      kind: 'house',
      awb: this.masterAwb,
      hawb: f[0]?.trim() || null,
      parcelId: null,
    };
    const bad = (field: string, what: string) =>
      issues.error(
        'PARSE_ERROR',
        n,
        `line ${n}: HBS ${what} (expected HBS/house/ORGDST/pieces/Kweight/SLAC/description)`,
        field,
      );

    const places = f[1]?.trim() ?? '';
    if (/^[A-Z]{6}$/.test(places)) [draft.origin, draft.destination] = [places.slice(0, 3), places.slice(3)];
    else if (/^[A-Z]{3}$/.test(places)) draft.destination = places;
    else bad('origin', `origin/destination "${places}" is not two airport codes`);

    const pieces = f[2]?.trim() ?? '';
    if (/^\d+$/.test(pieces)) draft.pieces = Number(pieces);
    else if (pieces) bad('pieces', `pieces "${pieces}" is not a number`);

    const weight = f[3]?.trim() ?? '';
    const w = /^([A-Z])?(\d+(?:[.,]\d+)?)$/.exec(weight);
    if (w) {
      draft.rawWeight = w[2]!;
      draft.weightUnit = w[1] === 'K' || w[1] === 'L' ? w[1] : null;
    } else if (weight) bad('weightKg', `weight "${weight}" is not K|L and a number`);

    const slac = f[4]?.trim() || null;
    const short = f.slice(5).join('/').trim();
    this.house = {
      line: n,
      draft,
      fieldLines,
      issues,
      short,
      slac,
      txt: new TextJoin(65),
      hts: [],
      text: new RecordText(),
      sph: [],
      oci: [],
      parties: new Map(),
      cvd: null,
    };
  }

  private continuation(n: number, raw: string, t: string): void {
    const h = this.house;
    if (!h) return;
    switch (this.segment) {
      case 'HBS':
        for (const c of sphCodes(t.slice(1))) pushCapped(h.sph, c, LIMITS.codes);
        return;
      case 'TXT': {
        const fragment = raw.slice(raw.indexOf('/') + 1);
        if (h.text.text(n, fragment)) h.txt.add(fragment);
        return;
      }
      case 'HTS':
        this.code(h, n, t.slice(1));
        return;
      case 'OCI':
        pushCapped(h.oci, parseOci(t.slice(1)), LIMITS.ociEntries);
        return;
      default:
        return;
    }
  }

  /** An HS code of the house, once each, within the house's text bound. */
  private code(h: House, n: number, raw: string): void {
    const code = raw.trim();
    if (code && h.text.code(n, code)) h.hts.push(code);
  }

  tooLong(n: number, head: string, bytes: number): void {
    if (!this.mbiSeen) {
      // The master line itself: every house of the message is under an unknown master.
      this.mbiSeen = true;
      this.masterLine = n;
      this.headIssues.push(tooLongIssue(n, bytes, 'every house of the message'));
      return;
    }
    this.party = null;
    if (head.startsWith('HBS/')) {
      // A house line: the house it starts is rejected, not the one before it.
      this.hbs(n, head.slice(4));
      this.segment = 'HBS';
    }
    if (this.house) this.house.issues.add(tooLongIssue(n, bytes, `house ${this.house.draft.hawb ?? ''}`));
    else this.ctx.sink.issue(tooLongIssue(n, bytes));
  }

  private error(n: number, message: string): void {
    if (this.house) this.house.issues.error('PARSE_ERROR', n, message);
    else this.headIssues.push(issue('PARSE_ERROR', n, message));
  }

  /** Emits the current house, linked to its master. */
  private emit(): void {
    const h = this.house;
    if (!h) return;
    this.house = null;
    this.party = null;
    const { draft } = h;
    for (const i of this.headIssues) h.issues.add(i);
    const overflow = h.text.overflow('the TXT lines and HTS codes of the house');
    if (overflow) h.issues.add(overflow);
    const full = h.txt.toString();
    // TXT is the full description; the HBS short one goes in front when TXT does not repeat it.
    const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toUpperCase();
    if (!full || !h.short || norm(full).startsWith(norm(h.short))) draft.description = full || h.short;
    else {
      // The 15-character short description is often the start of the same text ("HOSE ASSEMBLY.I" + "NVOICE …").
      const joined = new TextJoin(15);
      joined.add(h.short);
      joined.add(full);
      draft.description = joined.toString();
    }
    draft.hsCodes = h.hts;
    draft.specialHandling = h.sph;
    const parties: Partial<Record<string, Party | null>> = {};
    for (const [role, block] of h.parties) {
      const over = block.overflow();
      if (over) h.issues.add(over);
      const built = block.build();
      parties[role] = built.party;
      Object.assign(h.fieldLines, built.lines);
    }
    draft.shipper = parties.shipper ?? null;
    draft.consignee = parties.consignee ?? null;
    const awb = draft.awb ?? null;
    const master = this.master;
    const link = awb ? this.ctx.links.waybill(awb) : undefined;
    draft.extra = compact({
      messageType: this.ctx.messageType,
      shortDescription: h.short,
      slac: h.slac,
      master: master
        ? compact({
            origin: master.origin,
            destination: master.destination,
            pieces: master.pieces,
            weight: master.rawWeight,
            weightUnit: master.unit,
          })
        : undefined,
      cvd: h.cvd,
      oci: h.oci,
      linkedWaybill: link ? { line: link.line, messageType: link.messageType } : undefined,
    });
    this.ctx.sink.record({ draft, line: h.line, fieldLines: h.fieldLines, issues: h.issues.done() });
  }

  finish(): void {
    this.emit();
    if (this.houses === 0)
      this.ctx.sink.issue(
        issue('PARSE_ERROR', this.ctx.headerLine, `${this.ctx.messageType} message holds no HBS house line`),
      );
  }
}
