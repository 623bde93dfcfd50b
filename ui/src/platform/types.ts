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

/** How a profile signs in: nothing to type, a PIN, or a picture password
 *  (sent to `sign_in` as digits 1–9, picture k → digit k). */
export type SignInWith = 'none' | 'pin' | 'pictures';

export interface PickerProfile {
  id: string;
  name: string;
  avatar: string;
  has_pin: boolean;
  /** How the profile signs in; a device older than picture passwords only
   *  says `has_pin` (see lib/pictures.ts signInMethod). */
  sign_in_with?: SignInWith;
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

export interface CompletionRule {
  kind: 'viewed' | 'time' | 'quiz_mastered';
  min_seconds: number | null;
}

/** The signed-in learner's state in one lesson. */
export interface LessonView {
  pack_id: string;
  lesson_id: string;
  opened: boolean;
  completed: boolean;
  /** 0–10000: where to reopen */
  position: number;
  /** total recorded on task */
  active_seconds: number;
  completion: CompletionRule;
  quiz: string | null;
  quiz_mastered: boolean;
  course_completed: boolean;
}

export interface QuizAttempt {
  attempt: number;
  question_count: number;
}

export type QuestionType = 'single_choice' | 'multiple_choice' | 'numeric' | 'short_text';

/** A quiz as the learner sees it: prompts and choices, never the answers. */
export interface QuizQuestion {
  id: string;
  type: QuestionType;
  prompt: LocalText;
  choices?: { id: string; text: LocalText }[];
  unit?: LocalText | null;
}

export interface QuizView {
  id: string;
  title: LocalText;
  min_score_percent: number;
  questions: QuizQuestion[];
}

export type QuizAnswer = string | string[] | number;

export interface Graded {
  correct: boolean;
  feedback: LocalText | null;
  choice_feedback: LocalText[];
  recorded: string;
}

export interface QuizResult {
  attempt: number;
  score_percent: number;
  correct: number;
  question_count: number;
  min_score_percent: number;
  passed: boolean;
  mastered: boolean;
  best_score: number | null;
  lessons_completed: string[];
  course_completed: boolean;
}

export interface MyQuiz {
  quiz_id: string;
  attempts: number;
  best_score: number | null;
  mastered: boolean;
}

export interface MyLesson {
  lesson_id: string;
  title: LocalText;
  opened: boolean;
  completed: boolean;
  position: number;
  active_seconds: number;
  completion: CompletionRule;
  quiz: MyQuiz | null;
}

export interface MyCourse {
  pack_id: string;
  title: LocalText;
  completed: boolean;
  lessons_completed: number;
  lesson_count: number;
  lessons: MyLesson[];
  next_lesson: string | null;
}

export interface NextStep {
  pack_id: string;
  lesson_id: string;
  title: LocalText;
  action: 'continue' | 'quiz' | 'start';
}

export interface MyProgress {
  courses: MyCourse[];
  next: NextStep | null;
}

export interface LearnerSummary {
  id: string;
  name: string;
  avatar: string;
  language: string;
  role: Role;
  has_pin: boolean;
  archived: boolean;
  last_active: unknown;
  sign_in_with?: SignInWith;
}

export interface NewLearner {
  name: string;
  pin?: string;
  pictures?: boolean;
  facilitator?: boolean;
  avatar?: string;
  language?: string;
}

export interface CentreLesson {
  lesson: string;
  opened: boolean;
  completed: boolean;
  position: number;
  active_seconds: number;
}

export interface CentreQuiz {
  quiz: string;
  attempts: number;
  answers: number;
  questions_correct: number;
  best_score: number | null;
  last_score: number | null;
  mastered: boolean;
}

export interface CentreCourse {
  pack: string;
  completed: boolean;
  lessons: CentreLesson[];
  quizzes: CentreQuiz[];
}

export interface CentreLearner {
  id: string;
  name: string;
  role: Role;
  archived: boolean;
  courses: CentreCourse[];
}

export interface Progress {
  learners: CentreLearner[];
}

/** The verdict of the database check that starts with the device. */
export interface DatabaseHealth {
  state: 'unchecked' | 'checking' | 'ok' | 'damaged';
  /** SQLite's findings when damaged (at most 20) */
  problems: string[];
  took_ms: number | null;
  /** rolling backups a repair can use */
  backups: number;
}

export interface RepairOutcome {
  repair: {
    /** one line per step, in order */
    steps: string[];
    damaged_copy: string;
    backup: string | null;
    events_kept: number;
    events_salvaged: number;
    events_dropped: number;
    unreadable_stretches: number;
    previous_device: string;
    device: string;
    new_device_id: boolean;
  };
  /** `problems` is empty when all is well again */
  doctor: { problems: string[]; notes: string[] };
}

/** Why the last sync attempt failed (see `SyncStatus.last_error_code`). */
export type SyncErrorCode =
  | 'server_unreachable'
  | 'server_refused'
  | 'server_version'
  | 'sync_failed'
  | 'not_enrolled'
  | 'internal';

/** Sync with the campus server as the facilitator sees it. Times are RFC 3339. */
export interface SyncStatus {
  enrolled: boolean;
  server: string | null;
  org: string | null;
  centre: string | null;
  last_attempt_at: string | null;
  last_sync_at: string | null;
  /** one line, null after a success */
  last_error: string | null;
  last_error_code: SyncErrorCode | null;
  /** this device's events the server did not hold at the last sync */
  events_waiting: number;
  /** by the last completed sync since the device started (null before one) */
  bytes_sent: number | null;
  bytes_received: number | null;
  pushed: number | null;
  pulled: number | null;
  total_bytes_sent: number;
  total_bytes_received: number;
  /** the device's clock minus the server's */
  skew_ms: number | null;
  /** an attempt runs now, or one was asked for */
  syncing: boolean;
  worker_running: boolean;
  /** attempts finished since the device started */
  attempts: number;
  next_attempt_in_s: number | null;
}

/** Which way a sync file goes. */
/** `device_to_device`: written by a laptop for the other laptops of its
 *  centre (docs/SYNC_PROTOCOL.md, "From laptop to laptop"). */
export type BundleKind = 'device_to_server' | 'server_to_device' | 'device_to_device';

/** `ready`: the campus server wrote it for this device, or another laptop
 *  of this centre for its peers; `outgoing`: this device wrote it (for the
 *  server, or for the other laptops); `refused`: `code` says why not. */
export type BundleFileState = 'ready' | 'outgoing' | 'refused';

/** A sync file in a stick's `qalam-sync` folder. Times are RFC 3339. */
export interface BundleFile {
  file: string;
  size_bytes: number;
  modified_at: string | null;
  created_at: string | null;
  kind: BundleKind | null;
  state: BundleFileState;
  code: ApiErrorCode | null;
  message: string | null;
}

/** A detected USB stick; pass `root` back as `mount`. */
export interface BundleStick {
  root: string;
  label: string;
  files: BundleFile[];
  /** The stick holds an enrolment file (`enrol_from_stick` would find one). */
  enrolment_file: boolean;
}

/** What `enrol_from_stick` did. The campus server binds the code at the
 *  device's first sync or the first sync file it loads (`pending`). */
export interface StickEnrolled {
  /** The file read, relative to the stick: the facilitator deletes it. */
  file: string;
  centre_name: string;
  org: string;
  centre: string;
  /** null: the file named no server; sync files on a stick only. */
  server: string | null;
  pending: boolean;
}

export interface BundleWritten {
  mount: string;
  file: string;
  device: string;
  /** `device_to_server`: for the campus server; `device_to_device`: for the
   *  other laptops of this centre (`for_laptops`). */
  kind: BundleKind;
  /** For the server, this device's own events; for the other laptops,
   *  every event this device holds. */
  events: number;
  bytes: number;
}

export interface BundleLoaded {
  file: string;
  events: number;
  new: number;
  duplicates: number;
}

export type CatalogueState = 'available' | 'update_available' | 'installed';
export type DownloadState = 'running' | 'done' | 'failed';

/** One pack download of this session (`pack_fetch`, `pack_fetch_status`). */
export interface DownloadStatus {
  id: string;
  version: string;
  state: DownloadState;
  bytes_done: number;
  bytes_total: number;
  resumed_from: number;
  outcome: 'installed' | 'updated' | 'up_to_date' | 'refused' | 'interrupted' | null;
  /** `failed`: an error code, or why the pack was refused (`untrusted`, `invalid_pack`, `interrupted`, …) */
  code: string | null;
  message: string | null;
}

/** A pack the campus server offers: the highest version of its id. */
export interface CatalogueItem {
  id: string;
  version: string;
  title: LocalText;
  languages: string[];
  size_bytes: number;
  installed_version: string | null;
  state: CatalogueState;
  download: DownloadStatus | null;
}

export interface CatalogueView {
  server: string;
  packs: CatalogueItem[];
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
  lesson_open: { args: { pack_id: string; lesson_id: string }; result: LessonView };
  lesson_progress: {
    args: { pack_id: string; lesson_id: string; position: number; active_seconds: number };
    result: LessonView;
  };
  lesson_complete: { args: { pack_id: string; lesson_id: string }; result: LessonView };
  quiz_get: { args: { pack_id: string; quiz_id: string; lang: string }; result: QuizView };
  quiz_start: { args: { pack_id: string; quiz_id: string }; result: QuizAttempt };
  quiz_answer: {
    args: { pack_id: string; quiz_id: string; attempt: number; question_id: string; answer: QuizAnswer; lang?: string };
    result: Graded;
  };
  quiz_finish: { args: { pack_id: string; quiz_id: string; attempt: number }; result: QuizResult };
  my_progress: { args: { lang: string }; result: MyProgress };
  learner_list: { args: Record<string, never>; result: LearnerSummary[] };
  learner_add: { args: NewLearner; result: LearnerSummary };
  learner_rename: { args: { learner_id: string; name: string }; result: LearnerSummary };
  learner_archive: { args: { learner_id: string }; result: LearnerSummary };
  learner_reset_pin: { args: { learner_id: string; pin?: string; pictures?: boolean }; result: LearnerSummary };
  centre_progress: { args: Record<string, never>; result: Progress };
  database_health: { args: Record<string, never>; result: DatabaseHealth };
  doctor_repair: { args: Record<string, never>; result: RepairOutcome };
  sync_status: { args: Record<string, never>; result: SyncStatus };
  sync_now: { args: Record<string, never>; result: SyncStatus };
  enrol_device: { args: { server: string; code: string }; result: SyncStatus };
  bundle_list: { args: { mount?: string }; result: BundleStick[] };
  bundle_export: { args: { mount: string; for_laptops?: boolean }; result: BundleWritten };
  bundle_import: { args: { mount: string; file: string }; result: BundleLoaded };
  enrol_from_stick: { args: { mount: string; server?: string }; result: StickEnrolled };
  catalogue_list: { args: { lang: string }; result: CatalogueView };
  pack_fetch: { args: { id: string; version: string }; result: DownloadStatus };
  pack_fetch_status: { args: Record<string, never>; result: DownloadStatus[] };
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
  'not_enrolled',
  'already_enrolled',
  'bad_address',
  'server_unreachable',
  'enrol_code_refused',
  'server_refused',
  'server_version',
  'sync_failed',
  'stick_missing',
  'bundle_tampered',
  'bundle_other_org',
  'bundle_other_device',
  'bundle_own',
  'bundle_unreadable',
  'bundle_other_centre',
  'not_certified',
  'enrolment_file_missing',
  'enrolment_file_bad',
  'unavailable',
] as const;

export type ApiErrorCode = (typeof ERROR_CODES)[number];
