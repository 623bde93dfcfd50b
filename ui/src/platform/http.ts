import { ApiError, toApiError } from './errors';
import type { Transport } from './transport';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  fetch?: FetchLike;
  /** default `/api/` */
  apiBase?: string;
  /** default `/content/` */
  contentBase?: string;
  /** Where the session token survives a reload; default `sessionStorage`
   *  when there is one. `null` keeps it in memory only. */
  storage?: TokenStorage | null;
}

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const TOKEN_STORAGE_KEY = 'qalam.session';

function defaultStorage(): TokenStorage | null {
  try {
    return (globalThis as { sessionStorage?: TokenStorage }).sessionStorage ?? null;
  } catch {
    return null; // storage disabled by the browser
  }
}

/**
 * Browser transport: a command is `POST /api/<name>` with the arguments as
 * the JSON body. 200 answers the result; 4xx/5xx answers `{ code, message }`.
 */
export function createHttpTransport(options: HttpOptions = {}): Transport {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const apiBase = options.apiBase ?? '/api/';
  const contentBase = options.contentBase ?? '/content/';
  const storage = options.storage === undefined ? defaultStorage() : options.storage;

  // The session token lives here (and in sessionStorage, so a reload keeps
  // it); it travels only in the Authorization header, never in a body.
  let token: string | null = null;
  try {
    token = storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    token = null;
  }

  function setToken(next: string | null): void {
    token = next;
    try {
      if (next) storage?.setItem(TOKEN_STORAGE_KEY, next);
      else storage?.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      /* storage full or disabled: memory still holds it */
    }
  }

  async function call(command: string, args: Record<string, unknown>): Promise<unknown> {
    const result = await send(command, args);
    if (command === 'sign_in' && result && typeof result === 'object') {
      const answer = result as { token?: unknown };
      if (typeof answer.token === 'string' && answer.token !== '') setToken(answer.token);
      // The token is the transport's business; the rest of the UI never sees it.
      const rest: Record<string, unknown> = { ...(result as Record<string, unknown>) };
      delete rest.token;
      return rest;
    }
    return result;
  }

  async function send(command: string, args: Record<string, unknown>): Promise<unknown> {
    try {
      return await request(command, args);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unauthenticated') setToken(null);
      throw err;
    } finally {
      if (command === 'sign_out') setToken(null);
    }
  }

  async function request(command: string, args: Record<string, unknown>): Promise<unknown> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(apiBase + encodeURIComponent(command), {
        method: 'POST',
        headers,
        body: JSON.stringify(args),
        cache: 'no-store',
        credentials: 'same-origin',
      });
    } catch (err) {
      throw new ApiError('unavailable', err instanceof Error ? err.message : String(err));
    }

    let text = '';
    try {
      text = await response.text();
    } catch (err) {
      throw new ApiError('unavailable', err instanceof Error ? err.message : String(err));
    }

    let body: unknown = undefined;
    let parsed = false;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }

    if (response.ok) {
      if (text.trim() === '') return {};
      if (!parsed) throw new ApiError('internal', `${command}: the answer is not JSON`);
      return body;
    }

    if (parsed && body && typeof body === 'object' && 'code' in body) {
      const err = toApiError(body);
      if (err.code === 'slow_down' && err.retryAfterS === null) {
        const header = Number(response.headers?.get?.('Retry-After'));
        if (Number.isFinite(header) && header >= 0) throw new ApiError('slow_down', err.message, header);
      }
      throw err;
    }
    // Not a Qalam error body: a proxy, or the service is not there.
    const status = response.status;
    const code = status === 502 || status === 503 || status === 504 ? 'unavailable' : status === 404 ? 'not_found' : 'internal';
    const detail = text.trim().slice(0, 200);
    throw new ApiError(code, `${command}: HTTP ${status}${detail ? ` ${detail}` : ''}`);
  }

  return { kind: 'http', contentBase, call, hasToken: () => token !== null };
}
