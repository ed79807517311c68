import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../store/types.js';

export class S3BlobStore implements BlobStore {
  constructor(private readonly s3: S3Client) {}

  async *read(bucket: string, key: string): AsyncIterable<Buffer> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) return;
    for await (const chunk of out.Body as Readable)
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
  }

  async write(bucket: string, key: string, body: string | Buffer, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}
