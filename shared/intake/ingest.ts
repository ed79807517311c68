import { consignmentId } from '../store/keys.js';
import { reviewSeed } from '../store/review-seed.js';
import type {
  BlobStore,
  DocumentObject,
  IntakeStore,
  ReviewQueue,
  ReviewSeed,
  StoredConsignment,
} from '../store/types.js';
import type { Screener } from '../screening/screen.js';
import { applyAggregateRules, type AggregateStore } from '../screening/aggregates.js';
import { buildAcknowledgement } from './ack.js';
import { DocumentRun, type DocumentSummary } from './process.js';
import { ackKey } from './object-key.js';
import { cargoImpAcks, cargoImpMessageHeads } from '../formats/cargo-imp/ack.js';

export interface IngestDeps {
  store: IntakeStore;
  queue: ReviewQueue;
  blobs: BlobStore;
  screener: Screener;
  now?: () => Date;
  /** How long a worker holds a document before another may take it over (ms). */
  leaseMs?: number;
  /** Consignments written per batch (25 per DynamoDB request). */
  batchSize?: number;
  maxBytes?: number;
  /** Counters across documents for the splitting rule (many parcels to one consignee). */
  aggregates?: AggregateStore;
  /** Per-carrier parcel-spreadsheet column mappings (config/carrier-profiles.json). */
  profiles?: Record<string, Record<string, string>>;
  onProgress?: (counts: DocumentSummary['counts']) => void;
}

export type IngestResult =
  | { outcome: 'processed'; summary: DocumentSummary & { flagged: number; queued: number } }
  | { outcome: 'already-processed' }
  | { outcome: 'in-progress' };

/**
 * Ingests one uploaded document: claim it (idempotent on the object), stream it through
 * detection, validation and screening, write consignments in batches, queue flagged ones for
 * review, record the document status and write the carrier's acknowledgement.
 */
export async function ingestDocument(doc: DocumentObject, deps: IngestDeps): Promise<IngestResult> {
  const now = deps.now ?? (() => new Date());
  const begun = await deps.store.beginDocument(doc, now(), deps.leaseMs ?? 15 * 60 * 1000);
  if (begun === 'already-processed') return { outcome: begun };
  if (begun === 'in-progress') return { outcome: begun };

  const run = new DocumentRun(deps.blobs.read(doc.bucket, doc.key), {
    documentId: doc.documentId,
    fileName: doc.fileName,
    ...(deps.maxBytes ? { maxBytes: deps.maxBytes } : {}),
    ...(deps.profiles?.[doc.carrierId] ? { profile: deps.profiles[doc.carrierId] } : {}),
  });
  const batchSize = deps.batchSize ?? 500;
  let batch: StoredConsignment[] = [];
  let batchNo = 0;
  let flagged = 0;
  let queued = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    // The token makes a re-delivered batch count once: same document, same batch number.
    if (deps.aggregates)
      await applyAggregateRules(items, {
        screener: deps.screener,
        aggregates: deps.aggregates,
        token: `${doc.documentId}#${batchNo}`,
        now: now(),
      });
    batchNo += 1;
    await deps.store.putConsignments(items);
    const seeds: ReviewSeed[] = items.filter((c) => c.review).map((c) => reviewSeed(c));
    flagged += seeds.length;
    const toQueue = await deps.store.createReviewItems(seeds, now());
    await deps.queue.send(toQueue);
    await deps.store.markQueued(toQueue.map((s) => s.consignmentId));
    queued += toQueue.length;
    deps.onProgress?.(run.counts);
  };

  for await (const outcomes of run.batches())
    for (const outcome of outcomes) {
      if (outcome.type !== 'accepted') continue;
      const c = outcome.consignment;
      const result = deps.screener.screen(c);
      const stored: StoredConsignment = {
        ...c,
        id: consignmentId(doc.documentId, c.source.line),
        documentId: doc.documentId,
        carrierId: doc.carrierId,
        flags: result.flags,
        riskScore: result.riskScore,
        ruleSetVersion: result.ruleSetVersion,
        review: result.review,
        storedAt: now().toISOString(),
      };
      batch.push(stored);
      if (batch.length >= batchSize) await flush();
    }
  await flush();

  const summary = { ...run.summary(), flagged };
  const at = now();
  await deps.blobs.write(
    doc.bucket,
    ackKey(doc.carrierId, doc.documentId),
    JSON.stringify(buildAcknowledgement(doc, summary, at), null, 2),
    'application/json',
  );
  if (summary.format === 'cargo-imp') {
    // Cargo-IMP filers expect FMA/FNA text beside the JSON (shared/corpus/reference).
    const heads = await cargoImpMessageHeads(deps.blobs.read(doc.bucket, doc.key));
    await deps.blobs.write(
      doc.bucket,
      ackKey(doc.carrierId, doc.documentId, 'txt'),
      cargoImpAcks(summary, heads),
      'text/plain',
    );
  }
  await deps.store.completeDocument(doc.documentId, summary, at);
  return { outcome: 'processed', summary: { ...summary, queued } };
}
