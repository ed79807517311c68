import type { DocumentSummary } from '../../shared/intake/process.js';
import type {
  BeginResult,
  BlobStore,
  DocumentObject,
  DocumentRecord,
  IntakeStore,
  ReviewQueue,
  ReviewSeed,
  StoredConsignment,
} from '../../shared/store/types.js';

/** In-memory ports for domain tests: the same semantics as the DynamoDB/SQS/S3 adapters. */
export class MemoryStore implements IntakeStore {
  documents = new Map<string, DocumentRecord & { leaseUntil?: number }>();
  consignments = new Map<string, StoredConsignment>();
  reviews = new Map<string, ReviewSeed & { queued: boolean }>();

  async beginDocument(doc: DocumentObject, now: Date, leaseMs: number): Promise<BeginResult> {
    const existing = this.documents.get(doc.documentId);
    const final = existing && ['accepted', 'partial', 'rejected'].includes(existing.status);
    if (existing && existing.etag === doc.etag) {
      if (final) return 'already-processed';
      if ((existing.leaseUntil ?? 0) >= now.getTime()) return 'in-progress';
    }
    this.documents.set(doc.documentId, {
      ...doc,
      status: 'PROCESSING',
      format: 'unknown',
      counts: { received: 0, accepted: 0, rejected: 0, duplicate: 0 },
      errors: [],
      errorsOmitted: 0,
      warnings: [],
      flagged: 0,
      receivedAt: now.toISOString(),
      leaseUntil: now.getTime() + leaseMs,
    });
    return 'started';
  }

  async putConsignments(items: StoredConsignment[]): Promise<void> {
    for (const c of items) this.consignments.set(c.id, c);
  }

  async createReviewItems(items: ReviewSeed[]): Promise<ReviewSeed[]> {
    return items.filter((s) => {
      const existing = this.reviews.get(s.consignmentId);
      if (existing?.queued) return false;
      this.reviews.set(s.consignmentId, { ...s, queued: false });
      return true;
    });
  }

  async markQueued(ids: string[]): Promise<void> {
    for (const id of ids) this.reviews.get(id)!.queued = true;
  }

  async completeDocument(
    documentId: string,
    summary: DocumentSummary & { flagged: number },
    now: Date,
  ): Promise<void> {
    const doc = this.documents.get(documentId)!;
    Object.assign(doc, {
      status: summary.status,
      format: summary.format,
      counts: summary.counts,
      errors: summary.errors,
      flagged: summary.flagged,
      processedAt: now.toISOString(),
    });
    delete doc.leaseUntil;
  }

  async getDocument(documentId: string): Promise<DocumentRecord | undefined> {
    return this.documents.get(documentId);
  }
}

export class MemoryQueue implements ReviewQueue {
  messages: ReviewSeed[] = [];
  failNext = 0;
  async send(items: ReviewSeed[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('queue unavailable');
    }
    this.messages.push(...items);
  }
}

export class MemoryBlobs implements BlobStore {
  objects = new Map<string, Buffer>();
  async *read(bucket: string, key: string): AsyncIterable<Buffer> {
    const body = this.objects.get(`${bucket}/${key}`);
    if (!body) throw new Error(`no object ${bucket}/${key}`);
    for (let i = 0; i < body.length; i += 1000) yield body.subarray(i, i + 1000);
  }
  async write(bucket: string, key: string, body: string | Buffer): Promise<void> {
    this.objects.set(`${bucket}/${key}`, Buffer.from(body));
  }
}
