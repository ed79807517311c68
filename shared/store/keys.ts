/**
 * Single-table key design (see README "Data model"). One place builds every key so handlers,
 * the local stack and tests cannot disagree.
 *   DOC#{documentId} / DOC                  document status           gsi1: CARRIER#{carrierId} / DOC#{receivedAt}
 *   CONS#{consignmentId} / CONS             canonical consignment     gsi1: DOC#{documentId} / LINE#{line}
 *                                                                     gsi2: AWB#{awb} / CONS#{id}
 *                                                                     gsi3: CNEE#{consignee key} / CONS#{id}
 *   REVIEW#{consignmentId} / REVIEW         review item (issue 5)
 *   REVIEW#{consignmentId} / AUDIT#{ts}#{n} audit entries, append-only
 */
export const keys = {
  document: (documentId: string) => ({ pk: `DOC#${documentId}`, sk: 'DOC' }),
  consignment: (consignmentId: string) => ({ pk: `CONS#${consignmentId}`, sk: 'CONS' }),
  review: (consignmentId: string) => ({ pk: `REVIEW#${consignmentId}`, sk: 'REVIEW' }),
  audit: (consignmentId: string, at: string, n: number) => ({
    pk: `REVIEW#${consignmentId}`,
    sk: `AUDIT#${at}#${String(n).padStart(4, '0')}`,
  }),
};

export const INDEXES = ['gsi1', 'gsi2', 'gsi3'] as const;

/** Consignment ids are derived from the document and the record's line: re-reading a document rewrites the same items. */
export function consignmentId(documentId: string, line: number): string {
  return `${documentId}-L${String(line).padStart(7, '0')}`;
}

/** Folds a party name for grouping related consignments (same consignee). */
export function partyKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}
