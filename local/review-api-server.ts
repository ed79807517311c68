import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApiEvent } from '../functions/review-api/router.js';
import { devClaims } from '../shared/review/dev-users.js';

/**
 * The review API on 127.0.0.1, as API Gateway would call it: every request under /review/* and
 * /documents/* becomes an HTTP API payload-v2 event, with the development identity
 * (`Authorization: Bearer dev:<name>`) resolved into `requestContext.authorizer.jwt.claims`
 * exactly as the cloud JWT authorizer shapes a Cognito ID token's claims; the function answer
 * is written back. Everything else is the static web console.
 */

export type ReviewInvoke = (event: ApiEvent) => Promise<APIGatewayProxyStructuredResultV2 | string>;
export type LambdaHandler = (
  event: ApiEvent,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | string>;

export interface ReviewApiServerOptions {
  /** Calls the function with an event (e.g. the local stack's runner of the synthesized function). */
  invoke?: ReviewInvoke;
  /** Or a handler to call in-process; default: functions/review-api/handler.ts imported in-process. */
  handler?: LambdaHandler;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The console's files; default web/dist (built by web/build.ts), else web/. */
  webRoot?: string;
  /** Told one line per API request. */
  log?: (line: string) => void;
}

export interface ReviewApiServer {
  /** Base URL, e.g. http://127.0.0.1:4010 (API under /review, console at /). */
  url: string;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;
const API_PREFIXES = ['/review/', '/documents/'];
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function defaultWebRoot(): string {
  const web = fileURLToPath(new URL('../web/', import.meta.url));
  const dist = join(web, 'dist');
  return existsSync(join(dist, 'index.html')) ? dist : web;
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new TooLarge();
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

/** API Gateway's clock format: 12/Mar/2020:19:03:58 +0000. */
function gatewayTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * Resolves the local development identity. Undefined: no Authorization header. Null: a header
 * the cloud authorizer would reject (not a known development user).
 */
function claimsOf(header: string | undefined): Record<string, string> | undefined | null {
  if (!header) return undefined;
  const match = /^Bearer\s+dev:([A-Za-z0-9._-]{1,64})$/i.exec(header.trim());
  if (!match?.[1]) return null;
  return devClaims(match[1]) ?? null;
}

/** Builds the payload-v2 event API Gateway would send for this request. */
export function toApiEvent(
  req: IncomingMessage,
  body: Buffer,
  claims: Record<string, string> | undefined,
  host: string,
): ApiEvent {
  const url = new URL(req.url ?? '/', `http://${host}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] = 'http';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v; // API Gateway joins repeats with commas
  const now = new Date();
  const isDocuments = url.pathname.startsWith('/documents/');
  const routeKey = isDocuments ? 'GET /documents/{proxy+}' : 'ANY /review/{proxy+}';
  const proxy = url.pathname.replace(isDocuments ? /^\/documents\// : /^\/review\//, '');
  const contentType = headers['content-type'] ?? '';
  const textual =
    body.length === 0 || /^(application\/json|text\/|application\/x-www-form-urlencoded)/i.test(contentType);
  const event = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    pathParameters: { proxy },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      // Like the cloud: an unauthenticated route carries no authorizer block at all.
      ...(claims
        ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } } }
        : {}),
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !textual,
  };
  return event as ApiEvent;
}

function lambdaContext(requestId: string): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'review-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:review-api',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/review-api',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, 29_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2 | string): void {
  // A bare string/object answer means 200 JSON in payload v2.
  if (typeof result === 'string' || result.statusCode === undefined) {
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(text);
    return;
  }
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  headers['content-length'] = body.length;
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

async function serveStatic(
  root: string,
  pathname: string,
  method: string,
  res: ServerResponse,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD')
    return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not supported here`);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return sendError(res, 400, 'INVALID_REQUEST', 'malformed path');
  }
  if (rel.includes('\0')) return sendError(res, 400, 'INVALID_REQUEST', 'malformed path');
  let file = resolve(root, `.${rel}`);
  // Never serve outside the web root.
  if (file !== root && !file.startsWith(root + sep)) return sendError(res, 404, 'NOT_FOUND', 'not found');
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const content = await readFile(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': content.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(method === 'HEAD' ? undefined : content);
  } catch {
    sendError(
      res,
      404,
      'NOT_FOUND',
      pathname === '/'
        ? `the web console is not built (no index.html in ${root}): run \`npx tsx web/build.ts\``
        : 'not found',
    );
  }
}

/**
 * Starts the local review API and console server. Without `invoke` or `handler` it imports the
 * review function module in-process (its environment — TABLE_NAME, AWS_ENDPOINT_URL_* — must be
 * set in process.env before the first request).
 */
export async function startReviewApi(options: ReviewApiServerOptions = {}): Promise<ReviewApiServer> {
  const webRoot = resolve(options.webRoot ?? defaultWebRoot());
  let invoke: ReviewInvoke | undefined = options.invoke;
  if (!invoke && options.handler) {
    const handler = options.handler;
    invoke = (event) => handler(event, lambdaContext(event.requestContext.requestId));
  }
  const getInvoke = async (): Promise<ReviewInvoke> => {
    if (!invoke) {
      const { handler } = (await import('../functions/review-api/handler.js')) as { handler: LambdaHandler };
      invoke = (event) => handler(event, lambdaContext(event.requestContext.requestId));
    }
    return invoke;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '127.0.0.1';
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      const method = (req.method ?? 'GET').toUpperCase();
      if (!API_PREFIXES.some((p) => pathname.startsWith(p)))
        return serveStatic(webRoot, pathname, method, res);
      const claims = claimsOf(req.headers.authorization);
      // The cloud JWT authorizer refuses a bad token before the function runs; so do we. Signed
      // document links need no header (like presigned URLs), so /documents/* may go through without one.
      if (claims === null)
        return sendError(
          res,
          401,
          'UNAUTHORIZED',
          'unknown development user: use Authorization: Bearer dev:<name>',
        );
      if (claims === undefined && !pathname.startsWith('/documents/'))
        return sendError(
          res,
          401,
          'UNAUTHORIZED',
          'sign in: send Authorization: Bearer dev:<name> (reviewer1, reviewer2, supervisor1, ops1, carrier1)',
        );
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof TooLarge)
          return sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'request body too large');
        throw error;
      }
      const event = toApiEvent(req, body, claims, host);
      const result = await (await getInvoke())(event);
      writeResult(res, result);
      options.log?.(
        `${method} ${pathname} ${typeof result === 'string' ? 200 : (result.statusCode ?? 200)} ${claims?.['cognito:username'] ?? '-'}`,
      );
    })().catch((error: unknown) => {
      options.log?.(`review API error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent)
        sendError(res, 502, 'INTERNAL', 'the review function failed; see the local stack log');
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
