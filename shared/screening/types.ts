/** Flag categories (public contract, issue 4): exact strings, extend never rename. */
export const FLAG_CATEGORIES = [
  'firearms',
  'precursors',
  'narcotics',
  'fuel',
  'denied-party',
  'misdeclaration',
] as const;
export type FlagCategory = (typeof FLAG_CATEGORIES)[number];

/** One explainable reason to look at a consignment: what matched, where, and how much it weighs. */
export interface Flag {
  category: FlagCategory;
  /** Rule id from the rule set, e.g. "hs-chapter-93". */
  rule: string;
  score: number;
  evidence: { field: string; text: string };
}

export interface ScreeningResult {
  flags: Flag[];
  riskScore: number;
  ruleSetVersion: string;
  /** True when riskScore reaches the rule set's review threshold. */
  review: boolean;
  /** The denied-party list screened against, when there was one (e.g. "csl-3f2a9c1b-20000"). */
  watchlistVersion?: string;
}

/** What screening adds to a consignment (stored with it; see StoredConsignment). */
export interface Screened {
  flags: Flag[];
  riskScore: number;
  review: boolean;
}
