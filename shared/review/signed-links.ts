import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DocumentLinks, DocumentRef } from './ports.js';

/**
 * Local stand-in for presigned S3 URLs: `/documents/{id}/raw?expires=…&signature=…` on the
 * local server, an HMAC over the document id and expiry. Lets a browser link download the
 * original without an Authorization header, for a few minutes, like a presigned GET does.
 */
export class SignedLocalLinks implements DocumentLinks {
  private readonly secret: Buffer;

  constructor(
    secret: string | undefined,
    private readonly now: () => Date = () => new Date(),
    private readonly ttlSeconds = 300,
  ) {
    // A random secret per process is enough while one process both signs and verifies.
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  private sign(documentId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${documentId}\n${expires}`).digest('base64url');
  }

  downloadUrl(doc: DocumentRef, request: { origin: string }): Promise<string> {
    const expires = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    const url = new URL(`/documents/${encodeURIComponent(doc.documentId)}/raw`, request.origin);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', this.sign(doc.documentId, expires));
    return Promise.resolve(url.toString());
  }

  verify(documentId: string, expires: string | undefined, signature: string | undefined): boolean {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
    if (Number(expires) < this.now().getTime() / 1000) return false;
    const expected = Buffer.from(this.sign(documentId, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
