import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';

// The public corpus lives beside the repository (../shared/corpus from the repo root).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = resolve(repoRoot, '../shared/corpus/one-record');
const present = existsSync(dir);
const files = present ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const read = (name: string) =>
  processAll(bufferChunks(readFileSync(resolve(dir, name)), 1000), { fileName: name });

describe.skipIf(!present)('ONE Record corpus (../shared/corpus/one-record)', () => {
  it.each(files)('%s is detected as ONE Record and read without a crash', async (name) => {
    const { summary } = await read(name);
    expect(summary.format).toBe('one-record');
    expect(['accepted', 'partial', 'rejected']).toContain(summary.status);
    expect(summary.errors.length).toBeGreaterThan(0);
  });

  it('cimp-example1-waybill.json (invalid as published) is rejected with PARSE_ERROR at line 316', async () => {
    const { summary } = await read('cimp-example1-waybill.json');
    expect(summary).toMatchObject({ status: 'rejected', counts: { received: 0 } });
    expect(summary.errors).toEqual([expect.objectContaining({ code: 'PARSE_ERROR', line: 316 })]);
    expect(summary.errors[0]!.message).toMatch(/line 316, column \d+/);
  });

  it('bare Shipment documents keep what they have; the missing 7+1 data is MISSING_FIELD', async () => {
    for (const name of ['shipment-with-piece.json', 'shipment-with-piece-embedded.json']) {
      const { summary } = await read(name);
      expect(summary.counts).toMatchObject({ received: 1, rejected: 1 });
      const fields = summary.errors.map((e) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining(['awb', 'weightKg', 'shipper.name', 'consignee.address']),
      );
      // goodsDescription and the one piece are present, so neither is reported missing.
      expect(fields).not.toContain('description');
      expect(fields).not.toContain('pieces');
    }
  });

  it('a bare Piece is one piece with its VAL handling code; a CustomsInformation alone holds no consignment', async () => {
    const piece = await read('piece.json');
    expect(piece.summary.errors.map((e) => e.field)).not.toContain('pieces');
    const customs = await read('customs-information.json');
    expect(customs.summary.errors).toEqual([
      expect.objectContaining({
        code: 'PARSE_ERROR',
        message: expect.stringContaining('CustomsInformation'),
      }),
    ]);
  });
});
