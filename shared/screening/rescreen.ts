import type { RescreenOutcome } from '../review/service.js';
import type { Rescreening } from '../review/workflow.js';
import { flagCategories, reviewSeed } from '../store/review-seed.js';
import type { IntakeStore, ReviewQueue, ReviewSeed, StoredConsignment } from '../store/types.js';
import { AGGREGATE_RULES } from './aggregates.js';
import type { Screener } from './screen.js';
import type { Flag } from './types.js';

/** Stored consignments to re-screen, and where their new screening is written. */
export interface RescreenSource {
  /** Every stored consignment, or those after the one with id `after` (a run resumed). */
  consignments(after?: string): AsyncIterable<StoredConsignment>;
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
  /**
   * The review workflow: open items follow the new screening, decided items whose consignment
   * gained flags are reopened (ReviewService.rescreen).
   */
  reviews: { rescreen(updates: (Rescreening & { id: string })[]): Promise<RescreenOutcome[]> };
  /**
   * Re-screen with no denied-party list. Refused unless set: screening without the list removes
   * every stored denied-party flag, so a caller that forgot the list would clear them all.
   */
  withoutWatchlist?: boolean;
  now?: () => Date;
  /** Resume after this consignment (the `resumeAfter` of a run that stopped). */
  after?: string;
  /**
   * Asked between pages: true stops the run, whose summary then says where to resume
   * (`resumeAfter`). A function stops before its timeout and carries on in a new invocation.
   */
  stopWhen?: () => boolean;
}

export interface RescreenSummary {
  scanned: number;
  /** Consignments whose flags or score changed. */
  changed: number;
  /** Now queued for review, not before. */
  newlyFlagged: number;
  /** New review items created and sent to the review queue. */
  queued: number;
  /** Were queued for review and would not be now: their review items stay for a reviewer to close. */
  cleared: number;
  /** Open review items (PENDING, IN_REVIEW) whose categories or score now follow the new screening. */
  updated: number;
  /** Decided review items whose consignment gained flags: back to PENDING and offered to the queue. */
  reopened: number;
  ruleSetVersion: string;
  watchlistVersion?: string;
  /** Set when stopWhen stopped the run: the last consignment done; resume after it. */
  resumeAfter?: string;
}

/** Consignments screened and decided on together (one batch read of their review items). */
const PAGE = 25;

/**
 * Re-screens stored consignments (after a watchlist or rule-set update): writes the new flags
 * and score where they changed, brings their review items along (see RescreenDeps.reviews), and
 * queues for review those that now reach the threshold and have no item yet.
 * Flags from aggregate rules (splitting) are kept, since they depend on traffic, not on lists.
 *
 * A review item is written before its consignment: if a run stops between the two, the next run
 * still sees the consignment's old flags, so new flags are found again (a decided item is not
 * left decided). Open items whose categories or score disagree with their consignment are brought
 * in line even when the consignment itself did not change.
 */
export async function rescreenStored(deps: RescreenDeps): Promise<RescreenSummary> {
  if (!deps.screener.watchlistVersion && !deps.withoutWatchlist)
    throw new Error(
      're-screening needs the denied-party list: without it every stored denied-party flag would be removed',
    );
  const now = deps.now ?? (() => new Date());
  const summary: RescreenSummary = {
    scanned: 0,
    changed: 0,
    newlyFlagged: 0,
    queued: 0,
    cleared: 0,
    updated: 0,
    reopened: 0,
    ruleSetVersion: deps.screener.ruleSetVersion,
    ...(deps.screener.watchlistVersion ? { watchlistVersion: deps.screener.watchlistVersion } : {}),
  };
  const screenedWith = deps.screener.watchlistVersion
    ? `${deps.screener.ruleSetVersion} and ${deps.screener.watchlistVersion}`
    : `${deps.screener.ruleSetVersion} without a denied-party list`;

  let page: StoredConsignment[] = [];
  const run = async () => {
    const batch = page;
    page = [];
    const results = batch.map((c) => ({ c, ...rescreenOne(deps.screener, c) }));
    const outcomes = await deps.reviews.rescreen(
      results.map(({ c, flags, riskScore, ruleSetVersion }) => ({
        id: c.id,
        categories: flagCategories(flags),
        riskScore,
        ruleSetVersion,
        screenedWith,
        added: addedFlags(c.flags ?? [], flags),
      })),
    );
    const seeds: ReviewSeed[] = [];
    for (const [
      i,
      { c, flags, riskScore, review, ruleSetVersion, watchlistVersion, same },
    ] of results.entries()) {
      const outcome = outcomes[i];
      if (outcome === 'updated') summary.updated++;
      else if (outcome === 'reopened') summary.reopened++;
      if (!same) {
        summary.changed++;
        await deps.source.updateScreening(
          c.id,
          { flags, riskScore, review, ruleSetVersion, ...(watchlistVersion ? { watchlistVersion } : {}) },
          now(),
        );
        if (review && !c.review) summary.newlyFlagged++;
        else if (!review && c.review) summary.cleared++;
      }
      // No item yet (newly flagged, or one lost before it was written): create and queue one.
      if (review && outcome === 'missing') seeds.push(reviewSeed(c, { flags, riskScore, ruleSetVersion }));
    }
    if (seeds.length === 0) return;
    const toQueue = await deps.store.createReviewItems(seeds, now());
    await deps.queue.send(toQueue);
    await deps.store.markQueued(toQueue.map((s) => s.consignmentId));
    summary.queued += toQueue.length;
  };

  for await (const c of deps.source.consignments(deps.after)) {
    summary.scanned++;
    page.push(c);
    if (page.length < PAGE) continue;
    await run();
    // Between pages only: a page is done (review items, then consignments) when the run stops.
    if (deps.stopWhen?.()) return { ...summary, resumeAfter: c.id };
  }
  if (page.length > 0) await run();
  return summary;
}

/** The new screening of one stored consignment, and whether it is the same as the stored one. */
function rescreenOne(screener: Screener, c: StoredConsignment) {
  const fresh = screener.screen(c);
  const kept = (c.flags ?? []).filter((f) => AGGREGATE_RULES.has(f.rule));
  const flags = kept.length > 0 ? [...fresh.flags, ...kept].sort((a, b) => b.score - a.score) : fresh.flags;
  const { riskScore, review } = kept.length > 0 ? screener.score(flags) : fresh;
  const same =
    sameFlags(c.flags ?? [], flags) &&
    c.riskScore === riskScore &&
    c.review === review &&
    c.ruleSetVersion === fresh.ruleSetVersion;
  return {
    flags,
    riskScore,
    review,
    ruleSetVersion: fresh.ruleSetVersion,
    ...(fresh.watchlistVersion ? { watchlistVersion: fresh.watchlistVersion } : {}),
    same,
  };
}

/** What a flag says matched, whatever its score (a rule set may re-weigh the same evidence). */
const evidenceKey = (f: Flag) => `${f.category}|${f.rule}|${f.evidence.field}|${f.evidence.text}`;

/**
 * The flags in `after` that `before` did not have: new evidence. A stored consignment's flags
 * are those its review decision saw, unless an earlier re-screen took some away after the
 * decision; such a flag coming back counts as new (a needless reopen, never a missed one).
 */
function addedFlags(before: readonly Flag[], after: readonly Flag[]): Rescreening['added'] {
  const had = new Set(before.map(evidenceKey));
  return after
    .filter((f) => !had.has(evidenceKey(f)))
    .map((f) => ({ category: f.category, rule: f.rule, field: f.evidence.field }));
}

function sameFlags(a: readonly Flag[], b: readonly Flag[]): boolean {
  if (a.length !== b.length) return false;
  const key = (f: Flag) => `${f.category}|${f.rule}|${f.score}|${f.evidence.field}|${f.evidence.text}`;
  const set = new Set(a.map(key));
  return b.every((f) => set.has(key(f)));
}
