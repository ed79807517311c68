/**
 * `npm run eval`: screens the labelled evaluation set (eval/data, made by eval/generate.ts with
 * a fixed seed) and prints precision and recall per flag category, recall on planted risks and
 * the false-flag rate on clean traffic.
 *
 * A consignment is flagged when it is queued for review (riskScore ≥ threshold): that is what
 * takes a reviewer's time. It is flagged *for a category* when that category's flags alone
 * reach the threshold (or, when only several categories together do, for each of them): an
 * informational "vague description" flag (score 20) next to a denied-party hit is not a
 * mis-declaration finding.
 *
 *   npm run eval [-- --json] [-- --rules <file>]
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyAggregateRules, InMemoryAggregateStore } from '../shared/screening/aggregates.js';
import { defaultRuleSet, loadRuleSetFile } from '../shared/screening/rules.js';
import { createScreener } from '../shared/screening/screen.js';
import { FLAG_CATEGORIES, type Flag, type FlagCategory, type Screened } from '../shared/screening/types.js';
import { parseCslCsv } from '../shared/screening/watchlist.js';
import type { Consignment } from '../shared/model/consignment.js';
import { DATA_DIR, type Labelled } from './generate.js';

export interface CategoryFigures {
  category: FlagCategory;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface EvalReport {
  ruleSetVersion: string;
  consignments: number;
  clean: number;
  planted: number;
  categories: CategoryFigures[];
  /** Planted consignments queued for review with every expected category. */
  plantedRecall: number;
  /** Clean consignments queued for review. */
  falseFlagRate: number;
  /** Clean consignments with any flag at all, queued or not (informational flags included). */
  cleanAnyFlagRate: number;
  misses: { id: string; scenario: string; expected: FlagCategory[]; got: string[] }[];
  falseFlags: { id: string; scenario: string; description: string; flags: string[] }[];
}

export async function runEval(options: { rulesFile?: string } = {}): Promise<EvalReport> {
  const file = join(DATA_DIR, 'consignments.jsonl');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsx eval/generate.ts\` first`);
  const labelled = (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Labelled);
  const watchlist = parseCslCsv(
    await readFile(join(DATA_DIR, 'watchlist.csv'), 'utf8'),
    'eval/data/watchlist.csv',
  );
  const rules = options.rulesFile ? await loadRuleSetFile(options.rulesFile) : defaultRuleSet();
  const screener = createScreener({ rules, watchlist });

  const items: (Consignment & Screened & { label: Labelled })[] = labelled.map((l) => {
    const r = screener.screen(l.consignment);
    return { ...l.consignment, flags: r.flags, riskScore: r.riskScore, review: r.review, label: l };
  });
  // The whole set is one day of traffic: one batch through the splitting aggregate.
  await applyAggregateRules(items, {
    screener,
    aggregates: new InMemoryAggregateStore(),
    token: 'eval',
    now: new Date('2026-11-01T12:00:00Z'),
  });

  const figures = new Map(FLAG_CATEGORIES.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  let clean = 0;
  let falseFlags = 0;
  let cleanAny = 0;
  let planted = 0;
  let plantedCaught = 0;
  const report: Pick<EvalReport, 'misses' | 'falseFlags'> = { misses: [], falseFlags: [] };
  for (const item of items) {
    const expected = new Set(item.label.expected);
    const got = drivers(item, screener.score);
    for (const c of FLAG_CATEGORIES) {
      const f = figures.get(c)!;
      if (expected.has(c) && got.has(c)) f.tp++;
      else if (got.has(c)) f.fp++;
      else if (expected.has(c)) f.fn++;
    }
    if (expected.size === 0) {
      clean++;
      if (item.flags.length > 0) cleanAny++;
      if (item.review) {
        falseFlags++;
        report.falseFlags.push({
          id: item.label.id,
          scenario: item.label.scenario,
          description: item.description,
          flags: item.flags.map((f) => `${f.rule}: ${f.evidence.text}`),
        });
      }
    } else {
      planted++;
      if ([...expected].every((c) => got.has(c))) plantedCaught++;
      else
        report.misses.push({
          id: item.label.id,
          scenario: item.label.scenario,
          expected: [...expected],
          got: item.flags.map((f) => `${f.category}/${f.rule}(${f.score})`),
        });
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    ruleSetVersion: screener.ruleSetVersion,
    consignments: items.length,
    clean,
    planted,
    categories: FLAG_CATEGORIES.map((category) => {
      const f = figures.get(category)!;
      return { category, ...f, precision: ratio(f.tp, f.tp + f.fp), recall: ratio(f.tp, f.tp + f.fn) };
    }),
    plantedRecall: ratio(plantedCaught, planted),
    falseFlagRate: ratio(falseFlags, clean),
    cleanAnyFlagRate: ratio(cleanAny, clean),
    ...report,
  };
}

/** The categories that put a consignment in the review queue (see the header). */
function drivers(item: Screened, score: (flags: Flag[]) => { review: boolean }): Set<FlagCategory> {
  if (!item.review) return new Set();
  const all = new Set(item.flags.map((f) => f.category));
  const alone = [...all].filter((c) => score(item.flags.filter((f) => f.category === c)).review);
  return new Set(alone.length > 0 ? alone : all);
}

function print(r: EvalReport): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const out: string[] = [];
  out.push(
    `screening evaluation — ${r.ruleSetVersion}: ${r.consignments} consignments (${r.clean} clean, ${r.planted} planted risks)`,
  );
  out.push('');
  out.push(
    `${'category'.padEnd(16)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'tp'.padStart(7)}${'fp'.padStart(6)}${'fn'.padStart(6)}`,
  );
  for (const c of r.categories)
    out.push(
      `${c.category.padEnd(16)}${c.precision.toFixed(3).padStart(10)}${c.recall.toFixed(3).padStart(10)}${String(c.tp).padStart(7)}${String(c.fp).padStart(6)}${String(c.fn).padStart(6)}`,
    );
  out.push('');
  out.push(
    `recall on planted risks (every expected category queued): ${r.plantedRecall.toFixed(3)}  (target 1.0)`,
  );
  out.push(
    `false-flag rate on clean traffic (queued for review):    ${pct(r.falseFlagRate)}  (target ≤ 2 %)`,
  );
  out.push(`clean consignments with any flag (incl. below threshold): ${pct(r.cleanAnyFlagRate)}`);
  if (r.misses.length > 0) {
    out.push('', 'missed:');
    for (const m of r.misses.slice(0, 20))
      out.push(
        `  ${m.id} ${m.scenario} expected ${m.expected.join('+')} got ${m.got.join(', ') || 'nothing'}`,
      );
  }
  if (r.falseFlags.length > 0) {
    out.push('', 'false flags:');
    for (const f of r.falseFlags.slice(0, 20))
      out.push(`  ${f.id} ${f.scenario} "${f.description}": ${f.flags.join('; ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

const args = process.argv.slice(2);
const rulesAt = args.indexOf('--rules');
const report = await runEval(rulesAt >= 0 && args[rulesAt + 1] ? { rulesFile: args[rulesAt + 1]! } : {});
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
else print(report);
