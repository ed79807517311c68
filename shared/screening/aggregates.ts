import type { Consignment } from '../model/consignment.js';
import { partyKey } from '../store/keys.js';
import type { Screener } from './screen.js';
import type { Flag, Screened } from './types.js';

/**
 * Aggregates across documents (issue 4, "many parcels to one consignee within a window"): a
 * counter per key and time window. The DynamoDB adapter is shared/aws/aggregate-store.ts; the
 * in-memory one below serves the CLI and tests.
 */
export interface AggregateStore {
  /**
   * Adds `n` to the counter `key` in `window` and returns the window's new total. With a
   * `token`, the same token is counted once: a re-delivered batch does not count twice.
   */
  increment(
    key: string,
    window: string,
    n: number,
    options?: { token?: string; expiresAt?: Date },
  ): Promise<number>;
}

export class InMemoryAggregateStore implements AggregateStore {
  private readonly counters = new Map<string, { total: number; tokens: Set<string> }>();

  increment(key: string, window: string, n: number, options: { token?: string } = {}): Promise<number> {
    const id = `${key}\u0000${window}`;
    let c = this.counters.get(id);
    if (!c) {
      c = { total: 0, tokens: new Set() };
      this.counters.set(id, c);
    }
    if (options.token === undefined || !c.tokens.has(options.token)) {
      if (options.token !== undefined) c.tokens.add(options.token);
      c.total += n;
    }
    return Promise.resolve(c.total);
  }
}

export const SPLITTING_RULE = 'consignee-splitting';
/** Rules computed from aggregates, not by Screener.screen: a re-screen keeps their flags. */
export const AGGREGATE_RULES: ReadonlySet<string> = new Set([SPLITTING_RULE]);

/** The consignee grouping key: folded name plus postcode (or city), bounded in length. */
export function consigneeKey(c: Pick<Consignment, 'consignee'>): string | undefined {
  const p = c.consignee;
  if (!p?.name) return undefined;
  const where = partyKey(p.postcode ?? p.city ?? '');
  return `CNEE#${partyKey(p.name).slice(0, 120)}#${where.slice(0, 40)}`;
}

/** Start of the fixed window holding `at`, as an ISO timestamp to the minute: "2026-11-01T00:00Z". */
export function windowStart(at: Date, windowHours: number): string {
  const ms = windowHours * 3_600_000;
  return `${new Date(Math.floor(at.getTime() / ms) * ms).toISOString().slice(0, 16)}Z`;
}

export interface AggregateContext {
  screener: Screener;
  aggregates: AggregateStore;
  /** Counts a batch once: e.g. `${documentId}#${batchNumber}` (stable across re-deliveries). */
  token: string;
  now: Date;
}

/**
 * Splitting: counts this batch's parcels per consignee in the current window (one atomic
 * increment per consignee) and flags every parcel of a consignee whose window total exceeds
 * the rule's maximum. Mutates the items' flags, riskScore and review; returns how many items
 * it newly sent to review. Parcels counted in earlier batches are not revisited.
 */
export async function applyAggregateRules<T extends Consignment & Screened>(
  items: T[],
  ctx: AggregateContext,
): Promise<number> {
  const rule = ctx.screener.rules.misdeclaration.splitting;
  const kinds = new Set<string>(rule.kinds);
  const groups = new Map<string, T[]>();
  for (const item of items) {
    if (!kinds.has(item.kind)) continue;
    const key = consigneeKey(item);
    if (!key) continue;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  if (groups.size === 0) return 0;
  const window = windowStart(ctx.now, rule.windowHours);
  // Kept a day past the window so a late batch still finds its counter (DynamoDB TTL attribute).
  const expiresAt = new Date(ctx.now.getTime() + (rule.windowHours + 24) * 3_600_000);
  const totals = await Promise.all(
    [...groups].map(
      async ([key, list]) =>
        [
          list,
          await ctx.aggregates.increment(key, window, list.length, { token: ctx.token, expiresAt }),
        ] as const,
    ),
  );
  let newlyReviewed = 0;
  for (const [list, total] of totals) {
    if (total <= rule.maxParcels) continue;
    for (const item of list) {
      const flag = splittingFlag(item, total, rule, `in the ${rule.windowHours} h window from ${window}`);
      const before = item.review;
      addFlag(item, flag, ctx.screener);
      if (!before && item.review) newlyReviewed++;
    }
  }
  return newlyReviewed;
}

type SplittingRule = Screener['rules']['misdeclaration']['splitting'];

/** The splitting flag for one parcel of a consignee seen `total` times in `scope`. */
export function splittingFlag(
  item: Pick<Consignment, 'consignee'>,
  total: number,
  rule: SplittingRule,
  scope: string,
): Flag {
  const p = item.consignee!;
  return {
    category: 'misdeclaration',
    rule: SPLITTING_RULE,
    score: rule.score,
    evidence: {
      field: 'consignee.name',
      text: `${total} parcels to "${p.name}"${p.postcode ? ` (${p.postcode})` : ''} ${scope} (maximum ${rule.maxParcels})`,
    },
  };
}

/** Adds (or replaces) an aggregate flag and recomputes the score and the review decision. */
export function addFlag(item: Screened, flag: Flag, screener: Pick<Screener, 'score'>): void {
  item.flags = [...item.flags.filter((f) => f.rule !== flag.rule), flag].sort((a, b) => b.score - a.score);
  const scored = screener.score(item.flags);
  item.riskScore = scored.riskScore;
  item.review = scored.review;
}
