// The ONLY module of the UI that knows about Tauri or HTTP. Everything else
// calls the typed wrappers in `api` (or `call`) and `contentUrl`.

import { ApiError, toApiError } from './errors';
import { createHttpTransport } from './http';
import { createTauriTransport } from './tauri';
import type { Transport } from './transport';
import type {
  AppInfo,
  BundleLoaded,
  BundleStick,
  StickEnrolled,
  BundleWritten,
  CatalogueView,
  CommandName,
  DownloadStatus,
  DatabaseHealth,
  RepairOutcome,
  SyncStatus,
  Commands,
  ImportJob,
  ImportStatus,
  Graded,
  LearnerSummary,
  LessonView,
  MyProgress,
  NewLearner,
  PackDetail,
  PackSummary,
  PickerProfile,
  Progress,
  QuizAnswer,
  QuizAttempt,
  QuizResult,
  QuizView,
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
  return transport.contentBase + encodePath(contentPath);
}

/** Where HTML and Markdown lessons load, in the lesson frame: `/content/` on
 *  the app's own origin in both transports (`qalam serve` routes it; the
 *  desktop shell answers it on its `tauri:` origin). The shared origin lets the
 *  app read the lesson's scroll position and see input inside the frame; the
 *  content policy and the frame's sandbox keep scripts out of it. */
export const FRAME_BASE = '/content/';

/** URL of an HTML or Markdown lesson for the lesson frame (see FRAME_BASE). */
export function frameUrl(contentPath: string): string {
  return FRAME_BASE + encodePath(contentPath);
}

function encodePath(contentPath: string): string {
  return contentPath
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
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
  lessonOpen: (packId: string, lessonId: string): Promise<LessonView> =>
    command('lesson_open', { pack_id: packId, lesson_id: lessonId }),
  lessonProgress: (packId: string, lessonId: string, position: number, activeSeconds: number): Promise<LessonView> =>
    command('lesson_progress', {
      pack_id: packId,
      lesson_id: lessonId,
      position: Math.min(10000, Math.max(0, Math.round(position))),
      active_seconds: Math.min(300, Math.max(0, Math.floor(activeSeconds))),
    }),
  lessonComplete: (packId: string, lessonId: string): Promise<LessonView> =>
    command('lesson_complete', { pack_id: packId, lesson_id: lessonId }),
  quizGet: (lang: string, packId: string, quizId: string): Promise<QuizView> =>
    command('quiz_get', { pack_id: packId, quiz_id: quizId, lang }),
  quizStart: (packId: string, quizId: string): Promise<QuizAttempt> =>
    command('quiz_start', { pack_id: packId, quiz_id: quizId }),
  quizAnswer: (
    lang: string,
    packId: string,
    quizId: string,
    attempt: number,
    questionId: string,
    answer: QuizAnswer,
  ): Promise<Graded> =>
    command('quiz_answer', { pack_id: packId, quiz_id: quizId, attempt, question_id: questionId, answer, lang }),
  quizFinish: (packId: string, quizId: string, attempt: number): Promise<QuizResult> =>
    command('quiz_finish', { pack_id: packId, quiz_id: quizId, attempt }),
  myProgress: (lang: string): Promise<MyProgress> => command('my_progress', { lang }),
  learnerList: (): Promise<LearnerSummary[]> => command('learner_list', {}),
  learnerAdd: (learner: NewLearner): Promise<LearnerSummary> => command('learner_add', learner),
  learnerRename: (learnerId: string, name: string): Promise<LearnerSummary> =>
    command('learner_rename', { learner_id: learnerId, name }),
  learnerArchive: (learnerId: string): Promise<LearnerSummary> => command('learner_archive', { learner_id: learnerId }),
  /** A new PIN, a picture password (`pictures`: the digits 1–9 of the pictures), or none. */
  learnerResetPin: (learnerId: string, pin: string | null, pictures = false): Promise<LearnerSummary> =>
    command(
      'learner_reset_pin',
      pin ? (pictures ? { learner_id: learnerId, pin, pictures: true } : { learner_id: learnerId, pin }) : { learner_id: learnerId },
    ),
  centreProgress: (): Promise<Progress> => command('centre_progress', {}),
  databaseHealth: (): Promise<DatabaseHealth> => command('database_health', {}),
  doctorRepair: (): Promise<RepairOutcome> => command('doctor_repair', {}),
  syncStatus: (): Promise<SyncStatus> => command('sync_status', {}),
  /** Asks the device to sync now; answers at once. Poll `syncStatus`. */
  syncNow: (): Promise<SyncStatus> => command('sync_now', {}),
  enrolDevice: (server: string, code: string): Promise<SyncStatus> =>
    command('enrol_device', { server: server.trim(), code: code.trim() }),
  /** Detected USB sticks and the sync files on each. */
  bundleList: (): Promise<BundleStick[]> => command('bundle_list', {}),
  /** Writes this device's sync file for the campus server onto the stick
   *  `mount`, or with `forLaptops` one for the other laptops of its centre. */
  bundleExport: (mount: string, forLaptops = false): Promise<BundleWritten> =>
    command('bundle_export', forLaptops ? { mount, for_laptops: true } : { mount }),
  bundleImport: (mount: string, file: string): Promise<BundleLoaded> => command('bundle_import', { mount, file }),
  /** Enrols offline from the enrolment file on the stick `mount`; `server`
   *  (optional) replaces the address the file names. */
  enrolFromStick: (mount: string, server = ''): Promise<StickEnrolled> =>
    command('enrol_from_stick', server.trim() ? { mount, server: server.trim() } : { mount }),
  /** The campus server's packs: a network call, it may take seconds. */
  catalogueList: (lang: string): Promise<CatalogueView> => command('catalogue_list', { lang }),
  /** Starts (or resumes) a download; answers at once. Poll `packFetchStatus`. */
  packFetch: (id: string, version: string): Promise<DownloadStatus> => command('pack_fetch', { id, version }),
  packFetchStatus: (): Promise<DownloadStatus[]> => command('pack_fetch_status', {}),
};

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
