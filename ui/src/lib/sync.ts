// Sync and database health for people: which state to show, times relative
// to now in the UI language, and when to stop polling. Pure, for tests.
import type { DatabaseHealth, SyncErrorCode, SyncStatus } from '../platform';

/** How often the Settings screen asks again while something runs. */
export const POLL_MS = 1000;

export type SyncView = 'not-enrolled' | 'syncing' | 'failed' | 'synced' | 'never';

/** What the sync section leads with. */
export function syncView(status: SyncStatus): SyncView {
  if (!status.enrolled) return 'not-enrolled';
  if (status.syncing) return 'syncing';
  if (status.last_error) return 'failed';
  return status.last_sync_at ? 'synced' : 'never';
}

const ERROR_CODES: readonly SyncErrorCode[] = [
  'server_unreachable',
  'server_refused',
  'server_version',
  'sync_failed',
  'not_enrolled',
  'internal',
];

/** The code of a failed attempt, for its translated explanation; an unknown
 *  or missing one reads as a sync that did not finish. */
export function syncErrorCode(status: SyncStatus): SyncErrorCode {
  const code = status.last_error_code;
  return code && ERROR_CODES.includes(code) ? code : 'sync_failed';
}

/** Whether to ask for the status again soon: an attempt is running (or was
 *  asked for) and a worker is there to make it. */
export function keepPolling(status: SyncStatus): boolean {
  return status.enrolled && status.syncing && status.worker_running;
}

/** Whether the database check has not given its verdict yet. */
export function healthPending(health: DatabaseHealth): boolean {
  return health.state === 'checking';
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/**
 * `iso` relative to `now` in the language `tag` ("3 minutes ago", "in 2
 * hours", "now"), or null when `iso` is not a time. Under 45 seconds is
 * "now": a sync a few seconds old is simply current.
 */
export function relativeTime(iso: string | null | undefined, now: number, tag: string): string | null {
  if (!iso) return null;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return null;
  return relativeSeconds((then - now) / 1000, tag);
}

/** `seconds` from now (negative: in the past) as relative words. */
export function relativeSeconds(seconds: number, tag: string): string {
  const format = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  if (!Number.isFinite(seconds) || Math.abs(seconds) < 45) return format.format(0, 'second');
  let value = seconds;
  for (const [unit, size] of UNITS) {
    if (Math.abs(value) < size || unit === 'year') return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}

/** A clock difference worth telling the facilitator about (over 2 minutes):
 *  whole minutes, and whether this device is ahead or behind. */
export function clockSkew(skewMs: number | null): { minutes: number; ahead: boolean } | null {
  if (skewMs === null || !Number.isFinite(skewMs) || Math.abs(skewMs) < 120_000) return null;
  return { minutes: Math.round(Math.abs(skewMs) / 60_000), ahead: skewMs > 0 };
}

/** A number of minutes as words in the language `tag` ("5 minutes", "٥ دقائق"). */
export function formatMinutes(minutes: number, tag: string): string {
  try {
    return new Intl.NumberFormat(tag, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(minutes);
  } catch {
    return new Intl.NumberFormat(tag).format(minutes);
  }
}
