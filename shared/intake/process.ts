import { consignmentRef, identityParts, type Consignment } from '../model/consignment.js';
import { DocumentError, issue, type Issue } from '../model/issues.js';
import type { DraftRecord, FormatId, ReadItem, ReadOptions } from '../formats/types.js';
import { detectFormat } from '../formats/registry.js';
import { DEFAULT_MAX_BYTES, limitBytes, peek } from '../formats/stream.js';
import { validateRecord, type Validated } from '../validation/validate.js';
import { loadAirports } from '../reference/airports.js';
import { FingerprintSet, hashParts, identityKey } from './hash.js';

export type DocumentStatus = 'accepted' | 'partial' | 'rejected';

/** Record counts (public contract): received = accepted + rejected + duplicate. */
export interface DocumentCounts {
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
}

export type Outcome =
  | { type: 'accepted'; consignment: Consignment; warnings: Issue[] }
  | { type: 'rejected'; line: number; errors: Issue[] }
  | { type: 'duplicate'; line: number; ref: string };

export interface DocumentSummary {
  format: FormatId;
  status: DocumentStatus;
  counts: DocumentCounts;
  /** Errors, first MAX_ISSUES only; `errorsOmitted` says how many more there were. */
  errors: Issue[];
  errorsOmitted: number;
  warnings: Issue[];
  warningsOmitted: number;
}

export const MAX_ISSUES = 1000;

export interface ProcessOptions extends ReadOptions {
  documentId?: string;
}

/**
 * Reads one document: detects its format by content, streams records through validation and
 * duplicate detection, and yields one outcome per record. Call `summary()` after the outcomes
 * are consumed. Nothing here touches AWS: the ingest handler and the CLI share it.
 */
export class DocumentRun {
  readonly counts: DocumentCounts = { received: 0, accepted: 0, rejected: 0, duplicate: 0 };
  private format: FormatId = 'unknown';
  private readonly errors: Issue[] = [];
  private readonly warnings: Issue[] = [];
  private errorsOmitted = 0;
  private warningsOmitted = 0;
  private fatal = false;
  /** The duplicate table's secret key, new for each document (see identityKey()). */
  private readonly identityKey = identityKey();

  constructor(
    private readonly chunks: AsyncIterable<Buffer>,
    private readonly options: ProcessOptions = {},
  ) {}

  /** Outcomes one by one (CLI, tests). */
  async *outcomes(): AsyncGenerator<Outcome> {
    for await (const batch of this.batches()) yield* batch;
  }

  /**
   * Outcomes in batches, one per batch the reader yields: the hot path for big documents,
   * since an async hop per record costs more than validating it.
   */
  async *batches(): AsyncGenerator<Outcome[]> {
    await loadAirports();
    const source = {
      ...(this.options.documentId ? { documentId: this.options.documentId } : {}),
      ...(this.options.fileName ? { file: this.options.fileName } : {}),
    };
    const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    try {
      const { head, stream } = await peek(limitBytes(this.chunks, maxBytes));
      const reader = detectFormat(head, this.options);
      if (!reader) {
        this.fail(
          issue(
            'UNKNOWN_FORMAT',
            0,
            head.length === 0
              ? 'the document is empty'
              : 'the document is not a manifest format this system reads (Cargo-IMP, Cargo-XML, ONE Record or a parcel CSV)',
          ),
        );
        return;
      }
      this.format = reader.id;
      const seen = new FingerprintSet();
      for await (const chunk of reader.read(stream, this.options)) {
        const out = this.judge(Array.isArray(chunk) ? chunk : [chunk], source, seen);
        if (out.length > 0) yield out;
      }
      if (this.counts.received === 0 && !this.fatal)
        this.fail(issue('PARSE_ERROR', 0, `the ${reader.label} document holds no records`));
    } catch (error) {
      if (error instanceof DocumentError) this.fail(error.issue);
      else throw error;
    }
  }

  /**
   * Outcomes of a batch of read items, in their order. Validation runs first, then every
   * identity of the batch goes through the duplicate table in one loop (FingerprintSet.addAll),
   * then counts and issues are taken in record order.
   */
  private judge(
    items: readonly ReadItem[],
    source: { documentId?: string; file?: string },
    seen: FingerprintSet,
  ): Outcome[] {
    const [k1, k2] = this.identityKey;
    const results: (Validated | undefined)[] = [];
    const keys: [number, number][] = [];
    for (const item of items) {
      const result = item.type === 'record' ? validateRecord(item.record, source) : undefined;
      results.push(result);
      if (result?.ok) keys.push(hashParts(identityParts(result.consignment), k1, k2));
    }
    const fresh: boolean[] = [];
    seen.addAll(keys, fresh);
    const out: Outcome[] = [];
    let k = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.type === 'issue') {
        this.note(item.issue);
        continue;
      }
      const result = results[i]!;
      out.push(this.outcome(item.record, result, result.ok && fresh[k++] === true));
    }
    return out;
  }

  private outcome(record: DraftRecord, result: Validated, fresh: boolean): Outcome {
    this.counts.received += 1;
    for (const w of result.warnings) this.note(w);
    if (!result.ok) {
      this.counts.rejected += 1;
      for (const e of result.errors) this.note(e);
      return { type: 'rejected', line: record.line, errors: result.errors };
    }
    const c = result.consignment;
    if (!fresh) {
      this.counts.duplicate += 1;
      const ref = consignmentRef(c);
      this.note(
        issue('DUPLICATE_RECORD', record.line, `record ${ref} repeats an earlier record of this document`, {
          severity: 'warning',
        }),
      );
      return { type: 'duplicate', line: record.line, ref };
    }
    this.counts.accepted += 1;
    return { type: 'accepted', consignment: c, warnings: result.warnings };
  }

  summary(): DocumentSummary {
    return {
      format: this.format,
      status: this.status(),
      counts: { ...this.counts },
      errors: [...this.errors],
      errorsOmitted: this.errorsOmitted,
      warnings: [...this.warnings],
      warningsOmitted: this.warningsOmitted,
    };
  }

  private status(): DocumentStatus {
    if (this.counts.accepted === 0) return 'rejected';
    return this.counts.rejected > 0 || this.fatal ? 'partial' : 'accepted';
  }

  private fail(i: Issue): void {
    this.fatal = true;
    this.note(i);
  }

  private note(i: Issue): void {
    if (i.severity === 'error') {
      if (this.errors.length < MAX_ISSUES) this.errors.push(i);
      else this.errorsOmitted += 1;
    } else if (this.warnings.length < MAX_ISSUES) this.warnings.push(i);
    else this.warningsOmitted += 1;
  }
}

/** Convenience for small inputs (tests, CLI on one file): collects every outcome. */
export async function processAll(
  chunks: AsyncIterable<Buffer>,
  options: ProcessOptions = {},
): Promise<{ consignments: Consignment[]; summary: DocumentSummary }> {
  const run = new DocumentRun(chunks, options);
  const consignments: Consignment[] = [];
  for await (const o of run.outcomes()) if (o.type === 'accepted') consignments.push(o.consignment);
  return { consignments, summary: run.summary() };
}

export async function* bufferChunks(data: Buffer | string, size = 64 * 1024): AsyncGenerator<Buffer> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
