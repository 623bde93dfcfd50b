// The Settings screen's "USB sync" and "Course packs from the server"
// sections: the rules in lib/exchange.ts, and the panels mounted in a DOM
// with a fake transport (what they show, the calls they make).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import CataloguePanel from '../../src/components/CataloguePanel.svelte';
import UsbSyncPanel from '../../src/components/UsbSyncPanel.svelte';
import { hasMessage, setLocale } from '../../src/i18n/index.svelte';
import {
  ApiError,
  createHttpTransport,
  setTransport,
  type BundleFile,
  type BundleStick,
  type CatalogueItem,
  type DownloadStatus,
} from '../../src/platform';
import {
  catalogueProblem,
  catalogueRow,
  downloadFailure,
  downloadFraction,
  fileVerdict,
  pickEnrolStick,
  pickStick,
  sortFiles,
  STICK_POLL_MS,
  watchSticks,
} from '../../src/lib/exchange';

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
  setLocale('en');
  setTransport(createHttpTransport());
  vi.useRealTimers();
});

type Handler = (args: Record<string, unknown>) => unknown;

function fake(handlers: Record<string, Handler>) {
  const calls: Array<[string, Record<string, unknown>]> = [];
  setTransport({
    kind: 'http',
    contentBase: '/content/',
    hasToken: () => true,
    async call(command, args) {
      calls.push([command, args]);
      const handler = handlers[command];
      if (!handler) throw { code: 'not_found', message: `no ${command}` };
      return handler(args);
    },
  });
  return calls;
}

function render(component: typeof UsbSyncPanel | typeof CataloguePanel) {
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(component, { target });
  return target;
}

const settle = async () => {
  for (let i = 0; i < 6; i++) {
    await Promise.resolve();
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
    else await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
};
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

const file = (over: Partial<BundleFile> = {}): BundleFile => ({
  file: 'for-device.qbundle', size_bytes: 4_200, modified_at: '2026-11-25T10:00:00Z', created_at: '2026-11-25T09:59:00Z',
  kind: 'server_to_device', state: 'ready', code: null, message: null, ...over,
});
const stick = (root: string, files: BundleFile[] = [], enrolment_file = false): BundleStick => ({
  root,
  label: root.split('/').pop() ?? root,
  files,
  enrolment_file,
});
const item = (over: Partial<CatalogueItem> = {}): CatalogueItem => ({
  id: 'org.qalam.numeracy', version: '1.1.0', title: { text: 'Numbers every day', lang: 'en', dir: 'ltr' },
  languages: ['en', 'ar'], size_bytes: 3_148_037, installed_version: null, state: 'available', download: null, ...over,
});
const download = (over: Partial<DownloadStatus> = {}): DownloadStatus => ({
  id: 'org.qalam.numeracy', version: '1.1.0', state: 'running', bytes_done: 0, bytes_total: 3_148_037,
  resumed_from: 0, outcome: null, code: null, message: null, ...over,
});

describe('exchange rules', () => {
  it('keeps the chosen stick while it is plugged in, else takes the first', () => {
    const sticks = [stick('/media/A'), stick('/media/B')];
    expect(pickStick(sticks, '/media/B')).toBe('/media/B');
    expect(pickStick(sticks, '/media/GONE')).toBe('/media/A');
    expect(pickStick(sticks, null)).toBe('/media/A');
    expect(pickStick([], '/media/A')).toBeNull();
  });

  it('enrols from the chosen stick while it is plugged in, else the first holding an enrolment file', () => {
    const plain = stick('/media/a');
    const withFile = stick('/media/b', [], true);
    expect(pickEnrolStick([plain, withFile], null)).toBe('/media/b');
    expect(pickEnrolStick([plain, withFile], '/media/a')).toBe('/media/a');
    expect(pickEnrolStick([plain, withFile], '/media/gone')).toBe('/media/b');
    expect(pickEnrolStick([plain], null)).toBe('/media/a');
    expect(pickEnrolStick([], '/media/a')).toBeNull();
  });

  it('says what each sync file is, with a message for every refusal', () => {
    const verdicts = [
      fileVerdict(file()),
      fileVerdict(file({ state: 'outgoing', kind: 'device_to_server' })),
      ...(['bundle_tampered', 'bundle_other_org', 'bundle_other_device', 'bundle_unreadable', 'not_enrolled', 'io'] as const).map((code) =>
        fileVerdict(file({ state: 'refused', code })),
      ),
    ];
    expect(verdicts).toEqual([
      'usb-sync-file-ready', 'usb-sync-file-outgoing', 'usb-sync-refused-bundle_tampered', 'usb-sync-refused-bundle_other_org',
      'usb-sync-refused-bundle_other_device', 'usb-sync-refused-bundle_unreadable', 'usb-sync-refused-not_enrolled',
      'usb-sync-refused-other',
    ]);
    for (const id of verdicts) expect(hasMessage(id), id).toBe(true);
    // Files between laptops of one centre say so, and their refusals have words of their own.
    const peers = [
      fileVerdict(file({ kind: 'device_to_device' })),
      fileVerdict(file({ state: 'outgoing', kind: 'device_to_device', code: 'bundle_own' })),
      fileVerdict(file({ state: 'refused', kind: 'device_to_device', code: 'bundle_other_centre' })),
      fileVerdict(file({ state: 'refused', kind: 'device_to_device', code: 'not_certified' })),
    ];
    expect(peers).toEqual([
      'usb-sync-file-ready-peers', 'usb-sync-file-outgoing-peers', 'usb-sync-refused-bundle_other_centre',
      'usb-sync-refused-not_certified',
    ]);
    for (const locale of ['en', 'ar', 'fr', 'fa-AF'] as const) {
      setLocale(locale);
      for (const id of peers) expect(hasMessage(id), `${locale} ${id}`).toBe(true);
    }
    setLocale('en');
    const sorted = sortFiles([file({ file: 'x', state: 'refused' }), file({ file: 'o', state: 'outgoing' }), file({ file: 'r' })]);
    expect(sorted.map((f) => f.file)).toEqual(['r', 'o', 'x']);
  });

  it('decides each catalogue row from the pack and its download', () => {
    expect(catalogueRow(item(), null)).toBe('download');
    expect(catalogueRow(item({ state: 'update_available', installed_version: '1.0.0' }), null)).toBe('update');
    expect(catalogueRow(item({ state: 'installed' }), null)).toBe('installed');
    expect(catalogueRow(item(), download())).toBe('downloading');
    expect(catalogueRow(item(), download({ state: 'done' }))).toBe('installed');
    expect(catalogueRow(item(), download({ state: 'failed', code: 'interrupted' }))).toBe('download');
    expect(downloadFraction(download({ bytes_done: 1_574_018 }))).toBeCloseTo(0.5, 3);
    expect(downloadFraction(download({ bytes_total: 0 }))).toBeNull();
    expect(downloadFraction(null)).toBeNull();
    for (const code of ['interrupted', 'untrusted', 'invalid_pack', 'disk_full', 'not_found', 'server_unreachable', 'version_conflict', 'weird']) {
      const id = downloadFailure(download({ state: 'failed', code }));
      expect(hasMessage(id), id).toBe(true);
    }
    expect(downloadFailure(download({ state: 'failed', code: 'weird' }))).toBe('catalogue-failed-other');
    expect(catalogueProblem(new ApiError('not_enrolled', 'x'))).toBe('not-enrolled');
    expect(catalogueProblem(new ApiError('server_unreachable', 'x'))).toBe('offline');
    expect(catalogueProblem(new ApiError('unavailable', 'x'))).toBe('offline');
    expect(catalogueProblem(new ApiError('internal', 'x'))).toBeNull();
  });
});

describe('watching the sticks', () => {
  it('lists now and on every poll, says when the list changed, skips polls while paused, and stops', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    let sticks: BundleStick[] = [];
    const calls = fake({ bundle_list: () => sticks });
    const seen: Array<[number, boolean]> = [];
    let paused = false;
    const watch = watchSticks({
      key: (next) => JSON.stringify(next),
      paused: () => paused,
      onList: (next, changed) => seen.push([next.length, changed]),
      onError: () => {},
    });
    await settle();
    await vi.advanceTimersByTimeAsync(STICK_POLL_MS);
    sticks = [{ root: '/media/a', label: 'A', files: [], enrolment_file: false }];
    await vi.advanceTimersByTimeAsync(STICK_POLL_MS);
    expect(seen).toEqual([[0, true], [0, false], [1, true]]);
    paused = true;
    await vi.advanceTimersByTimeAsync(STICK_POLL_MS);
    expect(calls.length).toBe(3);
    paused = false;
    watch.stop();
    await vi.advanceTimersByTimeAsync(3 * STICK_POLL_MS);
    expect(calls.length).toBe(3);
  });
});

describe('USB sync section', () => {
  it('says when no stick is plugged in', async () => {
    fake({ bundle_list: () => [] });
    const el = render(UsbSyncPanel);
    await settle();
    expect(text(el.querySelector('.usb-no-stick'))).toBe('No USB stick found. Plug one in: it shows up here by itself.');
    expect(el.querySelector('.usb-save')).toBeNull();
  });

  it('saves a sync file to the chosen stick and announces it', async () => {
    let files: BundleFile[] = [];
    const calls = fake({
      bundle_list: () => [stick('/media/usb/A'), stick('/media/usb/B', files)],
      bundle_export: ({ mount }) => {
        files = [file({ file: 'from-d-20261125-100000.qbundle', state: 'outgoing', kind: 'device_to_server' })];
        return { mount, file: 'from-d-20261125-100000.qbundle', device: 'd', events: 12, bytes: 2_400 };
      },
    });
    const el = render(UsbSyncPanel);
    await settle();
    const radios = [...el.querySelectorAll<HTMLInputElement>('input[name=usb-sync-stick]')];
    expect(radios.map((r) => r.checked)).toEqual([true, false]);
    expect(el.querySelector('.stick-choices legend')).not.toBeNull();
    radios[1]?.click();
    flushSync();
    (el.querySelector('.usb-save') as HTMLButtonElement).click();
    await settle();
    expect(calls.find(([c]) => c === 'bundle_export')?.[1]).toEqual({ mount: '/media/usb/B' });
    const live = el.querySelector('.usb-sync-result[aria-live=polite]');
    expect(text(live?.querySelector('.notice-title'))).toBe('Sync file saved with 12 records (2.4 kB).');
    expect(text(live)).toContain('from-d-20261125-100000.qbundle');
    // The new file is listed as one for the campus server, without "Load".
    const row = el.querySelector('.bundle-file[data-state=outgoing]');
    expect(text(row?.querySelector('.bundle-verdict'))).toBe('Made on this device. Take it to the campus server.');
    expect(row?.querySelector('.bundle-load')).toBeNull();
  });

  it('saves a file for the other laptops of the centre and says what to do with it', async () => {
    let files: BundleFile[] = [];
    let finish: (() => void) | null = null;
    const calls = fake({
      bundle_list: () => [stick('/media/usb/A', files)],
      bundle_export: ({ mount, for_laptops }) =>
        new Promise((resolve) => {
          finish = () => {
            const name = 'peers-d-20261125-100000.qbundle';
            files = [file({ file: name, state: 'outgoing', kind: 'device_to_device', code: 'bundle_own' })];
            resolve({ mount, file: name, device: 'd', kind: for_laptops ? 'device_to_device' : 'device_to_server', events: 340, bytes: 5_100 });
          };
        }),
    });
    const el = render(UsbSyncPanel);
    await settle();
    const forServer = el.querySelector('.usb-save') as HTMLButtonElement;
    const forLaptops = el.querySelector('.usb-save-peers') as HTMLButtonElement;
    expect(text(forLaptops)).toBe('Save a file for other laptops');
    expect(forLaptops.type).toBe('button');
    expect(text(document.getElementById(forLaptops.getAttribute('aria-describedby') ?? ''))).toContain('without the server');
    forLaptops.click();
    await settle();
    expect(calls.find(([c]) => c === 'bundle_export')?.[1]).toEqual({ mount: '/media/usb/A', for_laptops: true });
    // Busy: both buttons say so to a screen reader, and keep their focus.
    expect(forLaptops.getAttribute('aria-disabled')).toBe('true');
    expect(forServer.getAttribute('aria-disabled')).toBe('true');
    expect(text(forLaptops)).toBe('Saving the file for other laptops…');
    expect(el.querySelector('.usb-sync-result progress')?.getAttribute('aria-label')).toBe('Saving the file for other laptops…');
    forServer.click();
    await settle();
    expect(calls.filter(([c]) => c === 'bundle_export')).toHaveLength(1);
    (finish as unknown as () => void)();
    await settle();
    expect(forLaptops.getAttribute('aria-disabled')).toBe('false');
    const live = el.querySelector('.usb-sync-result[aria-live=polite]');
    expect(text(live?.querySelector('.notice-title'))).toBe('File for other laptops saved with 340 records (5.1 kB).');
    expect(text(live)).toContain('Plug the stick into another laptop of this centre. There, open Settings and press “Load” beside this file.');
    expect(text(live)).toContain('peers-d-20261125-100000.qbundle');
    const row = el.querySelector('.bundle-file[data-state=outgoing]');
    expect(text(row?.querySelector('.bundle-verdict'))).toBe('Made on this laptop for the other laptops of this centre. Load it on one of them.');
    expect(row?.querySelector('.bundle-load')).toBeNull();
  });

  it('tells a facilitator to sync once before a laptop can write for the others', async () => {
    fake({
      bundle_list: () => [stick('/media/usb/A')],
      bundle_export: () => {
        throw { code: 'not_certified', message: 'the campus server has not vouched for this laptop yet' };
      },
    });
    const el = render(UsbSyncPanel);
    await settle();
    (el.querySelector('.usb-save-peers') as HTMLButtonElement).click();
    await settle();
    expect(text(el.querySelector('[role=alert] .notice-title'))).toBe(
      'This laptop must first sync once with the campus server: over the network, or one round with a USB stick (save its sync file, import it on the server, then load the server’s file here). Then try again.',
    );
    expect(text(el.querySelector('[role=alert] .error-detail'))).toContain('has not vouched');
    expect(el.querySelector('.usb-saved')).toBeNull();
    expect(el.querySelector('.usb-save-peers')?.getAttribute('aria-disabled')).toBe('false');
  });

  it('lists files from other laptops in Dari: one to load, one from another centre refused', async () => {
    setLocale('fa-AF');
    const calls = fake({
      bundle_list: () => [
        stick('/media/usb/A', [
          file({ file: 'peers-x.qbundle', state: 'refused', kind: 'device_to_device', code: 'bundle_other_centre', message: 'this sync file was written at centre c' }),
          file({ file: 'peers-y.qbundle', kind: 'device_to_device' }),
        ]),
      ],
      bundle_import: ({ file: name }) => ({ file: name, events: 90, new: 30, duplicates: 60 }),
    });
    const el = render(UsbSyncPanel);
    await settle();
    const rows = [...el.querySelectorAll('.bundle-file')];
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['ready', 'refused']);
    expect(text(rows[0]?.querySelector('.bundle-verdict'))).toBe('از لپ‌تاپ دیگری از این مرکز. آمادهٔ بار کردن.');
    expect(text(rows[1]?.querySelector('.bundle-verdict'))).toBe(
      'این فایل از لپ‌تاپی در مرکز دیگری است. لپ‌تاپ‌ها فقط در داخل مرکز خودشان فایل رد و بدل می‌کنند.',
    );
    expect(rows[1]?.querySelector('.bundle-load')).toBeNull();
    (rows[0]?.querySelector('.bundle-load') as HTMLButtonElement).click();
    await settle();
    expect(calls.find(([c]) => c === 'bundle_import')?.[1]).toEqual({ mount: '/media/usb/A', file: 'peers-y.qbundle' });
    expect(el.querySelector('.usb-load-result .usb-loaded')).not.toBeNull();
  });

  it('loads a file for this device and explains a refused one in Arabic', async () => {
    setLocale('ar');
    const calls = fake({
      bundle_list: () => [
        stick('/media/usb/A', [
          file({ file: 'changed.qbundle', state: 'refused', code: 'bundle_tampered', message: 'the bundle’s checksum does not match' }),
          file({ file: 'for-me.qbundle' }),
        ]),
      ],
      bundle_import: ({ file: name }) => {
        if (name === 'for-me.qbundle') return { file: name, events: 40, new: 25, duplicates: 15 };
        throw { code: 'bundle_tampered', message: 'changed' };
      },
    });
    const el = render(UsbSyncPanel);
    await settle();
    const rows = [...el.querySelectorAll('.bundle-file')];
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['ready', 'refused']);
    expect(text(rows[1]?.querySelector('.bundle-verdict'))).toBe('تغيّر هذا الملف أو تلف بعد كتابته. لا يمكن تحميله: اكتبه مرة أخرى.');
    expect(rows[1]?.querySelector('.bundle-load')).toBeNull();
    const load = rows[0]?.querySelector('.bundle-load') as HTMLButtonElement;
    expect(load.getAttribute('aria-label')).toContain('for-me.qbundle');
    expect(load.getAttribute('aria-describedby')).toBe('usb-verdict-for-me.qbundle');
    load.click();
    await settle();
    expect(calls.find(([c]) => c === 'bundle_import')?.[1]).toEqual({ mount: '/media/usb/A', file: 'for-me.qbundle' });
    // Arabic-Indic digits, and the Arabic plural.
    expect(text(el.querySelector('.usb-load-result .usb-loaded'))).toBe('حُمّل ٢٥ سجلًّا جديدًا (١٥ موجودة من قبل).');
  });

  it('shows a refusal of the device in plain words', async () => {
    fake({
      bundle_list: () => [stick('/media/usb/A', [file()])],
      bundle_import: () => {
        throw { code: 'bundle_other_device', message: 'this sync file was written for device ab, not for this device cd' };
      },
    });
    const el = render(UsbSyncPanel);
    await settle();
    (el.querySelector('.bundle-load') as HTMLButtonElement).click();
    await settle();
    expect(text(el.querySelector('[role=alert] .notice-title'))).toBe('This sync file is for another device. Nothing was loaded.');
    expect(text(el.querySelector('[role=alert] .error-detail'))).toContain('written for device ab');
  });
});

describe('Course packs section', () => {
  it('asks to enrol first on a device without a campus server', async () => {
    const calls = fake({ sync_status: () => ({ enrolled: false }) });
    const el = render(CataloguePanel);
    await settle();
    expect(text(el.querySelector('.catalogue-not-enrolled'))).toContain('This device is not connected to a campus server yet.');
    expect(el.querySelector('[role=alert]')).toBeNull();
    // Nothing is asked of a server the device does not have.
    expect(calls.map(([c]) => c)).toEqual(['sync_status']);
  });

  it('says when the server cannot be reached, and asks again on request', async () => {
    let reachable = false;
    const calls = fake({
      sync_status: () => ({ enrolled: true }),
      catalogue_list: () => {
        if (!reachable) throw { code: 'server_unreachable', message: 'could not reach the server at http://10.0.0.5:7878' };
        return { server: 'http://10.0.0.5:7878', packs: [] };
      },
    });
    const el = render(CataloguePanel);
    await settle();
    expect(text(el.querySelector('.catalogue-offline .notice-title'))).toBe('The campus server cannot be reached now. Check the network, then try again.');
    reachable = true;
    (el.querySelector('.catalogue-offline button') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter(([c]) => c === 'catalogue_list')).toHaveLength(2);
    expect(text(el.querySelector('.catalogue-empty'))).toBe('The campus server offers no course packs yet.');
  });

  it('lists packs with sizes and states, downloads one with progress, then shows it installed', async () => {
    setLocale('ar');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let statuses: DownloadStatus[] = [];
    let installed = false;
    const calls = fake({
      sync_status: () => ({ enrolled: true }),
      catalogue_list: () => ({
        server: 'http://10.0.0.5:7878',
        packs: [
          item({ title: { text: 'الأرقام كل يوم', lang: 'ar', dir: 'rtl' }, ...(installed ? { state: 'installed', installed_version: '1.1.0' } : {}) }),
          item({ id: 'org.qalam.reading', version: '2.0.0', title: { text: 'القراءة', lang: 'ar', dir: 'rtl' }, state: 'update_available', installed_version: '1.0.0', size_bytes: 512_000 }),
          item({ id: 'org.qalam.science', title: { text: 'العلوم', lang: 'ar', dir: 'rtl' }, state: 'installed', installed_version: '1.1.0' }),
        ],
      }),
      pack_fetch: ({ id, version }) => {
        statuses = [download({ id: id as string, version: version as string, bytes_done: 0 })];
        return statuses[0];
      },
      pack_fetch_status: () => statuses,
    });
    const el = render(CataloguePanel);
    await settle();
    const rows = [...el.querySelectorAll('.catalogue-item')];
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['download', 'update', 'installed']);
    expect(text(rows[0]?.querySelector('.catalogue-size'))).toBe('٣٫١ م.ب');
    expect(rows[0]?.querySelector('bdi')?.getAttribute('dir')).toBe('rtl');
    expect(text(rows[1]?.querySelector('.catalogue-state'))).toContain('1.0.0');
    expect(rows[2]?.querySelector('.catalogue-download')).toBeNull();
    expect(text(rows[2]?.querySelector('.catalogue-state'))).toBe('مثبّتة');

    (rows[0]?.querySelector('.catalogue-download') as HTMLButtonElement).click();
    await settle();
    expect(calls.find(([c]) => c === 'pack_fetch')?.[1]).toEqual({ id: 'org.qalam.numeracy', version: '1.1.0' });
    // Half way: the bar and the live text follow the device.
    statuses = [download({ bytes_done: 1_574_018 })];
    await vi.advanceTimersByTimeAsync(600);
    await settle();
    const live = el.querySelector('.catalogue-item[data-state=downloading] .catalogue-progress[aria-live=polite]');
    expect((live?.querySelector('progress') as HTMLProgressElement).value).toBeCloseTo(0.5, 2);
    expect(text(live?.querySelector('.catalogue-bytes'))).toContain('١٫٦ م.ب من ٣٫١ م.ب');
    // Other downloads wait for this one.
    expect(el.querySelector('.catalogue-item[data-state=update] .catalogue-download')?.getAttribute('aria-disabled')).toBe('true');

    statuses = [download({ state: 'done', bytes_done: 3_148_037, outcome: 'installed' })];
    installed = true;
    await vi.advanceTimersByTimeAsync(600);
    await settle();
    expect(calls.filter(([c]) => c === 'catalogue_list')).toHaveLength(2);
    const first = el.querySelector('.catalogue-item');
    expect(first?.getAttribute('data-state')).toBe('installed');
    expect(text(first?.querySelector('.catalogue-done'))).toBe('نُزّلت وثُبّتت.');
  });

  it('explains a download that was cut off, and resumes it on request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let statuses: DownloadStatus[] = [download({ state: 'failed', code: 'interrupted', bytes_done: 1_000_000, message: 'the download was cut after 1000000 bytes' })];
    const calls = fake({
      sync_status: () => ({ enrolled: true }),
      catalogue_list: () => ({ server: 'http://s', packs: [item({ download: statuses[0] ?? null })] }),
      pack_fetch: () => {
        statuses = [download({ bytes_done: 1_000_000, resumed_from: 1_000_000 })];
        return statuses[0];
      },
      pack_fetch_status: () => statuses,
    });
    const el = render(CataloguePanel);
    await settle();
    expect(text(el.querySelector('.catalogue-failed .notice-title'))).toBe('The download was cut off. Press Download again: it continues where it stopped.');
    (el.querySelector('.catalogue-download') as HTMLButtonElement).click();
    await settle();
    expect(calls.filter(([c]) => c === 'pack_fetch')).toHaveLength(1);
    expect(text(el.querySelector('.catalogue-bytes'))).toContain('1 MB of 3.1 MB');
  });
});
