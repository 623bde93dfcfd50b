// The Settings screen's Sync and Database sections, mounted in a DOM with a
// fake transport: what they show, and the calls they make.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import DatabasePanel from '../../src/components/DatabasePanel.svelte';
import SyncPanel from '../../src/components/SyncPanel.svelte';
import { setLocale } from '../../src/i18n/index.svelte';
import { createHttpTransport, setTransport, type BundleStick, type DatabaseHealth, type SyncStatus } from '../../src/platform';

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

/** A transport answering from `handlers`; throws `{code, message}` objects as errors. */
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

function render(component: typeof SyncPanel | typeof DatabasePanel) {
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(component, { target });
  return target;
}

const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
};
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();

const health = (state: DatabaseHealth['state'], problems: string[] = []): DatabaseHealth => ({ state, problems, took_ms: 1_500, backups: 2 });

describe('Database section', () => {
  it('says the database is healthy and offers no repair', async () => {
    fake({ database_health: () => health('ok') });
    const el = render(DatabasePanel);
    await settle();
    expect(el.querySelector('.db-state')?.getAttribute('data-state')).toBe('ok');
    expect(text(el.querySelector('.db-state'))).toBe('The database is healthy.');
    expect(el.querySelector('button.repair')).toBeNull();
    expect(text(el.querySelector('.facts'))).toContain('1.5 s');
  });

  it('repairs a damaged database only after a confirmation, and shows each step', async () => {
    let state: DatabaseHealth = health('damaged', ['*** in database main *** Page 7: btreeInitPage() returns error code 11']);
    const calls = fake({
      database_health: () => state,
      doctor_repair: () => {
        state = health('ok');
        return {
          repair: {
            steps: ['kept the damaged files in damaged/1', 'restored the backup of 09:00', 'salvaged 12 events'],
            damaged_copy: 'damaged/1', backup: 'b', events_kept: 10, events_salvaged: 12, events_dropped: 0,
            unreadable_stretches: 1, previous_device: 'a', device: 'a', new_device_id: false,
          },
          doctor: { problems: [], notes: [] },
        };
      },
    });
    const el = render(DatabasePanel);
    await settle();
    expect(text(el.querySelector('.db-state .notice-title'))).toBe('The database is damaged.');
    expect(text(el.querySelector('.db-problems'))).toContain('btreeInitPage');
    (el.querySelector('button.repair') as HTMLButtonElement).click();
    flushSync();
    expect(calls.map(([c]) => c)).not.toContain('doctor_repair');
    expect(el.querySelector('.confirm[role=group]')).not.toBeNull();
    (el.querySelector('.confirm-repair') as HTMLButtonElement).click();
    await settle();
    expect(calls.map(([c]) => c)).toContain('doctor_repair');
    expect([...el.querySelectorAll('.repair-steps li')].map(text)).toEqual([
      'kept the damaged files in damaged/1',
      'restored the backup of 09:00',
      'salvaged 12 events',
    ]);
    expect(text(el.querySelector('[aria-live] .notice-success'))).toBe('The database is repaired and checks out.');
    expect(el.querySelector('.db-state')?.getAttribute('data-state')).toBe('ok');
  });
});

const status = (over: Partial<SyncStatus> = {}): SyncStatus => ({
  enrolled: true, server: 'http://10.0.0.5:7878', org: 'a'.repeat(32), centre: 'b'.repeat(32),
  last_attempt_at: null, last_sync_at: null, last_error: null, last_error_code: null, events_waiting: 4,
  bytes_sent: null, bytes_received: null, pushed: null, pulled: null, total_bytes_sent: 0, total_bytes_received: 0,
  skew_ms: null, syncing: false, worker_running: true, attempts: 0, next_attempt_in_s: 30, ...over,
});

describe('Sync section', () => {
  it('offers enrolment on an unenrolled device and explains a refusal in the UI language', async () => {
    setLocale('ar');
    const calls = fake({
      sync_status: () => status({ enrolled: false, server: null, worker_running: false }),
      bundle_list: () => [],
      enrol_device: () => {
        throw { code: 'server_unreachable', message: 'could not reach the server at http://127.0.0.1:1' };
      },
    });
    const el = render(SyncPanel);
    await settle();
    expect(el.querySelector('.sync-now')).toBeNull();
    const server = el.querySelector<HTMLInputElement>('#sync-server');
    const code = el.querySelector<HTMLInputElement>('#sync-code');
    expect(server?.getAttribute('dir')).toBe('ltr');
    // Nothing typed: a hint, and no call.
    el.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    expect(text(el.querySelector('.notice-info'))).toBe('أدخل عنوان الخادم ورمز التسجيل.');
    server!.value = ' http://127.0.0.1:1 ';
    server!.dispatchEvent(new Event('input'));
    code!.value = 'ABC';
    code!.dispatchEvent(new Event('input'));
    el.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls.find(([c]) => c === 'enrol_device')?.[1]).toEqual({ server: 'http://127.0.0.1:1', code: 'ABC' });
    expect(text(el.querySelector('[role=alert] .notice-title'))).toBe(
      'تعذّر الوصول إلى خادم المركز. تحقّق من العنوان ومن الشبكة، ثم حاول مرة أخرى.',
    );
  });

  it('shows the last sync in plain words and follows "Sync now" to its end', async () => {
    const synced = new Date(Date.now() - 3 * 60_000).toISOString();
    let current = status({ last_sync_at: synced, last_attempt_at: synced, bytes_sent: 2_400, bytes_received: 1_200, pushed: 3, pulled: 1, attempts: 1 });
    const calls = fake({
      sync_status: () => current,
      sync_now: () => {
        current = { ...current, syncing: true };
        return current;
      },
    });
    const el = render(SyncPanel);
    await settle();
    expect(text(el.querySelector('.sync-state'))).toBe('The last sync worked.');
    expect(text(el.querySelector('.sync-last'))).toBe('3 minutes ago');
    expect(text(el.querySelector('.sync-waiting'))).toBe('4 records');
    expect(text(el.querySelector('.sync-facts'))).toContain('2.4 kB');
    vi.useFakeTimers();
    (el.querySelector('.sync-now') as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
    expect(calls.map(([c]) => c)).toContain('sync_now');
    expect(el.querySelector('.sync-panel progress')).not.toBeNull();
    expect(el.querySelector('.sync-now')?.getAttribute('aria-disabled')).toBe('true');
    // A second press while busy asks for nothing more.
    (el.querySelector('.sync-now') as HTMLButtonElement).click();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.filter(([c]) => c === 'sync_now')).toHaveLength(1);
    // The attempt ends: the next poll shows it.
    current = { ...current, syncing: false, attempts: 2, last_sync_at: new Date().toISOString(), events_waiting: 0 };
    await vi.advanceTimersByTimeAsync(1100);
    flushSync();
    expect(el.querySelector('.sync-panel progress')).toBeNull();
    expect(text(el.querySelector('.sync-state'))).toBe('The last sync worked.');
    expect(text(el.querySelector('.sync-last'))).toBe('now');
    expect(text(el.querySelector('.sync-waiting'))).toBe('Nothing');
  });

  it('explains a failed sync and keeps the device’s words under Details', async () => {
    fake({
      sync_status: () =>
        status({ last_attempt_at: new Date().toISOString(), last_error: 'could not reach the server at http://10.0.0.5:7878: timed out', last_error_code: 'server_unreachable' }),
    });
    const el = render(SyncPanel);
    await settle();
    expect(text(el.querySelector('.sync-state .notice-title'))).toBe('The last sync did not work.');
    expect(text(el.querySelector('.sync-error-reason'))).toBe('The campus server could not be reached. Qalam tries again by itself.');
    expect(text(el.querySelector('.sync-state details code'))).toContain('timed out');
  });

  const stickOf = (root: string, enrolment_file: boolean): BundleStick => ({ root, label: root.split('/').pop() ?? root, files: [], enrolment_file });

  it('enrols from the stick holding an enrolment file, then shows the enrolled state and asks to delete the file', async () => {
    let enrolled = false;
    const calls = fake({
      sync_status: () => (enrolled ? status({ syncing: true }) : status({ enrolled: false, server: null, worker_running: false })),
      bundle_list: () => [stickOf('/media/usb/PHOTOS', false), stickOf('/media/usb/QALAM', true)],
      enrol_from_stick: () => {
        enrolled = true;
        return { file: 'qalam-enrolment.json', centre_name: 'North', org: 'a'.repeat(32), centre: 'b'.repeat(32), server: 'http://10.0.0.5:7878', pending: true };
      },
    });
    const el = render(SyncPanel);
    await settle();
    // The stick with the file is chosen for the facilitator.
    const checked = el.querySelector<HTMLInputElement>('input[name=sync-stick]:checked');
    expect(checked?.value).toBe('/media/usb/QALAM');
    expect(text(el.querySelector('.stick-file'))).toBe('An enrolment file is on this stick.');
    el.querySelector<HTMLButtonElement>('.stick-enrol')?.click();
    await settle();
    // No server typed: none sent, the file's address is used.
    expect(calls.find(([c]) => c === 'enrol_from_stick')?.[1]).toEqual({ mount: '/media/usb/QALAM' });
    const outcome = el.querySelector('.stick-outcome');
    expect(outcome?.getAttribute('aria-live')).toBe('polite');
    expect(text(outcome?.querySelector('.notice-title'))).toBe('This device is now enrolled in North.');
    expect(text(outcome)).toContain('It syncs with http://10.0.0.5:7878. The first sync completes the enrolment.');
    expect(text(outcome?.querySelector('.stick-delete'))).toBe(
      'Now delete qalam-enrolment.json from the USB stick: it holds the enrolment code, and someone else could use it.',
    );
    // The enrolled state replaced the forms.
    expect(el.querySelector('.stick-enrol')).toBeNull();
    expect(el.querySelector('#sync-server')).toBeNull();
    expect(el.querySelector('.sync-now')).not.toBeNull();
  });

  it('explains a stick without an enrolment file in the UI language, and sends a typed server address', async () => {
    setLocale('ar');
    const calls = fake({
      sync_status: () => status({ enrolled: false, server: null, worker_running: false }),
      bundle_list: () => [stickOf('/media/usb/EMPTY', false)],
      enrol_from_stick: () => {
        throw { code: 'enrolment_file_missing', message: 'there is no enrolment file (qalam-enrolment.json) on the USB stick /media/usb/EMPTY' };
      },
    });
    const el = render(SyncPanel);
    await settle();
    expect(text(el.querySelector('.stick-file'))).toBe('لم يُعثَر على ملف تسجيل على هذا القرص.');
    const server = el.querySelector<HTMLInputElement>('#sync-stick-server');
    expect(server?.getAttribute('dir')).toBe('ltr');
    server!.value = ' http://10.0.0.9:7878 ';
    server!.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('.stick-enrol')?.click();
    await settle();
    expect(calls.find(([c]) => c === 'enrol_from_stick')?.[1]).toEqual({ mount: '/media/usb/EMPTY', server: 'http://10.0.0.9:7878' });
    expect(text(el.querySelector('.enrol-stick [role=alert] .notice-title'))).toBe(
      'لا يوجد ملف تسجيل على قرص USB هذا. اطلب من مسؤول خادم المركز أن يكتب واحدًا عليه.',
    );
    expect(el.querySelector('.stick-outcome .notice')).toBeNull();
  });

  it('says when no stick is plugged in, and an enrolment without a server offers no "Sync now"', async () => {
    fake({
      sync_status: () => status({ enrolled: false, server: null, worker_running: false }),
      bundle_list: () => [],
    });
    const el = render(SyncPanel);
    await settle();
    expect(text(el.querySelector('.enrol-stick .stick-none'))).toBe('No USB stick found. Plug one in: it shows up here by itself.');
    expect(el.querySelector('.stick-enrol')).toBeNull();
    unmount(mounted!);
    mounted = null;
    fake({ sync_status: () => status({ server: null, worker_running: false, next_attempt_in_s: null }) });
    const enrolled = render(SyncPanel);
    await settle();
    expect(enrolled.querySelector('.sync-now')).toBeNull();
    expect(text(enrolled.querySelector('.sync-no-server'))).toBe('This device has no server address. Carry its work on a USB stick (below).');
    expect(text(enrolled.querySelector('.sync-facts'))).toContain('Server None');
  });
});
