import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs one full garbage collection once a large watchlist index is built, before records come;
 * returns how long it took (ms).
 *
 * Why: V8 decides once, per allocation site, whether the objects it makes should be allocated
 * straight in the old generation ("pretenuring"). When a document starts while the collection
 * that loading a list sets off is still marking, the first records are all still alive at the
 * first scavenge, and V8 pretenures every per-record site for the rest of the process: each
 * record then goes to the old generation, and a million parcels take ~25 % longer and peak at
 * ~280 MB instead of ~200 MB (measured with the 20,000-entry list).
 *
 * This used to wait (up to 100 ms) for that collection to come and go. When it comes depends
 * on how much the load allocated: once the index allocated a third less, it came only after the
 * first records and the waiting missed it every time. A collection forced here leaves only the
 * list in the old generation, so the next one starts well into the document. It takes ~30 ms
 * with the 20,000-entry list and happens once per process (a Lambda container, a CLI run).
 */
export function settleAfterLoad(): number {
  const started = performance.now();
  fullCollection()();
  return performance.now() - started;
}

let collect: (() => void) | undefined;

/**
 * The engine's full collection: `gc` when node runs with --expose-gc; otherwise the flag is set
 * now, and V8 gives a context made after that a `gc` function (so the process needs no
 * command-line flag: Lambda's runtime and `npx intake` start node themselves).
 */
function fullCollection(): () => void {
  if (!collect) {
    const global = (globalThis as { gc?: () => void }).gc;
    if (typeof global === 'function') collect = global;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  return collect;
}
