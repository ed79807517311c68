import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { settleAfterLoad } from '../../shared/screening/settle.js';

/** The kinds of the collections V8 reports while `run` runs (and the event loop turns once after it). */
async function collectionsDuring(run: () => void): Promise<number[]> {
  const kinds: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      kinds.push((e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1);
  });
  observer.observe({ entryTypes: ['gc'] });
  run();
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return kinds;
}

describe('settleAfterLoad', () => {
  it('runs a full collection at once, without a command-line flag, each time it is called', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      let ms = -1;
      const kinds = await collectionsDuring(() => (ms = settleAfterLoad()));
      expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MAJOR);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });
});
