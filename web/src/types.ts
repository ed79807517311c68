/**
 * The review API as the console sees it (docs/review-api.md): types, plus the workflow's constants
 * from the domain module. Nothing here pulls server code into the browser bundle.
 */
import type { Consignment } from '../../shared/model/consignment.js';
import type { Flag } from '../../shared/screening/types.js';
import type { AuditEntry as StoredAuditEntry, Decision, ReviewStatus } from '../../shared/review/types.js';

export type { Flag };

// The workflow's vocabulary comes from the domain module (plain constants, no server code), so the
// console cannot drift from the API's statuses, decisions and roles.
export { DECISIONS, REVIEW_STATUSES, ROLES } from '../../shared/review/types.js';
export type { AuditAction, Decision, ReviewStatus, Role } from '../../shared/review/types.js';

export interface QueueItem {
  id: string;
  ref: string;
  categories: string[];
  riskScore: number;
  status: ReviewStatus;
  /** Seconds since the item was queued. */
  age: number;
  claimedBy?: string | null;
  leaseUntil?: string | null;
  decision?: Decision | null;
  /** True only when the viewer holds the unexpired lease (the server decides; see isMine()). */
  mine?: boolean;
  createdAt?: string;
  decidedBy?: string | null;
  decidedAt?: string | null;
  note?: string | null;
}

/** The viewer holds this item: the server's `mine` when given, else status and claimant. */
export function isMine(item: QueueItem | undefined | null, me: string | undefined): boolean {
  if (!item || !me) return false;
  if (typeof item.mine === 'boolean') return item.mine;
  return item.status === 'IN_REVIEW' && item.claimedBy === me;
}

/** The audit trail as the API shows it: the stored entry without its internal version. */
export type AuditEntry = Omit<StoredAuditEntry, 'version'>;

export interface RelatedItem {
  id: string;
  ref: string;
  relation: 'same-consignee' | 'same-master-awb';
  riskScore: number;
  status: ReviewStatus | string | null;
}

/** The consignment as stored; the console reads the canonical fields and ignores the rest. */
export type ConsignmentView = Partial<Consignment> & { id?: string };

export interface ItemDetail {
  item: QueueItem;
  consignment: ConsignmentView | null;
  flags: Flag[];
  audit: AuditEntry[];
  document: { documentId: string; fileName?: string | null; downloadUrl?: string | null } | null;
  related: RelatedItem[];
}

export interface QueueStats {
  depth: number;
  oldestAgeSeconds: number | null;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
