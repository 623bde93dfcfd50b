import { ERROR_CODES, type ApiErrorCode } from './types';

/** The one error type every command rejects with. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** `slow_down` only: seconds to wait before the next attempt */
  readonly retryAfterS: number | null;

  constructor(code: ApiErrorCode, message: string, retryAfterS: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.retryAfterS = retryAfterS;
  }

  toJSON(): { code: ApiErrorCode; message: string; retry_after_s?: number } {
    return this.retryAfterS === null
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retry_after_s: this.retryAfterS };
  }
}

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Turn whatever a transport rejected with into an ApiError. The contract's
 * error body is `{ code, message }`; anything else is reported as `internal`
 * (an unknown code keeps its text in the message, so nothing is lost).
 */
export function toApiError(raw: unknown, fallback: ApiErrorCode = 'internal'): ApiError {
  if (raw instanceof ApiError) return raw;
  if (raw && typeof raw === 'object') {
    const obj = raw as { code?: unknown; message?: unknown; retry_after_s?: unknown };
    const message = typeof obj.message === 'string' ? obj.message : '';
    const retry =
      typeof obj.retry_after_s === 'number' && Number.isFinite(obj.retry_after_s) ? Math.max(0, obj.retry_after_s) : null;
    if (isApiErrorCode(obj.code)) return new ApiError(obj.code, message, retry);
    if (typeof obj.code === 'string') {
      return new ApiError(fallback, message ? `${obj.code}: ${message}` : obj.code);
    }
    if (raw instanceof Error) return new ApiError(fallback, raw.message);
    if (message) return new ApiError(fallback, message);
  }
  if (typeof raw === 'string') {
    // Some hosts hand back the JSON body as a string.
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object') return toApiError(parsed, fallback);
    } catch {
      /* not JSON: keep the text */
    }
    return new ApiError(fallback, raw);
  }
  return new ApiError(fallback, String(raw));
}
