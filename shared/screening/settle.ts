import { constants, PerformanceObserver } from 'node:perf_hooks';

/** A 'gc' performance entry: its detail says which collection ran. */
interface GcEntry {
  detail?: { kind?: number };
}

/**
 * Waits, at most `maxMs`, for the major garbage collection that building a large watchlist
 * index sets off, before the hot loop starts.
 *
 * Why: V8 decides once, per allocation site, whether the objects it makes should be allocated
 * straight in the old generation ("pretenuring"). When a document starts while that collection
 * is still marking, the first few hundred records are all still alive at the first scavenge,
 * and V8 pretenures every per-record site for the rest of the process: each record then goes to
 * the old generation, scavenges copy its parts, and the run takes twice as long and peaks at
 * ~260 MB instead of ~165 MB (counted with 1,000,000 parcels and the 20,000-entry list: 6 runs
 * in 36 without this wait, none in 39 with it). A Lambda container or a CLI run pays it once.
 */
export function settleAfterLoad(maxMs = 100): Promise<void> {
  return new Promise<void>((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const major = list
        .getEntries()
        .some((e) => (e as unknown as GcEntry).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
      if (major) done();
    });
    const timer = setTimeout(done, maxMs);
    function done(): void {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }
    observer.observe({ entryTypes: ['gc'] });
  });
}
