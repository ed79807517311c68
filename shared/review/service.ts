import { consignmentRef } from '../model/consignment.js';
import type { StoredConsignment } from '../store/types.js';
import { ReviewError } from './errors.js';
import { authorize } from './permissions.js';
import type {
  ConsignmentReads,
  DocumentLinks,
  DocumentRef,
  EventPublisher,
  ReviewStore,
  WorkQueue,
} from './ports.js';
import {
  REVIEW_STATUSES,
  type AuditEntry,
  type Identity,
  type ReviewItem,
  type ReviewItemView,
  type ReviewStatus,
} from './types.js';
import {
  byPriority,
  claim,
  decide,
  DEFAULT_LEASE_MS,
  effectiveStatus,
  leaseExpired,
  reassign,
  release,
  reopen,
  rescreen,
  toView,
  type Rescreening,
  type Transition,
} from './workflow.js';

/** A message naming an item that is no longer pending (or gone) is stale: drop it. */
const STALE = new Set(['HELD_BY_OTHER', 'ALREADY_DECIDED', 'NOT_FOUND']);
const MAX_QUEUE_TAKES = 20;

export interface ReviewServiceDeps {
  store: ReviewStore;
  reads: ConsignmentReads;
  events: EventPublisher;
  links: DocumentLinks;
  now?: () => Date;
  leaseMs?: number;
  /** The SQS review queue (when absent, claim-next reads the pending index only). */
  queue?: WorkQueue;
  /** Told when a committed transition could not flush its audit/event yet (it stays in the outbox). */
  onFlushError?: (error: unknown, item: ReviewItem) => void;
}

export interface ShowView {
  item: ReviewItemView;
  consignment: Omit<StoredConsignment, 'flags'> | null;
  flags: StoredConsignment['flags'];
  /** The latest MAX_AUDIT_SHOWN entries of the trail, oldest first. */
  audit: Omit<AuditEntry, 'version'>[];
  /** Present (true) when older entries were left out. */
  auditTruncated?: true;
  document: { documentId: string; fileName: string | null; downloadUrl: string | null };
  related: { id: string; ref: string; relation: string; riskScore: number; status: ReviewStatus | null }[];
}

/** What a re-screen did to one consignment's review item. */
export type RescreenOutcome = 'missing' | 'unchanged' | 'updated' | 'reopened';

export interface QueueStats {
  depth: number;
  oldestAgeSeconds: number;
  byStatus: Record<ReviewStatus, number>;
  byCategory: Record<string, number>;
}

const CATEGORY_PATTERN = /^[a-z0-9-]{1,40}$/;
/** IN_REVIEW items are few (one or two per reviewer); this bounds the read that finds expired leases. */
const MAX_IN_REVIEW = 1000;
const MAX_WRITE_ATTEMPTS = 5;
const RELATED_LIMIT = 20;
/** Live claims one reviewer may hold at once. */
export const MAX_CLAIMS_PER_REVIEWER = 25;
/** Audit entries an item view carries: its latest, so a long trail cannot outgrow the response. */
export const MAX_AUDIT_SHOWN = 200;

export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new ReviewError('NOT_FOUND', 'no such review item');
}

/**
 * The review use cases. Every change goes read → pure transition → conditional write on the
 * version read; a lost race re-reads and re-evaluates (so the loser of a claim race is told the
 * item is now held). Audit entries and the decision event travel in the item's outbox, written
 * with the transition, then appended/published; the next transition flushes a leftover outbox
 * before it overwrites it, so the trail stays complete without multi-item transactions.
 */
export class ReviewService {
  private readonly now: () => Date;
  private readonly leaseMs: number;

  constructor(private readonly deps: ReviewServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async list(
    viewer: Identity,
    query: { status?: string; category?: string; limit?: string | number },
  ): Promise<{ items: ReviewItemView[] }> {
    authorize(viewer, 'list');
    const status = query.status ?? 'PENDING';
    if (!(REVIEW_STATUSES as readonly string[]).includes(status))
      throw new ReviewError('INVALID_REQUEST', `status must be one of ${REVIEW_STATUSES.join(', ')}`);
    if (query.category !== undefined && !CATEGORY_PATTERN.test(query.category))
      throw new ReviewError('INVALID_REQUEST', 'category must be a flag category such as firearms');
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new ReviewError('INVALID_REQUEST', 'limit must be 1 to 500');
    const items = await this.candidates(status as ReviewStatus, query.category, limit);
    const now = this.now();
    return { items: items.map((i) => toView(i, viewer, now)) };
  }

  /** Items whose effective status (lease expiry applied) is `status`, in queue order. */
  private async candidates(
    status: ReviewStatus,
    category: string | undefined,
    limit: number,
  ): Promise<ReviewItem[]> {
    const now = this.now();
    const cat = category ? { category } : {};
    if (status === 'DECIDED') return this.deps.store.byStatus('DECIDED', { ...cat, limit });
    const inReview = await this.deps.store.byStatus('IN_REVIEW', { ...cat, limit: MAX_IN_REVIEW });
    if (status === 'IN_REVIEW') return inReview.filter((i) => !leaseExpired(i, now)).slice(0, limit);
    const pending = await this.deps.store.byStatus('PENDING', { ...cat, limit });
    return [...pending, ...inReview.filter((i) => leaseExpired(i, now))].sort(byPriority).slice(0, limit);
  }

  async stats(viewer: Identity): Promise<QueueStats> {
    authorize(viewer, 'stats');
    const now = this.now();
    const byStatus: Record<ReviewStatus, number> = { PENDING: 0, IN_REVIEW: 0, DECIDED: 0 };
    const byCategory: Record<string, number> = {};
    let oldest = now.getTime();
    for (const status of ['PENDING', 'IN_REVIEW'] as const) {
      for await (const s of this.deps.store.summaries(status)) {
        const effective = effectiveStatus({ ...s, status } as ReviewItem, now);
        byStatus[effective] += 1;
        if (effective !== 'PENDING') continue;
        oldest = Math.min(oldest, Date.parse(s.createdAt));
        for (const c of s.categories) byCategory[c] = (byCategory[c] ?? 0) + 1;
      }
    }
    byStatus.DECIDED = await this.deps.store.count('DECIDED');
    return {
      depth: byStatus.PENDING,
      oldestAgeSeconds: Math.max(0, Math.floor((now.getTime() - oldest) / 1000)),
      byStatus,
      byCategory,
    };
  }

  async show(viewer: Identity, id: string, request: { origin: string }): Promise<ShowView> {
    authorize(viewer, 'show');
    checkId(id);
    const item = await this.deps.store.get(id);
    if (!item) throw new ReviewError('NOT_FOUND', `no review item ${id}`);
    // A trail left behind by an interrupted write is completed before it is shown.
    await this.flush(item);
    const [stored, audit, doc] = await Promise.all([
      this.deps.reads.consignment(id),
      this.deps.store.audit(id, MAX_AUDIT_SHOWN + 1),
      this.deps.reads.document(item.documentId),
    ]);
    const now = this.now();
    let related: ShowView['related'] = [];
    if (stored) {
      const found = await this.deps.reads.related(stored, RELATED_LIMIT);
      const reviews = new Map((await this.deps.store.many(found.map((r) => r.id))).map((r) => [r.id, r]));
      related = found.map((r) => {
        const review = reviews.get(r.id);
        return {
          id: r.id,
          ref: consignmentRef(r),
          relation: r.relation,
          riskScore: r.riskScore,
          status: review ? effectiveStatus(review, now) : null,
        };
      });
    }
    const { flags = [], ...consignment } = stored ?? ({} as Partial<StoredConsignment>);
    return {
      item: toView(item, viewer, now),
      consignment: stored ? (consignment as Omit<StoredConsignment, 'flags'>) : null,
      flags,
      // The latest entries: claim and release repeat without bound, and the view must stay small.
      audit: audit.slice(-MAX_AUDIT_SHOWN).map(({ version: _v, ...entry }) => entry),
      ...(audit.length > MAX_AUDIT_SHOWN ? { auditTruncated: true as const } : {}),
      document: {
        documentId: item.documentId,
        fileName: doc?.fileName ?? null,
        downloadUrl: doc ? await this.deps.links.downloadUrl(doc, request) : null,
      },
      related,
    };
  }

  /** Where to fetch a document's original (presigned in the cloud, signed local link locally). */
  async download(
    viewer: Identity,
    documentId: string,
    request: { origin: string },
  ): Promise<{ doc: DocumentRef; url: string }> {
    authorize(viewer, 'download');
    const doc = await this.document(documentId);
    return { doc, url: await this.deps.links.downloadUrl(doc, request) };
  }

  async document(documentId: string): Promise<DocumentRef> {
    if (!ID_PATTERN.test(documentId)) throw new ReviewError('NOT_FOUND', 'no such document');
    const doc = await this.deps.reads.document(documentId);
    if (!doc) throw new ReviewError('NOT_FOUND', `no document ${documentId}`);
    return doc;
  }

  async claim(viewer: Identity, id: string): Promise<ReviewItemView> {
    authorize(viewer, 'claim');
    await this.refuseTooManyClaims(viewer, id);
    return this.view(viewer, await this.mutate(id, (item, now) => claim(item, viewer, now, this.leaseMs)));
  }

  /**
   * Refuses a new claim to a reviewer who already holds MAX_CLAIMS_PER_REVIEWER live ones (renewing
   * one of them, `id`, is always allowed). Why: expired leases are found among the first
   * MAX_IN_REVIEW items in review, so one account looping claim-next could hide others' expired
   * items from the queue; and work held is work nobody else can do. Checked before the claim, not
   * in its write: one reviewer's concurrent claims may each pass it once.
   */
  private async refuseTooManyClaims(viewer: Identity, id?: string): Promise<void> {
    const now = this.now();
    let held = 0;
    for await (const s of this.deps.store.summaries('IN_REVIEW'))
      if (
        s.claimedBy === viewer.username &&
        s.id !== id &&
        !leaseExpired({ ...s, status: 'IN_REVIEW' } as ReviewItem, now)
      )
        held++;
    if (held >= MAX_CLAIMS_PER_REVIEWER)
      throw new ReviewError(
        'TOO_MANY_CLAIMS',
        `${viewer.username} holds ${held} items; decide or release one first (at most ${MAX_CLAIMS_PER_REVIEWER})`,
      );
  }

  /** Claims the highest-priority pending item (optionally of one category); losers of a race move on to the next. */
  async claimNext(viewer: Identity, input: { category?: unknown }): Promise<ReviewItemView> {
    authorize(viewer, 'claim');
    const category = input.category ?? undefined;
    if (category !== undefined && (typeof category !== 'string' || !CATEGORY_PATTERN.test(category)))
      throw new ReviewError('INVALID_REQUEST', 'category must be a flag category such as firearms');
    await this.refuseTooManyClaims(viewer);
    if (category === undefined) {
      const fromQueue = await this.claimFromQueue(viewer);
      if (fromQueue) return fromQueue;
    }
    // The pending index also brings back released, reopened and expired items, and filters by category.
    for (let round = 0; round < 3; round++) {
      const candidates = await this.candidates('PENDING', category, 25);
      if (candidates.length === 0) break;
      for (const candidate of candidates) {
        try {
          return this.view(
            viewer,
            await this.mutate(candidate.id, (item, now) => claim(item, viewer, now, this.leaseMs)),
          );
        } catch (error) {
          if (
            error instanceof ReviewError &&
            (error.code === 'HELD_BY_OTHER' || error.code === 'ALREADY_DECIDED')
          )
            continue;
          throw error;
        }
      }
    }
    throw new ReviewError('NOTHING_PENDING', category ? `no pending ${category} items` : 'no pending items');
  }

  /** Takes messages until one names an item this reviewer can claim; stale messages are dropped. */
  private async claimFromQueue(viewer: Identity): Promise<ReviewItemView | undefined> {
    const queue = this.deps.queue;
    if (!queue) return undefined;
    for (let n = 0; n < MAX_QUEUE_TAKES; n++) {
      const message = await queue.take();
      if (!message) return undefined;
      try {
        const claimed = await this.mutate(message.consignmentId, (item, now) =>
          claim(item, viewer, now, this.leaseMs),
        );
        await message.done();
        return this.view(viewer, claimed);
      } catch (error) {
        if (error instanceof ReviewError && STALE.has(error.code)) {
          await message.done();
          continue;
        }
        await message.putBack();
        throw error;
      }
    }
    return undefined;
  }

  /** Back on the queue for the next reviewer; the pending index still has it if this fails. */
  private async offer(item: ReviewItem): Promise<void> {
    try {
      await this.deps.queue?.offer(item);
    } catch (error) {
      this.deps.onFlushError?.(error, item);
    }
  }

  async decide(
    viewer: Identity,
    id: string,
    input: { decision?: unknown; note?: unknown },
  ): Promise<ReviewItemView> {
    authorize(viewer, 'decide');
    checkId(id);
    const stored = await this.deps.reads.consignment(id);
    const ids = { awb: stored?.awb ?? null, hawb: stored?.hawb ?? null, parcelId: stored?.parcelId ?? null };
    return this.view(
      viewer,
      await this.mutate(id, (item, now) =>
        decide(item, viewer, now, { decision: input.decision, note: input.note }, ids),
      ),
    );
  }

  async release(viewer: Identity, id: string, input: { note?: unknown }): Promise<ReviewItemView> {
    authorize(viewer, 'release');
    const item = await this.mutate(id, (current, now) => release(current, viewer, now, input.note));
    await this.offer(item);
    return this.view(viewer, item);
  }

  async reassign(
    viewer: Identity,
    id: string,
    input: { to?: unknown; note?: unknown },
  ): Promise<ReviewItemView> {
    authorize(viewer, 'reassign');
    return this.view(
      viewer,
      await this.mutate(id, (item, now) => reassign(item, viewer, now, input.to, input.note, this.leaseMs)),
    );
  }

  async reopen(viewer: Identity, id: string, input: { note?: unknown }): Promise<ReviewItemView> {
    authorize(viewer, 'reopen');
    const item = await this.mutate(id, (current, now) => reopen(current, viewer, now, input.note));
    await this.offer(item);
    return this.view(viewer, item);
  }

  /**
   * Applies a re-screen to the review items of these consignments (the system acts: no route
   * reaches this). Open items take the new categories and score; decided items whose consignment
   * gained flags are reopened and offered to the queue again (see workflow.rescreen). Each
   * outcome is in the order given; `missing` means the consignment has no review item.
   */
  async rescreen(updates: (Rescreening & { id: string })[]): Promise<RescreenOutcome[]> {
    // One batch read first (it may be a little stale): most items need nothing.
    const seen = new Map((await this.deps.store.many(updates.map((u) => u.id))).map((i) => [i.id, i]));
    const outcomes: RescreenOutcome[] = [];
    for (const update of updates) {
      const item = seen.get(update.id);
      if (!item) {
        outcomes.push('missing');
        continue;
      }
      // Without new flags nothing happens to a decided item, so the stale read is enough to skip
      // an item whose screening did not change; with new flags the item is always read again.
      if (update.added.length === 0 && !rescreen(item, this.now(), update)) {
        outcomes.push('unchanged');
        continue;
      }
      // Set by the attempt that wrote (a lost race re-evaluates on the item read again).
      let outcome = 'unchanged' as RescreenOutcome;
      try {
        const { item: written, changed } = await this.apply(update.id, (current, now) => {
          const t = rescreen(current, now, update);
          outcome = !t ? 'unchanged' : current.status === 'DECIDED' ? 'reopened' : 'updated';
          return t;
        });
        if (!changed) outcome = 'unchanged';
        else if (outcome === 'reopened') await this.offer(written);
      } catch (error) {
        if (error instanceof ReviewError && error.code === 'NOT_FOUND') outcome = 'missing';
        else throw error;
      }
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private view(viewer: Identity, item: ReviewItem): ReviewItemView {
    return toView(item, viewer, this.now());
  }

  private async mutate(
    id: string,
    transition: (item: ReviewItem, now: Date) => Transition,
  ): Promise<ReviewItem> {
    return (await this.apply(id, transition)).item;
  }

  /** mutate(), for a transition that may find nothing to write (undefined): `changed` says which. */
  private async apply(
    id: string,
    transition: (item: ReviewItem, now: Date) => Transition | undefined,
  ): Promise<{ item: ReviewItem; changed: boolean }> {
    checkId(id);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const item = await this.deps.store.get(id);
      if (!item) throw new ReviewError('NOT_FOUND', `no review item ${id}`);
      // Never overwrite an outbox that was not flushed: its audit entries would be lost.
      await this.flush(item);
      const t = transition(item, this.now());
      if (!t) {
        const { outbox: _o, ...current } = item;
        return { item: current, changed: false };
      }
      const next: ReviewItem = {
        ...t.next,
        outbox: { version: t.next.version, audit: t.audit, ...(t.event ? { event: t.event } : {}) },
      };
      if (!(await this.deps.store.save(next, item.version))) continue; // someone else wrote first: look again
      try {
        await this.flush(next);
      } catch (error) {
        // The transition is committed; its outbox stays on the item and the next reader completes it.
        this.deps.onFlushError?.(error, next);
      }
      const { outbox: _o, ...saved } = next;
      return { item: saved, changed: true };
    }
    throw new ReviewError('CONFLICT', `${id} kept changing while we tried to update it; try again`);
  }

  private async flush(item: ReviewItem): Promise<void> {
    const box = item.outbox;
    if (!box) return;
    await this.deps.store.appendAudit(item.id, box.audit);
    if (box.event) await this.deps.events.publish(box.event);
    await this.deps.store.clearOutbox(item.id, box.version);
  }
}
