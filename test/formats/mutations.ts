import fc from 'fast-check';
import { expect } from 'vitest';
import { bufferChunks, processAll } from '../../shared/intake/process.js';
import { ConsignmentSchema } from '../../shared/model/consignment.js';
import { ISSUE_CODES } from '../../shared/model/issues.js';

/** Text edits that fuzz a document: cut it short, delete or repeat a range, or insert junk. */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string };

export function mutationArbitrary(
  junk: fc.Arbitrary<string>,
  limits: { maxDelete: number; maxDuplicate: number },
): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: limits.maxDelete }),
    }),
    fc.record({
      kind: fc.constant('duplicate' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: limits.maxDuplicate }),
    }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: junk }),
  );
}

export function applyMutations(doc: string, mutations: Mutation[]): string {
  let s = doc;
  for (const m of mutations) {
    const at = s.length === 0 ? 0 : m.at % (s.length + 1);
    if (m.kind === 'truncate') s = s.slice(0, at);
    else if (m.kind === 'delete') s = s.slice(0, at) + s.slice(at + m.len);
    else if (m.kind === 'duplicate')
      s = s.slice(0, at + m.len) + s.slice(at, at + m.len) + s.slice(at + m.len);
    else s = s.slice(0, at) + m.text + s.slice(at);
  }
  return s;
}

/**
 * Reads a (mutated) document in chunks of `chunkSize` and requires a structured result: a status,
 * every record counted, known issue codes on lines of the document with a message, and every
 * accepted record valid against the schema. Returns the result for format-specific checks.
 */
export async function expectStructured(input: string | Buffer, chunkSize: number) {
  const result = await processAll(bufferChunks(input, chunkSize));
  const { consignments, summary } = result;
  const lines = (typeof input === 'string' ? input : input.toString('latin1')).split('\n').length;
  expect(['accepted', 'partial', 'rejected']).toContain(summary.status);
  const { received, accepted, rejected, duplicate } = summary.counts;
  expect(received).toBe(accepted + rejected + duplicate);
  expect(consignments).toHaveLength(accepted);
  if (summary.status === 'rejected') expect(accepted).toBe(0);
  for (const i of [...summary.errors, ...summary.warnings]) {
    expect(ISSUE_CODES).toContain(i.code);
    expect(Number.isInteger(i.line) && i.line >= 0 && i.line <= lines + 1, `line ${i.line} of ${lines}`).toBe(
      true,
    );
    expect(i.message.length).toBeGreaterThan(0);
  }
  for (const c of consignments) expect(ConsignmentSchema.safeParse(c).success).toBe(true);
  return result;
}
