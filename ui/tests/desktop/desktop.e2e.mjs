// End-to-end test of the real desktop window (Tauri + WebKitGTK) through
// tauri-driver's W3C WebDriver endpoint. Run by scripts/desktop-smoke.sh
// under Xvfb, with the sample packs already installed in QALAM_DATA.
//
//   DRIVER=http://127.0.0.1:4444 APP=/path/to/qalam-desktop OUT=dir node desktop.e2e.mjs
//
// It opens the library, a pack and a lesson, and checks that the lesson's
// sandboxed frame (served under /content/ on the app's own origin) shows the
// pack's page and that the app can see into it;
// then switches to Arabic and checks the layout is right to left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const DRIVER = process.env.DRIVER ?? 'http://127.0.0.1:4444';
const APP = process.env.APP;
const OUT = process.env.OUT ?? 'test-results/desktop';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const QALAM_BIN = process.env.QALAM_BIN;
const QALAM_DATA = process.env.QALAM_DATA;

async function wd(method, path, body) {
  const res = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

async function until(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

test('the desktop window shows the library, a lesson in its sandboxed frame, and Arabic right to left', async () => {
  assert.ok(APP, 'APP must name the qalam-desktop binary');
  mkdirSync(OUT, { recursive: true });
  const session = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
  });
  const sid = session.sessionId;
  const s = (path) => `/session/${sid}${path}`;
  const find = (css) => wd('POST', s('/elements'), { using: 'css selector', value: css });
  const run = (script, args = []) => wd('POST', s('/execute/sync'), { script, args });
  const shot = async (name) => writeFileSync(join(OUT, `${name}.png`), Buffer.from(await wd('GET', s('/screenshot')), 'base64'));
  try {
    const cards = await until('four pack cards', async () => {
      const found = await find('.pack-card .card-link');
      return found.length >= 4 ? found : null;
    });
    await shot('desktop-library');

    await wd('POST', s(`/element/${cards[0][ELEMENT]}/click`), {});
    const lessons = await until('the lesson list', async () => {
      const found = await find('.lesson-item');
      return found.length > 0 ? found : null;
    });
    await wd('POST', s(`/element/${lessons[0][ELEMENT]}/click`), {});
    const frame = await until('the lesson frame', async () => (await find('iframe.lesson-frame'))[0]);
    assert.equal(await run('return arguments[0].getAttribute("sandbox")', [frame]), 'allow-same-origin');
    const src = await run('return arguments[0].getAttribute("src")', [frame]);
    assert.match(src, /^\/content\//);
    // The lesson loads on the app's own origin, so the app can see into it
    // (its scroll position), and the content policy holds there too.
    const inside = await until('the app reading the lesson frame', async () =>
      run(
        'const d = arguments[0].contentDocument; return d && d.readyState === "complete" && d.location.href !== "about:blank" ? d.location.origin + " " + location.origin : null',
        [frame],
      ),
    );
    const [frameOrigin, appOrigin] = inside.split(' ');
    assert.equal(frameOrigin, appOrigin, 'the lesson shares the app origin');

    await wd('POST', s('/frame'), { id: frame });
    const heading = await until('the lesson page inside the frame', async () => {
      const h = await find('h1');
      return h.length ? await wd('GET', s(`/element/${h[0][ELEMENT]}/text`)) : null;
    });
    assert.ok(heading.trim().length > 0, 'the lesson page has a heading');
    await wd('POST', s('/frame'), { id: null });
    await shot('desktop-lesson');

    await run(
      'const sel = document.querySelector("header select"); sel.value = "ar"; sel.dispatchEvent(new Event("change", { bubbles: true }));',
    );
    await until('Arabic, right to left', async () =>
      (await run('return document.documentElement.lang + "/" + document.documentElement.dir')) === 'ar/rtl',
    );
    await shot('desktop-lesson-ar');
  } finally {
    await wd('DELETE', `/session/${sid}`).catch(() => {});
  }
});

// Per-learner isolation through the Tauri transport: the session token
// lives in the Rust side of the window, so the page can only act as the
// learner signed in there, whatever ids it sends.
test('through Tauri commands a learner reads and writes only their own progress', async () => {
  assert.ok(APP && QALAM_BIN && QALAM_DATA, 'APP, QALAM_BIN and QALAM_DATA must be set');
  const cli = (...args) => execFileSync(QALAM_BIN, ['--data', QALAM_DATA, ...args], { encoding: 'utf8' });
  cli('learner', 'add', 'Amal', '--pin', '1357');
  cli('learner', 'add', 'Badr');
  const learners = JSON.parse(cli('learner', 'list', '--json'));
  const id = (name) => learners.find((l) => l.name === name).id;
  const [amal, badr] = [id('Amal'), id('Badr')];

  const session = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
  });
  const sid = session.sessionId;
  // Calls a command from the page, as the UI does; resolves to {ok} or {err}.
  const invoke = (cmd, args = {}) =>
    wd('POST', `/session/${sid}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
          .then((ok) => done({ ok }), (err) => done({ err }));`,
      args: [cmd, args],
    });
  try {
    await until('the app to answer', async () => (await invoke('app_info')).ok);
    const packs = (await invoke('list_packs', { lang: 'en' })).ok;
    const pack = (await invoke('get_pack', { lang: 'en', id: packs[0].id })).ok;
    const lesson = pack.lessons[0].id;

    // Amal signs in with her PIN typed in Arabic-Indic digits and reads.
    assert.ok((await invoke('sign_in', { learner_id: amal, pin: '١٣٥٧' })).ok);
    assert.ok((await invoke('lesson_open', { pack_id: pack.id, lesson_id: lesson, learner_id: badr })).ok);
    const hers = (await invoke('my_progress', { lang: 'en', learner_id: badr })).ok;
    const opened = (p) => p.courses.flatMap((c) => c.lessons).filter((l) => l.opened).length;
    assert.equal(opened(hers), 1, 'the lesson was recorded for Amal, whatever id was sent');
    const refused = await invoke('learner_list');
    assert.equal(refused.err?.code, 'forbidden', JSON.stringify(refused));
    assert.ok((await invoke('sign_out')).ok !== undefined);

    // Badr sees none of it, and cannot call anything as Amal any more.
    assert.equal((await invoke('my_progress', { lang: 'en' })).err?.code, 'unauthenticated');
    assert.ok((await invoke('sign_in', { learner_id: badr })).ok);
    assert.equal(opened((await invoke('my_progress', { lang: 'en', learner_id: amal })).ok), 0);
  } finally {
    await wd('DELETE', `/session/${sid}`).catch(() => {});
  }
});
