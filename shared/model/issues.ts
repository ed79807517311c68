import { clip } from './clip.js';

/**
 * Error and warning codes (public contract): carriers and tools match on these strings.
 * Extend the list; never rename a code.
 */
export const ISSUE_CODES = [
  'UNKNOWN_FORMAT',
  'PARSE_ERROR',
  'AWB_FORMAT',
  'AWB_CHECK_DIGIT',
  'MISSING_FIELD',
  'INVALID_WEIGHT',
  'INVALID_PIECES',
  'INVALID_LOCATION',
  'INVALID_COUNTRY',
  'INVALID_HS_CODE',
  'INVALID_VALUE',
  'VAGUE_DESCRIPTION',
  'UNKNOWN_SEGMENT',
  'LINE_TOO_LONG',
  'DUPLICATE_RECORD',
  'UNSAFE_XML',
  'TOO_LARGE',
  'ENCODING',
  'RECORD_TOO_LARGE',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export type Severity = 'error' | 'warning';

export interface Issue {
  code: IssueCode;
  /** 1-based line in the uploaded file (0 when the issue concerns the whole document). */
  line: number;
  field?: string;
  message: string;
  severity: Severity;
}

/** Characters of an issue's message. */
export const MAX_MESSAGE = 500;

export function issue(
  code: IssueCode,
  line: number,
  message: string,
  opts: { field?: string; severity?: Severity } = {},
): Issue {
  // Messages quote the sender's text (a parcel id, a description): bounded for the acknowledgement.
  const out: Issue = { code, line, message: clip(message, MAX_MESSAGE), severity: opts.severity ?? 'error' };
  if (opts.field !== undefined) out.field = opts.field;
  return out;
}

/** Thrown by readers for a failure that ends the whole document (bad XML, unsafe input, too large). */
export class DocumentError extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
    this.name = 'DocumentError';
  }
}
