// End-to-end: the campus server's admin web page (/admin) in Debian's
// Chromium against a real `qalam server run`, in English and in Arabic.
//
//   npm run test:e2e        (or: node --test tests/e2e/admin.e2e.test.mjs)
//
// Environment:
//   QALAM_BIN   the qalam binary [${CARGO_TARGET_DIR:-/root/.cache/qalam/target}/debug/qalam]
//   CHROMIUM    browser executable [/usr/bin/chromium]
//
// Each language gets a fresh data folder, an admin made with the CLI and a
// fresh browser profile. Screenshots go to ui/test-results/screens/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const UI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(UI, 'test-results');
const SCREENS = join(RESULTS, 'screens');
const QALAM_BIN =
  process.env.QALAM_BIN || join(process.env.CARGO_TARGET_DIR || '/root/.cache/qalam/target', 'debug', 'qalam');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What each journey types and expects, straight from admin.ftl. */
const TEXT = {
  en: {
    admin: 'Amina Haddad',
    org: 'Relief Learning',
    centre: 'North Centre',
    signin: 'Sign in',
    wrong: 'That name or password is not right. Check it and try again.',
    orgs: 'Organisations',
    orgTitle: 'Organisation: Relief Learning',
    centreTitle: 'Centre: North Centre',
    codeTitle: 'Enrolment code for North Centre',
    never: 'Never',
    revokeTitle: 'Revoke a device',
    revokeYes: 'Yes, revoke this device',
    revoked: 'is revoked. It can no longer sync.',
    changeLanguage: 'Change language',
    signOut: 'Sign out',
    signedOut: 'You are signed out.',
  },
  ar: {
    admin: 'أمينة حداد',
    org: 'التعلّم للإغاثة',
    centre: 'مركز الشمال',
    signin: 'الدخول',
    wrong: 'الاسم أو كلمة المرور غير صحيح. تحقّق منهما ثم حاول مرة أخرى.',
    orgs: 'المنظمات',
    orgTitle: 'المنظمة: التعلّم للإغاثة',
    centreTitle: 'المركز: مركز الشمال',
    codeTitle: 'رمز تسجيل في مركز الشمال',
    never: 'أبدًا',
    revokeTitle: 'إبطال جهاز',
    revokeYes: 'نعم، أبطِل هذا الجهاز',
    revoked: 'لم يعد يستطيع المزامنة.',
    changeLanguage: 'غيّر اللغة',
    signOut: 'خروج',
    signedOut: 'لقد خرجت.',
  },
};

const ISOLATE = /[\u2066-\u2069]/g;
const clean = (s) => (s ?? '').replace(ISOLATE, '').replace(/\s+/g, ' ').trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** `qalam server run` on a fresh data folder, with one admin made by the CLI. */
async function startCampus(tag, adminName) {
  const data = mkdtempSync(join(tmpdir(), `qalam-e2e-admin-${tag}-`));
  const log = createWriteStream(join(RESULTS, `admin-${tag}.log`));
  const add = spawnSync(QALAM_BIN, ['server', '--data', data, 'admin', 'add', adminName], { encoding: 'utf8' });
  log.write(`$ qalam server admin add ${adminName}\n${add.stdout.split('\n').slice(0, -2).join('\n')}\n(password hidden)\n${add.stderr}\n`);
  assert.equal(add.status, 0, `qalam server admin add failed: ${add.stderr || add.stdout}`);
  const password = add.stdout.trim().split('\n').pop().trim();
  assert.match(password, /^[0-9a-z]{5}(-[0-9a-z]{5}){3}$/);
  const port = await freePort();
  const child = spawn(QALAM_BIN, ['server', '--data', data, 'run', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QALAM_LOG: process.env.QALAM_LOG || 'info' },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the campus server exited early (${JSON.stringify(exited)}); see test-results/admin-${tag}.log`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`the campus server did not answer on ${base} within 30 s`);
    await sleep(200);
  }
  return {
    base,
    password,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) child.kill('SIGKILL');
      }
      log.end();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function openBrowser(tag) {
  const profile = mkdtempSync(join(tmpdir(), `qalam-e2e-admin-profile-${tag}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
  });
  const problems = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // A CSP violation (say, a style the policy blocks) is a console error.
  page.on('console', (msg) => {
    // The wrong password's 401 is logged too; it is expected (see below).
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    // The wrong password is answered 401 on purpose.
    if (res.status() >= 400 && !(res.status() === 401 && res.url().endsWith('/admin/sign-in'))) {
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
    }
  });
  return {
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const shot = (page, name) => page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
const h1 = async (page) => clean(await page.locator('main h1').innerText());
const htmlAttrs = (page) =>
  page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + el.className : ''}` : '';
  });

/** Every control has a name a screen reader can say; tables have header cells. */
async function assertAccessible(page, where) {
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
      .filter((el) => {
        if (el.getAttribute('aria-label')) return false;
        if (el.tagName === 'A' || el.tagName === 'BUTTON') return (el.textContent ?? '').trim() === '';
        return !(el.labels && el.labels.length > 0);
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, [], `unnamed controls on ${where}`);
  const headless = await page.evaluate(() =>
    [...document.querySelectorAll('table')].filter((t) => t.querySelectorAll('th[scope]').length === 0).length,
  );
  assert.equal(headless, 0, `tables without header cells on ${where}`);
  assert.equal(await page.locator('main h1').count(), 1, `one h1 on ${where}`);
  assert.equal(await page.locator('script').count(), 0, `no scripts on ${where}`);
}

/** Signs in with the keyboard alone: skip link, name, password, Enter. */
async function keyboardSignIn(page, T, password) {
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'a.skip', 'the first Tab reaches the skip link');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'main#main', 'the skip link moves focus to the main content');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'input#name');
  await page.keyboard.type(T.admin);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'input#password');
  await page.keyboard.type(password);
  await Promise.all([page.waitForURL(/\/admin\/orgs$/), page.keyboard.press('Enter')]);
}

async function enrolDevice(base, code) {
  const deviceId = randomBytes(16).toString('hex');
  const res = await fetch(`${base}/v1/enrol`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, device_id: deviceId }),
  });
  assert.equal(res.status, 200, `enrol: ${await res.clone().text()}`);
  const { credential } = await res.json();
  return { deviceId, credential };
}

function syncStatus(base, credential) {
  return fetch(`${base}/v1/sync/status`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}` },
    body: JSON.stringify({ versions: [1], clock_ms: Date.now(), head: 0 }),
  });
}

/** Choose a language with the selector on the page (no script: a form). */
async function chooseLanguage(page, lang, buttonText) {
  await page.locator('#lang').selectOption(lang);
  await Promise.all([
    page.waitForFunction((l) => document.documentElement.lang === l, lang),
    page.getByRole('button', { name: buttonText }).click(),
  ]);
}

async function journey(lang) {
  const T = TEXT[lang];
  const campus = await startCampus(lang, T.admin);
  const browser = await openBrowser(lang);
  const { page } = browser;
  try {
    await page.goto(`${campus.base}/admin`);
    await page.waitForURL(/\/admin\/sign-in$/);
    if (lang !== 'en') await chooseLanguage(page, lang, TEXT.en.changeLanguage);
    assert.deepEqual(await htmlAttrs(page), { lang, dir: lang === 'ar' ? 'rtl' : 'ltr' });
    assert.equal(await h1(page), T.signin);
    await assertAccessible(page, 'sign-in');
    await shot(page, `admin-${lang}-signin`);

    // A wrong password: one clear line, the name kept.
    await page.fill('#name', T.admin);
    await page.fill('#password', 'not-the-password');
    await page.locator('main button[type=submit]').click();
    assert.equal(clean(await page.locator('[role=alert]').innerText()), T.wrong);
    assert.equal(await page.inputValue('#name'), T.admin);

    await page.goto(`${campus.base}/admin/sign-in`);
    await keyboardSignIn(page, T, campus.password);
    assert.equal(await h1(page), T.orgs);
    await assertAccessible(page, 'organisations');

    await page.fill('#name', T.org);
    await Promise.all([page.waitForURL(/\/admin\/orgs\/[0-9a-f]{32}$/), page.locator('main button[type=submit]').click()]);
    assert.equal(await h1(page), T.orgTitle);
    await page.fill('#name', T.centre);
    await Promise.all([page.waitForURL(/\/admin\/centres\/[0-9a-f]{32}$/), page.locator('main button[type=submit]').click()]);
    assert.equal(await h1(page), T.centreTitle);
    const centreUrl = page.url();
    await assertAccessible(page, 'centre');

    // An enrolment code, shown once, large; a device enrols with it.
    await page.fill('#hours', lang === 'ar' ? '٢٤' : '24');
    await page.locator('form:has(#hours) button').click();
    await page.locator('#enrol-code').waitFor();
    assert.equal(await h1(page), T.codeTitle);
    const code = (await page.locator('#enrol-code').innerText()).replace(/\s+/g, '');
    assert.match(code, /^[0-9A-Z]{12}$/);
    const fontSize = await page.locator('#enrol-code').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(fontSize >= 28, `the code is shown large (${fontSize}px)`);
    await shot(page, `admin-${lang}-code`);
    const device = await enrolDevice(campus.base, code);
    const synced = await syncStatus(campus.base, device.credential);
    assert.equal(synced.status, 200);

    // The centre lists it, with its last sync; a second one never synced.
    const second = await enrolDevice(campus.base, await makeCode(page, centreUrl));
    await page.goto(centreUrl);
    const rows = page.locator('table.devices tbody tr');
    assert.equal(await rows.count(), 2);
    const first = rows.filter({ hasText: device.deviceId });
    assert.doesNotMatch(clean(await first.innerText()), new RegExp(T.never));
    assert.match(clean(await rows.filter({ hasText: second.deviceId }).innerText()), new RegExp(T.never));
    await assertAccessible(page, 'centre with devices');
    await shot(page, `admin-${lang}`);
    // A small screen: nothing may overflow sideways but the table itself.
    await page.setViewportSize({ width: 400, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await shot(page, `admin-${lang}-narrow`);
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 400px wide`);

    // Revoke asks first; then the device's next sync is refused.
    await first.getByRole('button').click();
    await page.waitForURL(/\/revoke\??$/);
    assert.equal(await h1(page), T.revokeTitle);
    await shot(page, `admin-${lang}-revoke`);
    await page.getByRole('button', { name: T.revokeYes }).click();
    await page.waitForURL(/\?revoked=/);
    assert.match(clean(await page.locator('[role=status]').innerText()), new RegExp(T.revoked));
    const refused = await syncStatus(campus.base, device.credential);
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).code, 'revoked');

    // Signing out ends the session.
    await page.getByRole('button', { name: T.signOut }).click();
    await page.waitForURL(/\/admin\/sign-in\?done=signed-out$/);
    assert.equal(clean(await page.locator('[role=status]').innerText()), T.signedOut);
    await page.goto(centreUrl);
    await page.waitForURL(/\/admin\/sign-in$/);
    assert.deepEqual(browser.problems, []);
  } finally {
    await browser.close();
    await campus.stop();
  }
}

/** Makes another code on the centre page and reads it. */
async function makeCode(page, centreUrl) {
  await page.goto(centreUrl);
  await page.fill('#hours', '1');
  await page.locator('form:has(#hours) button').click();
  await page.locator('#enrol-code').waitFor();
  return (await page.locator('#enrol-code').innerText()).replace(/\s+/g, '');
}

describe('admin web page', () => {
  mkdirSync(SCREENS, { recursive: true });
  test('English: sign in by keyboard, add an organisation and a centre, enrol, revoke', () => journey('en'));
  test('Arabic, right to left: the same journey', () => journey('ar'));
});
