import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/platform';
import { clockSkew, formatMinutes, healthPending, keepPolling, relativeSeconds, relativeTime, syncErrorCode, syncView } from '../../src/lib/sync';

const base: SyncStatus = {
  enrolled: true,
  server: 'http://10.0.0.5:7878',
  org: '0'.repeat(32),
  centre: '1'.repeat(32),
  last_attempt_at: null,
  last_sync_at: null,
  last_error: null,
  last_error_code: null,
  events_waiting: 3,
  bytes_sent: null,
  bytes_received: null,
  pushed: null,
  pulled: null,
  total_bytes_sent: 0,
  total_bytes_received: 0,
  skew_ms: null,
  syncing: false,
  worker_running: true,
  attempts: 0,
  next_attempt_in_s: 10,
};

const NOW = Date.parse('2026-11-25T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

describe('sync status for people', () => {
  it('leads with the right state', () => {
    expect(syncView({ ...base, enrolled: false })).toBe('not-enrolled');
    expect(syncView(base)).toBe('never');
    expect(syncView({ ...base, syncing: true, last_error: 'x' })).toBe('syncing');
    expect(syncView({ ...base, last_sync_at: ago(60), last_error: 'could not reach' })).toBe('failed');
    expect(syncView({ ...base, last_sync_at: ago(60) })).toBe('synced');
  });

  it('explains known failures and treats the rest as an unfinished sync', () => {
    expect(syncErrorCode({ ...base, last_error: 'x', last_error_code: 'server_unreachable' })).toBe('server_unreachable');
    expect(syncErrorCode({ ...base, last_error: 'x', last_error_code: null })).toBe('sync_failed');
    expect(syncErrorCode({ ...base, last_error: 'x', last_error_code: 'teapot' as never })).toBe('sync_failed');
  });

  it('polls only while an attempt runs and a worker can make it', () => {
    expect(keepPolling({ ...base, syncing: true })).toBe(true);
    expect(keepPolling(base)).toBe(false);
    expect(keepPolling({ ...base, syncing: true, worker_running: false })).toBe(false);
    expect(keepPolling({ ...base, enrolled: false, syncing: true })).toBe(false);
    expect(healthPending({ state: 'checking', problems: [], took_ms: null, backups: 0 })).toBe(true);
    expect(healthPending({ state: 'ok', problems: [], took_ms: 12, backups: 1 })).toBe(false);
  });

  it('tells times relative to now in the UI language', () => {
    expect(relativeTime(ago(5), NOW, 'en')).toBe('now');
    expect(relativeTime(ago(3 * 60), NOW, 'en')).toBe('3 minutes ago');
    expect(relativeTime(ago(2 * 3600), NOW, 'en')).toBe('2 hours ago');
    expect(relativeTime(ago(26 * 3600), NOW, 'en')).toBe('yesterday');
    expect(relativeTime(ago(3 * 86400), NOW, 'fr')).toBe('il y a 3 jours');
    expect(relativeTime(ago(90 * 86400), NOW, 'en')).toBe('3 months ago');
    // Arabic with Arabic-Indic digits, as the UI asks for them.
    const ar = relativeTime(ago(5 * 60), NOW, 'ar-u-nu-arab') ?? '';
    expect(ar).toContain('٥');
    expect(ar).not.toMatch(/[0-9]/);
    expect(relativeTime(null, NOW, 'en')).toBeNull();
    expect(relativeTime('not a time', NOW, 'en')).toBeNull();
    expect(relativeSeconds(120, 'en')).toBe('in 2 minutes');
  });

  it('mentions a clock difference only when it matters', () => {
    expect(clockSkew(null)).toBeNull();
    expect(clockSkew(30_000)).toBeNull();
    expect(clockSkew(-119_000)).toBeNull();
    expect(clockSkew(5 * 60_000)).toEqual({ minutes: 5, ahead: true });
    expect(clockSkew(-90 * 60_000)).toEqual({ minutes: 90, ahead: false });
    expect(formatMinutes(5, 'en')).toBe('5 minutes');
    expect(formatMinutes(1, 'en')).toBe('1 minute');
  });
});
