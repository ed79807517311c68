import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ingestDocument } from '../../shared/intake/ingest.js';
import { createScreener } from '../../shared/screening/screen.js';
import { MemoryBlobs, MemoryQueue, MemoryStore } from './fakes.js';

const doc = {
  documentId: 'D1',
  carrierId: 'DEMO',
  bucket: 'raw',
  key: 'incoming/DEMO/D1/parcels-mx.csv',
  fileName: 'parcels-mx.csv',
  etag: 'e1',
};

async function setup() {
  const blobs = new MemoryBlobs();
  blobs.objects.set(
    `raw/${doc.key}`,
    await readFile(new URL('../../samples/parcels-mx.csv', import.meta.url)),
  );
  const deps = {
    store: new MemoryStore(),
    queue: new MemoryQueue(),
    blobs,
    screener: createScreener(),
    batchSize: 2,
  };
  return deps;
}

describe('ingesting one document', () => {
  it('stores accepted consignments, queues flagged ones, records status and writes the acknowledgement', async () => {
    const deps = await setup();
    const result = await ingestDocument(doc, deps);
    expect(result.outcome).toBe('processed');
    if (result.outcome !== 'processed') return;
    const { counts } = result.summary;
    expect(counts.received).toBe(counts.accepted + counts.rejected + counts.duplicate);
    expect(deps.store.consignments.size).toBe(counts.accepted);
    const flagged = [...deps.store.consignments.values()].filter((c) => c.review);
    expect(flagged.length).toBeGreaterThan(0);
    expect(deps.queue.messages.map((m) => m.consignmentId).sort()).toEqual(flagged.map((c) => c.id).sort());
    expect(deps.queue.messages.find((m) => m.ref === 'PX1000002')).toMatchObject({
      documentId: 'D1',
      carrierId: 'DEMO',
      categories: expect.arrayContaining(['firearms']),
    });
    expect(result.summary.flagged).toBe(flagged.length);
    expect(deps.store.documents.get('D1')).toMatchObject({ status: 'partial', counts });

    const ack = JSON.parse(deps.blobs.objects.get('raw/ack/DEMO/D1.json')!.toString());
    expect(ack).toMatchObject({ documentId: 'D1', status: 'partial', counts });
    // Carriers never see screening: no flags, scores or rule names in the acknowledgement.
    expect(JSON.stringify(ack)).not.toMatch(/flag|riskScore|hs-chapter|firearms/i);
  });

  it('changes nothing when the same object is delivered twice', async () => {
    const deps = await setup();
    await ingestDocument(doc, deps);
    const before = { consignments: deps.store.consignments.size, messages: deps.queue.messages.length };
    const again = await ingestDocument(doc, deps);
    expect(again.outcome).toBe('already-processed');
    expect({ consignments: deps.store.consignments.size, messages: deps.queue.messages.length }).toEqual(
      before,
    );
  });

  it('reprocesses a new version of the object and does not queue an item twice', async () => {
    const deps = await setup();
    await ingestDocument(doc, deps);
    const queued = deps.queue.messages.length;
    const second = await ingestDocument({ ...doc, etag: 'e2' }, deps);
    expect(second.outcome).toBe('processed');
    expect(deps.queue.messages.length).toBe(queued);
  });

  it('queues on retry what a failed attempt stored but could not queue', async () => {
    const deps = await setup();
    deps.queue.failNext = 1;
    await expect(ingestDocument(doc, deps)).rejects.toThrow('queue unavailable');
    expect(deps.queue.messages).toHaveLength(0);
    // Another worker takes over once the lease has run out.
    const later = new Date(Date.now() + 60 * 60 * 1000);
    const retry = await ingestDocument(doc, { ...deps, now: () => later });
    expect(retry.outcome).toBe('processed');
    expect(deps.queue.messages.length).toBeGreaterThan(0);
  });

  it('leaves a document held by a live worker to that worker', async () => {
    const deps = await setup();
    await deps.store.beginDocument(doc, new Date(), 60_000);
    expect((await ingestDocument(doc, deps)).outcome).toBe('in-progress');
  });
});

describe('splitting across documents', () => {
  it('flags parcels once one consignee has received more than the window allows', async () => {
    const { InMemoryAggregateStore } = await import('../../shared/screening/aggregates.js');
    const { HEADER, row } = await import('./helpers.js');
    const deps = { ...(await setup()), aggregates: new InMemoryAggregateStore() };
    const upload = async (id: string, from: number) => {
      const rows = Array.from({ length: 4 }, (_, i) =>
        row({ ParcelID: `S${from + i}`, BuyerName: 'Rosa Medina', BuyerZip: '44100' }),
      );
      const key = `incoming/DEMO/${id}/split.csv`;
      deps.blobs.objects.set(`raw/${key}`, Buffer.from([HEADER, ...rows].join('\n')));
      return ingestDocument({ ...doc, documentId: id, key, etag: id }, deps);
    };
    const first = await upload('S1', 0);
    expect(first.outcome === 'processed' && first.summary.flagged).toBe(0);
    const second = await upload('S2', 10);
    expect(second.outcome === 'processed' && second.summary.flagged).toBeGreaterThan(0);
    const splitFlags = [...deps.store.consignments.values()]
      .flatMap((c) => c.flags)
      .filter((f) => f.rule.includes('splitting'));
    expect(splitFlags.length).toBeGreaterThan(0);
    expect(splitFlags[0]).toMatchObject({ category: 'misdeclaration' });
  });
});
