/**
 * Upload keys: incoming/{carrierId}/{documentId}/{fileName}. The carrier comes from the key
 * (set by the upload path the carrier is allowed to write), never from the file's content.
 */
export const INCOMING_PREFIX = 'incoming/';
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface ParsedKey {
  carrierId: string;
  documentId: string;
  fileName: string;
}

/** S3 event keys arrive URL-encoded with '+' for spaces. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function parseObjectKey(key: string): ParsedKey | undefined {
  if (!key.startsWith(INCOMING_PREFIX)) return undefined;
  const [carrierId, documentId, ...rest] = key.slice(INCOMING_PREFIX.length).split('/');
  const fileName = rest.join('/');
  if (!carrierId || !documentId || !fileName) return undefined;
  if (!SAFE_ID.test(carrierId) || !SAFE_ID.test(documentId)) return undefined;
  return { carrierId, documentId, fileName };
}

export function objectKey(carrierId: string, documentId: string, fileName: string): string {
  if (!SAFE_ID.test(carrierId))
    throw new Error(`carrier id "${carrierId}" may hold only letters, digits, '.', '_' and '-'`);
  const base = fileName.split(/[\\/]/).pop() || 'manifest';
  return `${INCOMING_PREFIX}${carrierId}/${documentId}/${base}`;
}

export function ackKey(carrierId: string, documentId: string, ext: 'json' | 'txt' = 'json'): string {
  return `ack/${carrierId}/${documentId}.${ext}`;
}

/** Sortable, unique document ids: time in base 36 plus randomness. */
export function newDocumentId(now = Date.now()): string {
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `D${now.toString(36).toUpperCase()}${rand.toUpperCase()}`;
}
