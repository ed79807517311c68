/**
 * The review workflow's vocabulary (public contract, issue 5): statuses, decisions, roles and
 * audit actions are exact strings shared by the API, the CLI and the web console.
 */
export const REVIEW_STATUSES = ['PENDING', 'IN_REVIEW', 'DECIDED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const DECISIONS = ['CLEAR', 'HOLD', 'DO_NOT_LOAD', 'REQUEST_INFO', 'REFER'] as const;
export type Decision = (typeof DECISIONS)[number];

export const ROLES = ['carrier', 'reviewer', 'supervisor', 'ops'] as const;
export type Role = (typeof ROLES)[number];

/** `RESCREEN`: a re-screen changed an open item's categories or score (actor `system`). */
export const AUDIT_ACTIONS = [
  'CLAIM',
  'RELEASE',
  'DECIDE',
  'REASSIGN',
  'REOPEN',
  'LEASE_EXPIRED',
  'RESCREEN',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who is calling: resolved from the JWT claims (cloud) or the development identity (local). */
export interface Identity {
  username: string;
  roles: Role[];
  carrierId?: string;
}

/** The actor recorded for what the system does on its own (a lease running out, a re-screen). */
export const SYSTEM_ACTOR = 'system';

/** One line of the audit trail: who, when, what, why. Never updated, never deleted. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: AuditAction;
  decision?: Decision;
  note?: string;
  from?: string;
  to?: string;
  /** The item version this entry belongs to (orders the trail; unique per transition). */
  version: number;
}

/**
 * What a transition must still do after its conditional write: append its audit entries and
 * publish its event. Stored on the item in the same write, so a crash between the write and the
 * appends loses nothing: the next reader flushes it (idempotently).
 */
export interface Outbox {
  version: number;
  audit: AuditEntry[];
  event?: InstructionEvent;
}

/** A review work item as stored (one per flagged consignment; id = consignment id). */
export interface ReviewItem {
  id: string;
  documentId: string;
  carrierId: string;
  ref: string;
  categories: string[];
  riskScore: number;
  ruleSetVersion: string;
  status: ReviewStatus;
  createdAt: string;
  claimedBy?: string;
  claimedAt?: string;
  leaseUntil?: string;
  decision?: Decision;
  decidedBy?: string;
  decidedAt?: string;
  note?: string;
  /** The decision a supervisor reopened, so the next decision can say what it supersedes. */
  previousDecision?: Decision;
  /** Bumped by every transition; the conditional write on it decides who wins a race. */
  version: number;
  outbox?: Outbox;
}

/** An item as a given viewer sees it (API answer): lease expiry applied, ages in seconds. */
export interface ReviewItemView {
  id: string;
  ref: string;
  categories: string[];
  riskScore: number;
  status: ReviewStatus;
  /** Seconds since the item was created. */
  age: number;
  createdAt: string;
  documentId: string;
  carrierId: string;
  claimedBy: string | null;
  claimedAt: string | null;
  leaseUntil: string | null;
  /** True only when the viewer holds the (unexpired) lease. */
  mine: boolean;
  decision: Decision | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  version: number;
}

/** Filer-facing instruction names, in the style of PACT's asynchronous outcomes. */
export const INSTRUCTIONS = ['CLEARED', 'HOLD', 'DO_NOT_LOAD', 'REQUEST_FOR_INFORMATION'] as const;
export type Instruction = (typeof INSTRUCTIONS)[number];

/**
 * The event a decision emits for filers and partner agencies. It names the consignment and the
 * instruction only: never rules, categories, scores or the reviewer (carriers must not learn
 * how screening works). Delivery is at least once; `eventId` is stable for de-duplication.
 */
export interface InstructionEvent {
  eventId: string;
  instruction: Instruction;
  state: 'ISSUED';
  issuedAt: string;
  /** The instruction this one replaces after a supervisor reopened the item. */
  supersedes?: Instruction;
  consignment: {
    id: string;
    documentId: string;
    carrierId: string;
    ref: string;
    awb: string | null;
    hawb: string | null;
    parcelId: string | null;
  };
  /** Text for the filer. For REQUEST_FOR_INFORMATION it carries the reviewer's question. */
  message: string;
}
