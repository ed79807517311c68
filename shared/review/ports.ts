import type { StoredConsignment } from '../store/types.js';
import type { AuditEntry, InstructionEvent, ReviewItem, ReviewStatus } from './types.js';

/** Review items and their audit trail (DynamoDB in the cloud and locally; in memory in unit tests). */
export interface ReviewStore {
  get(id: string): Promise<ReviewItem | undefined>;
  /** Writes `next` only if the stored item is still at `expectedVersion`; false when another write came first. */
  save(next: ReviewItem, expectedVersion: number): Promise<boolean>;
  /** Appends entries that are not there yet (keyed by version and position): idempotent, never overwrites. */
  appendAudit(id: string, entries: AuditEntry[]): Promise<void>;
  /** Drops the outbox once flushed, only while the item is still at that version. */
  clearOutbox(id: string, version: number): Promise<void>;
  /** The item's audit trail, oldest first; only its `latest` entries when given. */
  audit(id: string, latest?: number): Promise<AuditEntry[]>;
  /**
   * Items stored with this status in queue order (score desc, age desc), optionally of one
   * category; a store may look at a bounded number of items for the category (DynamoDB: 5,000).
   */
  byStatus(status: ReviewStatus, options: { category?: string; limit: number }): Promise<ReviewItem[]>;
  /** Every item stored with this status, few attributes (for queue statistics). */
  summaries(status: ReviewStatus): AsyncIterable<ReviewSummary>;
  count(status: ReviewStatus): Promise<number>;
  /** The review items among these consignment ids (missing ones are left out). */
  many(ids: string[]): Promise<ReviewItem[]>;
}

export type ReviewSummary = Pick<
  ReviewItem,
  'id' | 'status' | 'createdAt' | 'categories' | 'leaseUntil' | 'claimedBy'
>;

export interface DocumentRef {
  documentId: string;
  bucket: string;
  key: string;
  fileName: string;
}

export type RelatedConsignment = Pick<StoredConsignment, 'id' | 'awb' | 'hawb' | 'parcelId' | 'riskScore'> & {
  relation: 'same-consignee' | 'same-master-awb';
};

/** What the show view reads besides the review item. */
export interface ConsignmentReads {
  consignment(id: string): Promise<StoredConsignment | undefined>;
  document(documentId: string): Promise<DocumentRef | undefined>;
  /** Consignments sharing the master AWB or the consignee, at most `limit` per relation, excluding `c`. */
  related(c: StoredConsignment, limit: number): Promise<RelatedConsignment[]>;
}

/** Where decision events go: the EventBridge bus in the cloud, the table locally. */
export interface EventPublisher {
  publish(event: InstructionEvent): Promise<void>;
}

/** A short-lived link to the original document that works without credentials (a browser link). */
export interface DocumentLinks {
  downloadUrl(doc: DocumentRef, request: { origin: string }): Promise<string>;
}

/** A message taken from the work queue: invisible to other reviewers until done or put back. */
export interface WorkMessage {
  consignmentId: string;
  /** The item was claimed, or the message is stale: remove it. */
  done(): Promise<void>;
  /** Could not act on it now: let another reviewer take it. */
  putBack(): Promise<void>;
}

/**
 * The SQS review queue, which distributes work: claim-next takes flagged consignments from it in
 * arrival order; released and reopened items are offered again. DynamoDB stays the source of
 * truth, so a stale message (an item already claimed or decided) is simply dropped.
 */
export interface WorkQueue {
  take(): Promise<WorkMessage | undefined>;
  offer(item: ReviewItem): Promise<void>;
}
