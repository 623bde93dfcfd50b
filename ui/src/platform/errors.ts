import { ERROR_CODES, type ApiErrorCode } from './types';

/** The one error type every command rejects with. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }

  toJSON(): { code: ApiErrorCode; message: string } {
    return { code: this.code, message: this.message };
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
    const obj = raw as { code?: unknown; message?: unknown };
    const message = typeof obj.message === 'string' ? obj.message : '';
    if (isApiErrorCode(obj.code)) return new ApiError(obj.code, message);
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
