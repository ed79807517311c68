import type { ConsignmentDraft } from '../model/consignment.js';
import type { Issue } from '../model/issues.js';

/** Format identifiers (public contract: printed as `format` by the CLI and stored on documents). */
export type FormatId = 'parcel-csv' | 'cargo-imp' | 'cargo-xml' | 'one-record' | 'unknown';

/**
 * One record read from a document: a draft consignment plus what the reader already found wrong.
 * `line` is the 1-based line where the record starts; `fieldLines` pins fields to other lines
 * so validation errors stay line-precise.
 */
export interface DraftRecord {
  draft: ConsignmentDraft;
  line: number;
  fieldLines?: Partial<Record<string, number>>;
  /** Problems the reader found in this record (errors reject it; warnings travel with it). */
  issues: Issue[];
  /** Fields the format does not carry by design (e.g. FFM has no parties): not MISSING_FIELD. */
  notCarried?: string[];
  /**
   * The reader vouches that every text field of the draft is already folded: trimmed, with no
   * white space but single interior spaces. Validation then skips its own folding (a regular
   * expression test per field, an eighth of validating a parcel row).
   */
  folded?: boolean;
}

/** What a reader yields: records, and document-level issues (unknown segments, long lines …). */
export type ReadItem = { type: 'record'; record: DraftRecord } | { type: 'issue'; issue: Issue };

export interface ReadOptions {
  /** File name, for messages only: detection is by content. */
  fileName?: string;
  /** Upper bound on the document size in bytes; readers stop with TOO_LARGE past it. */
  maxBytes?: number;
  /** Carrier mapping profile for parcel spreadsheets (header → canonical field). */
  profile?: Record<string, string>;
}

export interface FormatReader {
  id: Exclude<FormatId, 'unknown'>;
  /** A short human name, e.g. "Cargo-IMP (FWB/FHL/FFM)". */
  label: string;
  /**
   * Looks at the first bytes of a document (at most 64 KiB, BOM included) and says whether this
   * reader can read it. Detection is by content, never by file name.
   */
  detect(head: Buffer, options?: ReadOptions): boolean;
  /**
   * Reads the whole document as a stream of chunks and yields records as they complete, one
   * at a time or in arrays (a batch per input chunk saves an async hop per record on big files).
   * Memory must stay bounded by the largest record (or batch), not the document.
   * Document-fatal problems throw DocumentError (e.g. UNSAFE_XML, PARSE_ERROR for bad JSON).
   */
  read(chunks: AsyncIterable<Buffer>, options: ReadOptions): AsyncIterable<ReadItem | ReadItem[]>;
}
