import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { applyMutations, expectStructured, mutationArbitrary } from './mutations.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(here, '../fixtures/cargo-xml');
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.xml'))
  .map((f) => readFileSync(resolve(dir, f), 'utf8'));

/** Text that is hostile to an XML reader: markup fragments, entities, DTD pieces, odd characters. */
const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '<',
    '>',
    '&',
    '&amp;',
    '&lol;',
    '&#0;',
    '&#x10FFFF;',
    ']]>',
    '<![CDATA[',
    '<!--',
    '-->',
    '<!DOCTYPE Waybill [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<?xml version="1.0"?>',
    '</ram:MasterConsignment>',
    '<ram:IncludedMasterConsignment>',
    '<ram:TotalPieceQuantity>-1</ram:TotalPieceQuantity>',
    '<ram:GrossWeightMeasure unitCode="LBR">abc</ram:GrossWeightMeasure>',
    'unitCode="',
    '\u0000',
    '\uFFFE',
    '\uD800',
    '\r\n',
    'é',
  ),
);

const mutation = mutationArbitrary(junk, { maxDelete: 400, maxDuplicate: 2000 });

describe('Cargo-XML under mutation', () => {
  it('gives a structured result for truncated, cut, duplicated and junk-filled messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...docs),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5000 }),
        async (doc, mutations, chunkSize) => {
          await expectStructured(applyMutations(doc, mutations), chunkSize);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives a structured result when raw bytes are corrupted (invalid UTF-8 included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...docs),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 3000 }),
        async (doc, at, bytes, chunkSize) => {
          const buf = Buffer.from(doc, 'utf8');
          const i = at % (buf.length + 1);
          await expectStructured(
            Buffer.concat([buf.subarray(0, i), Buffer.from(bytes), buf.subarray(i)]),
            chunkSize,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads the unmutated fixtures identically whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...docs),
        fc.integer({ min: 1, max: 2000 }),
        async (doc, chunkSize) => {
          const whole = await processAll(bufferChunks(doc));
          const chunked = await processAll(bufferChunks(doc, chunkSize));
          expect(chunked).toEqual(whole);
        },
      ),
      { numRuns: 40 },
    );
  });
});
