import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DocumentLinks, DocumentRef } from '../review/ports.js';

/** Presigned S3 GETs for the original documents: short-lived, downloaded under the original file name. */
export class PresignedDocumentLinks implements DocumentLinks {
  constructor(
    private readonly s3: S3Client,
    private readonly expiresInSeconds = 300,
  ) {}

  downloadUrl(doc: DocumentRef): Promise<string> {
    // Only safe characters go into the header the URL makes S3 send back.
    const name = doc.fileName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 150) || 'document';
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: doc.bucket,
        Key: doc.key,
        ResponseContentDisposition: `attachment; filename="${name}"`,
      }),
      { expiresIn: this.expiresInSeconds },
    );
  }
}
