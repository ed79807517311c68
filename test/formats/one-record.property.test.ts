import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { applyMutations, expectStructured, mutationArbitrary } from './mutations.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(here, '../fixtures/one-record');
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => readFileSync(resolve(dir, f), 'utf8'));

const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"',
    '\\',
    '\\u12',
    'null',
    '"@id": "urn:x",',
    '{"@id": "https://1r.example.com/logistics-objects/shp-1"}',
    '"__proto__": {"x": 1},',
    '"cargo:pieces": [{"@id": "https://1r.example.com/logistics-objects/piece-1"}],',
    '"cargo:waybillType": "HOUSE",',
    '"@type": "cargo:Piece",',
    '{"@value": {"@value": 1}}',
    '1e999',
    '-',
    '\u0000',
    '\n',
    '\uD800',
  ),
);

const mutation = mutationArbitrary(junk, { maxDelete: 300, maxDuplicate: 1500 });

/** The shared structured-result checks, and invalid JSON always reported as an error. */
async function expectStructuredJson(input: string, chunkSize: number): Promise<void> {
  const { summary } = await expectStructured(input, chunkSize);
  let valid = true;
  try {
    JSON.parse(input.replace(/^\uFEFF/, ''));
  } catch {
    valid = false;
  }
  if (!valid && summary.format === 'one-record')
    expect(summary.errors.some((e) => e.code === 'PARSE_ERROR' || e.code === 'ENCODING')).toBe(true);
}

describe('ONE Record under mutation', () => {
  it('gives a structured result for truncated, cut, duplicated and junk-filled documents', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...docs),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5000 }),
        async (doc, mutations, chunkSize) => expectStructuredJson(applyMutations(doc, mutations), chunkSize),
      ),
      { numRuns: 300 },
    );
  });

  it('reports the same line as JSON.parse position for a syntax error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...docs), fc.nat(), async (doc, at) => {
        // Cut before the closing brace: a cut after it (only the trailing newline gone) leaves a
        // whole document, with no error to report (1 in ~2,000 runs drew that, and failed).
        const cut = doc.slice(0, at % doc.trimEnd().length);
        const { summary } = await processAll(bufferChunks(cut));
        if (summary.format !== 'one-record') return;
        const error = summary.errors.find((e) => e.code === 'PARSE_ERROR');
        expect(error).toBeDefined();
        // A truncated document fails at its end: the last line (or just after a trailing newline).
        const lines = cut.split('\n').length;
        expect(error!.line).toBeGreaterThanOrEqual(lines - 1);
        expect(error!.line).toBeLessThanOrEqual(lines);
      }),
      { numRuns: 150 },
    );
  });
});
