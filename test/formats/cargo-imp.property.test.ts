import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsignmentSchema } from '../../shared/model/consignment.js';
import { ISSUE_CODES } from '../../shared/model/issues.js';
import { cargoImpAcks, cargoImpMessageHeads } from '../../shared/formats/cargo-imp/ack.js';
import { bufferChunks } from '../../shared/intake/process.js';
import { FIXTURES, REPO_ROOT, run } from '../fixtures/cargo-imp/helpers.js';

// Valid messages to mutate: the hand-written fixtures, plus the public corpus when present.
const corpusDir = join(REPO_ROOT, '..', 'shared', 'corpus', 'cargo-imp');
const sources = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(FIXTURES, f))),
  ...(existsSync(corpusDir) ? readdirSync(corpusDir).map((f) => readFileSync(join(corpusDir, f))) : []),
];

type Mutation =
  | { kind: 'delete' | 'duplicate' | 'swap'; at: number; other: number }
  | { kind: 'truncate'; at: number; keep: number }
  | { kind: 'flip'; pos: number; char: string }
  | { kind: 'junk'; pos: number; bytes: Uint8Array }
  | { kind: 'cut'; pos: number };

// Characters that matter to the grammar, plus anything.
const gramChar = fc.oneof(
  fc.constantFrom('/', '-', ' ', '\n', '\r', '.', 'K', 'L', 'T', 'D', '0', '9', 'A', 'Z'),
  fc.string({ minLength: 1, maxLength: 1 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const),
    at: fc.nat(),
    other: fc.nat(),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat({ max: 80 }) }),
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), char: gramChar }),
  fc.record({
    kind: fc.constant('junk' as const),
    pos: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), pos: fc.nat() }),
);

function mutate(input: Buffer, m: Mutation): Buffer {
  if (m.kind === 'junk' || m.kind === 'cut' || m.kind === 'flip') {
    const pos = input.length === 0 ? 0 : m.pos % (input.length + 1);
    if (m.kind === 'cut') return input.subarray(0, pos);
    const insert = m.kind === 'junk' ? Buffer.from(m.bytes) : Buffer.from(m.char, 'utf8');
    const skip = m.kind === 'flip' ? 1 : 0;
    return Buffer.concat([
      input.subarray(0, pos),
      insert,
      input.subarray(Math.min(input.length, pos + skip)),
    ]);
  }
  const lines = input.toString('latin1').split('\n');
  const i = m.at % lines.length;
  if (m.kind === 'delete') lines.splice(i, 1);
  else if (m.kind === 'duplicate') lines.splice(i, 0, lines[i]!);
  else if (m.kind === 'swap') {
    const j = m.other % lines.length;
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  } else if (m.kind === 'truncate') lines[i] = lines[i]!.slice(0, m.keep);
  return Buffer.from(lines.join('\n'), 'latin1');
}

const mutated = fc
  .record({
    source: fc.nat({ max: sources.length - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }),
  })
  .map(({ source, mutations }) => mutations.reduce(mutate, sources[source]!));

describe('Cargo-IMP reader under mutated input (property-based)', () => {
  it('always returns a structured, consistent result', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, fc.integer({ min: 1, max: 512 }), async (input, chunk) => {
        const { consignments, summary } = await run(input, chunk);
        const { received, accepted, rejected, duplicate } = summary.counts;
        expect(accepted + rejected + duplicate).toBe(received);
        expect(consignments).toHaveLength(accepted);
        expect(['accepted', 'partial', 'rejected']).toContain(summary.status);
        if (accepted === 0) expect(summary.status).toBe('rejected');
        if (rejected > 0 && accepted > 0) expect(summary.status).toBe('partial');
        const lineCount = input.toString('latin1').split('\n').length;
        for (const i of [...summary.errors, ...summary.warnings]) {
          expect(ISSUE_CODES).toContain(i.code);
          expect(Number.isInteger(i.line) && i.line >= 0 && i.line <= lineCount).toBe(true);
          expect(i.message.length).toBeGreaterThan(0);
        }
        for (const e of summary.errors) expect(e.severity).toBe('error');
        for (const c of consignments) expect(ConsignmentSchema.safeParse(c).success).toBe(true);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('chunk boundaries never change the outcome', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, fc.integer({ min: 1, max: 64 }), async (input, chunk) => {
        const whole = await run(input);
        const pieces = await run(input, chunk);
        expect(pieces.summary).toEqual(whole.summary);
        expect(pieces.consignments).toEqual(whole.consignments);
      }),
      { numRuns: 150 },
    );
  });

  it('acknowledgements are always well-formed', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (input) => {
        const { summary } = await run(input);
        const heads = await cargoImpMessageHeads(bufferChunks(input));
        const ack = cargoImpAcks(summary, heads);
        expect(ack.endsWith('\r\n')).toBe(true);
        for (const line of ack.slice(0, -2).split('\r\n')) {
          expect(line.length).toBeLessThanOrEqual(69);
          expect(line).not.toMatch(/[\r\n]/);
        }
        expect(ack).toMatch(/^(FMA|FNA\/1)\r\n/);
      }),
      { numRuns: 150 },
    );
  });
});
