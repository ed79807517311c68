import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { DocumentRun } from '../../shared/intake/process.js';

/**
 * Conformance run over a corpus of public sample messages (`npm run conformance [dir]`,
 * default ../shared/corpus): every file must be read without a crash, and the corpus's known
 * defects must be reported as such (SOURCES.md): the invalid check digits of gumraq-ffm8 as
 * AWB_CHECK_DIGIT, the broken ONE Record example as a PARSE_ERROR naming its line.
 * Prints one line per file and a closing "N passed, N failed" line; exits 1 on any failure.
 */
const EXPECTATIONS: Record<string, (s: ReturnType<DocumentRun['summary']>) => string | undefined> = {
  'gumraq-ffm8.txt': (s) =>
    s.errors.some((e) => e.code === 'AWB_CHECK_DIGIT') ? undefined : 'expected AWB_CHECK_DIGIT errors',
  'cimp-example1-waybill.json': (s) => {
    const e = s.errors.find((x) => x.code === 'PARSE_ERROR');
    if (s.status !== 'rejected') return `expected rejected, got ${s.status}`;
    if (!e) return 'expected a PARSE_ERROR';
    return e.line >= 300 && e.line <= 330
      ? undefined
      : `PARSE_ERROR should name a line near 316, got ${e.line}`;
  },
};

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else if (entry.isFile() && entry.name !== 'SOURCES.md') out.push(path);
  }
  return out.sort();
}

const root = resolve(process.argv[2] ?? '../shared/corpus');
if (!(await stat(root).catch(() => undefined))?.isDirectory()) {
  process.stdout.write(`no corpus at ${root}: nothing to check\n`);
  process.exit(0);
}
let passed = 0;
let failed = 0;
for (const file of await files(root)) {
  const name = relative(root, file);
  const base = file.split('/').pop()!;
  try {
    const run = new DocumentRun(createReadStream(file) as AsyncIterable<Buffer>, { fileName: base });
    for await (const _ of run.batches());
    const s = run.summary();
    const { received, accepted, rejected, duplicate } = s.counts;
    const counted = received === accepted + rejected + duplicate ? undefined : 'counts do not add up';
    // Reference files (acks, envelopes) are not manifests: reading them without a crash is the test.
    const problem = counted ?? EXPECTATIONS[base]?.(s);
    const codes = [...new Set(s.errors.map((e) => e.code))].join(',') || '-';
    const line = `${name.padEnd(48)} ${s.format.padEnd(11)} ${s.status.padEnd(9)} ${accepted}/${received} accepted  errors: ${codes}`;
    if (problem) {
      failed += 1;
      process.stdout.write(`FAIL ${line}\n     ${problem}\n`);
    } else {
      passed += 1;
      process.stdout.write(`ok   ${line}\n`);
    }
  } catch (error) {
    failed += 1;
    process.stdout.write(`FAIL ${name}: crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
}
process.stdout.write(`conformance: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
