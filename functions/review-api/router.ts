import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ReviewError } from '../../shared/review/errors.js';
import { identityFromClaims, type Claims } from '../../shared/review/identity.js';
import type { DocumentRef } from '../../shared/review/ports.js';
import type { ReviewService } from '../../shared/review/service.js';
import type { SignedLocalLinks } from '../../shared/review/signed-links.js';
import type { Identity } from '../../shared/review/types.js';

/** Request bodies are small JSON objects (a decision and a note); anything larger is refused. */
export const MAX_BODY_BYTES = 16 * 1024;
/** The local raw-document route reads the file into one response (Lambda-style); bounded. */
export const MAX_LOCAL_DOCUMENT_BYTES = 50 * 1024 * 1024;

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface ReviewApiDeps {
  service: ReviewService;
  /** Set locally: signed `/documents/{id}/raw` links, served from `readDocument`. */
  local?: { links: SignedLocalLinks; readDocument: (doc: DocumentRef) => AsyncIterable<Buffer> };
  onRequest?: (info: { method: string; path: string; user?: string; status: number; code?: string }) => void;
  onError?: (error: unknown) => void;
}

interface Request {
  identity: Identity | undefined;
  query: Record<string, string | undefined>;
  body: Record<string, unknown>;
  origin: string;
}

type Action = (req: Request, id: string) => Promise<ApiResult>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function errorResult(status: number, code: string, message: string): ApiResult {
  return json(status, { error: { code, message } });
}

function who(req: Request): Identity {
  if (!req.identity) throw new ReviewError('UNAUTHORIZED', 'sign in first: no identity on the request');
  return req.identity;
}

function parseBody(event: ApiEvent): Record<string, unknown> {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new ReviewError('PAYLOAD_TOO_LARGE', `request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ReviewError('INVALID_REQUEST', 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ReviewError('INVALID_REQUEST', 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** The public origin the caller used (for links back to this API). */
function originOf(event: ApiEvent): string {
  const host = event.headers?.host ?? event.requestContext.domainName;
  const proto = event.headers?.['x-forwarded-proto'] ?? 'https';
  return `${proto === 'http' ? 'http' : 'https'}://${host}`;
}

async function readAll(chunks: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > limit)
      throw new ReviewError(
        'PAYLOAD_TOO_LARGE',
        `the document is larger than ${limit} bytes; download it from S3`,
      );
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/**
 * One function serves every review route (they share the store, the grants and the warm
 * container); this small router maps method + path to a use case. It routes on the raw path,
 * so it works behind explicit routes, `ANY /review/{proxy+}` or `$default` alike.
 */
export function createReviewApi(deps: ReviewApiDeps): (event: ApiEvent) => Promise<ApiResult> {
  const s = deps.service;
  const routes: [string, RegExp, Action][] = [
    ['GET', /^\/review\/items$/, async (r) => json(200, await s.list(who(r), r.query))],
    ['GET', /^\/review\/stats$/, async (r) => json(200, await s.stats(who(r)))],
    ['POST', /^\/review\/claim-next$/, async (r) => json(200, await s.claimNext(who(r), r.body))],
    ['GET', /^\/review\/items\/([^/]+)$/, async (r, id) => json(200, await s.show(who(r), id, r))],
    ['POST', /^\/review\/items\/([^/]+)\/claim$/, async (r, id) => json(200, await s.claim(who(r), id))],
    [
      'POST',
      /^\/review\/items\/([^/]+)\/decide$/,
      async (r, id) => json(200, await s.decide(who(r), id, r.body)),
    ],
    [
      'POST',
      /^\/review\/items\/([^/]+)\/release$/,
      async (r, id) => json(200, await s.release(who(r), id, r.body)),
    ],
    [
      'POST',
      /^\/review\/items\/([^/]+)\/reassign$/,
      async (r, id) => json(200, await s.reassign(who(r), id, r.body)),
    ],
    [
      'POST',
      /^\/review\/items\/([^/]+)\/reopen$/,
      async (r, id) => json(200, await s.reopen(who(r), id, r.body)),
    ],
    ['GET', /^\/documents\/([^/]+)\/raw$/, (r, id) => rawDocument(r, id)],
  ];

  async function rawDocument(req: Request, documentId: string): Promise<ApiResult> {
    const local = deps.local;
    // A signed local link is its own credential (like a presigned URL): serve the bytes.
    if (local && local.links.verify(documentId, req.query.expires, req.query.signature)) {
      const doc = await s.document(documentId);
      const body = await readAll(local.readDocument(doc), MAX_LOCAL_DOCUMENT_BYTES);
      const name = doc.fileName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 150) || 'document';
      return {
        statusCode: 200,
        headers: {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'no-store',
        },
        body: body.toString('base64'),
        isBase64Encoded: true,
      };
    }
    if (!req.identity && (req.query.signature || req.query.expires))
      throw new ReviewError(
        'FORBIDDEN',
        'the download link is invalid or has expired; open the item again for a fresh one',
      );
    const { url } = await s.download(who(req), documentId, req);
    return { statusCode: 302, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
  }

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    // A named stage prefixes rawPath (/prod/review/...); the $default stage does not.
    const stage = event.requestContext.stage;
    let path =
      stage && stage !== '$default' && event.rawPath.startsWith(`/${stage}/`)
        ? event.rawPath.slice(stage.length + 1)
        : event.rawPath;
    if (path.length > 1) path = path.replace(/\/+$/, '');
    let identity: Identity | undefined;
    let result: ApiResult;
    try {
      identity = identityFromClaims(event.requestContext.authorizer?.jwt?.claims as Claims | undefined);
      const match = routes.find(([m, pattern]) => m === method && pattern.test(path));
      if (!match) {
        const known = routes.some(([, pattern]) => pattern.test(path));
        throw new ReviewError(
          'NOT_FOUND',
          known ? `${method} is not supported on ${path}` : `no route ${method} ${path}`,
        );
      }
      const [, pattern, action] = match;
      const rawId = pattern.exec(path)?.[1];
      let id = '';
      try {
        id = rawId ? decodeURIComponent(rawId) : '';
      } catch {
        throw new ReviewError('NOT_FOUND', 'malformed id in path');
      }
      const query: Record<string, string | undefined> = { ...(event.queryStringParameters ?? {}) };
      const body = method === 'POST' ? parseBody(event) : {};
      result = await action({ identity, query, body, origin: originOf(event) }, id);
    } catch (error) {
      if (error instanceof ReviewError) result = errorResult(error.status, error.code, error.message);
      else {
        deps.onError?.(error);
        result = errorResult(500, 'INTERNAL', 'internal error; the request id is in the logs');
      }
    }
    const code =
      result.statusCode && result.statusCode >= 400
        ? (JSON.parse(result.body ?? '{}') as { error?: { code?: string } }).error?.code
        : undefined;
    deps.onRequest?.({
      method,
      path,
      ...(identity ? { user: identity.username } : {}),
      status: result.statusCode ?? 200,
      ...(code ? { code } : {}),
    });
    return result;
  };
}
