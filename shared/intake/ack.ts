import type { DocumentSummary } from './process.js';

/**
 * The acknowledgement a carrier fetches for an upload. It tells what was accepted and what to
 * fix, line by line; it never carries screening flags or scores.
 */
export interface Acknowledgement {
  documentId: string;
  carrierId: string;
  fileName: string;
  format: DocumentSummary['format'];
  status: DocumentSummary['status'];
  counts: DocumentSummary['counts'];
  errors: DocumentSummary['errors'];
  errorsOmitted: number;
  warnings: DocumentSummary['warnings'];
  processedAt: string;
}

export function buildAcknowledgement(
  doc: { documentId: string; carrierId: string; fileName: string },
  summary: DocumentSummary,
  now: Date,
): Acknowledgement {
  return {
    documentId: doc.documentId,
    carrierId: doc.carrierId,
    fileName: doc.fileName,
    format: summary.format,
    status: summary.status,
    counts: summary.counts,
    errors: summary.errors,
    errorsOmitted: summary.errorsOmitted,
    warnings: summary.warnings,
    processedAt: now.toISOString(),
  };
}
