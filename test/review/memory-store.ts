import type {
  ConsignmentReads,
  DocumentRef,
  EventPublisher,
  RelatedConsignment,
  ReviewStore,
  ReviewSummary,
  WorkQueue,
} from '../../shared/review/ports.js';
import type { AuditEntry, InstructionEvent, ReviewItem, ReviewStatus } from '../../shared/review/types.js';
import { byPriority } from '../../shared/review/workflow.js';
import type { RescreenSource } from '../../shared/screening/rescreen.js';
import type { IntakeStore, ReviewQueue, ReviewSeed, StoredConsignment } from '../../shared/store/types.js';

const clone = <T>(x: T): T => structuredClone(x);

/**
 * An in-memory ReviewStore with the same promises the DynamoDB one keeps (conditional save on
 * version, put-if-absent audit), for domain tests without AWS. Each call yields to the event loop
 * first, so concurrent callers really interleave.
 */
export class MemoryReviewStore implements ReviewStore, ConsignmentReads {
  items = new Map<string, ReviewItem>();
  auditLog = new Map<string, AuditEntry>();
  consignments = new Map<string, StoredConsignment>();
  documents = new Map<string, DocumentRef>();
  /** Audit writes to refuse (simulates a crash between the item write and the appends). */
  failAuditWrites = 0;

  private tick = () => new Promise<void>((r) => setImmediate(r));

  async get(id: string) {
    await this.tick();
    const item = this.items.get(id);
    return item ? clone(item) : undefined;
  }

  async save(next: ReviewItem, expectedVersion: number) {
    await this.tick();
    const current = this.items.get(next.id);
    if (!current || current.version !== expectedVersion) return false;
    this.items.set(next.id, clone(next));
    return true;
  }

  async appendAudit(id: string, entries: AuditEntry[]) {
    await this.tick();
    if (this.failAuditWrites > 0) {
      this.failAuditWrites--;
      throw new Error('audit write failed (simulated)');
    }
    entries.forEach((e, n) => {
      const key = `${id}#${String(e.version).padStart(10, '0')}#${n}`;
      if (!this.auditLog.has(key)) this.auditLog.set(key, clone(e));
    });
  }

  async clearOutbox(id: string, version: number) {
    await this.tick();
    const item = this.items.get(id);
    if (item && item.version === version) delete item.outbox;
  }

  async audit(id: string, latest?: number) {
    await this.tick();
    const all = [...this.auditLog.entries()]
      .filter(([k]) => k.startsWith(`${id}#`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, v]) => clone(v));
    return latest === undefined ? all : all.slice(-latest);
  }

  async byStatus(status: ReviewStatus, options: { category?: string; limit: number }) {
    await this.tick();
    return [...this.items.values()]
      .filter((i) => i.status === status && (!options.category || i.categories.includes(options.category)))
      .sort(byPriority)
      .slice(0, options.limit)
      .map(clone);
  }

  async *summaries(status: ReviewStatus): AsyncIterable<ReviewSummary> {
    for (const i of await this.byStatus(status, { limit: Infinity })) yield i;
  }

  async count(status: ReviewStatus) {
    return (await this.byStatus(status, { limit: Infinity })).length;
  }

  async many(ids: string[]) {
    await this.tick();
    return ids.flatMap((id) => (this.items.has(id) ? [clone(this.items.get(id) as ReviewItem)] : []));
  }

  async consignment(id: string) {
    return this.consignments.get(id);
  }

  async document(documentId: string) {
    return this.documents.get(documentId);
  }

  async related(c: StoredConsignment, limit: number): Promise<RelatedConsignment[]> {
    const out: RelatedConsignment[] = [];
    for (const o of this.consignments.values()) {
      if (o.id === c.id) continue;
      if (c.awb && o.awb === c.awb)
        out.push({
          id: o.id,
          awb: o.awb,
          hawb: o.hawb,
          parcelId: o.parcelId,
          riskScore: o.riskScore,
          relation: 'same-master-awb',
        });
      else if (c.consignee && o.consignee?.name === c.consignee.name)
        out.push({
          id: o.id,
          awb: o.awb,
          hawb: o.hawb,
          parcelId: o.parcelId,
          riskScore: o.riskScore,
          relation: 'same-consignee',
        });
    }
    return out.slice(0, limit * 2);
  }
}

export class MemoryEvents implements EventPublisher {
  events: InstructionEvent[] = [];
  failNext = 0;
  async publish(event: InstructionEvent) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('bus unavailable (simulated)');
    }
    if (!this.events.some((e) => e.eventId === event.eventId)) this.events.push(event);
  }
}

export function seedItem(over: Partial<ReviewItem> & { id: string }): ReviewItem {
  return {
    documentId: 'doc-1',
    carrierId: 'DEMO',
    ref: `P-${over.id}`,
    categories: ['firearms'],
    riskScore: 80,
    ruleSetVersion: 'test-1',
    status: 'PENDING',
    createdAt: '2025-01-01T00:00:00.000Z',
    version: 0,
    ...over,
  };
}

/**
 * The intake side of a re-screen in memory, over a MemoryReviewStore: stored consignments to
 * re-screen (its `consignments`), review items created the way DynamoIntakeStore creates them
 * (only when absent, or never queued and untouched), and a review queue that records what it
 * was sent (new items) or offered (released, reopened items).
 */
export class MemoryRescreen implements RescreenSource, Pick<IntakeStore, 'createReviewItems' | 'markQueued'> {
  queued = new Set<string>();
  /** Consignment ids sent to the review queue, in order. */
  messages: string[] = [];
  /** updateScreening calls to refuse (simulates a run stopped after the review item was written). */
  failUpdates = 0;
  readonly queue: ReviewQueue & WorkQueue;

  constructor(readonly store: MemoryReviewStore) {
    const messages = this.messages;
    this.queue = {
      send: async (items: ReviewSeed[]) => {
        messages.push(...items.map((s) => s.consignmentId));
      },
      offer: async (item: ReviewItem) => {
        messages.push(item.id);
      },
      take: async () => undefined,
    };
  }

  async *consignments(): AsyncIterable<StoredConsignment> {
    for (const c of [...this.store.consignments.values()]) yield clone(c);
  }

  async updateScreening(
    id: string,
    result: Parameters<RescreenSource['updateScreening']>[1],
    at: Date,
  ): Promise<void> {
    if (this.failUpdates > 0) {
      this.failUpdates--;
      throw new Error('consignment write failed (simulated)');
    }
    const c = this.store.consignments.get(id);
    if (!c) throw new Error(`no consignment ${id}`);
    this.store.consignments.set(id, {
      ...c,
      ...clone(result),
      rescreenedAt: at.toISOString(),
    } as StoredConsignment);
  }

  async createReviewItems(items: ReviewSeed[], now: Date): Promise<ReviewSeed[]> {
    const created: ReviewSeed[] = [];
    for (const seed of items) {
      const current = this.store.items.get(seed.consignmentId);
      if (current && (this.queued.has(seed.consignmentId) || current.version !== 0)) continue;
      const { consignmentId, ...rest } = seed;
      this.store.items.set(consignmentId, {
        ...clone(rest),
        id: consignmentId,
        status: 'PENDING',
        createdAt: now.toISOString(),
        version: 0,
      });
      created.push(seed);
    }
    return created;
  }

  async markQueued(consignmentIds: string[]): Promise<void> {
    for (const id of consignmentIds) this.queued.add(id);
  }
}
