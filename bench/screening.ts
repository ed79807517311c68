/**
 * Screening benchmark (figures only, no assertions): throughput of Screener.screen on one core,
 * with and without a 20,000-entry denied-party list, and the watchlist candidate index against
 * a linear scan of the same list with the same scoring.
 *
 *   npx tsx bench/screening.ts           (also called by `npm run bench` through runScreeningBench)
 *   BENCH_SCREEN_N=200000 npx tsx bench/screening.ts
 */
import { fileURLToPath } from 'node:url';
import { cleanParcel, cleanCargo, generateWatchlist, mxPerson, nameVariant, rng } from '../eval/generate.js';
import type { Consignment } from '../shared/model/consignment.js';
import { defaultRuleSet } from '../shared/screening/rules.js';
import { createScreener } from '../shared/screening/screen.js';
import { NameNormaliser } from '../shared/screening/names.js';
import { WatchlistIndex } from '../shared/screening/watchlist.js';

export interface ScreeningBenchFigures {
  consignments: number;
  perSecondNoWatchlist: number;
  perSecondWithWatchlist: number;
  watchlistNames: number;
  indexMicrosPerParty: number;
  linearMicrosPerParty: number;
  speedup: number;
  /** Index and linear scan found the same best entry for every query compared. */
  sameResults: boolean;
}

function timeIt(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export async function runScreeningBench(
  options: { consignments?: number; watchlist?: number; print?: boolean } = {},
): Promise<ScreeningBenchFigures> {
  const n = options.consignments ?? Number(process.env.BENCH_SCREEN_N ?? 100_000);
  const size = options.watchlist ?? 20_000;
  const r = rng(4242);
  const listed = generateWatchlist(r, size);
  const rules = defaultRuleSet();
  const buildStarted = performance.now();
  const index = new WatchlistIndex(
    listed,
    new NameNormaliser(rules.deniedParty),
    rules.deniedParty.threshold,
  );
  const buildMs = performance.now() - buildStarted;

  // Traffic: 90 % parcels, 10 % cargo, 1 % listed consignees.
  const traffic: Consignment[] = [];
  for (let i = 0; i < n; i++) {
    const c = r() < 0.9 ? cleanParcel(r) : cleanCargo(r);
    if (r() < 0.01)
      c.consignee = { ...c.consignee!, name: nameVariant(listed[Math.floor(r() * listed.length)]!, r).name };
    traffic.push(c);
  }
  const plain = createScreener({ rules });
  const withList = createScreener({ rules, watchlist: index });
  // Warm up the JIT on a slice first, as a long-running function would be.
  for (const c of traffic.slice(0, 2000)) {
    plain.screen(c);
    withList.screen(c);
  }
  const msPlain = timeIt(() => {
    for (const c of traffic) plain.screen(c);
  });
  const msList = timeIt(() => {
    for (const c of traffic) withList.screen(c);
  });

  // Index vs linear scan: unique party names (no memo), half of them variants of listed names.
  const queries: string[] = [];
  for (let i = 0; i < 4000; i++)
    queries.push(i % 2 === 0 ? nameVariant(listed[Math.floor(r() * listed.length)]!, r).name : mxPerson(r));
  // Warm up on other names from the same pools, as a long-running function would be.
  const warm = rng(77);
  for (let i = 0; i < 4000; i++)
    index.searchIndexed(
      i % 2 === 0 ? nameVariant(listed[Math.floor(warm() * listed.length)]!, warm).name : mxPerson(warm),
      1,
    );
  const msIndex = timeIt(() => {
    for (const q of queries) index.searchIndexed(q, 1);
  });
  const linearQueries = queries.slice(0, 200);
  let same = true;
  const msLinear = timeIt(() => {
    for (const q of linearQueries) index.searchLinear(q, 1);
  });
  for (const q of linearQueries) {
    const a = index.searchIndexed(q, 1)[0]?.entry.id;
    const b = index.searchLinear(q, 1)[0]?.entry.id;
    if (a !== b) same = false;
  }
  const indexUs = (msIndex * 1000) / queries.length;
  const linearUs = (msLinear * 1000) / linearQueries.length;
  const figures: ScreeningBenchFigures = {
    consignments: n,
    perSecondNoWatchlist: Math.round(n / (msPlain / 1000)),
    perSecondWithWatchlist: Math.round(n / (msList / 1000)),
    watchlistNames: index.size,
    indexMicrosPerParty: indexUs,
    linearMicrosPerParty: linearUs,
    speedup: linearUs / indexUs,
    sameResults: same,
  };
  if (options.print !== false) {
    const f = (x: number) => Math.round(x).toLocaleString('en');
    process.stdout.write(
      [
        '',
        `Screening (one core, ${f(n)} consignments)`,
        `  screen, rules only:                         ${f(figures.perSecondNoWatchlist)} consignments/s (${((msPlain * 1000) / n).toFixed(2)} µs each)`,
        `  screen, rules + ${f(size)}-entry watchlist:   ${f(figures.perSecondWithWatchlist)} consignments/s (${((msList * 1000) / n).toFixed(2)} µs each, 3 parties)`,
        `Watchlist: ${f(size)} entries, ${f(index.size)} names and alt names, index built in ${buildMs.toFixed(0)} ms`,
        `  candidate index:  ${indexUs.toFixed(1)} µs per party (${f(queries.length)} unique names)`,
        `  linear scan:      ${linearUs.toFixed(1)} µs per party (${f(linearQueries.length)} names)`,
        `  index / linear:   ${figures.speedup.toFixed(0)}× faster, same best match on every name compared: ${same ? 'yes' : 'NO'}`,
        '',
      ].join('\n'),
    );
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runScreeningBench();
