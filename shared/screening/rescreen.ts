import { consignmentRef } from '../model/consignment.js';
import type { IntakeStore, ReviewQueue, ReviewSeed, StoredConsignment } from '../store/types.js';
import { AGGREGATE_RULES } from './aggregates.js';
import type { Screener } from './screen.js';
import type { Flag } from './types.js';

/** Stored consignments to re-screen, and where their new screening is written. */
export interface RescreenSource {
  consignments(): AsyncIterable<StoredConsignment>;
  updateScreening(
    id: string,
    result: {
      flags: Flag[];
      riskScore: number;
      review: boolean;
      ruleSetVersion: string;
      watchlistVersion?: string;
    },
    at: Date,
  ): Promise<void>;
}

export interface RescreenDeps {
  source: RescreenSource;
  screener: Screener;
  store: Pick<IntakeStore, 'createReviewItems' | 'markQueued'>;
  queue: ReviewQueue;
  now?: () => Date;
}

export interface RescreenSummary {
  scanned: number;
  /** Consignments whose flags or score changed. */
  changed: number;
  /** Now queued for review, not before. */
  newlyFlagged: number;
  queued: number;
  /** Were queued for review and would not be now: their review items stay for a reviewer to close. */
  cleared: number;
  ruleSetVersion: string;
  watchlistVersion?: string;
}

/**
 * Re-screens stored consignments (after a watchlist or rule-set update): writes the new flags
 * and score where they changed, and queues for review those that now reach the threshold.
 * Flags from aggregate rules (splitting) are kept, since they depend on traffic, not on lists.
 */
export async function rescreenStored(deps: RescreenDeps): Promise<RescreenSummary> {
  const now = deps.now ?? (() => new Date());
  const summary: RescreenSummary = {
    scanned: 0,
    changed: 0,
    newlyFlagged: 0,
    queued: 0,
    cleared: 0,
    ruleSetVersion: deps.screener.ruleSetVersion,
    ...(deps.screener.watchlistVersion ? { watchlistVersion: deps.screener.watchlistVersion } : {}),
  };
  let seeds: ReviewSeed[] = [];
  const flush = async () => {
    if (seeds.length === 0) return;
    const batch = seeds;
    seeds = [];
    const toQueue = await deps.store.createReviewItems(batch, now());
    await deps.queue.send(toQueue);
    await deps.store.markQueued(toQueue.map((s) => s.consignmentId));
    summary.queued += toQueue.length;
  };

  for await (const c of deps.source.consignments()) {
    summary.scanned++;
    const fresh = deps.screener.screen(c);
    const kept = (c.flags ?? []).filter((f) => AGGREGATE_RULES.has(f.rule));
    const flags = kept.length > 0 ? [...fresh.flags, ...kept].sort((a, b) => b.score - a.score) : fresh.flags;
    const { riskScore, review } = kept.length > 0 ? deps.screener.score(flags) : fresh;
    if (
      sameFlags(c.flags ?? [], flags) &&
      c.riskScore === riskScore &&
      c.review === review &&
      c.ruleSetVersion === fresh.ruleSetVersion
    )
      continue;
    summary.changed++;
    await deps.source.updateScreening(
      c.id,
      {
        flags,
        riskScore,
        review,
        ruleSetVersion: fresh.ruleSetVersion,
        ...(fresh.watchlistVersion ? { watchlistVersion: fresh.watchlistVersion } : {}),
      },
      now(),
    );
    if (review && !c.review) {
      summary.newlyFlagged++;
      seeds.push({
        consignmentId: c.id,
        documentId: c.documentId,
        carrierId: c.carrierId,
        ref: consignmentRef(c),
        categories: [...new Set(flags.map((f) => f.category))],
        riskScore,
        ruleSetVersion: fresh.ruleSetVersion,
      });
      if (seeds.length >= 25) await flush();
    } else if (!review && c.review) summary.cleared++;
  }
  await flush();
  return summary;
}

function sameFlags(a: readonly Flag[], b: readonly Flag[]): boolean {
  if (a.length !== b.length) return false;
  const key = (f: Flag) => `${f.category}|${f.rule}|${f.score}|${f.evidence.field}|${f.evidence.text}`;
  const set = new Set(a.map(key));
  return b.every((f) => set.has(key(f)));
}
