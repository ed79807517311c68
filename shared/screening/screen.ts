import type { Consignment } from '../model/consignment.js';
import type { Flag, ScreeningResult } from './types.js';

/**
 * The screener: pure and synchronous so it runs on the hot path of a million-row file.
 * This first rule set carries one rule (HS chapter 93: arms and ammunition); issue 4 widens it.
 */
export interface Screener {
  readonly ruleSetVersion: string;
  screen(consignment: Consignment): ScreeningResult;
}

export function createScreener(): Screener {
  const ruleSetVersion = 'baseline-1';
  const threshold = 50;
  return {
    ruleSetVersion,
    screen(c: Consignment): ScreeningResult {
      const flags: Flag[] = [];
      for (const hs of c.hsCodes) {
        if (hs.startsWith('93'))
          flags.push({ category: 'firearms', rule: 'hs-chapter-93', score: 80, evidence: { field: 'hsCodes', text: hs } });
      }
      const riskScore = Math.min(100, flags.reduce((s, f) => Math.max(s, f.score), 0));
      return { flags, riskScore, ruleSetVersion, review: riskScore >= threshold };
    },
  };
}
