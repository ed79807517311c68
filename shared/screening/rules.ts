import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CONSIGNMENT_KINDS } from '../model/consignment.js';
import { casCheckDigitOk } from './cas.js';
import { FLAG_CATEGORIES } from './types.js';
import defaultRules from '../../config/rules/default.json' with { type: 'json' };

/**
 * A rule set is data (config/rules/*.json): terms, codes, thresholds and scores. It is
 * validated here on load so that a bad file fails at once with the path of what is wrong,
 * never halfway through a manifest. Changing a list of terms or codes needs no code change.
 */

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'rule ids are lower-case words joined by "-"');
const score = z.number().min(0).max(100);
const category = z.enum(FLAG_CATEGORIES);
const source = z.string().min(1, 'every rule cites its source');
const term = z
  .string()
  .min(1)
  .refine((t) => /[\p{L}\p{N}]/u.test(t), 'a term needs at least one letter or digit');

const TermRuleSchema = z.object({
  id,
  category,
  score,
  source,
  terms: z.array(term).min(1),
  /**
   * Context words that qualify the hit as an innocent use ("AV receiver", "pistola de agua",
   * "HP 664 ink cartridges"): in its clause, in a clause attached to it, in a clause next to it
   * that holds nothing else ("Cartridges, ink"), or before it alone in its clause ("Hidrolavadora,
   * pistola"); not in a clause naming other goods ("Glock 19 pistol, water bottle"; see
   * describedHits in screen.ts). A word also in `unlessGoods` (a tool) does not clear from a clause
   * of its own next to the hit ("Glock 19, cordless drill").
   */
  unlessNear: z.array(term).default([]),
  /**
   * Context words that name goods of their own ("t-shirt", "mug", "cleaning kit"): they clear a
   * hit only when the hit describes those goods, in their clause or a later one ("T-shirt with
   * rifle print", "rifle cleaning kit"), not a hit in a clause before them ("AR-15 rifle, free
   * t-shirt"; see clauses.ts).
   */
  unlessGoods: z.array(term).default([]),
  /** Words that, in the same item, keep the hits whatever the context ("9mm HP cartridges"). */
  evenNear: z.array(term).default([]),
  /** Only for consignments at least this heavy (e.g. bulk "lubricant" as a fuel disguise). */
  minWeightKg: z.number().positive().optional(),
  /** Whether naming this commodity under an HS code outside its category is a misdeclaration (default yes). */
  hsMismatch: z.boolean().default(true),
});

const HsRuleSchema = z.object({
  id,
  category,
  score,
  source,
  prefixes: z.array(z.string().regex(/^\d{2,10}$/, 'HS prefixes are 2 to 10 digits, no dots')).min(1),
});

const CasRuleSchema = z.object({
  id,
  category,
  score,
  source,
  numbers: z
    .array(
      z.object({
        cas: z.string().superRefine((v, ctx) => {
          if (!casCheckDigitOk(v))
            ctx.addIssue({ code: 'custom', message: `"${v}" is not a CAS number with a valid check digit` });
        }),
        name: z.string().min(1),
      }),
    )
    .min(1),
});

/** Given names and surnames as Mexican forms and manifests abbreviate them. */
const DEFAULT_ABBREVIATIONS: Record<string, string> = {
  // Given names
  ma: 'maria',
  fco: 'francisco',
  gpe: 'guadalupe',
  alej: 'alejandro',
  fdo: 'fernando',
  // Surnames
  hdz: 'hernandez',
  hdez: 'hernandez',
  glz: 'gonzalez',
  gzz: 'gonzalez',
  mtz: 'martinez',
  mtnez: 'martinez',
  rdz: 'rodriguez',
  rdgz: 'rodriguez',
  gtz: 'gutierrez',
  fdz: 'fernandez',
  fdez: 'fernandez',
  rmz: 'ramirez',
  gmz: 'gomez',
  jmz: 'jimenez',
  vzq: 'vazquez',
  dmz: 'dominguez',
  // Company words
  hnos: 'hermanos',
  ind: 'industrial',
  inds: 'industrias',
  quim: 'quimica',
  dist: 'distribuidora',
  intl: 'international',
  mfg: 'manufacturing',
  sta: 'santa',
  sto: 'santo',
};

const DeniedPartySchema = z.object({
  source,
  parties: z.array(z.enum(['shipper', 'consignee', 'notify'])).min(1),
  /** Name similarity (0..1) from which a listed name is a hit. */
  threshold: z.number().min(0.5).max(1),
  tokenThreshold: z.number().min(0.5).max(1),
  maxTokenEdits: z.number().int().min(0).max(1),
  minTokenLengthRatio: z.number().min(0).max(1),
  exactScore: score,
  fuzzyScore: score,
  legalSuffixes: z.array(term),
  stopTokens: z.array(term),
  weakTokens: z.array(term),
  weakTokenWeight: z.number().min(0).max(1),
  /**
   * Titles, honorifics and generational suffixes, folded, dropped at the edges of a party name
   * ("Lic. Rigoberto …", "… Holloway Jr."): a consignee writes them, the lists do not. Optional
   * in a rule file.
   */
  titles: z.array(term).default([
    // Spanish: licenciado/a, ingeniero/a, arquitecto/a, doctor/a, señor/a/ita, señores,
    // maestro/a, profesor/a, contador público, general; don, doña.
    ...['lic', 'licda', 'licdo', 'ing', 'inga', 'arq', 'dr', 'dra', 'sr', 'sra', 'srta', 'sres'],
    ...['senor', 'senora', 'senorita', 'mtro', 'mtra', 'prof', 'profa', 'c p', 'cp', 'gral'],
    ...['don', 'dona'],
    // English
    ...['mr', 'mrs', 'ms', 'miss', 'sir', 'rev'],
    // Generational suffixes ("sr" is also "señor" above)
    ...['jr', 'jnr', 'snr', 'hijo', 'ii', 'iii', 'iv'],
  ]),
  /**
   * Abbreviations written with a period ("Ma. Guadalupe", "Fco. Hdz."), folded, and the word
   * they stand for: read as that word on both sides. Without the period the word is itself
   * ("Ma Jun"). Optional in a rule file.
   */
  abbreviations: z.record(term, term).default(DEFAULT_ABBREVIATIONS),
  /**
   * A person listed with two surnames ("QUINTERO BARRAGÁN, Rigoberto") is also looked for by
   * the given names and the first surname alone ("Rigoberto Quintero"), as a Mexican party
   * often writes the name. Such a match must be exact and counts as fuzzy. Optional in a rule file.
   */
  firstSurnameForms: z.boolean().default(true),
  /**
   * A person listed with middle names ("HOLLOWAY, Bradley James") is also looked for by the
   * first given name and the surnames alone ("Bradley Holloway"), as a party often writes the
   * name. Such a match must be exact and counts as fuzzy. Optional in a rule file.
   */
  middleNameForms: z.boolean().default(true),
});

const MisdeclarationSchema = z.object({
  vagueDescription: z.object({
    source,
    score,
    heavyKg: z.number().positive(),
    heavyScore: score,
    lowValueUsd: z.number().nonnegative(),
    lowValueScore: score,
    /** Whole descriptions that are vague too, beyond the shared ICS2 list (folded, e.g. "mercancia general"). */
    extraTerms: z.array(term).default([]),
    /** A master AWB described as a consolidation is normal: its houses carry the goods. */
    masterConsolidationTerms: z.array(term),
  }),
  valuePerKg: z.object({
    source,
    minWeightKg: z.number().nonnegative(),
    minUsdPerKg: z.number().nonnegative(),
    lowScore: score,
    maxUsdPerKg: z.number().positive(),
    highScore: score,
    /** Descriptions for which no or little value is normal (documents). */
    exemptTerms: z.array(term),
    /** Rough USD per unit, only to compare values with a range; other currencies are skipped. */
    usdRates: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()),
  }),
  density: z.object({
    source,
    minKgPerM3: z.number().positive(),
    maxKgPerM3: z.number().positive(),
    score,
  }),
  hsMismatch: z.object({ source, score, categories: z.array(category) }),
  undeclaredNature: z.object({ source, score, categories: z.array(category) }),
  /**
   * Words that mix Latin letters with Cyrillic or Greek look-alikes ("аmmunitiоn"), written to
   * read as one thing to a person and as another to a keyword filter. Optional in a rule file.
   */
  disguisedText: z.object({ source, score }).default({
    source: 'Mixed-script confusables (Unicode UTS #39): text written to slip past keyword screening',
    score: 30,
  }),
  splitting: z.object({
    source,
    windowHours: z
      .number()
      .positive()
      .max(24 * 31),
    maxParcels: z.number().int().positive(),
    score,
    kinds: z.array(z.enum(CONSIGNMENT_KINDS)).min(1),
  }),
});

export const RuleSetSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().min(1),
    description: z.string().optional(),
    review: z.object({ threshold: score }),
    text: z.object({
      minSplitLength: z.number().int().min(3).max(40),
      /**
       * Words that name nothing alone (colours, sizes, "original", "para", "kids"): a clause of
       * context words and these qualifies the hit's goods ("Cartuchos, tinta negra, HP 664"; see
       * clauses.ts). A rule file without the list gets the bundled one.
       */
      neutralWords: z.array(term).default(() => [...defaultRules.text.neutralWords]),
      /** Words that name nothing after a number ("2 pack", "3 sets"), where alone they may ("water pack"). */
      countedWords: z.array(term).default(() => [...defaultRules.text.countedWords]),
    }),
    termRules: z.array(TermRuleSchema),
    hsRules: z.array(HsRuleSchema),
    casRules: z.array(CasRuleSchema),
    deniedParty: DeniedPartySchema,
    misdeclaration: MisdeclarationSchema,
  })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    for (const [list, key] of [
      [rules.termRules, 'termRules'],
      [rules.hsRules, 'hsRules'],
      [rules.casRules, 'casRules'],
    ] as const) {
      list.forEach((r, i) => {
        if (seen.has(r.id))
          ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `rule id "${r.id}" is used twice` });
        seen.add(r.id);
      });
    }
  });

export type RuleSet = z.infer<typeof RuleSetSchema>;
export type TermRule = RuleSet['termRules'][number];

export class RuleSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSetError';
  }
}

/** Validates parsed JSON as a rule set; the error lists every problem with its path. */
export function parseRuleSet(data: unknown, origin = 'rule set'): RuleSet {
  const parsed = RuleSetSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 20)
    .map((i) => `  - ${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
  throw new RuleSetError(`${origin} is not a valid rule set:\n${problems}`);
}

/** Parses rule-set text (JSON); bad JSON is a RuleSetError too. */
export function parseRuleSetText(text: string, origin = 'rule set'): RuleSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RuleSetError(
      `${origin} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseRuleSet(data, origin);
}

export async function loadRuleSetFile(path: string): Promise<RuleSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RuleSetError(
      `cannot read rule set ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseRuleSetText(text, path);
}

let defaults: RuleSet | undefined;
/** The rule set shipped with the code (config/rules/default.json), bundled into every function. */
export function defaultRuleSet(): RuleSet {
  defaults ??= parseRuleSet(defaultRules, 'config/rules/default.json');
  return defaults;
}

/** "default@1.4.0": what every screening result is stamped with. */
export function ruleSetVersion(rules: Pick<RuleSet, 'name' | 'version'>): string {
  return `${rules.name}@${rules.version}`;
}
