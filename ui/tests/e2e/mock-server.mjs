// A stand-in for `qalam serve`, for working on the UI without the Rust side:
//   node tests/e2e/mock-server.mjs [--port 8090] [--ui-dir dist]
// It speaks the command contract of docs/API.md with two made-up packs.
// The real end-to-end test (app.e2e.test.mjs) runs against `qalam serve`;
// this file is a development aid only and never stands in for it in CI.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const port = Number(opt('port', '8090'));
const uiDir = resolve(opt('ui-dir', join(here, '..', '..', 'dist')));

const rtl = (lang) => (/^(ar|fa|ps)/.test(lang) ? 'rtl' : 'ltr');
const pick = (map, lang) => {
  const l = map[lang] ? lang : map[lang.split('-')[0]] ? lang.split('-')[0] : Object.keys(map)[0];
  return { text: map[l], lang: l, dir: rtl(l) };
};

const PACKS = [
  {
    id: 'org.qalam.numeracy',
    version: '1.0.0',
    title: { en: 'Numbers every day', ar: 'الأرقام كل يوم', fr: 'Les nombres au quotidien' },
    description: { en: 'Counting, adding and money for daily life.', ar: 'العدّ والجمع والنقود في الحياة اليومية.' },
    subject: 'numeracy',
    level: 'beginner',
    languages: ['en', 'ar'],
    publisher: { en: 'Qalam Team', ar: 'فريق قلم' },
    size: 3_456_789,
    lessons: [
      { id: 'counting', title: { en: 'Counting', ar: 'العدّ' }, kind: 'html', minutes: 10, quiz: 'counting-check' },
      { id: 'adding', title: { en: 'Adding small numbers', ar: 'جمع الأعداد الصغيرة' }, kind: 'markdown', minutes: 15, quiz: null },
      { id: 'money', title: { en: 'Money at the market', ar: 'النقود في السوق' }, kind: 'video', minutes: 3, quiz: null },
      { id: 'song', title: { en: 'The number song', ar: 'أنشودة الأرقام' }, kind: 'audio', minutes: 2, quiz: null },
      { id: 'sheet', title: { en: 'Practice sheet', ar: 'ورقة تمارين' }, kind: 'pdf', minutes: null, quiz: null },
    ],
  },
  {
    id: 'org.qalam.computer-basics',
    version: '2.1.0',
    title: { en: 'Using a computer', ar: 'استخدام الحاسوب' },
    description: { en: 'Mouse, keyboard, files and folders, step by step.', ar: 'الفأرة ولوحة المفاتيح والملفات والمجلدات خطوة بخطوة.' },
    subject: 'digital-skills',
    level: 'A1',
    languages: ['en', 'ar'],
    publisher: { en: 'Qalam Team' },
    size: 812_000,
    lessons: [
      { id: 'mouse', title: { en: 'The mouse', ar: 'الفأرة' }, kind: 'html', minutes: 1, quiz: null },
      { id: 'keyboard', title: { en: 'The keyboard', ar: 'لوحة المفاتيح' }, kind: 'html', minutes: 12, quiz: null },
    ],
  },
];

const state = { installed: new Map(), untrusted: new Set(), keys: [], jobs: new Map(), nextJob: 1 };

function summary(p, lang) {
  return {
    id: p.id,
    version: p.version,
    title: pick(p.title, lang),
    description: pick(p.description, lang),
    subject: p.subject,
    level: p.level,
    languages: p.languages,
    publisher: pick(p.publisher, lang),
    size_bytes: p.size,
    lesson_count: p.lessons.length,
    quiz_count: p.lessons.filter((l) => l.quiz).length,
    signer: 'ed25519:0123456789abcdef',
    trusted: !state.untrusted.has(p.id),
    installed_at: state.installed.get(p.id),
  };
}

const EXT = { html: 'html', markdown: 'md', video: 'mp4', audio: 'mp3', pdf: 'pdf' };
function detail(p, lang) {
  const l = p.languages.includes(lang) ? lang : p.languages[0];
  return {
    ...summary(p, lang),
    lessons: p.lessons.map((x) => ({
      id: x.id,
      title: pick(x.title, lang),
      kind: x.kind,
      content_path: `${p.id}/lessons/${x.id}.${l}.${EXT[x.kind]}`,
      content_lang: l,
      content_dir: rtl(l),
      duration_minutes: x.minutes,
      quiz: x.quiz,
    })),
  };
}

const fail = (code, message) => {
  throw Object.assign(new Error(message), { api: { code, message } });
};

// Profiles and sessions, as in docs/API.md. The facilitators match the ones
// the e2e test creates with `qalam learner add` against the real server.
const PROFILES = [
  { id: 'f-en', name: 'Amina Haddad', avatar: 'colour-blue', has_pin: true, pin: '482913', role: 'facilitator', language: 'en' },
  { id: 'f-ar', name: 'أمينة حداد', avatar: 'colour-teal', has_pin: true, pin: '482913', role: 'facilitator', language: 'ar' },
  { id: 'l-1', name: 'Omar', avatar: 'colour-orange', has_pin: true, pin: '1234', role: 'learner', language: 'en' },
  { id: 'l-2', name: 'ليلى', avatar: 'colour-green', has_pin: true, pin: '3193', pictures: true, role: 'learner', language: 'ar' },
];
const PUBLIC = new Set(['app_info', 'list_packs', 'get_pack', 'profiles_for_picker', 'sign_in', 'database_health']);
const FACILITATOR_ONLY = new Set([
  'usb_scan', 'import_start', 'import_status', 'pack_remove', 'trust_list', 'trust_add',
  'learner_list', 'learner_add', 'learner_rename', 'learner_archive', 'learner_reset_pin', 'centre_progress',
  'doctor_repair', 'sync_status', 'sync_now', 'enrol_device',
  'bundle_export', 'bundle_list', 'bundle_import', 'enrol_from_stick', 'catalogue_list', 'pack_fetch', 'pack_fetch_status',
]);

// Sync files on the one mock stick, and pack downloads from the catalogue
// (which needs an enrolment, like the real one).
const STICK = '/media/usb/QALAM';
const stickFiles = [
  { file: 'for-mock-device.qbundle', size_bytes: 18_400, modified_at: '2026-11-25T09:00:00Z', created_at: '2026-11-25T08:59:00Z', kind: 'server_to_device', state: 'ready', code: null, message: null },
  { file: `peers-${'e'.repeat(32)}-20261124-150000.qbundle`, size_bytes: 96_200, modified_at: '2026-11-24T15:00:00Z', created_at: '2026-11-24T15:00:00Z', kind: 'device_to_device', state: 'ready', code: null, message: null },
  { file: `peers-${'f'.repeat(32)}-20261123-110000.qbundle`, size_bytes: 51_000, modified_at: '2026-11-23T11:00:00Z', created_at: '2026-11-23T11:00:00Z', kind: 'device_to_device', state: 'refused', code: 'bundle_other_centre', message: `this sync file was written at centre ${'c'.repeat(32)}, not at this laptop's centre; sync both laptops through the campus server instead` },
  { file: 'changed.qbundle', size_bytes: 18_400, modified_at: '2026-11-24T09:00:00Z', created_at: null, kind: null, state: 'refused', code: 'bundle_tampered', message: 'the bundle’s checksum does not match: the file was cut short or damaged on the stick; export it again' },
];
const downloads = new Map();
function downloadStatus(d) {
  const done = Math.min(d.total, Math.round(((Date.now() - d.started) / 2000) * d.total));
  const finished = done >= d.total;
  if (finished) state.installed.set(d.id, state.installed.get(d.id) ?? new Date().toISOString());
  return { id: d.id, version: d.version, state: finished ? 'done' : 'running', bytes_done: done, bytes_total: d.total, resumed_from: 0, outcome: finished ? 'installed' : null, code: null, message: finished ? `installed ${d.id} ${d.version}` : null };
}

// Sync: never enrolled until `enrol_device` names a server this mock
// pretends to reach (any address on port 7878) with the code `GOOD-CODE`.
const sync = { enrolled: null, attempts: 0, syncingUntil: 0, lastSyncAt: null, waiting: 3 };
function syncStatus() {
  const now = Date.now();
  if (sync.syncingUntil && now >= sync.syncingUntil) {
    sync.syncingUntil = 0;
    sync.attempts += 1;
    sync.lastSyncAt = new Date().toISOString();
    sync.waiting = 0;
  }
  const done = sync.lastSyncAt !== null;
  return {
    enrolled: sync.enrolled !== null,
    server: sync.enrolled,
    org: sync.enrolled ? 'a'.repeat(32) : null,
    centre: sync.enrolled ? 'b'.repeat(32) : null,
    last_attempt_at: sync.lastSyncAt,
    last_sync_at: sync.lastSyncAt,
    last_error: null,
    last_error_code: null,
    events_waiting: sync.waiting,
    bytes_sent: done ? 2_345 : null,
    bytes_received: done ? 1_210 : null,
    pushed: done ? 3 : null,
    pulled: done ? 0 : null,
    total_bytes_sent: done ? 2_345 : 0,
    total_bytes_received: done ? 1_210 : 0,
    skew_ms: done ? -420 : null,
    syncing: sync.syncingUntil > 0,
    worker_running: sync.enrolled !== null,
    attempts: sync.attempts,
    next_attempt_in_s: sync.enrolled && !sync.syncingUntil ? 60 : null,
  };
}

// One made-up quiz, for the counting lesson.
const QUIZ = {
  id: 'counting-check',
  title: { en: 'Check your counting', ar: 'اختبر العدّ' },
  min: 75,
  questions: [
    { id: 'q1', type: 'single_choice', prompt: { en: 'How many hands do you have?', ar: 'كم يدًا لديك؟' }, choices: [{ id: 'a', text: { en: '2', ar: '٢' }, correct: true }, { id: 'b', text: { en: '3', ar: '٣' } }] },
    { id: 'q2', type: 'multiple_choice', prompt: { en: 'Which are even?', ar: 'أيّها زوجي؟' }, choices: [{ id: 'a', text: { en: '2', ar: '٢' }, correct: true }, { id: 'b', text: { en: '3', ar: '٣' } }, { id: 'c', text: { en: '4', ar: '٤' }, correct: true }] },
    { id: 'q3', type: 'numeric', prompt: { en: 'What is 7 + 5?', ar: 'كم يساوي ٧ + ٥؟' }, answer: 12 },
    { id: 'q4', type: 'short_text', prompt: { en: 'Write the word for 1.', ar: 'اكتب كلمة العدد ١.' }, accept: ['one', 'واحد'] },
  ],
};
// Progress per learner: `${learner}/${pack}/${lesson}` → lesson state; quizzes per learner.
const lessons = new Map();
const quizzes = new Map();
const attempts = new Map(); // attempt → { learner, answered: Map, finished }
let nextAttempt = 1;
const sessions = new Map(); // token → profile
const wrong = new Map(); // profile id → wrong PINs in a row
const asciiDigits = (s) => String(s ?? '').replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) & 0xf));
const sessionOf = (p) => ({ learner_id: p.id, name: p.name, avatar: p.avatar, language: p.language, role: p.role, idle_timeout_s: 900 });

const findLesson = (pack_id, lesson_id) => {
  const p = PACKS.find((x) => x.id === pack_id && state.installed.has(pack_id));
  const l = p?.lessons.find((x) => x.id === lesson_id);
  return l ?? fail('not_found', `no lesson ${pack_id}/${lesson_id}`);
};
const lessonState = (who, pack, lesson) => {
  const key = `${who.id}/${pack}/${lesson}`;
  if (!lessons.has(key)) lessons.set(key, { opened: false, completed: false, position: 0, active_seconds: 0 });
  return lessons.get(key);
};
const ruleOf = (l) => (l.quiz ? { kind: 'quiz_mastered', min_seconds: null } : { kind: 'viewed', min_seconds: null });
const quizState = (who, quiz) => {
  const key = `${who.id}/${quiz}`;
  if (!quizzes.has(key)) quizzes.set(key, { attempts: 0, best_score: null, mastered: false });
  return quizzes.get(key);
};
const view = (who, pack_id, lesson_id) => {
  const l = findLesson(pack_id, lesson_id);
  const st = lessonState(who, pack_id, lesson_id);
  return { pack_id, lesson_id, ...st, completion: ruleOf(l), quiz: l.quiz, quiz_mastered: l.quiz ? quizState(who, l.quiz).mastered : false, course_completed: false };
};
const whoOf = (token) => sessions.get(token);
const summaryOf = (p) => ({ id: p.id, name: p.name, avatar: p.avatar, language: p.language, role: p.role, has_pin: p.has_pin, archived: !!p.archived, last_active: null, sign_in_with: p.has_pin ? (p.pictures ? 'pictures' : 'pin') : 'none' });
const courseOf = (who, p, lang) => {
  const ls = p.lessons.map((l) => {
    const st = lessonState(who, p.id, l.id);
    const q = l.quiz ? quizState(who, l.quiz) : null;
    return { lesson_id: l.id, title: pick(l.title, lang), ...st, completion: ruleOf(l), quiz: q ? { quiz_id: l.quiz, ...q } : null };
  });
  const done = ls.filter((l) => l.completed).length;
  return { pack_id: p.id, title: pick(p.title, lang), completed: done === ls.length, lessons_completed: done, lesson_count: ls.length, lessons: ls, next_lesson: ls.find((l) => !l.completed)?.lesson_id ?? null };
};

const commands = {
  profiles_for_picker: () =>
    PROFILES.filter((p) => !p.archived).map(({ id, name, avatar, has_pin, pictures }) => ({ id, name, avatar, has_pin, sign_in_with: has_pin ? (pictures ? 'pictures' : 'pin') : 'none' })),
  lesson_open: ({ pack_id, lesson_id }, token) => {
    findLesson(pack_id, lesson_id);
    lessonState(whoOf(token), pack_id, lesson_id).opened = true;
    return view(whoOf(token), pack_id, lesson_id);
  },
  lesson_progress: ({ pack_id, lesson_id, position, active_seconds }, token) => {
    if (!(position >= 0 && position <= 10000 && active_seconds >= 0 && active_seconds <= 300)) fail('bad_request', 'out of range');
    const st = lessonState(whoOf(token), pack_id, lesson_id);
    findLesson(pack_id, lesson_id);
    st.position = position;
    st.active_seconds += active_seconds;
    return view(whoOf(token), pack_id, lesson_id);
  },
  lesson_complete: ({ pack_id, lesson_id }, token) => {
    const l = findLesson(pack_id, lesson_id);
    const st = lessonState(whoOf(token), pack_id, lesson_id);
    const ok = l.quiz ? quizState(whoOf(token), l.quiz).mastered : st.opened && st.position >= 9900;
    if (!ok) fail('not_yet', 'the completion rule is not met yet');
    st.completed = true;
    return view(whoOf(token), pack_id, lesson_id);
  },
  quiz_get: ({ quiz_id, lang = 'en' }) => {
    if (quiz_id !== QUIZ.id) fail('not_found', `no quiz ${quiz_id}`);
    return {
      id: QUIZ.id,
      title: pick(QUIZ.title, lang),
      min_score_percent: QUIZ.min,
      questions: QUIZ.questions.map((q) => ({ id: q.id, type: q.type, prompt: pick(q.prompt, lang), ...(q.choices ? { choices: q.choices.map((c) => ({ id: c.id, text: pick(c.text, lang) })) } : {}) })),
    };
  },
  quiz_start: ({ quiz_id }, token) => {
    if (quiz_id !== QUIZ.id) fail('not_found', `no quiz ${quiz_id}`);
    const attempt = nextAttempt++;
    attempts.set(attempt, { learner: whoOf(token).id, answered: new Map(), finished: false });
    quizState(whoOf(token), quiz_id).attempts += 1;
    return { attempt, question_count: QUIZ.questions.length };
  },
  quiz_answer: ({ attempt, question_id, answer }, token) => {
    const a = attempts.get(attempt);
    if (!a || a.learner !== whoOf(token).id) fail('not_found', `no quiz attempt ${attempt}`);
    if (a.finished || a.answered.has(question_id)) fail('conflict', 'already answered');
    const q = QUIZ.questions.find((x) => x.id === question_id) ?? fail('not_found', `no question ${question_id}`);
    let correct;
    if (q.type === 'single_choice') correct = q.choices.find((c) => c.id === answer)?.correct === true;
    else if (q.type === 'multiple_choice') correct = JSON.stringify([...new Set(answer)].sort()) === JSON.stringify(q.choices.filter((c) => c.correct).map((c) => c.id).sort());
    else if (q.type === 'numeric') correct = Number(asciiDigits(answer).replace('٫', '.')) === q.answer;
    else correct = q.accept.includes(String(answer).trim().toLowerCase());
    a.answered.set(question_id, correct);
    const fb = correct ? { en: 'Yes, well done.', ar: 'نعم، أحسنت.' } : { en: 'Not quite. Count again.', ar: 'ليس تمامًا. عُدّ مرة أخرى.' };
    return { correct, feedback: pick(fb, 'en'), choice_feedback: [], recorded: String(answer) };
  },
  quiz_finish: ({ quiz_id, attempt }, token) => {
    const a = attempts.get(attempt);
    if (!a || a.learner !== whoOf(token).id) fail('not_found', `no quiz attempt ${attempt}`);
    if (a.finished) fail('conflict', 'already finished');
    a.finished = true;
    const correct = [...a.answered.values()].filter(Boolean).length;
    const score = Math.floor((correct * 100) / QUIZ.questions.length);
    const q = quizState(whoOf(token), quiz_id);
    q.best_score = Math.max(q.best_score ?? 0, score);
    const passed = score >= QUIZ.min;
    q.mastered ||= passed;
    return { attempt, score_percent: score, correct, question_count: QUIZ.questions.length, min_score_percent: QUIZ.min, passed, mastered: q.mastered, best_score: q.best_score, lessons_completed: [], course_completed: false };
  },
  my_progress: ({ lang = 'en' }, token) => {
    const courses = PACKS.filter((p) => state.installed.has(p.id)).map((p) => courseOf(whoOf(token), p, lang));
    const course = courses.find((c) => !c.completed);
    const lesson = course?.lessons.find((l) => !l.completed);
    return { courses, next: lesson ? { pack_id: course.pack_id, lesson_id: lesson.lesson_id, title: lesson.title, action: lesson.opened ? 'continue' : 'start' } : null };
  },
  learner_list: () => PROFILES.map(summaryOf).sort((a, b) => a.name.localeCompare(b.name)),
  learner_add: ({ name, pin, pictures, facilitator, avatar = '', language = 'en' }) => {
    if (!name || !String(name).trim()) fail('bad_request', 'a name is 1–80 characters');
    const p = { id: randomBytes(8).toString('hex'), name: String(name).trim(), avatar, language, role: facilitator ? 'facilitator' : 'learner', has_pin: !!pin, pin: pin ? asciiDigits(pin) : undefined, pictures: !!pictures };
    PROFILES.push(p);
    return summaryOf(p);
  },
  learner_rename: ({ learner_id, name }) => {
    const p = PROFILES.find((x) => x.id === learner_id) ?? fail('not_found', 'no such learner');
    p.name = String(name).trim();
    return summaryOf(p);
  },
  learner_archive: ({ learner_id }) => {
    const p = PROFILES.find((x) => x.id === learner_id) ?? fail('not_found', 'no such learner');
    p.archived = true;
    for (const [t, who] of sessions) if (who.id === p.id) sessions.delete(t);
    return summaryOf(p);
  },
  learner_reset_pin: ({ learner_id, pin, pictures }) => {
    const p = PROFILES.find((x) => x.id === learner_id) ?? fail('not_found', 'no such learner');
    Object.assign(p, { has_pin: !!pin, pin: pin ? asciiDigits(pin) : undefined, pictures: !!pictures });
    wrong.delete(p.id);
    for (const [t, who] of sessions) if (who.id === p.id) sessions.delete(t);
    return summaryOf(p);
  },
  database_health: () => ({ state: 'ok', problems: [], took_ms: 12, backups: 1 }),
  doctor_repair: () => ({
    repair: {
      steps: ['kept the damaged files in data/damaged/1', 'nothing to repair'],
      damaged_copy: 'data/damaged/1', backup: null, events_kept: 0, events_salvaged: 0, events_dropped: 0,
      unreadable_stretches: 0, previous_device: 'd'.repeat(32), device: 'd'.repeat(32), new_device_id: false,
    },
    doctor: { problems: [], notes: [] },
  }),
  sync_status: () => syncStatus(),
  sync_now: () => {
    if (!sync.enrolled) fail('not_enrolled', 'this device is not enrolled with a campus server');
    sync.syncingUntil = Date.now() + 1500;
    return syncStatus();
  },
  enrol_device: ({ server, code }) => {
    if (sync.enrolled) fail('already_enrolled', `this device is already enrolled with ${sync.enrolled}`);
    if (!server?.trim() || !code?.trim()) fail('bad_request', 'enter the server address and the code');
    if (!/^https?:\/\//.test(server.trim())) fail('bad_address', `"${server}" is not an http:// or https:// address`);
    if (!/:7878\/?$/.test(server.trim())) fail('server_unreachable', `could not reach the server at ${server.trim()}: connection refused`);
    if (code.trim() !== 'GOOD-CODE') fail('enrol_code_refused', 'the server refused (enrol_code): unknown enrolment code');
    sync.enrolled = server.trim().replace(/\/$/, '');
    sync.syncingUntil = Date.now() + 1500;
    return syncStatus();
  },
  bundle_list: () => [{ root: STICK, label: 'QALAM', files: stickFiles, enrolment_file: !sync.enrolled }],
  // The mock stick holds an enrolment file naming the mock campus server.
  enrol_from_stick: ({ mount, server }) => {
    if (mount !== STICK) fail('stick_missing', `the USB stick ${mount} is not plugged in any more`);
    if (sync.enrolled) fail('already_enrolled', `this device is already enrolled with ${sync.enrolled}`);
    const url = server?.trim() || 'http://10.0.0.5:7878';
    if (!/^https?:\/\//.test(url)) fail('bad_address', `"${url}" is not an http:// or https:// address`);
    sync.enrolled = url.replace(/\/$/, '');
    sync.syncingUntil = Date.now() + 1500;
    return { file: 'qalam-enrolment.json', centre_name: 'North', org: 'a'.repeat(32), centre: 'b'.repeat(32), server: sync.enrolled, pending: true };
  },
  // `for_laptops`: the file for the other laptops of the centre, which
  // needs a first sync (the campus server certifies the laptop's key then).
  bundle_export: ({ mount, for_laptops: forLaptops = false }) => {
    if (mount !== STICK) fail('stick_missing', `the USB stick ${mount} is not plugged in any more`);
    if (!sync.enrolled) fail('not_enrolled', 'this device is not enrolled with a campus server');
    syncStatus(); // ends a sync whose time is up
    if (forLaptops && sync.lastSyncAt === null) {
      fail('not_certified', 'the campus server has not vouched for this laptop yet, so the other laptops would not trust its file; sync it once over the network, or do one round with a USB stick with the campus server, then try again');
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const [prefix, kind, size, events] = forLaptops ? ['peers', 'device_to_device', 31_800, 412] : ['from', 'device_to_server', 2_400, 12];
    const file = `${prefix}-${'d'.repeat(32)}-${stamp}.qbundle`;
    const message = forLaptops
      ? 'this sync file was written by this laptop for the other laptops of its centre; load it on one of them'
      : 'this sync file was written by this device; take it to the campus server and import it there';
    stickFiles.unshift({ file, size_bytes: size, modified_at: new Date().toISOString(), created_at: new Date().toISOString(), kind, state: 'outgoing', code: 'bundle_own', message });
    return { mount, file, device: 'd'.repeat(32), kind, events, bytes: size };
  },
  bundle_import: ({ mount, file }) => {
    if (mount !== STICK) fail('stick_missing', `the USB stick ${mount} is not plugged in any more`);
    const f = stickFiles.find((x) => x.file === file) ?? fail('not_found', `no sync file ${file}`);
    if (f.state !== 'ready') fail(f.code, f.message);
    return { file, events: 40, new: 25, duplicates: 15 };
  },
  catalogue_list: ({ lang = 'en' }) => {
    if (!sync.enrolled) fail('not_enrolled', 'this device is not enrolled with a campus server');
    return {
      server: sync.enrolled,
      packs: PACKS.map((p) => {
        const d = downloads.get(p.id);
        const status = d ? downloadStatus(d) : null;
        return { id: p.id, version: p.version, title: pick(p.title, lang), languages: p.languages, size_bytes: p.size, installed_version: state.installed.has(p.id) ? p.version : null, state: state.installed.has(p.id) ? 'installed' : 'available', download: status };
      }),
    };
  },
  pack_fetch: ({ id, version }) => {
    if (!sync.enrolled) fail('not_enrolled', 'this device is not enrolled with a campus server');
    const p = PACKS.find((x) => x.id === id && x.version === version) ?? fail('not_found', `no pack ${id} ${version} in the catalogue`);
    downloads.set(p.id, { id: p.id, version: p.version, total: p.size, started: Date.now() });
    return downloadStatus(downloads.get(p.id));
  },
  pack_fetch_status: () => [...downloads.values()].map(downloadStatus),
  centre_progress: () => ({
    learners: PROFILES.map((p) => ({
      id: p.id,
      name: p.name,
      role: p.role,
      archived: !!p.archived,
      courses: PACKS.filter((pk) => [...lessons.keys()].some((k) => k.startsWith(`${p.id}/${pk.id}/`))).map((pk) => ({
        pack: pk.id,
        completed: false,
        lessons: pk.lessons.map((l) => ({ lesson: l.id, ...lessonState(p, pk.id, l.id) })),
        quizzes: [],
      })),
    })),
  }),
  sign_in: ({ learner_id, pin }) => {
    const p = PROFILES.find((x) => x.id === learner_id && !x.archived);
    if (!p) fail('not_found', `no active profile ${learner_id}`);
    if (asciiDigits(pin) !== p.pin) {
      const n = (wrong.get(p.id) ?? 0) + 1;
      wrong.set(p.id, n);
      if (n >= 3) throw Object.assign(new Error('slow down'), { api: { code: 'slow_down', message: 'too many wrong PINs', retry_after_s: 5 * 2 ** (n - 3) } });
      fail('wrong_pin', 'wrong PIN');
    }
    wrong.delete(p.id);
    const token = randomBytes(32).toString('hex');
    sessions.set(token, p);
    return { token, ...sessionOf(p) };
  },
  sign_out: (_args, token) => {
    sessions.delete(token);
    return {};
  },
  session_info: (_args, token) => sessionOf(sessions.get(token)),
  app_info: () => ({ version: '0.0.0-mock', data_dir: '/tmp/qalam-mock', transport_hint: 'http (mock)' }),
  list_packs: ({ lang = 'en' }) =>
    PACKS.filter((p) => state.installed.has(p.id))
      .map((p) => summary(p, lang))
      .sort((a, b) => a.title.text.localeCompare(b.title.text)),
  get_pack: ({ lang = 'en', id }) => {
    const p = PACKS.find((x) => x.id === id && state.installed.has(id));
    return p ? detail(p, lang) : fail('not_found', `no installed pack has the id ${id}`);
  },
  usb_scan: () => [
    {
      root: '/media/usb/QALAM',
      label: 'QALAM',
      packs: [
        ...PACKS.map((p) => ({
          path: `/media/usb/QALAM/${p.id}.qpack`,
          file_name: `${p.id}.qpack`,
          size_bytes: p.size,
          id: p.id,
          version: p.version,
          title: pick(p.title, 'en'),
          error: null,
        })),
        { path: '/media/usb/QALAM/broken.qpack', file_name: 'broken.qpack', size_bytes: 1234, id: null, version: null, title: null, error: 'not a zip file' },
      ],
    },
  ],
  import_start: ({ paths, allow_untrusted }) => {
    if (!Array.isArray(paths) || typeof allow_untrusted !== 'boolean') fail('bad_request', 'paths and allow_untrusted are required');
    const job = state.nextJob++;
    const total = paths.length * 1_000_000;
    state.jobs.set(job, { job, started: Date.now(), paths, total, allow_untrusted });
    return { job };
  },
  import_status: ({ job }) => {
    const j = state.jobs.get(job);
    if (!j) fail('not_found', `no import job ${job}`);
    const done = Math.min(j.total, Math.round(((Date.now() - j.started) / 2000) * j.total));
    const finished = done >= j.total;
    const index = Math.min(j.paths.length - 1, Math.floor((done / j.total) * j.paths.length));
    const results = [];
    const count = finished ? j.paths.length : index;
    for (const path of j.paths.slice(0, count)) {
      const p = PACKS.find((x) => path.includes(x.id));
      if (!p) {
        results.push({ source: path, pack_id: null, version: null, outcome: 'refused', reason: path.endsWith('.qpack') ? 'invalid_pack' : 'not_found', message: `${path}: not a course pack (not a zip file); ask the publisher for a new copy` });
        continue;
      }
      const was = state.installed.has(p.id);
      if (finished) state.installed.set(p.id, new Date().toISOString());
      results.push({ source: path, pack_id: p.id, version: p.version, outcome: was ? 'unchanged' : 'installed', reason: null, message: was ? `${p.id} ${p.version} is already installed` : `installed ${p.id} ${p.version}` });
    }
    return { job, state: finished ? 'done' : 'running', current: finished ? null : j.paths[index], bytes_done: done, bytes_total: j.total, results };
  },
  pack_remove: ({ id }) => {
    if (!state.installed.delete(id)) fail('not_found', `no installed pack has the id ${id}`);
    return {};
  },
  trust_list: () => state.keys,
  trust_add: ({ public_key, name }) => {
    if (!/^qalam-public-key ed25519 \S+$/.test(String(public_key).trim())) fail('bad_request', 'this is not a Qalam public key');
    const key = { key_id: 'ed25519:0123456789abcdef', name: name ?? null, added_at: new Date().toISOString() };
    state.keys = [...state.keys.filter((k) => k.key_id !== key.key_id), key];
    return key;
  },
};

function lessonPage(packId, file) {
  const ar = file.includes('.ar.');
  const [, lessonId] = /lessons\/([^.]+)\./.exec(file) ?? [];
  const p = PACKS.find((x) => x.id === packId);
  const lesson = p?.lessons.find((l) => l.id === lessonId);
  const title = lesson ? lesson.title[ar ? 'ar' : 'en'] ?? lesson.title.en : lessonId;
  const body = ar ? 'نعدّ الأشياء من حولنا: واحد، اثنان، ثلاثة.' : 'We count the things around us: one, two, three.';
  return `<!doctype html><html lang="${ar ? 'ar' : 'en'}" dir="${ar ? 'rtl' : 'ltr'}"><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;padding:1rem"><h1>${title}</h1><p>${body}</p></body></html>`;
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml' };

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  try {
    if (url.pathname.startsWith('/api/') && req.method === 'POST') {
      const name = url.pathname.slice(5);
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const fn = commands[name];
      if (!fn) fail('bad_request', `unknown command ${name}`);
      const token = /^Bearer ([0-9a-f]{64})$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      const who = token ? sessions.get(token) : undefined;
      if (!PUBLIC.has(name) && !who) fail('unauthenticated', 'sign in first');
      if (FACILITATOR_ONLY.has(name) && who.role !== 'facilitator') fail('forbidden', 'facilitators only');
      const out = fn(raw ? JSON.parse(raw) : {}, token);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
      return;
    }
    if (url.pathname.startsWith('/content/')) {
      const [packId, ...rest] = url.pathname.slice(9).split('/').map(decodeURIComponent);
      const file = rest.join('/');
      // As crates/core/src/packs/content.rs: the shared origin, and no way to use it.
      res.setHeader('Content-Security-Policy', "sandbox allow-same-origin; default-src 'none'; script-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; form-action 'none'");
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (/\.(html|md)$/.test(file)) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(lessonPage(packId, file));
      } else {
        res.writeHead(404).end('no media in the mock');
      }
      return;
    }
    let path = normalize(join(uiDir, decodeURIComponent(url.pathname)));
    if (!path.startsWith(uiDir)) throw Object.assign(new Error('outside'), { status: 403 });
    const s = await stat(path).catch(() => null);
    if (!s || s.isDirectory()) path = join(uiDir, 'index.html');
    res.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream' }).end(await readFile(path));
  } catch (err) {
    if (err.api) {
      const status = {
        not_found: 404, unauthenticated: 401, wrong_pin: 401, forbidden: 403, slow_down: 429, not_yet: 422, conflict: 409,
        not_enrolled: 409, already_enrolled: 409, enrol_code_refused: 422, server_refused: 422, server_version: 422,
        server_unreachable: 502, sync_failed: 502,
      }[err.api.code] ?? 400;
      const headers = { 'Content-Type': 'application/json' };
      if (err.api.retry_after_s) headers['Retry-After'] = String(err.api.retry_after_s);
      res.writeHead(status, headers).end(JSON.stringify(err.api));
    } else {
      res.writeHead(err.status ?? 500).end(String(err.message));
    }
  }
}).listen(port, '127.0.0.1', () => console.log(`mock Qalam at http://127.0.0.1:${port}/ (ui: ${uiDir})`));
