// Types of the command contract in docs/API.md. Keep this file in step with
// that document: the Rust side (qalam_core::api) serialises exactly these.

export type Dir = 'ltr' | 'rtl';

/** A pack-provided text, already resolved to one language by the device. */
export interface LocalText {
  text: string;
  lang: string;
  dir: Dir;
}

export interface AppInfo {
  version: string;
  data_dir: string;
  transport_hint: string;
}

export interface PackSummary {
  id: string;
  version: string;
  title: LocalText;
  description: LocalText;
  subject: string;
  level: string;
  languages: string[];
  publisher: LocalText;
  size_bytes: number;
  lesson_count: number;
  quiz_count: number;
  /** key id, or null when unsigned */
  signer: string | null;
  /** false when installed with allow_untrusted */
  trusted: boolean;
  /** RFC 3339 */
  installed_at: string;
}

export type LessonKind = 'html' | 'markdown' | 'pdf' | 'video' | 'audio';

export interface LessonInfo {
  id: string;
  title: LocalText;
  kind: LessonKind;
  /** "<pack_id>/<path>": append to the content base */
  content_path: string;
  content_lang: string;
  content_dir: Dir;
  duration_minutes: number | null;
  quiz: string | null;
}

export interface PackDetail extends PackSummary {
  lessons: LessonInfo[];
}

export interface UsbPack {
  path: string;
  file_name: string;
  size_bytes: number;
  id: string | null;
  version: string | null;
  title: LocalText | null;
  /** set when the file cannot be read as a pack */
  error: string | null;
}

export interface UsbSource {
  root: string;
  label: string;
  packs: UsbPack[];
}

export interface ImportJob {
  job: number;
}

export type ImportOutcome = 'installed' | 'updated' | 'unchanged' | 'refused' | 'interrupted';

export interface ImportResult {
  source: string;
  pack_id: string | null;
  version: string | null;
  outcome: ImportOutcome;
  /** why a pack was refused or interrupted; null when it went in */
  reason: ImportReason | null;
  /** one line from the device: what happened and what to do */
  message: string;
}

export type ImportReason =
  | 'not_found'
  | 'invalid_pack'
  | 'untrusted'
  | 'version_conflict'
  | 'disk_full'
  | 'interrupted'
  | 'device_error';

export interface ImportStatus {
  job: number;
  state: 'running' | 'done';
  /** file being imported */
  current: string | null;
  bytes_done: number;
  bytes_total: number;
  results: ImportResult[];
}

export interface TrustedKey {
  key_id: string;
  name: string | null;
  added_at: string;
}

export type Role = 'learner' | 'facilitator';

export interface PickerProfile {
  id: string;
  name: string;
  avatar: string;
  has_pin: boolean;
}

/** A signed-in session. `token` is only in `sign_in`'s answer over HTTP;
 *  under Tauri the shell keeps it and the web view never sees it. */
export interface Session {
  token?: string;
  learner_id: string;
  name: string;
  avatar: string;
  /** the learner's UI language, BCP 47 */
  language: string;
  role: Role;
  idle_timeout_s: number;
}

/** Every command of docs/API.md with its arguments and its answer. */
export interface Commands {
  app_info: { args: Record<string, never>; result: AppInfo };
  list_packs: { args: { lang: string }; result: PackSummary[] };
  get_pack: { args: { lang: string; id: string }; result: PackDetail };
  usb_scan: { args: { lang: string }; result: UsbSource[] };
  import_start: { args: { paths: string[]; allow_untrusted: boolean }; result: ImportJob };
  import_status: { args: { job: number }; result: ImportStatus };
  pack_remove: { args: { id: string }; result: Record<string, never> };
  trust_list: { args: Record<string, never>; result: TrustedKey[] };
  trust_add: { args: { public_key: string; name?: string | null }; result: TrustedKey };
  profiles_for_picker: { args: Record<string, never>; result: PickerProfile[] };
  sign_in: { args: { learner_id: string; pin?: string }; result: Session };
  sign_out: { args: Record<string, never>; result: Record<string, never> };
  session_info: { args: Record<string, never>; result: Session };
}

export type CommandName = keyof Commands;

/** Error codes of docs/API.md, plus `unavailable`, which only the UI raises
 *  when the transport itself fails (service not running, network down). */
export const ERROR_CODES = [
  'bad_request',
  'not_found',
  'pack_refused',
  'untrusted',
  'disk_full',
  'io',
  'internal',
  'unauthenticated',
  'forbidden',
  'wrong_pin',
  'slow_down',
  'not_yet',
  'conflict',
  'interrupted',
  'unavailable',
] as const;

export type ApiErrorCode = (typeof ERROR_CODES)[number];
