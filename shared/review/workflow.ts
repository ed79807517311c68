import { ReviewError } from './errors.js';
import { instructionEvent, type ConsignmentIds } from './events.js';
import { USERNAME_PATTERN } from './identity.js';
import { authorize, isSupervisor } from './permissions.js';
import {
  DECISIONS,
  SYSTEM_ACTOR,
  type AuditEntry,
  type Decision,
  type Identity,
  type InstructionEvent,
  type ReviewItem,
  type ReviewItemView,
  type ReviewStatus,
} from './types.js';

/**
 * The review state machine, pure: each transition takes the stored item, the actor and the
 * clock, and returns the next item plus what must be recorded, or throws a ReviewError. The
 * store makes it stick with a conditional write on `version`, so of two racing transitions
 * computed from the same item exactly one is written.
 *
 *   PENDING ──claim/reassign──▶ IN_REVIEW ──decide──▶ DECIDED
 *      ▲                            │                    │
 *      └──── release / lease expiry ┘                    │
 *      └──────────────── reopen (supervisor, or a re-screen that found new flags) ┘
 *
 * A re-screen (system) also rewrites an open item's categories and score; see rescreen().
 */

export const DEFAULT_LEASE_MS = 15 * 60 * 1000;
export const MAX_NOTE_LENGTH = 2000;

export interface Transition {
  next: ReviewItem;
  audit: AuditEntry[];
  event?: InstructionEvent;
}

/** True when the item is claimed but its lease has run out: it counts as PENDING again. */
export function leaseExpired(item: ReviewItem, now: Date): boolean {
  return item.status === 'IN_REVIEW' && (!item.leaseUntil || Date.parse(item.leaseUntil) <= now.getTime());
}

/** The status a reader sees: an expired lease reads as PENDING (evaluated on every read). */
export function effectiveStatus(item: ReviewItem, now: Date): ReviewStatus {
  return leaseExpired(item, now) ? 'PENDING' : item.status;
}

/** The holder of a live lease, if any. */
export function holder(item: ReviewItem, now: Date): string | undefined {
  return item.status === 'IN_REVIEW' && !leaseExpired(item, now) ? item.claimedBy : undefined;
}

export function toView(item: ReviewItem, viewer: Identity, now: Date): ReviewItemView {
  const expired = leaseExpired(item, now);
  const held = item.status === 'IN_REVIEW' && !expired;
  return {
    id: item.id,
    ref: item.ref,
    categories: item.categories,
    riskScore: item.riskScore,
    status: effectiveStatus(item, now),
    age: Math.max(0, Math.floor((now.getTime() - Date.parse(item.createdAt)) / 1000)),
    createdAt: item.createdAt,
    documentId: item.documentId,
    carrierId: item.carrierId,
    claimedBy: held ? (item.claimedBy ?? null) : null,
    claimedAt: held ? (item.claimedAt ?? null) : null,
    leaseUntil: held ? (item.leaseUntil ?? null) : null,
    mine: held && item.claimedBy === viewer.username,
    decision: item.decision ?? null,
    decidedBy: item.decidedBy ?? null,
    decidedAt: item.decidedAt ?? null,
    note: item.note ?? null,
    version: item.version,
  };
}

/** Queue order: highest score first, then oldest, then id (stable). */
export function byPriority(a: ReviewItem, b: ReviewItem): number {
  return b.riskScore - a.riskScore || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

// ---------------------------------------------------------------------------------------------

function cleared(item: ReviewItem): ReviewItem {
  const { claimedBy: _c, claimedAt: _a, leaseUntil: _l, outbox: _o, ...rest } = item;
  return rest;
}

/** The LEASE_EXPIRED entry recorded by the first write after a lease ran out, dated when it ran out. */
function expiryEntries(item: ReviewItem, now: Date, version: number): AuditEntry[] {
  if (!leaseExpired(item, now)) return [];
  return [
    {
      at: item.leaseUntil ?? now.toISOString(),
      actor: SYSTEM_ACTOR,
      action: 'LEASE_EXPIRED',
      ...(item.claimedBy ? { from: item.claimedBy } : {}),
      version,
    },
  ];
}

function checkNote(note: unknown, required: boolean): string | undefined {
  if (note === undefined || note === null || (typeof note === 'string' && note.trim() === '')) {
    if (required) throw new ReviewError('NOTE_REQUIRED', 'a note saying why is required');
    return undefined;
  }
  if (typeof note !== 'string') throw new ReviewError('INVALID_REQUEST', 'note must be text');
  const text = note.trim();
  if (text.length > MAX_NOTE_LENGTH)
    throw new ReviewError('INVALID_REQUEST', `note is longer than ${MAX_NOTE_LENGTH} characters`);
  // Notes travel to filers (request for information) and consoles: line breaks and tabs only.
  if (hasControlCharacter(text))
    throw new ReviewError(
      'INVALID_REQUEST',
      'note holds control characters (only line breaks and tabs are allowed)',
    );
  return text;
}

/** C0 and C1 controls but tab and line ends, and the Unicode line, paragraph and bidi controls. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    } else if (
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    )
      return true;
  }
  return false;
}

function refuseDecided(item: ReviewItem): void {
  if (item.status === 'DECIDED')
    throw new ReviewError(
      'ALREADY_DECIDED',
      `${item.id} was already decided (${item.decision ?? '?'} by ${item.decidedBy ?? '?'})`,
    );
}

/** Refuses an actor who does not hold the live lease, with the most helpful code. */
function requireClaimant(item: ReviewItem, actor: Identity, now: Date): void {
  const live = holder(item, now);
  if (live === actor.username) return;
  if (live)
    throw new ReviewError('NOT_CLAIMANT', `${item.id} is claimed by ${live}, not by ${actor.username}`);
  if (item.status === 'IN_REVIEW' && item.claimedBy === actor.username)
    throw new ReviewError(
      'LEASE_EXPIRED',
      `your lease on ${item.id} expired at ${item.leaseUntil ?? '?'}: claim it again`,
    );
  throw new ReviewError('NOT_CLAIMANT', `${item.id} is not claimed by ${actor.username}: claim it first`);
}

export function claim(item: ReviewItem, actor: Identity, now: Date, leaseMs = DEFAULT_LEASE_MS): Transition {
  authorize(actor, 'claim');
  refuseDecided(item);
  const live = holder(item, now);
  if (live && live !== actor.username)
    throw new ReviewError('HELD_BY_OTHER', `${item.id} is held by ${live} until ${item.leaseUntil ?? '?'}`);
  const version = item.version + 1;
  const at = now.toISOString();
  return {
    next: {
      ...cleared(item),
      status: 'IN_REVIEW',
      claimedBy: actor.username,
      claimedAt: at,
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      version,
    },
    // Claiming again while holding the lease renews it, and is recorded like any claim.
    audit: [...expiryEntries(item, now, version), { at, actor: actor.username, action: 'CLAIM', version }],
  };
}

export function release(item: ReviewItem, actor: Identity, now: Date, note?: unknown): Transition {
  authorize(actor, 'release');
  refuseDecided(item);
  const text = checkNote(note, false);
  const live = holder(item, now);
  if (!live) {
    if (item.status === 'IN_REVIEW' && item.claimedBy === actor.username)
      throw new ReviewError(
        'LEASE_EXPIRED',
        `your lease on ${item.id} expired at ${item.leaseUntil ?? '?'}; it is pending again`,
      );
    throw new ReviewError('NOT_CLAIMED', `${item.id} is not claimed by anyone`);
  }
  // The claimant gives it back; a supervisor may take it off anyone.
  if (live !== actor.username && !isSupervisor(actor))
    throw new ReviewError('NOT_CLAIMANT', `${item.id} is claimed by ${live}, not by ${actor.username}`);
  const version = item.version + 1;
  return {
    next: { ...cleared(item), status: 'PENDING', version },
    audit: [
      {
        at: now.toISOString(),
        actor: actor.username,
        action: 'RELEASE',
        from: live,
        ...(text ? { note: text } : {}),
        version,
      },
    ],
  };
}

export function parseDecision(value: unknown): Decision {
  if (typeof value === 'string' && (DECISIONS as readonly string[]).includes(value)) return value as Decision;
  throw new ReviewError('INVALID_DECISION', `decision must be one of ${DECISIONS.join(', ')}`);
}

export function decide(
  item: ReviewItem,
  actor: Identity,
  now: Date,
  input: { decision: unknown; note: unknown },
  consignment: ConsignmentIds,
): Transition & { event: InstructionEvent } {
  authorize(actor, 'decide');
  const decision = parseDecision(input.decision);
  const note = checkNote(input.note, true) as string;
  refuseDecided(item);
  requireClaimant(item, actor, now);
  const version = item.version + 1;
  const at = now.toISOString();
  const { previousDecision, ...rest } = cleared(item);
  const event = instructionEvent({
    item,
    decision,
    note,
    at,
    version,
    consignment,
    ...(previousDecision ? { previousDecision } : {}),
  });
  return {
    next: { ...rest, status: 'DECIDED', decision, decidedBy: actor.username, decidedAt: at, note, version },
    audit: [{ at, actor: actor.username, action: 'DECIDE', decision, note, version }],
    event,
  };
}

export function reassign(
  item: ReviewItem,
  actor: Identity,
  now: Date,
  to: unknown,
  note?: unknown,
  leaseMs = DEFAULT_LEASE_MS,
): Transition {
  authorize(actor, 'reassign');
  if (typeof to !== 'string' || !USERNAME_PATTERN.test(to) || to === SYSTEM_ACTOR)
    throw new ReviewError('INVALID_REQUEST', '"to" must name a user');
  const text = checkNote(note, false);
  refuseDecided(item);
  const version = item.version + 1;
  const at = now.toISOString();
  const from = holder(item, now);
  return {
    next: {
      ...cleared(item),
      status: 'IN_REVIEW',
      claimedBy: to,
      claimedAt: at,
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      version,
    },
    audit: [
      ...expiryEntries(item, now, version),
      {
        at,
        actor: actor.username,
        action: 'REASSIGN',
        ...(from ? { from } : {}),
        to,
        ...(text ? { note: text } : {}),
        version,
      },
    ],
  };
}

export function reopen(item: ReviewItem, actor: Identity, now: Date, note: unknown): Transition {
  authorize(actor, 'reopen');
  const text = checkNote(note, true) as string;
  if (item.status !== 'DECIDED')
    throw new ReviewError('NOT_DECIDED', `${item.id} is not decided; only a decided item can be reopened`);
  return reopened(item, item, now, actor.username, text);
}

/** A decided item back to PENDING, remembering the decision it reopens; one REOPEN entry. */
function reopened(item: ReviewItem, next: ReviewItem, now: Date, actor: string, note: string): Transition {
  const version = item.version + 1;
  const { decision, decidedBy, decidedAt: _d, note: _n, ...rest } = cleared(next);
  return {
    next: { ...rest, status: 'PENDING', ...(decision ? { previousDecision: decision } : {}), version },
    audit: [
      {
        at: now.toISOString(),
        actor,
        action: 'REOPEN',
        ...(decision ? { decision } : {}),
        ...(decidedBy ? { from: decidedBy } : {}),
        note,
        version,
      },
    ],
  };
}

/** What a re-screen found for one item's consignment (computed by shared/screening/rescreen.ts). */
export interface Rescreening {
  /** The flag categories now, as ingest sets them on a new item. */
  categories: string[];
  riskScore: number;
  ruleSetVersion: string;
  /** What screened it, for the audit: "default@1.4.0 and csl-…". */
  screenedWith: string;
  /** Flags the consignment did not have before this re-screen (new evidence). */
  added: { category: string; rule: string; field: string }[];
}

/**
 * A re-screen of the item's consignment, done by the system (no route reaches it):
 * - an open item (PENDING, IN_REVIEW) takes the new categories, score and rule-set version, with a
 *   RESCREEN entry saying what changed; a claim stays with its holder, an expired lease is recorded
 *   and the item is pending again;
 * - a DECIDED item whose consignment gained flags goes back to PENDING like a supervisor's reopen
 *   (the decision was made without that evidence): a REOPEN entry by `system` names the new flags;
 *   a decided item without new flags stays as decided.
 * Undefined when there is nothing to write.
 */
export function rescreen(item: ReviewItem, now: Date, found: Rescreening): Transition | undefined {
  const screening = {
    categories: found.categories,
    riskScore: found.riskScore,
    ruleSetVersion: found.ruleSetVersion,
  };
  const change = `categories ${item.categories.join(', ') || 'none'} → ${found.categories.join(', ') || 'none'}; risk score ${item.riskScore} → ${found.riskScore}`;
  const added = [...new Set(found.added.map((f) => `${f.category} (${f.rule}, ${f.field})`))].join(', ');
  if (item.status === 'DECIDED') {
    if (found.added.length === 0) return undefined;
    const note = `re-screen with ${found.screenedWith} found new flags: ${added}; ${change}`;
    return reopened(item, { ...item, ...screening }, now, SYSTEM_ACTOR, clipNote(note));
  }
  if (sameCategories(item.categories, found.categories) && item.riskScore === found.riskScore)
    return undefined;
  const version = item.version + 1;
  const expired = leaseExpired(item, now);
  const { outbox: _o, ...kept } = item;
  const note = `re-screen with ${found.screenedWith}: ${change}${added ? `; new flags: ${added}` : ''}`;
  return {
    next: expired
      ? { ...cleared(item), ...screening, status: 'PENDING', version }
      : { ...kept, ...screening, version },
    audit: [
      ...expiryEntries(item, now, version),
      { at: now.toISOString(), actor: SYSTEM_ACTOR, action: 'RESCREEN', note: clipNote(note), version },
    ],
  };
}

function sameCategories(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((c) => set.has(c));
}

function clipNote(text: string): string {
  return text.length <= MAX_NOTE_LENGTH ? text : `${text.slice(0, MAX_NOTE_LENGTH - 1)}…`;
}
