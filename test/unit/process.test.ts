import { afterEach, describe, expect, it, vi } from 'vitest';
import { bufferChunks, DocumentRun, processAll } from '../../shared/intake/process.js';
import { HEADER, readText, row } from './helpers.js';
import { MAX_MESSAGE } from '../../shared/model/issues.js';

describe('document processing', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('rejects an unknown text format with UNKNOWN_FORMAT', async () => {
    const { summary, consignments } = await readText('Dear customs,\nplease find attached our manifest.\n');
    expect(consignments).toEqual([]);
    expect(summary).toMatchObject({
      format: 'unknown',
      status: 'rejected',
      errors: [expect.objectContaining({ code: 'UNKNOWN_FORMAT', line: 0 })],
    });
  });

  it('rejects a document over the limit outright when it is found before the first record', async () => {
    const text = [HEADER, ...Array.from({ length: 200 }, (_, i) => row({ ParcelID: `P${i}` }))].join('\n');
    const { summary } = await processAll(bufferChunks(text, 512), { maxBytes: 4096 });
    expect(summary).toMatchObject({
      status: 'rejected',
      counts: { received: 0 },
      errors: [expect.objectContaining({ code: 'TOO_LARGE' })],
    });
  });

  it('rejects binary and empty files with UNKNOWN_FORMAT', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]);
    for (const input of [png, Buffer.alloc(0)]) {
      const { summary } = await readText(input);
      expect(summary.status).toBe('rejected');
      expect(summary.errors[0]?.code).toBe('UNKNOWN_FORMAT');
    }
  });

  it('stops a document over the size limit with TOO_LARGE and keeps the counts consistent', async () => {
    const text = [HEADER, ...Array.from({ length: 2000 }, (_, i) => row({ ParcelID: `P${i}` }))].join('\n');
    expect(text.length).toBeGreaterThan(200_000);
    const { summary } = await processAll(bufferChunks(text, 4096), { maxBytes: 100_000 });
    expect(summary.errors).toContainEqual(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(summary.status).toBe('partial');
    const { received, accepted, rejected, duplicate } = summary.counts;
    expect(received).toBe(accepted + rejected + duplicate);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(2000);
  });

  it('says so when a recognised document holds no records', async () => {
    const { summary } = await readText(`${HEADER}\n`);
    expect(summary).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ code: 'PARSE_ERROR' })],
    });
  });

  it('takes outcomes, duplicates and issues in record order within and across batches', async () => {
    // 300 parcels (several reader batches): every 7th repeats the third before it, every 5th has a
    // vague description (a warning), every 11th a zero weight (an error).
    const lines = [HEADER];
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      const line = lines.length + 1;
      const id = i % 7 === 6 ? `P${i - 3}` : `P${i}`;
      const vague = i % 5 === 0;
      const zero = i % 11 === 0;
      lines.push(
        row({ ParcelID: id, GoodsDescription: vague ? 'gift' : `Mugs ${i}`, TotalWeight: zero ? '0' : '1' }),
      );
      if (vague) expected.push(`VAGUE_DESCRIPTION@${line}`);
      if (zero) expected.push(`INVALID_WEIGHT@${line}`);
      else if (i % 7 === 6 && (i - 3) % 11 !== 0) expected.push(`DUPLICATE_RECORD@${line}`);
    }
    const run = new DocumentRun(bufferChunks(lines.join('\n'), 333));
    const outcomes: string[] = [];
    for await (const o of run.outcomes())
      outcomes.push(o.type === 'accepted' ? o.consignment.parcelId! : o.type);
    const { counts, errors, warnings } = run.summary();
    expect(counts.received).toBe(300);
    expect(counts.received).toBe(counts.accepted + counts.rejected + counts.duplicate);
    const seen = [...errors, ...warnings].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
    for (const list of [errors, warnings])
      expect(list.map((i) => i.line)).toEqual(list.map((i) => i.line).sort((a, b) => a - b));
    const byLine = (x: string) => Number(x.split('@')[1]);
    expect(seen.map((i) => `${i.code}@${i.line}`)).toEqual(
      expected.sort((a, b) => byLine(a) - byLine(b) || a.localeCompare(b)),
    );
    expect(outcomes.slice(5, 8)).toEqual(['P5', 'duplicate', 'P7']);
    expect(outcomes[0]).toBe('rejected');
  });

  it('keys the duplicate table afresh for every document, from the CSPRNG', async () => {
    // A known key would let a sender make two parcel ids share a fingerprint offline and have
    // the second dropped, unscreened, as a repeat of the first (shared/intake/hash.ts).
    const draws = vi.spyOn(globalThis.crypto, 'getRandomValues'); // calls through
    const text = [HEADER, row({ ParcelID: 'P1' }), row({ ParcelID: 'P2' }), row({ ParcelID: 'P1' })].join(
      '\n',
    );
    for (let i = 0; i < 3; i++) {
      const { summary } = await readText(text);
      expect(summary.counts).toEqual({ received: 3, accepted: 2, rejected: 0, duplicate: 1 });
    }
    const keys = draws.mock.results
      .map((r) => r.value as unknown)
      .filter((v): v is Uint32Array => v instanceof Uint32Array && v.length === 2)
      .map((v) => v.join(','));
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });

  it('bounds each message, which quotes the sender text', async () => {
    const id = `P${'9'.repeat(5000)}`;
    const { summary } = await readText(
      [HEADER, row({ ParcelID: id }), row({ ParcelID: 'P2' }), row({ ParcelID: id })].join('\n'),
    );
    expect(summary.counts.duplicate).toBe(1);
    const [warning] = summary.warnings.filter((w) => w.code === 'DUPLICATE_RECORD');
    expect(warning!.message).toMatch(/^record P9{400,}…$/);
    expect(warning!.message.length).toBe(MAX_MESSAGE);
  });

  it('bounds the error list and counts what it left out', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => row({ ParcelID: `P${i}`, TotalWeight: '0' }));
    const { summary } = await processAll(bufferChunks([HEADER, ...rows].join('\n')));
    expect(summary.counts.rejected).toBe(1200);
    expect(summary.errors).toHaveLength(1000);
    expect(summary.errorsOmitted).toBe(200);
  });
});
