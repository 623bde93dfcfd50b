// The ONLY module of the UI that knows about Tauri or HTTP. Everything else
// calls the typed wrappers in `api` (or `call`) and `contentUrl`.

import { ApiError, toApiError } from './errors';
import { createHttpTransport } from './http';
import { createTauriTransport } from './tauri';
import type { Transport } from './transport';
import type {
  AppInfo,
  CommandName,
  Commands,
  ImportJob,
  ImportStatus,
  PackDetail,
  PackSummary,
  PickerProfile,
  Session,
  TrustedKey,
  UsbSource,
} from './types';

export * from './types';
export { ApiError, toApiError } from './errors';
export type { Transport } from './transport';
export { createHttpTransport } from './http';
export { createTauriTransport } from './tauri';

interface HostWindow {
  __TAURI_INTERNALS__?: unknown;
  navigator?: { userAgent?: string };
}

/** Picks Tauri when the Tauri runtime is injected, HTTP otherwise. */
export function detectTransport(win: HostWindow | undefined = globalThis as unknown as HostWindow): Transport {
  if (win && win.__TAURI_INTERNALS__ !== undefined && win.__TAURI_INTERNALS__ !== null) {
    const ua = win.navigator?.userAgent ?? '';
    return createTauriTransport({ windows: /Windows/i.test(ua) });
  }
  return createHttpTransport();
}

let transport: Transport = detectTransport();

/** For tests, and for a host that wants to supply its own transport. */
export function setTransport(next: Transport): void {
  transport = next;
}

/** HTTP: whether a session token is held (false means nobody is signed in
 *  on this tab, so there is no point asking). Tauri: null (unknown; the
 *  shell keeps the session). */
export function holdsSessionToken(): boolean | null {
  return transport.hasToken ? transport.hasToken() : null;
}

export function transportKind(): Transport['kind'] {
  return transport.kind;
}

type UnauthenticatedListener = (command: string) => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/** Called whenever a command answers `unauthenticated` (the session ended
 *  or expired). Returns a function that stops listening. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** Runs one command. Always rejects with an ApiError. */
export async function call<T = unknown>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return (await transport.call(command, args)) as T;
  } catch (err) {
    const error = toApiError(err);
    if (error.code === 'unauthenticated') {
      for (const listener of [...unauthenticatedListeners]) listener(command);
    }
    throw error;
  }
}

/** Type-checked form of `call` for the commands of docs/API.md. */
export function command<K extends CommandName>(name: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {
  return call<Commands[K]['result']>(name, args as Record<string, unknown>);
}

/** URL of a piece of pack content (`LessonInfo.content_path`). Each path
 *  segment is percent-encoded so names with `#`, `?`, spaces or non-ASCII
 *  letters reach the device intact. */
export function contentUrl(contentPath: string): string {
  const clean = contentPath.replace(/^\/+/, '');
  const encoded = clean
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return transport.contentBase + encoded;
}

/** `sign_in` without the token: the transport keeps it (HTTP) or the shell
 *  does (Tauri). */
export type SignedIn = Omit<Session, 'token'>;

export const api = {
  profilesForPicker: (): Promise<PickerProfile[]> => command('profiles_for_picker', {}),
  signIn: (learnerId: string, pin?: string | null): Promise<SignedIn> =>
    command('sign_in', pin ? { learner_id: learnerId, pin } : { learner_id: learnerId }),
  signOut: (): Promise<Record<string, never>> => command('sign_out', {}),
  sessionInfo: (): Promise<Session> => command('session_info', {}),
  appInfo: (): Promise<AppInfo> => command('app_info', {}),
  listPacks: (lang: string): Promise<PackSummary[]> => command('list_packs', { lang }),
  getPack: (lang: string, id: string): Promise<PackDetail> => command('get_pack', { lang, id }),
  usbScan: (lang: string): Promise<UsbSource[]> => command('usb_scan', { lang }),
  importStart: (paths: string[], allowUntrusted: boolean): Promise<ImportJob> =>
    command('import_start', { paths, allow_untrusted: allowUntrusted }),
  importStatus: (job: number): Promise<ImportStatus> => command('import_status', { job }),
  packRemove: (id: string): Promise<Record<string, never>> => command('pack_remove', { id }),
  trustList: (): Promise<TrustedKey[]> => command('trust_list', {}),
  trustAdd: (publicKey: string, name?: string | null): Promise<TrustedKey> => {
    const trimmed = name?.trim();
    return command('trust_add', trimmed ? { public_key: publicKey, name: trimmed } : { public_key: publicKey });
  },
};

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
