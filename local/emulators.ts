import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { buildApp } from 'fauxqs';

/**
 * The emulators, in this process, on 127.0.0.1 only: fauxqs (S3 + SQS on one port) and
 * dynalite (DynamoDB). fauxqs's startFauxqs() binds 0.0.0.0, so its Fastify app is built and
 * bound here instead; the same app gets a hook that reports created objects, because fauxqs
 * does not deliver bucket notifications itself.
 */

export const HOST = '127.0.0.1';

export interface ObjectCreated {
  bucket: string;
  key: string;
  /** S3 event name without the "s3:" prefix, e.g. "ObjectCreated:Put". */
  eventName: 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';
  size: number;
  eTag: string;
  requestId: string;
}

export interface Fauxqs {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Sub-resource requests (PUT ?tagging, ?acl, …) do not create objects. */
const SUB_RESOURCES = ['tagging', 'acl', 'retention', 'legal-hold', 'uploadId', 'partNumber'];

export async function startFauxqs(options: {
  port?: number;
  region: string;
  /** Told about every object written (PUT, copy, completed multipart upload). */
  onObjectCreated?: (event: ObjectCreated) => void;
}): Promise<Fauxqs> {
  const app = buildApp({ logger: false, defaultRegion: options.region });

  // After a successful object write, look the object up (size, ETag) and report it.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 200 || !options.onObjectCreated) return;
    const route = request.routeOptions.url;
    if (route !== '/:bucket/*') return;
    const params = request.params as { bucket?: string; '*'?: string };
    const bucket = params.bucket;
    const key = params['*'];
    if (!bucket || !key) return;
    const query = (request.query ?? {}) as Record<string, unknown>;
    let eventName: ObjectCreated['eventName'];
    if (request.method === 'PUT') {
      if (SUB_RESOURCES.some((q) => q in query)) return;
      eventName = request.headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
    } else if (request.method === 'POST' && typeof query.uploadId === 'string') {
      eventName = 'ObjectCreated:CompleteMultipartUpload';
    } else return;
    const head = await app.inject({
      method: 'HEAD',
      url: `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
    });
    if (head.statusCode !== 200) return;
    options.onObjectCreated({
      bucket,
      key,
      eventName,
      size: Number(head.headers['content-length'] ?? 0),
      eTag: String(head.headers.etag ?? '').replace(/"/g, ''),
      requestId: String(reply.getHeader('x-amz-request-id') ?? request.id),
    });
  });

  // fauxqs names queues http://sqs.<region>.localhost:<port>/…, a host that does not resolve
  // everywhere, and the AWS SDK sends requests to a queue URL's own host. Clients see
  // http://127.0.0.1:<port>/… instead (the endpoint itself); fauxqs keeps its own form inside.
  let port = 0;
  const regionOf = (auth: string | undefined) =>
    /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(auth ?? '')?.[1] ?? options.region;
  app.addHook('preHandler', async (request) => {
    if (!String(request.headers['content-type'] ?? '').includes('x-amz-json-1.0')) return;
    const body = request.body as { QueueUrl?: unknown } | undefined;
    const prefix = `http://${HOST}:${port}/`;
    if (body && typeof body.QueueUrl === 'string' && body.QueueUrl.startsWith(prefix)) {
      body.QueueUrl = `http://sqs.${regionOf(request.headers.authorization)}.localhost:${port}/${body.QueueUrl.slice(prefix.length)}`;
    }
  });
  app.addHook('onSend', async (_request, _reply, payload) => {
    if (typeof payload !== 'string' || !payload.includes('.localhost:')) return payload;
    return payload.replace(/http:\/\/sqs\.[a-z0-9-]+\.localhost:(\d+)\//g, `http://${HOST}:$1/`);
  });

  const address = await app.listen({ host: HOST, port: options.port ?? 0 });
  port = Number(new URL(address).port);
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    close: async () => {
      await app.close();
    },
  };
}

export interface Dynalite {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

export async function startDynalite(options: { port?: number; path?: string }): Promise<Dynalite> {
  // dynalite is CommonJS without types.
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (o: DynaliteOptions) => Server;
  if (options.path) await mkdir(options.path, { recursive: true });
  // Tables become ACTIVE at once: there is nothing to wait for locally.
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
