import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { generateParcelCsv } from './generate-parcels.js';
import { generateWatchlist, rng, watchlistCsv } from '../eval/generate.js';
import { fileSize, runCsvCase, type CsvCase } from './csv.js';

/**
 * `npm run bench`: generates its own data under bench/.data, then runs each case in a child
 * process pinned to one core (taskset when available) and prints time, throughput and peak RSS.
 * Figures only: nothing here passes or fails on time.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = resolve(here, '.data');
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
/** Denied-party list size for the screening case: the US Consolidated Screening List's order. */
const WATCHLIST_SIZE = 20_000;

async function child(): Promise<void> {
  const [, , , which, file, watchlist] = process.argv;
  const result = await runCsvCase(which as CsvCase, file!, watchlist);
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ ...result, maxRssMb: Math.round(maxRssKb / 1024) })}\n`);
}

/**
 * Bundles this file with esbuild (as the Lambda bundle is built: no tsx transform at run time),
 * so the figures are those of the code that deploys.
 */
async function bundle(): Promise<string> {
  const out = resolve(dataDir, 'bench.mjs');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return out;
}

function runCase(
  script: string,
  which: CsvCase,
  file: string,
  watchlist: string,
): { records: number; ms: number; loadMs?: number; maxRssMb: number } {
  const pin = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];
  const cmd = [...pin, process.execPath, script, '--case', which, file, watchlist];
  const out = execFileSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const file = resolve(dataDir, `parcels-${rows}.csv`);
  if (!existsSync(file)) {
    process.stdout.write(`generating ${rows.toLocaleString('en')} parcel rows → ${file} …\n`);
    await generateParcelCsv(file, rows);
  }
  const watchlist = resolve(dataDir, `watchlist-${WATCHLIST_SIZE}.csv`);
  if (!existsSync(watchlist))
    await writeFile(watchlist, watchlistCsv(generateWatchlist(rng(4242), WATCHLIST_SIZE)));
  const mb = (await fileSize(file)) / 1e6;
  process.stdout.write(
    `\nParcel CSV: ${rows.toLocaleString('en')} rows, ${mb.toFixed(0)} MB, one core, median of ${repeat} interleaved runs\n`,
  );
  process.stdout.write(
    `${'case'.padEnd(34)}${'records'.padStart(10)}${'seconds'.padStart(10)}${'rows/s'.padStart(12)}${'MB/s'.padStart(8)}${'peak RSS MB'.padStart(13)}\n`,
  );
  const labels: Record<CsvCase, string> = {
    papaparse: 'papaparse (parse only)',
    validate: 'intake validate + normalise',
    'screen-rules': 'intake … + screen, rules only',
    screen: `intake … + screen, ${WATCHLIST_SIZE / 1000}k watchlist`,
  };
  const results: Partial<Record<CsvCase, number>> = {};
  const script = await bundle();
  // This machine's speed drifts by tens of percent over minutes: the cases take turns, and each
  // figure is the median of `repeat` runs, so the ratio compares like with like.
  const cases = ['papaparse', 'validate', 'screen-rules', 'screen'] as const;
  const runs: Record<CsvCase, { ms: number; records: number; loadMs?: number; maxRssMb: number }[]> = {
    papaparse: [],
    validate: [],
    'screen-rules': [],
    screen: [],
  };
  for (let round = 0; round < repeat; round++)
    for (const which of cases) runs[which].push(runCase(script, which, file, watchlist));
  for (const which of cases) {
    const sorted = [...runs[which]].sort((a, b) => a.ms - b.ms);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    results[which] = median.ms;
    const s = median.ms / 1000;
    const rss = Math.max(...runs[which].map((r) => r.maxRssMb));
    process.stdout.write(
      `${labels[which].padEnd(34)}${String(median.records).padStart(10)}${s.toFixed(2).padStart(10)}${Math.round(
        rows / s,
      )
        .toLocaleString('en')
        .padStart(12)}${(mb / s).toFixed(1).padStart(8)}${String(rss).padStart(13)}\n`,
    );
  }
  const loads = runs.screen.map((r) => r.loadMs).filter((ms): ms is number => ms !== undefined);
  if (loads.length > 0)
    process.stdout.write(
      `  (of which loading the rules and the watchlist and indexing it, cold: ${loads.map((ms) => `${Math.round(ms)} ms`).join(', ')})\n`,
    );
  if (results.papaparse) {
    const ratio = (c: CsvCase) => (results[c]! / results.papaparse!).toFixed(2);
    process.stdout.write(
      [
        '',
        'time / papaparse parse time (target: 1.00 or less):',
        `  validate + normalise:                         ${ratio('validate')}`,
        `  validate + normalise + screen, rules only:    ${ratio('screen-rules')}`,
        `  validate + normalise + screen, with watchlist: ${ratio('screen')}`,
        '',
      ].join('\n'),
    );
  }
  for (const extra of ['./screening.ts']) {
    const path = resolve(here, extra);
    if (existsSync(path)) {
      const mod = (await import(path)) as { runScreeningBench?: () => Promise<void> };
      await mod.runScreeningBench?.();
    }
  }
}

if (process.argv[2] === '--case') await child();
else await main();
