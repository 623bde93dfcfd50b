// The facilitator's USB sync and catalogue panels, decided here so the
// rules can be tested without a DOM: which stick is chosen, what a sync file
// or a catalogue entry says to people, and when a download is worth polling.
import { ApiError, api, type BundleFile, type BundleStick, type CatalogueItem, type DownloadStatus } from '../platform';

/** How often the panels look again: for sticks plugged in or out, and for a
 *  download's progress. */
export const STICK_POLL_MS = 4000;
export const DOWNLOAD_POLL_MS = 500;

/** Lists the detected sticks now and every STICK_POLL_MS while `paused()`
 *  is false, for a panel that shows them: `onList` gets each listing and
 *  whether it differs (by `key`) from the last one, so that an unchanged
 *  list need not re-render and radios keep focus between polls. Call
 *  `refresh` after an action that changes the sticks, and `stop` when the
 *  panel goes away (nothing is reported after it). */
export function watchSticks(opts: {
  key: (sticks: BundleStick[]) => string;
  paused: () => boolean;
  onList: (sticks: BundleStick[], changed: boolean) => void;
  onError: (err: unknown) => void;
}): { refresh: () => Promise<void>; stop: () => void } {
  let alive = true;
  let last = '';
  const refresh = async () => {
    try {
      const next = await api.bundleList();
      if (!alive) return;
      const key = opts.key(next);
      opts.onList(next, key !== last);
      last = key;
    } catch (err) {
      if (alive) opts.onError(err);
    }
  };
  void refresh();
  const timer = setInterval(() => {
    if (!opts.paused()) void refresh();
  }, STICK_POLL_MS);
  return {
    refresh,
    stop: () => {
      alive = false;
      clearInterval(timer);
    },
  };
}
/** How often an unenrolled device's catalogue section looks whether the
 *  device was enrolled meanwhile (a local, cheap question). */
export const ENROL_CHECK_MS = 5000;

/** The stick to show: the one chosen before while it is still plugged in,
 *  else the first detected, else none. */
export function pickStick(sticks: readonly BundleStick[], chosen: string | null): string | null {
  if (chosen && sticks.some((s) => s.root === chosen)) return chosen;
  return sticks[0]?.root ?? null;
}

/** The stick to enrol from: the one chosen before while it is still
 *  plugged in, else the first holding an enrolment file, else the first. */
export function pickEnrolStick(sticks: readonly BundleStick[], chosen: string | null): string | null {
  if (chosen && sticks.some((s) => s.root === chosen)) return chosen;
  return (sticks.find((s) => s.enrolment_file) ?? sticks[0])?.root ?? null;
}

const REFUSALS = [
  'bundle_tampered',
  'bundle_other_org',
  'bundle_other_device',
  'bundle_other_centre',
  'bundle_unreadable',
  'not_enrolled',
  'not_certified',
] as const;

/** The message id that says what a listed sync file is, or why it cannot
 *  be loaded here. A file between laptops of one centre says so: it comes
 *  from another laptop, or this one wrote it for the others. */
export function fileVerdict(file: BundleFile): string {
  const peers = file.kind === 'device_to_device' ? '-peers' : '';
  if (file.state === 'ready') return `usb-sync-file-ready${peers}`;
  if (file.state === 'outgoing') return `usb-sync-file-outgoing${peers}`;
  const code = REFUSALS.find((c) => c === file.code);
  return code ? `usb-sync-refused-${code}` : 'usb-sync-refused-other';
}

/** Sync files that can be loaded come first, then the rest, newest first
 *  within each (the device lists them newest first). */
export function sortFiles(files: readonly BundleFile[]): BundleFile[] {
  const rank = (f: BundleFile) => (f.state === 'ready' ? 0 : f.state === 'outgoing' ? 1 : 2);
  return files.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
}

/** What a catalogue row offers. */
export type CatalogueRow = 'download' | 'update' | 'installed' | 'downloading';

export function catalogueRow(item: CatalogueItem, download: DownloadStatus | null): CatalogueRow {
  if (download?.state === 'running') return 'downloading';
  if (item.state === 'installed' || (download?.state === 'done' && download.version === item.version)) return 'installed';
  return item.state === 'update_available' ? 'update' : 'download';
}

/** The share of a download on this device, 0–1, or null before its size is known. */
export function downloadFraction(download: DownloadStatus | null): number | null {
  if (!download || download.bytes_total <= 0) return null;
  return Math.min(1, Math.max(0, download.bytes_done / download.bytes_total));
}

const DOWNLOAD_FAILURES = [
  'interrupted',
  'untrusted',
  'invalid_pack',
  'disk_full',
  'not_found',
  'server_unreachable',
  'version_conflict',
] as const;

/** The message id explaining why a download did not finish. */
export function downloadFailure(download: DownloadStatus): string {
  const code = DOWNLOAD_FAILURES.find((c) => c === download.code);
  return code ? `catalogue-failed-${code}` : 'catalogue-failed-other';
}

/** Whether a catalogue error is one the panel explains itself (not
 *  enrolled; server or service out of reach) rather than an error box. */
export function catalogueProblem(error: unknown): 'not-enrolled' | 'offline' | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'not_enrolled') return 'not-enrolled';
  if (error.code === 'server_unreachable' || error.code === 'unavailable') return 'offline';
  return null;
}

/** Downloads by pack id, the newest answer winning. */
export function downloadsById(list: readonly DownloadStatus[]): Map<string, DownloadStatus> {
  return new Map(list.map((d) => [d.id, d]));
}
