import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Papa from 'papaparse';
import { DocumentRun } from '../shared/intake/process.js';
import { createScreener } from '../shared/screening/screen.js';
import { loadScreener } from '../shared/screening/load.js';

/**
 * One bench case, run in its own process (bench/index.ts) so peak RSS is that case's alone.
 * Cases: papaparse merely parsing; intake validating + normalising; intake also screening with
 * the rules only; and screening as deployed, rules plus a denied-party list (`watchlist`, a CSL
 * CSV file: loading and indexing it counts in the time, as in a cold Lambda).
 */
export type CsvCase = 'papaparse' | 'validate' | 'screen-rules' | 'screen';

export async function runCsvCase(
  which: CsvCase,
  file: string,
  watchlist?: string,
): Promise<{ records: number; ms: number; loadMs?: number }> {
  const started = performance.now();
  let records = 0;
  let loadMs: number | undefined;
  if (which === 'papaparse') {
    await new Promise<void>((resolve, reject) => {
      Papa.parse(createReadStream(file), {
        header: true,
        skipEmptyLines: true,
        step: () => {
          records += 1;
        },
        complete: () => resolve(),
        error: (e: Error) => reject(e),
      });
    });
  } else {
    const screener =
      which === 'screen-rules'
        ? createScreener()
        : which === 'screen'
          ? await loadScreener(watchlist ? { watchlistFile: watchlist } : {})
          : undefined;
    if (which === 'screen') loadMs = performance.now() - started;
    const run = new DocumentRun(
      createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>,
      { fileName: file },
    );
    for await (const batch of run.batches()) {
      for (const o of batch) {
        if (o.type !== 'accepted') continue;
        records += 1;
        screener?.screen(o.consignment);
      }
    }
    const s = run.summary();
    if (s.counts.rejected > 0)
      throw new Error(`bench data had ${s.counts.rejected} rejected records: ${JSON.stringify(s.errors[0])}`);
  }
  return { records, ms: performance.now() - started, ...(loadMs !== undefined ? { loadMs } : {}) };
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}
