/**
 * Single-table key design (see README "Data model"). One place builds every key so handlers,
 * the local stack and tests cannot disagree.
 *   DOC#{documentId} / DOC                  document status           gsi1: CARRIER#{carrierId} / DOC#{receivedAt}
 *   CONS#{consignmentId} / CONS             canonical consignment     gsi1: DOC#{documentId} / LINE#{line}
 *                                                                     gsi2: AWB#{awb} / CONS#{id}
 *                                                                     gsi3: CNEE#{consignee key} / CONS#{id}
 *   REVIEW#{consignmentId} / REVIEW         review item (issue 5)      gsi1: REVIEW#{status} / {1000-score}#{createdAt}#{id}
 *   REVIEW#{consignmentId} / AUDIT#{version}#{n}  audit entries, append-only (version = the item version the
 *                                           transition wrote, so only the winner of a conditional write can add them)
 *   EVENT#{eventId} / EVENT                 decision events stored by the local stack  gsi1: EVENTS / {at}#{eventId}
 */
export const keys = {
  document: (documentId: string) => ({ pk: `DOC#${documentId}`, sk: 'DOC' }),
  consignment: (consignmentId: string) => ({ pk: `CONS#${consignmentId}`, sk: 'CONS' }),
  review: (consignmentId: string) => ({ pk: `REVIEW#${consignmentId}`, sk: 'REVIEW' }),
  audit: (consignmentId: string, version: number, n: number) => ({
    pk: `REVIEW#${consignmentId}`,
    sk: `AUDIT#${String(version).padStart(10, '0')}#${String(n).padStart(2, '0')}`,
  }),
  /** Review items are indexed by status, highest score first, then oldest first. */
  reviewIndex: (status: string, riskScore: number, createdAt: string, consignmentId: string) => ({
    gsi1pk: `REVIEW#${status}`,
    gsi1sk: `${String(Math.max(0, 1000 - Math.round(riskScore))).padStart(4, '0')}#${createdAt}#${consignmentId}`,
  }),
  event: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
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
