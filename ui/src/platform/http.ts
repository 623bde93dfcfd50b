import { ApiError, toApiError } from './errors';
import type { Transport } from './transport';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  fetch?: FetchLike;
  /** default `/api/` */
  apiBase?: string;
  /** default `/content/` */
  contentBase?: string;
}

/**
 * Browser transport: a command is `POST /api/<name>` with the arguments as
 * the JSON body. 200 answers the result; 4xx/5xx answers `{ code, message }`.
 */
export function createHttpTransport(options: HttpOptions = {}): Transport {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const apiBase = options.apiBase ?? '/api/';
  const contentBase = options.contentBase ?? '/content/';

  async function call(command: string, args: Record<string, unknown>): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(apiBase + encodeURIComponent(command), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
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
      throw toApiError(body);
    }
    // Not a Qalam error body: a proxy, or the service is not there.
    const status = response.status;
    const code = status === 502 || status === 503 || status === 504 ? 'unavailable' : status === 404 ? 'not_found' : 'internal';
    const detail = text.trim().slice(0, 200);
    throw new ApiError(code, `${command}: HTTP ${status}${detail ? ` ${detail}` : ''}`);
  }

  return { kind: 'http', contentBase, call };
}
