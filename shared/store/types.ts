import type { Consignment } from '../model/consignment.js';
import type { Issue } from '../model/issues.js';
import type { DocumentCounts, DocumentSummary } from '../intake/process.js';
import type { Flag } from '../screening/types.js';
import type { FormatId } from '../formats/types.js';

/** A consignment as stored: the canonical fields plus where it came from and how it screened. */
export interface StoredConsignment extends Consignment {
  id: string;
  documentId: string;
  carrierId: string;
  flags: Flag[];
  riskScore: number;
  ruleSetVersion: string;
  /** Screening sent it to human review (riskScore reached the threshold). */
  review: boolean;
  storedAt: string;
}

/** Document status values (public contract): RECEIVED/PROCESSING while in flight, then the outcome. */
export type DocumentState = 'RECEIVED' | 'PROCESSING' | 'accepted' | 'partial' | 'rejected';

export interface DocumentRecord {
  documentId: string;
  carrierId: string;
  bucket: string;
  key: string;
  fileName: string;
  etag: string;
  status: DocumentState;
  format: FormatId;
  counts: DocumentCounts;
  errors: Issue[];
  errorsOmitted: number;
  warnings: Issue[];
  flagged: number;
  receivedAt: string;
  processedAt?: string;
}

export interface DocumentObject {
  documentId: string;
  carrierId: string;
  bucket: string;
  key: string;
  fileName: string;
  etag: string;
}

/** The review work item created for every flagged consignment (issue 5 extends its life cycle). */
export interface ReviewSeed {
  consignmentId: string;
  documentId: string;
  carrierId: string;
  ref: string;
  categories: string[];
  riskScore: number;
  ruleSetVersion: string;
}

/** What beginDocument decided: process it, it was already done, or another worker holds it. */
export type BeginResult = 'started' | 'already-processed' | 'in-progress';

export interface IntakeStore {
  /** Claims a document for processing; idempotent on bucket + key + etag, with a lease for crashed workers. */
  beginDocument(doc: DocumentObject, now: Date, leaseMs: number): Promise<BeginResult>;
  putConsignments(items: StoredConsignment[]): Promise<void>;
  /** Creates review items that do not exist yet (or were never queued); returns those to queue. */
  createReviewItems(items: ReviewSeed[], now: Date): Promise<ReviewSeed[]>;
  markQueued(consignmentIds: string[]): Promise<void>;
  completeDocument(
    documentId: string,
    summary: DocumentSummary & { flagged: number },
    now: Date,
  ): Promise<void>;
  getDocument(documentId: string): Promise<DocumentRecord | undefined>;
}

export interface ReviewQueue {
  send(items: ReviewSeed[]): Promise<void>;
}

export interface BlobStore {
  read(bucket: string, key: string): AsyncIterable<Buffer>;
  write(bucket: string, key: string, body: string | Buffer, contentType: string): Promise<void>;
}
