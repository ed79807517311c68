import { consignmentRef } from '../model/consignment.js';
import type { Flag } from '../screening/types.js';
import type { ReviewSeed, StoredConsignment } from './types.js';

/**
 * The review item a flagged consignment starts, from its screening: the stored one (ingest), or
 * a new one (a re-screen, before the consignment is written).
 */
export function reviewSeed(
  c: StoredConsignment,
  screening: { flags: readonly Flag[]; riskScore: number; ruleSetVersion: string } = c,
): ReviewSeed {
  return {
    consignmentId: c.id,
    documentId: c.documentId,
    carrierId: c.carrierId,
    ref: consignmentRef(c),
    categories: flagCategories(screening.flags),
    riskScore: screening.riskScore,
    ruleSetVersion: screening.ruleSetVersion,
  };
}

/** A review item's categories: each flag category once, in the flags' order. */
export function flagCategories(flags: readonly Flag[]): string[] {
  return [...new Set(flags.map((f) => f.category))];
}
