import { authHeader } from './auth.js';
import type { ApiErrorBody, Decision, ItemDetail, QueueItem, QueueStats, ReviewStatus } from './types.js';

/** An API answer that was not 2xx, with the contract's error code when the server gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(x: unknown): x is ApiErrorBody {
  if (typeof x !== 'object' || x === null || !('error' in x)) return false;
  const e = (x as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

/** Same origin as the console: the local server and CloudFront both route `/review/*` to the API. */
async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeader() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the review API. Is the local stack running (npm start)?');
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page: fall through to the generic message.
  }
  if (!res.ok) {
    if (isErrorBody(json)) throw new ApiError(res.status, json.error.code, json.error.message);
    throw new ApiError(
      res.status,
      `HTTP_${res.status}`,
      `The API answered ${res.status} ${res.statusText}`.trim(),
    );
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  list(filters: {
    status?: ReviewStatus;
    category?: string;
    limit?: number;
  }): Promise<{ items: QueueItem[] }> {
    const q = new URLSearchParams();
    if (filters.status) q.set('status', filters.status);
    if (filters.category) q.set('category', filters.category);
    if (filters.limit) q.set('limit', String(filters.limit));
    const qs = q.toString();
    return call('GET', `/review/items${qs ? `?${qs}` : ''}`);
  },
  stats: (): Promise<QueueStats> => call('GET', '/review/stats'),
  get: (id: string): Promise<ItemDetail> => call('GET', `/review/items/${enc(id)}`),
  claim: (id: string): Promise<QueueItem> => call('POST', `/review/items/${enc(id)}/claim`),
  claimNext: (category?: string): Promise<QueueItem> =>
    call('POST', '/review/claim-next', category ? { category } : {}),
  decide: (id: string, decision: Decision, note: string): Promise<QueueItem> =>
    call('POST', `/review/items/${enc(id)}/decide`, { decision, note }),
  release: (id: string): Promise<QueueItem> => call('POST', `/review/items/${enc(id)}/release`),
  reassign: (id: string, to: string): Promise<QueueItem> =>
    call('POST', `/review/items/${enc(id)}/reassign`, { to }),
  reopen: (id: string, note: string): Promise<QueueItem> =>
    call('POST', `/review/items/${enc(id)}/reopen`, { note }),
};

/**
 * Fetches the original document. A same-origin API path needs the Authorization header, so it
 * is fetched here and handed over as a blob; a presigned URL (cloud) is opened as it is.
 */
export async function downloadDocument(url: string, fileName: string): Promise<void> {
  const target = new URL(url, window.location.href);
  if (target.origin !== window.location.origin) {
    window.open(target.href, '_blank', 'noopener');
    return;
  }
  let res: Response;
  try {
    res = await fetch(target.href, { headers: authHeader() });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the review API to download the document.');
  }
  if (!res.ok) {
    let code = `HTTP_${res.status}`;
    let message = `The document download failed (${res.status}).`;
    try {
      const body: unknown = await res.json();
      if (isErrorBody(body)) ({ code, message } = body.error);
    } catch {
      // not JSON: keep the generic message
    }
    throw new ApiError(res.status, code, message);
  }
  const blobUrl = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = blobUrl;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes away.
  window.setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
}
