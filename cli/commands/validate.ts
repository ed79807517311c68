import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Consignment } from '../../shared/model/consignment.js';
import { DocumentRun, type DocumentSummary } from '../../shared/intake/process.js';
import { CarrierProfilesSchema, configuredProfiles } from '../../shared/formats/parcel-csv/profiles.js';
import { describeConsignment, formatIssue, issueJson, write } from '../output.js';

export type OutputMode = 'human' | 'json' | 'summary';

export interface RunFileOptions {
  mode: OutputMode;
  /** Adds fields to each consignment (screening adds flags and riskScore). */
  enrich?: (c: Consignment) => Record<string, unknown>;
  /** Extra counts for --summary (screening adds flagged). */
  extraSummary?: () => Record<string, number>;
  out?: NodeJS.WritableStream;
  /** Parcel spreadsheet column mapping (a carrier's profile). */
  profile?: Record<string, string>;
}

export function outputMode(opts: { json?: boolean; summary?: boolean }): OutputMode {
  if (opts.json && opts.summary) throw new Error('choose one of --json and --summary');
  return opts.summary ? 'summary' : opts.json ? 'json' : 'human';
}

/** Throws a clear error (the command cannot run) unless `file` is a file this process can open. */
export async function mustBeFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new Error(`cannot read ${file}: no such file`);
  if (!info.isFile()) throw new Error(`cannot read ${file}: not a file`);
}

/**
 * Reads one file through the format registry and prints the canonical result. JSON output is
 * streamed record by record, so memory stays flat for big files.
 */
export async function runFile(file: string, options: RunFileOptions): Promise<DocumentSummary> {
  await mustBeFile(file);
  const out = (options.out ?? process.stdout) as Writable;
  const run = new DocumentRun(createReadStream(file) as AsyncIterable<Buffer>, {
    fileName: basename(file),
    ...(options.profile ? { profile: options.profile } : {}),
  });
  const { mode, enrich } = options;
  let first = true;
  if (mode === 'json') await write(out, '{"consignments":[');
  for await (const batch of run.batches())
    for (const outcome of batch) {
      if (outcome.type !== 'accepted') continue;
      const c = outcome.consignment;
      const extra = enrich?.(c);
      if (mode === 'json') {
        await write(out, `${first ? '\n' : ',\n'}${JSON.stringify(extra ? { ...c, ...extra } : c)}`);
        first = false;
      } else if (mode === 'human') {
        await write(
          out,
          `${describeConsignment(c)}${extra && 'riskScore' in extra ? `  risk ${String(extra.riskScore)}` : ''}\n`,
        );
        const flags = extra?.flags as
          { category: string; rule: string; evidence: { field: string; text: string } }[] | undefined;
        for (const f of flags ?? [])
          await write(out, `    flag ${f.category} (${f.rule}): ${f.evidence.field} "${f.evidence.text}"\n`);
      }
    }
  const summary = run.summary();
  if (mode === 'json') {
    const tail = {
      format: summary.format,
      status: summary.status,
      counts: summary.counts,
      errors: summary.errors.map(issueJson),
      errorsOmitted: summary.errorsOmitted,
      warnings: summary.warnings.map(issueJson),
      ...(options.extraSummary?.() ?? {}),
    };
    await write(out, `${first ? '' : '\n'}],${JSON.stringify(tail).slice(1)}\n`);
  } else if (mode === 'summary') {
    await write(
      out,
      `${JSON.stringify({
        format: summary.format,
        status: summary.status,
        consignments: summary.counts.accepted,
        rejected: summary.counts.rejected,
        duplicate: summary.counts.duplicate,
        received: summary.counts.received,
        errors: summary.errors.length + summary.errorsOmitted,
        warnings: summary.warnings.length,
        ...(options.extraSummary?.() ?? {}),
      })}\n`,
    );
  } else {
    for (const i of [...summary.errors, ...summary.warnings]) await write(out, `${formatIssue(i)}\n`);
    if (summary.errorsOmitted) await write(out, `… and ${summary.errorsOmitted} more errors\n`);
    const { received, accepted, rejected, duplicate } = summary.counts;
    await write(
      out,
      `\n${basename(file)}: ${summary.format}, ${summary.status.toUpperCase()} — ${received} received, ${accepted} accepted, ${rejected} rejected, ${duplicate} duplicate\n`,
    );
  }
  return summary;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'read a manifest with the format registry (no AWS needed) and print the canonical consignments',
    )
    .argument('<file>', 'manifest file: Cargo-IMP, Cargo-XML, ONE Record JSON-LD or parcel CSV')
    .option('--json', 'print { format, status, consignments, errors } as JSON')
    .option('--summary', 'print one JSON line of counts, without the records (for big files)')
    .option(
      '--carrier <id>',
      "read parcel spreadsheets with this carrier's mapping profile (config/carrier-profiles.json)",
    )
    .option(
      '--profile <file>',
      'a JSON column mapping { "carrier header": "canonical column" } for parcel spreadsheets',
    )
    .action(async (file: string, opts: ProfileOptions & { json?: boolean; summary?: boolean }) => {
      await runFile(file, { mode: outputMode(opts), ...(await profileFrom(opts)) });
    });
}

export interface ProfileOptions {
  carrier?: string;
  profile?: string;
}

/** Resolves --carrier / --profile into a column mapping; unknown carriers simply have none. */
export async function profileFrom(opts: ProfileOptions): Promise<{ profile?: Record<string, string> }> {
  if (opts.profile) {
    const text = await readFile(opts.profile, 'utf8').catch(() => {
      throw new Error(`cannot read profile ${opts.profile}`);
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`profile ${opts.profile} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = CarrierProfilesSchema.safeParse({ profile: json });
    if (!parsed.success)
      throw new Error(
        `profile ${opts.profile} is not a column mapping (${parsed.error.issues
          .map((i) => `${i.path.slice(1).join('.') || 'profile'}: ${i.message}`)
          .join('; ')})`,
      );
    return { profile: parsed.data.profile! };
  }
  if (opts.carrier) {
    const profile = (await configuredProfiles())[opts.carrier];
    return profile ? { profile } : {};
  }
  return {};
}
