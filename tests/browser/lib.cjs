// Helpers shared by the browser scripts of tests/browser (playwright-core in Debian's
// Chromium). The Go runner (runBrowserScript in tests/browser_test.go) passes the
// environment they read: BASE_URL (the local runtime), DEV_KEY (the key of the
// development pages), OUTBOX_DIR (the .eml files the runtime "sends"), SHOTS_DIR (where
// screenshots go) and CHROMIUM (the browser's executable).
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const base = process.env.BASE_URL;
const devKey = process.env.DEV_KEY;
const outbox = process.env.OUTBOX_DIR;
const shots = process.env.SHOTS_DIR;

// fail stops the test with msg (thrown; run prints it and exits 1).
function fail(msg) {
  throw new Error(msg);
}

// run runs a script's async main and exits 1 with the error's stack when it throws,
// followed by what every page open at the end showed (see lastWords).
function run(main) {
  main().catch(async (e) => {
    console.error(e.stack || String(e));
    for (const browser of launched) await lastWords(browser).catch(() => undefined);
    for (const words of said) console.error(words);
    process.exit(1);
  });
}

// launched are the browsers launch started; said is what lastWords saw.
const launched = [];
const said = [];

// lastWords saves a screenshot of every page of browser still open (last-<n>.png in
// SHOTS_DIR) and keeps its address and the start of its text, which run prints when the
// script failed: a failure on a CI machine shows what the page said, not only what the
// script waited for. launch runs it before the browser closes.
async function lastWords(browser) {
  if (!browser.isConnected()) return;
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      if (page.isClosed()) continue;
      const file = path.join(shots, `last-${said.length + 1}.png`);
      await page.screenshot({ path: file, fullPage: true, timeout: 5000 }).catch(() => undefined);
      const text = await page.locator('body').innerText({ timeout: 2000 }).catch(() => '');
      said.push(`page ${said.length + 1} (${file}): ${page.url()}\n  ${text.replace(/\s+/g, ' ').slice(0, 600)}`);
    }
  }
}

// launch starts Chromium (CHROMIUM) headless, without sandbox, GPU or background traffic.
async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  launched.push(browser);
  const close = browser.close.bind(browser);
  browser.close = async (...args) => {
    await lastWords(browser).catch(() => undefined);
    return close(...args);
  };
  return browser;
}

// newContext(browser, lang, width) opens a BrowserContext in lang ('en' or 'fr': the
// browser's locale en-US or fr-FR) at width px, 800 px high; at 375 px and below it is a
// phone (667 px high, mobile, touch). bypassCSP only lets the test inject axe-core; the
// app itself runs under its CSP.
function newContext(browser, lang, width) {
  const phone = width <= 375;
  return browser.newContext({
    locale: lang === 'fr' ? 'fr-FR' : 'en-US',
    viewport: { width, height: phone ? 667 : 800 },
    isMobile: phone,
    hasTouch: phone,
    bypassCSP: true,
  });
}

// labelled(text) is a RegExp matching a field's whole label text, with or without the
// mark of a required field (" *").
const labelled = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);

// loadTS(file) loads one of the web app's own TypeScript modules (an absolute path,
// bundled with what it imports by esbuild) and returns its exports, so a test reads the
// app's sentences and routes rather than a copy.
function loadTS(file) {
  const esbuild = require('esbuild');
  const out = esbuild.buildSync({ entryPoints: [file], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent' });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, require);
  return mod.exports;
}

// call(target, method, url, data) calls the API (url from /api...) with the cookies of
// target, a Page or a BrowserContext, sending data as JSON; it returns { status, raw
// (the body's text), json (the parsed body, undefined when empty) } whatever the status.
async function call(target, method, url, data) {
  const ctx = typeof target.context === 'function' ? target.context() : target;
  const resp = await ctx.request.fetch(base + url, { method, data, headers: { Accept: 'application/json' }, failOnStatusCode: false });
  const raw = await resp.text();
  return { status: resp.status(), raw, json: raw ? JSON.parse(raw) : undefined };
}

// api is call that fails with "METHOD url: status body" unless the API answers 2xx, and
// returns the parsed body (undefined when empty, e.g. 204).
async function api(target, method, url, data) {
  const r = await call(target, method, url, data);
  if (r.status < 200 || r.status >= 300) fail(`${method} ${url}: ${r.status} ${r.raw}`);
  return r.json;
}

// devSignIn(page, email) signs page's context in as email through the development
// sign-in page (the local OIDC provider), pressing its buttons as a person would, and
// returns once /api/me answers with email (15 s at most, then fails) and the page is idle.
async function devSignIn(page, email) {
  await page.goto(`${base}/_dev/sign-in?key=${devKey}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Choose' }).click();
  await page.getByRole('button', { name: /Development sign-in/ }).click();
  // The provider's callback answers 303 to a page of the app (home, or /welcome the first
  // time): wait until the page has landed there, or a goto right after this would be
  // interrupted by that redirect.
  await page.waitForURL((u) => u.origin === new URL(base).origin && !u.pathname.startsWith('/_dev') && !u.pathname.startsWith('/api/'), { waitUntil: 'load', timeout: 15000 });
  for (let i = 0; ; i++) {
    const me = await page.context().request.get(`${base}/api/me`);
    if (me.status() === 200 && (await me.json()).email === email) break;
    if (i === 150) fail(`${email} was not signed in`);
    await page.waitForTimeout(100);
  }
  await page.waitForLoadState('networkidle');
}

// acceptRules(target) accepts the community rules' current version for the member signed
// in on target (a Page or a BrowserContext).
async function acceptRules(target) {
  const rules = await api(target, 'GET', '/api/community/rules');
  await api(target, 'POST', '/api/me/rules', { version: rules.version });
}

// devSignInContext(ctx, email) signs a BrowserContext in as email through the
// development provider by requests only (no page), as its page does, and returns the
// member (/api/me); it fails unless /api/me answers with email.
async function devSignInContext(ctx, email) {
  const chosen = await ctx.request.post(`${base}/_dev/sign-in`, { form: { key: devKey, email } });
  if (!chosen.ok()) fail(`choosing ${email}: ${chosen.status()}`);
  const { redirect } = await api(ctx, 'POST', '/api/auth/oidc/dev/start', {});
  const back = await ctx.request.get(redirect);
  if (!back.ok()) fail(`signing in ${email}: ${back.status()}`);
  const me = await api(ctx, 'GET', '/api/me');
  if (me.email !== email) fail(`signed in as ${me.email}, not ${email}`);
  return me;
}

// check(page, name) runs axe-core on the page and fails on any violation, fails when the
// page scrolls sideways (wider than the viewport's own width: a phone's browser would
// widen its layout to fit), and keeps a full-page screenshot SHOTS_DIR/<name>.png.
let axeSource;
async function check(page, name) {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  if (result.violations.length > 0) {
    const detail = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    fail(`axe found accessibility violations on ${name}:\n  ${detail.join('\n  ')}`);
  }
  const width = page.viewportSize().width;
  const overflow = await page.evaluate((w) => Math.max(document.documentElement.scrollWidth, window.innerWidth) - w, width);
  if (overflow > 0) fail(`${name} scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  console.log(`ok: ${name} (no axe violation, no sideways scroll)`);
}

// trackRequests(page) keeps page.pending, the set of the page's requests in flight, for
// settle.
function trackRequests(page) {
  page.pending = new Set();
  page.on('request', (r) => page.pending.add(r));
  page.on('requestfinished', (r) => page.pending.delete(r));
  page.on('requestfailed', (r) => page.pending.delete(r));
}

// settle(page) waits until the page (tracked by trackRequests) has had no request in
// flight (API calls, images) for 100 ms and nothing says it is loading (aria-busy); it
// fails after 15 s.
async function settle(page) {
  const deadline = Date.now() + 15000;
  let quietSince = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    if (page.pending.size > 0 || (await page.locator('[aria-busy="true"]').count()) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 100) return;
    if (Date.now() > deadline) fail(`${page.url()} never finished loading`);
  }
}

// eventually(what, check, ms = 20000) polls the async check every 200 ms until it returns
// something truthy, and returns it (the event path is asynchronous); after ms it fails
// with "never happened: what".
async function eventually(what, check, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// decodeQP undoes the quoted-printable transfer encoding of the .eml parts.
function decodeQP(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

// mails(email) lists the mails to email in OUTBOX_DIR, newest first (the runtime names
// its files by time): [{ file, mtimeMs, text }], text decoded from quoted-printable.
function mails(email) {
  const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml') && !f.startsWith('.')) : [];
  const out = [];
  for (const f of files.sort().reverse()) {
    const file = path.join(outbox, f);
    const text = decodeQP(fs.readFileSync(file, 'utf8'));
    if (text.includes(`To: ${email}`)) out.push({ file, mtimeMs: fs.statSync(file).mtimeMs, text });
  }
  return out;
}

const signInLink = /https?:\/\/\S+\/sign-in\/link#token=[A-Za-z0-9_-]+/;
const taken = new Set();

// mailedLink(email, pattern = a sign-in link, { since, once }) waits up to 15 s for a mail
// to email whose text matches pattern (a RegExp) and returns the match, the newest first.
// since (ms since the epoch) skips mails written more than 1 s before it; once skips the
// mails an earlier call with once already returned. It fails with "no mail for email
// matching pattern in OUTBOX_DIR".
async function mailedLink(email, pattern = signInLink, { since = 0, once = false } = {}) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    for (const m of mails(email)) {
      if (m.mtimeMs < since - 1000 || (once && taken.has(m.file))) continue;
      const found = m.text.match(pattern);
      if (found) {
        if (once) taken.add(m.file);
        return found[0];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`no mail for ${email} matching ${pattern} in ${outbox}`);
}

// askLink(email, locale) asks the API for a sign-in link for email in locale ('en',
// 'fr'), as the sign-in page does (it must answer 202), and returns the link mailed in
// answer: a mail written since the request and not returned by askLink before.
async function askLink(email, locale) {
  const before = Date.now();
  const resp = await fetch(base + '/api/auth/email/start', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, locale }),
  });
  if (resp.status !== 202) fail(`start for ${email}: ${resp.status} ${await resp.text()}`);
  return mailedLink(email, signInLink, { since: before, once: true });
}

// waitFor fails the script, naming what was expected and where, unless locator's first
// element reaches state (visible by default) within 20 s.
async function waitFor(page, locator, what, state = 'visible') {
  try {
    await locator.first().waitFor({ timeout: 20000, state });
  } catch {
    fail(`${what}: not shown on ${page.url()}`);
  }
}

// visit opens url, again if the page was still finishing the sign-in's own navigation.
async function visit(page, url) {
  for (let i = 0; ; i++) {
    try {
      await page.goto(base + url, { waitUntil: 'networkidle' });
      return;
    } catch (e) {
      if (i === 2 || !/interrupted by another navigation/.test(String(e))) throw e;
      await page.waitForLoadState('networkidle');
    }
  }
}

module.exports = {
  waitFor,
  visit,
  base,
  devKey,
  outbox,
  shots,
  fail,
  run,
  launch,
  newContext,
  labelled,
  loadTS,
  call,
  api,
  devSignIn,
  acceptRules,
  devSignInContext,
  check,
  trackRequests,
  settle,
  eventually,
  decodeQP,
  mails,
  mailedLink,
  askLink,
};
