import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  api,
  call,
  contentUrl,
  createHttpTransport,
  createTauriTransport,
  detectTransport,
  setTransport,
  toApiError,
  transportKind,
} from '../../src/platform';

interface Recorded {
  url: string;
  init: RequestInit;
}

/** A fake fetch that records requests and answers from a queue. */
function fakeFetch(...answers: Array<Response | Error>) {
  const calls: Recorded[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error('no more fake answers');
    if (next instanceof Error) throw next;
    return next;
  });
  return { fn, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function useHttp(...answers: Array<Response | Error>) {
  const fake = fakeFetch(...answers);
  setTransport(createHttpTransport({ fetch: fake.fn }));
  return fake;
}

afterEach(() => {
  setTransport(createHttpTransport());
});

describe('HTTP transport', () => {
  it('POSTs the arguments as JSON to /api/<name> and returns the answer', async () => {
    const fake = useHttp(json([{ id: 'org.qalam.numeracy' }]));
    const result = await call<Array<{ id: string }>>('list_packs', { lang: 'ar' });
    expect(result).toEqual([{ id: 'org.qalam.numeracy' }]);
    expect(fake.calls).toHaveLength(1);
    const [{ url, init }] = fake.calls;
    expect(url).toBe('/api/list_packs');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ lang: 'ar' });
  });

  it('turns an error body into a typed ApiError', async () => {
    useHttp(json({ code: 'not_found', message: 'no pack org.x' }, 404));
    const err = await call('get_pack', { lang: 'en', id: 'org.x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not_found', message: 'no pack org.x' });
  });

  it('keeps every error code of the contract', async () => {
    for (const code of ['bad_request', 'not_found', 'pack_refused', 'untrusted', 'disk_full', 'io', 'internal']) {
      useHttp(json({ code, message: `m-${code}` }, code === 'internal' ? 500 : 400));
      await expect(call('app_info')).rejects.toMatchObject({ code, message: `m-${code}` });
    }
  });

  it('keeps the sync and enrolment error codes', async () => {
    for (const code of ['not_enrolled', 'already_enrolled', 'bad_address', 'enrol_code_refused', 'server_refused', 'server_version']) {
      useHttp(json({ code, message: `m-${code}` }, 422));
      await expect(api.enrolDevice('x', 'y')).rejects.toMatchObject({ code, message: `m-${code}` });
    }
    // A 502 with the device's own error body is the campus server's
    // failure, not a device that cannot be reached.
    for (const code of ['server_unreachable', 'sync_failed']) {
      useHttp(json({ code, message: 'could not reach the server' }, 502));
      await expect(api.enrolDevice('x', 'y')).rejects.toMatchObject({ code });
    }
  });

  it('maps an unknown code to internal without losing it', async () => {
    useHttp(json({ code: 'teapot', message: 'short and stout' }, 418));
    await expect(call('app_info')).rejects.toMatchObject({ code: 'internal', message: 'teapot: short and stout' });
  });

  it('reports a failed connection as unavailable', async () => {
    useHttp(new TypeError('Failed to fetch'));
    await expect(call('usb_scan')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('reports a non-JSON error page by status', async () => {
    useHttp(new Response('<html>Bad Gateway</html>', { status: 502 }));
    await expect(call('usb_scan')).rejects.toMatchObject({ code: 'unavailable' });
    useHttp(new Response('oops', { status: 500 }));
    await expect(call('usb_scan')).rejects.toMatchObject({ code: 'internal' });
  });

  it('rejects a 200 answer that is not JSON', async () => {
    useHttp(new Response('<html></html>', { status: 200 }));
    await expect(call('app_info')).rejects.toMatchObject({ code: 'internal' });
  });

  it('accepts an empty 200 body as {}', async () => {
    useHttp(new Response('', { status: 200 }));
    await expect(api.packRemove('org.x')).resolves.toEqual({});
  });

  it('serves content from /content/ with each segment encoded', () => {
    useHttp();
    expect(transportKind()).toBe('http');
    expect(contentUrl('org.qalam.numeracy/lessons/counting.en.html')).toBe(
      '/content/org.qalam.numeracy/lessons/counting.en.html',
    );
    expect(contentUrl('p1/دروس/a b#1?.html')).toBe(
      '/content/p1/%D8%AF%D8%B1%D9%88%D8%B3/a%20b%231%3F.html',
    );
  });
});

describe('typed wrappers send exactly the arguments of docs/API.md', () => {
  const cases: Array<[string, () => Promise<unknown>, Record<string, unknown>]> = [
    ['app_info', () => api.appInfo(), {}],
    ['list_packs', () => api.listPacks('fa-AF'), { lang: 'fa-AF' }],
    ['get_pack', () => api.getPack('ar', 'org.qalam.numeracy'), { lang: 'ar', id: 'org.qalam.numeracy' }],
    ['usb_scan', () => api.usbScan('ar'), { lang: 'ar' }],
    ['import_start', () => api.importStart(['/media/usb/a.qpack'], true), { paths: ['/media/usb/a.qpack'], allow_untrusted: true }],
    ['import_status', () => api.importStatus(7), { job: 7 }],
    ['pack_remove', () => api.packRemove('org.x'), { id: 'org.x' }],
    ['trust_list', () => api.trustList(), {}],
    ['trust_add', () => api.trustAdd('qalam-public-key ed25519 AAAA', 'Qalam Team'), { public_key: 'qalam-public-key ed25519 AAAA', name: 'Qalam Team' }],
    ['trust_add', () => api.trustAdd('qalam-public-key ed25519 AAAA', '  '), { public_key: 'qalam-public-key ed25519 AAAA' }],
    ['database_health', () => api.databaseHealth(), {}],
    ['doctor_repair', () => api.doctorRepair(), {}],
    ['sync_status', () => api.syncStatus(), {}],
    ['sync_now', () => api.syncNow(), {}],
    ['enrol_device', () => api.enrolDevice(' http://10.0.0.5:7878 ', ' K7Q-2MX '), { server: 'http://10.0.0.5:7878', code: 'K7Q-2MX' }],
    ['bundle_export', () => api.bundleExport('/media/usb/A'), { mount: '/media/usb/A' }],
    ['bundle_export', () => api.bundleExport('/media/usb/A', true), { mount: '/media/usb/A', for_laptops: true }],
  ];

  for (const [name, run, args] of cases) {
    it(`${name} ${JSON.stringify(args)}`, async () => {
      const fake = useHttp(json({ ok: true }));
      await run();
      expect(fake.calls[0]?.url).toBe(`/api/${name}`);
      expect(JSON.parse(fake.calls[0]?.init.body as string)).toEqual(args);
    });
  }

  it('import flow: start then status', async () => {
    const status = { job: 3, state: 'done', current: null, bytes_done: 10, bytes_total: 10, results: [] };
    useHttp(json({ job: 3 }), json(status));
    const { job } = await api.importStart(['a.qpack'], false);
    await expect(api.importStatus(job)).resolves.toEqual(status);
  });
});

describe('Tauri transport', () => {
  it('invokes the command with the same name and arguments', async () => {
    const invoke = vi.fn(async () => [{ key_id: 'ed25519:0011223344556677', name: null, added_at: '2026-01-01T00:00:00Z' }]);
    setTransport(createTauriTransport({ invoke }));
    expect(transportKind()).toBe('tauri');
    const keys = await api.trustList();
    expect(keys[0]?.key_id).toBe('ed25519:0011223344556677');
    await api.importStart(['x.qpack'], false);
    expect(invoke).toHaveBeenNthCalledWith(1, 'trust_list', {});
    expect(invoke).toHaveBeenNthCalledWith(2, 'import_start', { paths: ['x.qpack'], allow_untrusted: false });
  });

  it('turns rejected error objects and strings into ApiError', async () => {
    const invoke = vi
      .fn()
      .mockRejectedValueOnce({ code: 'untrusted', message: 'signed by ed25519:ab' })
      .mockRejectedValueOnce('{"code":"disk_full","message":"no space"}')
      .mockRejectedValueOnce('plain text failure');
    setTransport(createTauriTransport({ invoke }));
    await expect(api.usbScan('en')).rejects.toMatchObject({ name: 'ApiError', code: 'untrusted' });
    await expect(api.usbScan('en')).rejects.toMatchObject({ code: 'disk_full', message: 'no space' });
    await expect(api.usbScan('en')).rejects.toMatchObject({ code: 'internal', message: 'plain text failure' });
  });

  it('uses qalam-pack://localhost/ for content, http://qalam-pack.localhost/ on Windows', () => {
    setTransport(createTauriTransport({ invoke: vi.fn() }));
    expect(contentUrl('org.a/lessons/x.html')).toBe('qalam-pack://localhost/org.a/lessons/x.html');
    setTransport(createTauriTransport({ invoke: vi.fn(), windows: true }));
    expect(contentUrl('org.a/lessons/x.html')).toBe('http://qalam-pack.localhost/org.a/lessons/x.html');
  });
});

describe('start-up detection', () => {
  it('chooses Tauri when __TAURI_INTERNALS__ is present', () => {
    expect(detectTransport({ __TAURI_INTERNALS__: {}, navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' } })).toMatchObject({
      kind: 'tauri',
      contentBase: 'qalam-pack://localhost/',
    });
    expect(
      detectTransport({ __TAURI_INTERNALS__: {}, navigator: { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/140' } }),
    ).toMatchObject({ kind: 'tauri', contentBase: 'http://qalam-pack.localhost/' });
  });

  it('chooses HTTP otherwise', () => {
    expect(detectTransport({ navigator: { userAgent: 'Mozilla/5.0' } })).toMatchObject({ kind: 'http', contentBase: '/content/' });
    expect(detectTransport(undefined)).toMatchObject({ kind: 'http' });
  });
});

describe('toApiError', () => {
  it('passes ApiError through and wraps everything else', () => {
    const e = new ApiError('io', 'x');
    expect(toApiError(e)).toBe(e);
    expect(toApiError(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
    expect(toApiError(42)).toMatchObject({ code: 'internal', message: '42' });
    expect(JSON.stringify(new ApiError('io', 'x'))).toBe('{"code":"io","message":"x"}');
  });
});
