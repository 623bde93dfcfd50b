import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  api,
  call,
  createHttpTransport,
  createTauriTransport,
  setTransport,
  type Session,
  type Transport,
} from '../../src/platform';
import { TOKEN_STORAGE_KEY, type TokenStorage } from '../../src/platform/http';
import { beforeSignOut, initSession, refreshSession, resetSession, session, signIn, signOut } from '../../src/lib/session.svelte';

const TOKEN = 'ab'.repeat(32);

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const facilitator: Session = {
  learner_id: 'f1',
  name: 'Amina',
  avatar: 'a',
  language: 'ar',
  role: 'facilitator',
  idle_timeout_s: 900,
};

function memoryStorage(initial: Record<string, string> = {}): TokenStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

/** An HTTP transport over a fake fetch that answers by command name. */
function fakeDevice(storage: TokenStorage, answer: (command: string, auth: string | null) => Response) {
  const seen: Array<{ command: string; auth: string | null; body: string }> = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const command = url.replace('/api/', '');
    const auth = (init.headers as Record<string, string>).Authorization ?? null;
    seen.push({ command, auth, body: String(init.body) });
    return answer(command, auth);
  });
  const transport = createHttpTransport({ fetch, storage });
  setTransport(transport);
  return { seen, transport };
}

const lastAuth = (seen: Array<{ auth: string | null }>) => seen[seen.length - 1]?.auth;

afterEach(() => {
  resetSession();
  setTransport(createHttpTransport({ storage: null }));
});

describe('HTTP transport: the session token', () => {
  it('sends no Authorization before sign-in, Bearer <token> after, and none after sign-out', async () => {
    const storage = memoryStorage();
    const { seen } = fakeDevice(storage, (command) => {
      if (command === 'sign_in') return json({ ...facilitator, token: TOKEN });
      return json(command === 'list_packs' ? [] : {});
    });

    await api.listPacks('en');
    expect(lastAuth(seen)).toBeNull();

    const signed = await api.signIn('f1', '482913');
    expect(lastAuth(seen)).toBeNull();
    expect(JSON.parse(seen[seen.length - 1]!.body)).toEqual({ learner_id: 'f1', pin: '482913' });
    // The token stays in the transport: the rest of the UI never sees it.
    expect(signed).not.toHaveProperty('token');
    expect(signed).toMatchObject({ name: 'Amina', role: 'facilitator' });
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe(TOKEN);

    await api.usbScan('en');
    expect(lastAuth(seen)).toBe(`Bearer ${TOKEN}`);
    await api.trustList();
    expect(lastAuth(seen)).toBe(`Bearer ${TOKEN}`);
    // Never in a body.
    expect(seen.every((s) => !s.body.includes(TOKEN))).toBe(true);

    await api.signOut();
    expect(lastAuth(seen)).toBe(`Bearer ${TOKEN}`); // sign_out itself carries it
    expect(storage.data.has(TOKEN_STORAGE_KEY)).toBe(false);
    await api.listPacks('en');
    expect(lastAuth(seen)).toBeNull();
  });

  it('forgets the token when sign_out fails', async () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN });
    const { seen } = fakeDevice(storage, (command) =>
      command === 'sign_out' ? new Response('bad gateway', { status: 502 }) : json({}),
    );
    await expect(api.signOut()).rejects.toMatchObject({ code: 'unavailable' });
    await call('session_info');
    expect(lastAuth(seen)).toBeNull();
  });

  it('clears the token on an unauthenticated answer', async () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN });
    let expired = false;
    const { seen, transport } = fakeDevice(storage, () =>
      expired ? json({ code: 'unauthenticated', message: 'session expired' }, 401) : json([]),
    );
    // A reload keeps the session: the token comes back from sessionStorage.
    expect(transport.hasToken?.()).toBe(true);
    await api.usbScan('en');
    expect(lastAuth(seen)).toBe(`Bearer ${TOKEN}`);

    expired = true;
    await expect(api.usbScan('en')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(transport.hasToken?.()).toBe(false);
    expect(storage.data.has(TOKEN_STORAGE_KEY)).toBe(false);
    await expect(api.usbScan('en')).rejects.toBeInstanceOf(ApiError);
    expect(lastAuth(seen)).toBeNull();
  });

  it('keeps the token on wrong_pin, forbidden and other errors', async () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN });
    const { transport } = fakeDevice(storage, (command) =>
      command === 'sign_in'
        ? json({ code: 'wrong_pin', message: 'wrong' }, 401)
        : json({ code: 'forbidden', message: 'facilitators only' }, 403),
    );
    await expect(api.signIn('x', '0000')).rejects.toMatchObject({ code: 'wrong_pin' });
    await expect(api.trustList()).rejects.toMatchObject({ code: 'forbidden' });
    expect(transport.hasToken?.()).toBe(true);
  });

  it('reads retry_after_s of slow_down, or the Retry-After header', async () => {
    fakeDevice(memoryStorage(), () => json({ code: 'slow_down', message: 'wait', retry_after_s: 20 }, 429));
    await expect(api.signIn('f1', '1')).rejects.toMatchObject({ code: 'slow_down', retryAfterS: 20 });
    fakeDevice(memoryStorage(), () => json({ code: 'slow_down', message: 'wait' }, 429, { 'Retry-After': '10' }));
    await expect(api.signIn('f1', '1')).rejects.toMatchObject({ code: 'slow_down', retryAfterS: 10 });
  });

  it('signs in a learner without a PIN with no pin argument', async () => {
    const { seen } = fakeDevice(memoryStorage(), () => json({ ...facilitator, role: 'learner', token: TOKEN }));
    await api.signIn('l1');
    expect(JSON.parse(seen[0]!.body)).toEqual({ learner_id: 'l1' });
  });
});

describe('Tauri transport: no token in the web view', () => {
  it('passes sign_in through and sends no token anywhere', async () => {
    const invoke = vi.fn(async (command: string) => (command === 'sign_in' ? facilitator : {}));
    setTransport(createTauriTransport({ invoke }));
    const signed = await api.signIn('f1', '١٢٣٤٥٦');
    expect(signed).toEqual(facilitator);
    await api.trustList();
    expect(invoke).toHaveBeenCalledWith('sign_in', { learner_id: 'f1', pin: '١٢٣٤٥٦' });
    expect(invoke).toHaveBeenCalledWith('trust_list', {});
  });
});

describe('session store', () => {
  let signedIn: boolean;
  let transport: Transport;

  beforeEach(() => {
    signedIn = false;
    transport = {
      kind: 'tauri',
      contentBase: '',
      call: vi.fn(async (command: string) => {
        if (command === 'sign_in') {
          signedIn = true;
          return facilitator;
        }
        if (command === 'sign_out') {
          signedIn = false;
          return {};
        }
        if (!signedIn) throw { code: 'unauthenticated', message: 'no session' };
        if (command === 'session_info') return facilitator;
        return [];
      }),
    };
    setTransport(transport);
  });

  it('starts empty, is null when nobody is signed in, and is checked after start', async () => {
    expect(session.profile).toBeNull();
    expect(session.checked).toBe(false);
    await initSession();
    expect(session.checked).toBe(true);
    expect(session.profile).toBeNull();
    expect(session.isFacilitator).toBe(false);
  });

  it('picks up an existing session from session_info at start', async () => {
    signedIn = true;
    await initSession();
    expect(session.profile).toEqual({
      learnerId: 'f1',
      name: 'Amina',
      avatar: 'a',
      language: 'ar',
      role: 'facilitator',
      idleTimeoutS: 900,
    });
    expect(session.isFacilitator).toBe(true);
  });

  it('signs in and out', async () => {
    await initSession();
    await signIn('f1', '482913');
    expect(session.profile?.name).toBe('Amina');
    expect(session.isFacilitator).toBe(true);
    await signOut();
    expect(session.profile).toBeNull();
  });

  it('clears when any command answers unauthenticated (session expired)', async () => {
    await initSession();
    await signIn('f1', '482913');
    signedIn = false; // the device ended the session
    await expect(api.usbScan('en')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(session.profile).toBeNull();
    expect(session.isFacilitator).toBe(false);
  });

  it('keeps the profile when the device cannot be reached', async () => {
    await initSession();
    await signIn('f1', '482913');
    transport.call = async () => {
      throw new ApiError('unavailable', 'down');
    };
    await refreshSession();
    expect(session.profile?.name).toBe('Amina');
  });

  it('a learner session is not a facilitator', async () => {
    transport.call = async () => ({ ...facilitator, role: 'learner', name: 'Omar' });
    await signIn('l1', '1234');
    expect(session.profile?.role).toBe('learner');
    expect(session.isFacilitator).toBe(false);
  });
});

describe('session store over HTTP', () => {
  it('does not ask session_info when no token is held, and does when one is', async () => {
    const facilitatorAnswer = json(facilitator);
    const { seen } = fakeDevice(memoryStorage(), (command) => (command === 'profiles_for_picker' ? json([]) : facilitatorAnswer));
    await initSession();
    // Only the public question whether there is anyone to sign in.
    expect(seen.map((s) => s.command)).toEqual(['profiles_for_picker']);
    expect(seen[0]!.auth).toBeNull();
    expect(session.checked).toBe(true);
    expect(session.profile).toBeNull();
    expect(session.noProfiles).toBe(true);

    resetSession();
    const again = fakeDevice(memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN }), () => json(facilitator));
    await initSession();
    expect(again.seen.map((s) => s.command)).toEqual(['session_info']);
    expect(again.seen[0]!.auth).toBe(`Bearer ${TOKEN}`);
    expect(session.profile?.name).toBe('Amina');
  });
});

describe('sign-in messages', () => {
  it('says the slow-down wait with local digits and the right plural', async () => {
    const { setLocale, t } = await import('../../src/i18n/index.svelte');
    const plain = (s: string) => s.replace(/[\u2068\u2069]/g, '');
    setLocale('en');
    expect(plain(t('signin-slow-down', { seconds: 1 }))).toContain('Wait one second');
    expect(plain(t('signin-slow-down', { seconds: 20 }))).toContain('Wait 20 seconds');
    setLocale('ar');
    expect(plain(t('signin-slow-down', { seconds: 2 }))).toContain('ثانيتين');
    expect(plain(t('signin-slow-down', { seconds: 5 }))).toContain('انتظر ٥ ثوانٍ');
    expect(plain(t('signin-slow-down', { seconds: 20 }))).toContain('انتظر ٢٠ ثانية');
    setLocale('fa-AF');
    expect(plain(t('signin-slow-down', { seconds: 10 }))).toContain('۱۰');
    setLocale('en');
  });
});

describe('signing out', () => {
  it('saves pending work first, then ends the session, and says why', async () => {
    const { seen } = fakeDevice(memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN }), (command) =>
      command === 'sign_out' || command === 'lesson_progress' ? json({}) : json(facilitator),
    );
    await initSession();
    expect(session.profile?.name).toBe('Amina');
    const stop = beforeSignOut(() => call('lesson_progress', { position: 10, active_seconds: 5 }));
    await signOut('idle');
    stop();
    expect(seen.map((s) => s.command)).toEqual(['session_info', 'lesson_progress', 'sign_out']);
    expect(seen[1]!.auth).toBe(`Bearer ${TOKEN}`);
    expect(session.profile).toBeNull();
    expect(session.endedBy).toBe('idle');
  });
});
