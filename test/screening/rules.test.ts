import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultRuleSet,
  loadRuleSetFile,
  parseRuleSet,
  parseRuleSetText,
  RuleSetError,
  ruleSetVersion,
} from '../../shared/screening/rules.js';
import { createScreener } from '../../shared/screening/screen.js';
import { loadScreener } from '../../shared/screening/load.js';
import { parcel } from './fixtures.js';

const clone = () => structuredClone(defaultRuleSet()) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('rule sets', () => {
  it('the bundled default rule set is valid and versioned', () => {
    const rules = defaultRuleSet();
    expect(ruleSetVersion(rules)).toBe('default@1.4.0');
    expect(rules.termRules.length).toBeGreaterThan(10);
    for (const r of [...rules.termRules, ...rules.hsRules, ...rules.casRules])
      expect(r.source.length).toBeGreaterThan(10);
  });

  it('reads a rule set written before disguised-text existed, with its default score', () => {
    const older = clone();
    delete older.misdeclaration.disguisedText;
    const rules = parseRuleSet(older, 'rules/older.json');
    expect(rules.misdeclaration.disguisedText.score).toBe(30);
    const tuned = clone();
    tuned.misdeclaration.disguisedText.score = 60;
    const r = createScreener({ rules: parseRuleSet(tuned, 'rules/tuned.json') }).screen(
      parcel({ description: 'Cоtton T-shirts', hsCodes: [] }), // Cyrillic "о"
    );
    expect(r).toMatchObject({ review: true, flags: [{ rule: 'disguised-text', score: 60 }] });
  });

  it('names every problem of a bad rule set with its path', () => {
    const bad = clone();
    bad.termRules[0].category = 'weapons';
    bad.hsRules[0].prefixes = ['93.03'];
    bad.casRules[0].numbers[0].cas = '21409-26-8';
    bad.review.threshold = 150;
    let message = '';
    try {
      parseRuleSet(bad, 'rules/bad.json');
    } catch (error) {
      expect(error).toBeInstanceOf(RuleSetError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^rules\/bad\.json is not a valid rule set:/);
    expect(message).toMatch(/termRules\.0\.category/);
    expect(message).toMatch(/hsRules\.0\.prefixes\.0: HS prefixes are 2 to 10 digits/);
    expect(message).toMatch(
      /casRules\.0\.numbers\.0\.cas: "21409-26-8" is not a CAS number with a valid check digit/,
    );
    expect(message).toMatch(/review\.threshold/);
  });

  it('refuses two rules with one id (flags name their rule)', () => {
    const dup = clone();
    dup.hsRules[1].id = dup.termRules[0].id;
    expect(() => parseRuleSet(dup)).toThrow(
      /hsRules\.1\.id: rule id "firearm-conversion-devices" is used twice/,
    );
  });

  it('rejects bad JSON, a missing source and a missing file clearly', async () => {
    expect(() => parseRuleSetText('{ "name": ', 'x.json')).toThrow(/x\.json is not valid JSON/);
    const noSource = clone();
    delete noSource.termRules[0].source;
    expect(() => parseRuleSet(noSource)).toThrow(/termRules\.0\.source/);
    await expect(loadRuleSetFile('/nonexistent/rules.json')).rejects.toThrow(
      /cannot read rule set \/nonexistent\/rules\.json/,
    );
  });

  it('changing a list of terms is a data change: a new file screens differently, no code involved', async () => {
    const custom = clone();
    custom.name = 'staging';
    custom.version = '2.0.0';
    custom.termRules.push({
      id: 'test-term',
      category: 'narcotics',
      score: 70,
      source: 'test: a term added by data only',
      terms: ['zzfrobnicate'],
    });
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    const file = join(dir, 'staging.json');
    await writeFile(file, JSON.stringify(custom));
    const screener = await loadScreener({ rulesFile: file });
    const result = screener.screen(parcel({ description: 'ZZFROBNICATE crystals', hsCodes: [] }));
    expect(result.ruleSetVersion).toBe('staging@2.0.0');
    expect(result.flags).toEqual([
      {
        category: 'narcotics',
        rule: 'test-term',
        score: 70,
        evidence: { field: 'description', text: 'ZZFROBNICATE' },
      },
    ]);
    expect(
      createScreener().screen(parcel({ description: 'ZZFROBNICATE crystals', hsCodes: [] })).flags,
    ).toEqual([]);
  });
});
