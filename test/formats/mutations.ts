import fc from 'fast-check';

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
