import { Option, type Command } from 'commander';
import { readStackInfo } from '../../local/stack-info.js';
import { DECISIONS } from '../../shared/review/types.js';

/**
 * `intake review …`: the reviewer's loop over the review HTTP API (docs/review-api.md).
 * Locally it talks to the API of the stack started by `npm start` (apiUrl in .local/stack.json)
 * acting as the development user named by --as. With --env NAME it talks to a deployed
 * environment: INTAKE_API_URL_<NAME> (or INTAKE_API_URL) and a Cognito ID token in
 * INTAKE_TOKEN_<NAME> (or INTAKE_TOKEN); --as must then name the token's user.
 * Exit codes: 0 done, 1 refused by the API (not allowed, held, already decided, nothing to do),
 * 2 could not run (no stack, no network, server error, bad usage).
 */

interface Target {
  apiUrl: string;
  authorization: string;
}

interface Common {
  json?: boolean;
  env?: string;
  as?: string;
}

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

const DEFAULT_READER = 'ops1';

function envVar(base: string, env: string): string | undefined {
  const suffix = env.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return process.env[`${base}_${suffix}`] ?? process.env[base];
}

/** The user a JWT names (payload only: the API verifies the signature, we only catch mix-ups). */
function tokenUser(token: string): string | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    const name = payload['cognito:username'] ?? payload.username;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

async function resolveTarget(opts: Common, as: string | undefined): Promise<Target> {
  if (opts.env) {
    const apiUrl = envVar('INTAKE_API_URL', opts.env);
    const token = envVar('INTAKE_TOKEN', opts.env);
    if (!apiUrl || !token) {
      const suffix = opts.env.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
      throw new Error(
        `environment ${opts.env}: set INTAKE_API_URL_${suffix} (the stack output ReviewApiUrl) and INTAKE_TOKEN_${suffix} (a Cognito ID token)`,
      );
    }
    const owner = tokenUser(token);
    if (as && owner && owner !== as)
      throw new Error(`the token for ${opts.env} belongs to ${owner}, not ${as}`);
    return { apiUrl: apiUrl.replace(/\/+$/, ''), authorization: `Bearer ${token}` };
  }
  const info = await readStackInfo();
  if (!info.apiUrl)
    throw new Error(
      'the local stack does not serve the review API (no apiUrl in its stack file): restart it with `npm start`',
    );
  return {
    apiUrl: info.apiUrl.replace(/\/+$/, ''),
    authorization: `Bearer dev:${as ?? process.env.INTAKE_AS ?? DEFAULT_READER}`,
  };
}

async function call<T>(target: Target, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${target.apiUrl}${path}`, {
      method,
      headers: {
        authorization: target.authorization,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(
      `cannot reach the review API at ${target.apiUrl}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
  // The cloud authorizer answers {"message":"Unauthorized"}; keep its status as the code.
  const code =
    error?.code ??
    (res.status === 401 ? 'UNAUTHORIZED' : res.status === 403 ? 'FORBIDDEN' : `HTTP_${res.status}`);
  const message = error?.message ?? (parsed as { message?: string } | undefined)?.message ?? res.statusText;
  if (res.status >= 500) throw new Error(`the review API failed (${res.status} ${code}): ${message}`);
  throw new Refused(res.status, code, message, parsed ?? { error: { code, message } });
}

/** Runs one API interaction: prints the answer, maps refusals to exit 1 (other failures bubble up to exit 2). */
async function run<T>(opts: Common, work: () => Promise<T>, print: (answer: T) => string): Promise<void> {
  try {
    const answer = await work();
    process.stdout.write(opts.json ? `${JSON.stringify(answer, null, 2)}\n` : `${print(answer)}\n`);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    if (opts.json) process.stdout.write(`${JSON.stringify(error.body, null, 2)}\n`);
    process.stderr.write(`intake review: ${error.code}: ${error.message}\n`);
    process.exitCode = 1;
  }
}

// --- human-readable output ------------------------------------------------------------------------

interface ItemView {
  id: string;
  ref: string;
  categories: string[];
  riskScore: number;
  status: string;
  age: number;
  claimedBy?: string | null;
  leaseUntil?: string | null;
  mine?: boolean;
  decision?: string | null;
  decidedBy?: string | null;
  note?: string | null;
}

interface Stats {
  depth: number;
  oldestAgeSeconds: number | null;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
}

interface Party {
  name: string;
  address?: string | null;
  city?: string | null;
  countryCode?: string | null;
}

export interface ShowAnswer {
  item: ItemView;
  consignment: Record<string, unknown> | null;
  flags: { category: string; rule: string; score: number; evidence: { field: string; text: string } }[];
  audit: {
    at: string;
    actor: string;
    action: string;
    decision?: string;
    note?: string;
    from?: string;
    to?: string;
  }[];
  document: { documentId: string; fileName: string | null; downloadUrl: string | null } | null;
  related: { id: string; ref: string; relation: string; riskScore: number; status: string | null }[];
}

export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

function holderText(i: ItemView): string {
  if (i.status === 'IN_REVIEW')
    return `held by ${i.mine ? 'you' : (i.claimedBy ?? '?')} until ${i.leaseUntil ?? '?'}`;
  if (i.status === 'DECIDED') return `${i.decision ?? '?'} by ${i.decidedBy ?? '?'}`;
  return '';
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function printList(items: ItemView[], stats: Stats | undefined): string {
  const header = stats
    ? `${stats.depth} pending, oldest ${formatAge(stats.oldestAgeSeconds)}, ${stats.byStatus.IN_REVIEW ?? 0} in review\n`
    : '';
  if (items.length === 0) return `${header}no items`;
  const rows = [['ID', 'REF', 'SCORE', 'CATEGORIES', 'STATUS', 'AGE', 'HOLDER/DECISION']];
  for (const i of items)
    rows.push([
      i.id,
      i.ref,
      String(i.riskScore),
      i.categories.join(','),
      i.status,
      formatAge(i.age),
      holderText(i),
    ]);
  return header + table(rows);
}

function printItem(verb: string, i: ItemView): string {
  const extra = holderText(i);
  return `${verb} ${i.id} (${i.ref}, score ${i.riskScore}, ${i.categories.join(', ')}): ${i.status}${extra ? `, ${extra}` : ''}`;
}

function party(p: Party | null | undefined): string {
  if (!p) return '-';
  return [p.name, p.address, p.city, p.countryCode].filter(Boolean).join(', ');
}

/** "LAX→MEX  ", or nothing for a consignment without airports (a parcel). */
function route(c: Record<string, unknown>): string {
  if (!c.origin && !c.destination) return '';
  return `${String(c.origin ?? '?')}→${String(c.destination ?? '?')}  `;
}

/** Evidence in quotes, unless it quotes what matched itself ("\"Ana\" matches listed name …"). */
function quoted(text: string): string {
  return text.startsWith('"') ? text : `"${text}"`;
}

export function printShow(s: ShowAnswer): string {
  const c = (s.consignment ?? {}) as Record<string, unknown>;
  const lines = [printItem('item', s.item)];
  if (s.consignment) {
    const ref = [c.awb, c.hawb, c.parcelId].filter(Boolean).join(' / ');
    lines.push(
      `  consignment ${ref}  ${route(c)}${String(c.pieces)} pc  ${String(c.weightKg)} kg`,
      `  description ${String(c.description ?? '')}`,
      `  HS codes    ${((c.hsCodes as string[] | undefined) ?? []).join(', ') || '-'}`,
      `  shipper     ${party(c.shipper as Party | null)}`,
      `  consignee   ${party(c.consignee as Party | null)}`,
    );
  }
  lines.push('flags:');
  for (const f of s.flags)
    lines.push(`  ${f.category} (${f.rule}, ${f.score}): ${f.evidence.field} ${quoted(f.evidence.text)}`);
  if (s.flags.length === 0) lines.push('  none');
  if (s.document)
    lines.push(
      `document: ${s.document.fileName ?? s.document.documentId}${s.document.downloadUrl ? `  ${s.document.downloadUrl}` : ''}`,
    );
  lines.push('related:');
  for (const r of s.related)
    lines.push(
      `  ${r.relation.padEnd(16)} ${r.ref}  score ${r.riskScore}  ${r.status ?? 'not flagged'}  (${r.id})`,
    );
  if (s.related.length === 0) lines.push('  none');
  lines.push('audit:');
  for (const a of s.audit) {
    const detail = [
      a.decision,
      a.from ? `from ${a.from}` : '',
      a.to ? `to ${a.to}` : '',
      a.note ? `"${a.note}"` : '',
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(`  ${a.at}  ${a.actor.padEnd(12)} ${a.action}${detail ? ` ${detail}` : ''}`);
  }
  if (s.audit.length === 0) lines.push('  (nothing yet)');
  return lines.join('\n');
}

// --- commands ------------------------------------------------------------------------------------

const enc = encodeURIComponent;

export function registerReview(program: Command): void {
  const review = program
    .command('review')
    .description('work the review queue: list, claim, show, decide, release (reviewers and supervisors)');
  // Usage errors are "could not run" (2); 1 is kept for refusals.
  review.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

  const common = (cmd: Command, asRequired: boolean) =>
    cmd
      .option('--json', 'print the API answer as JSON')
      .addOption(
        new Option(
          '--env <name>',
          'a deployed environment (INTAKE_API_URL_<NAME>, INTAKE_TOKEN_<NAME>) instead of the local stack',
        ),
      )
      .addOption(
        asRequired
          ? new Option(
              '--as <name>',
              'act as this user (locally: reviewer1, reviewer2, supervisor1)',
            ).makeOptionMandatory()
          : new Option('--as <name>', `read as this user (default $INTAKE_AS or ${DEFAULT_READER})`),
      );

  common(review.command('list').description('list review items, highest risk and oldest first'), false)
    .option('--status <status>', 'PENDING (default), IN_REVIEW or DECIDED')
    .option('--category <category>', 'only items flagged in this category, e.g. firearms')
    .option('--limit <n>', 'at most this many items (1-500, default 100)')
    .action(async (opts: Common & { status?: string; category?: string; limit?: string }) => {
      const target = await resolveTarget(opts, opts.as);
      const q = new URLSearchParams();
      if (opts.status) q.set('status', opts.status.toUpperCase());
      if (opts.category) q.set('category', opts.category);
      if (opts.limit) q.set('limit', opts.limit);
      const qs = q.toString();
      await run(
        opts,
        async () => {
          const list = await call<{ items: ItemView[] }>(target, 'GET', `/review/items${qs ? `?${qs}` : ''}`);
          return opts.json ? list : { ...list, stats: await call<Stats>(target, 'GET', '/review/stats') };
        },
        (a) => printList(a.items, (a as { stats?: Stats }).stats),
      );
    });

  common(
    review.command('stats').description('queue depth, oldest pending age, counts by status and category'),
    false,
  ).action(async (opts: Common) => {
    const target = await resolveTarget(opts, opts.as);
    await run(
      opts,
      () => call<Stats>(target, 'GET', '/review/stats'),
      (s) =>
        [
          `pending ${s.depth}, oldest ${formatAge(s.oldestAgeSeconds)}`,
          `by status: ${Object.entries(s.byStatus)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
          `pending by category: ${
            Object.entries(s.byCategory)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || '-'
          }`,
        ].join('\n'),
    );
  });

  common(
    review.command('claim').description('claim an item (the next one by priority when ID is left out)'),
    true,
  )
    .argument('[id]', 'review item id (the consignment id)')
    .option('--category <category>', 'with no ID: the next item of this category')
    .action(async (id: string | undefined, opts: Common & { category?: string }) => {
      const target = await resolveTarget(opts, opts.as);
      await run(
        opts,
        () =>
          id
            ? call<ItemView>(target, 'POST', `/review/items/${enc(id)}/claim`)
            : call<ItemView>(
                target,
                'POST',
                '/review/claim-next',
                opts.category ? { category: opts.category } : {},
              ),
        (i) => printItem('claimed', i),
      );
    });

  common(
    review
      .command('show')
      .description('the item, its consignment, flags with evidence, document, related items and audit'),
    false,
  )
    .argument('<id>', 'review item id')
    .action(async (id: string, opts: Common) => {
      const target = await resolveTarget(opts, opts.as);
      await run(opts, () => call<ShowAnswer>(target, 'GET', `/review/items/${enc(id)}`), printShow);
    });

  common(review.command('decide').description('decide on an item you hold'), true)
    .argument('<id>', 'review item id')
    .requiredOption('--decision <decision>', DECISIONS.join(' | '))
    .requiredOption('--note <text>', 'why (recorded in the audit; sent to the filer for REQUEST_INFO)')
    .action(async (id: string, opts: Common & { decision: string; note: string }) => {
      const target = await resolveTarget(opts, opts.as);
      const decision = opts.decision.toUpperCase().replace(/-/g, '_');
      await run(
        opts,
        () =>
          call<ItemView>(target, 'POST', `/review/items/${enc(id)}/decide`, { decision, note: opts.note }),
        (i) => printItem('decided', i),
      );
    });

  common(
    review.command('release').description('give an item you hold back to the queue (supervisors: any item)'),
    true,
  )
    .argument('<id>', 'review item id')
    .option('--note <text>', 'why (recorded in the audit)')
    .action(async (id: string, opts: Common & { note?: string }) => {
      const target = await resolveTarget(opts, opts.as);
      await run(
        opts,
        () =>
          call<ItemView>(
            target,
            'POST',
            `/review/items/${enc(id)}/release`,
            opts.note ? { note: opts.note } : {},
          ),
        (i) => printItem('released', i),
      );
    });

  common(review.command('reassign').description('supervisors: hand an item to a reviewer'), true)
    .argument('<id>', 'review item id')
    .requiredOption('--to <name>', 'the reviewer who gets it')
    .option('--note <text>', 'why (recorded in the audit)')
    .action(async (id: string, opts: Common & { to: string; note?: string }) => {
      const target = await resolveTarget(opts, opts.as);
      await run(
        opts,
        () =>
          call<ItemView>(target, 'POST', `/review/items/${enc(id)}/reassign`, {
            to: opts.to,
            ...(opts.note ? { note: opts.note } : {}),
          }),
        (i) => printItem('reassigned', i),
      );
    });

  common(
    review.command('reopen').description('supervisors: reopen a decided item (back to PENDING, on record)'),
    true,
  )
    .argument('<id>', 'review item id')
    .requiredOption('--note <text>', 'why (recorded in the audit)')
    .action(async (id: string, opts: Common & { note: string }) => {
      const target = await resolveTarget(opts, opts.as);
      await run(
        opts,
        () => call<ItemView>(target, 'POST', `/review/items/${enc(id)}/reopen`, { note: opts.note }),
        (i) => printItem('reopened', i),
      );
    });
}
