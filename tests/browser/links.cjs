// Follows emailed sign-in links through the web app's confirmation page in Debian's
// Chromium (playwright-core): in English and French, at 375 px and 1280 px. Opening a
// link spends nothing (a scanner's fetch leaves it usable); the page's button signs
// in; a browser signed in with another account is switched only when the person
// chooses to; the link's own account just confirms. axe-core runs on every page.
// Driven by tests/browser_test.go, which passes BASE_URL, OUTBOX_DIR, SHOTS_DIR and CHROMIUM.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const base = process.env.BASE_URL;
const outbox = process.env.OUTBOX_DIR;
const shots = process.env.SHOTS_DIR;
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const text = {
  en: {
    create: 'Create your Tribune account',
    createButton: 'Create my account',
    signIn: 'Sign in to Tribune',
    signInButton: 'Sign in',
    creates: (masked) => `This link creates your account with ${masked}.`,
    welcome: (name) => `Welcome, ${name}!`,
    other: (name) => `This browser is signed in with another account: ${name}`,
    stay: (name) => `Stay signed in as ${name}`,
    switchTo: (masked) => `Switch to ${masked}`,
    same: 'You are already signed in with this account.',
    cont: 'Continue',
    used: 'already been used',
  },
  fr: {
    create: 'Créer votre compte Tribune',
    createButton: 'Créer mon compte',
    signIn: 'Se connecter à Tribune',
    signInButton: 'Me connecter',
    creates: (masked) => `Ce lien crée votre compte avec l’adresse ${masked}.`,
    welcome: (name) => `Bienvenue, ${name} !`,
    other: (name) => `Ce navigateur est connecté avec un autre compte : ${name}`,
    stay: (name) => `Rester connecté en tant que ${name}`,
    switchTo: (masked) => `Passer au compte ${masked}`,
    same: 'Vous êtes déjà connecté avec ce compte.',
    cont: 'Continuer',
    used: 'déjà été utilisé',
  },
};

function fail(msg) {
  throw new Error(msg);
}

// decodeQP undoes the quoted-printable transfer encoding of the .eml parts.
function decodeQP(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

// askLink asks the API for a sign-in link, as the sign-in page does, and returns the
// newest link mailed to email.
async function askLink(email, locale) {
  const before = Date.now();
  const resp = await fetch(base + '/api/auth/email/start', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, locale }),
  });
  if (resp.status !== 202) fail(`start for ${email}: ${resp.status} ${await resp.text()}`);
  const deadline = before + 15000;
  while (Date.now() < deadline) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml') && !f.startsWith('.')) : [];
    for (const f of files) {
      const file = path.join(outbox, f);
      if (fs.statSync(file).mtimeMs < before - 1000 || seen.has(file)) continue;
      const body = decodeQP(fs.readFileSync(file, 'utf8'));
      const m = body.includes(`To: ${email}`) && body.match(/https?:\/\/\S+\/sign-in\/link#token=[A-Za-z0-9_-]+/);
      if (m) {
        seen.add(file);
        return m[0];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`no sign-in mail for ${email} in ${outbox}`);
}
const seen = new Set();

// axe runs axe-core on the page, checks that it does not scroll sideways (against the
// viewport's own width: a mobile browser would widen its layout to fit), and keeps a
// screenshot.
async function axe(page, name) {
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
  console.log(`axe: ${name} has no violations`);
}

const masked = (email) => email[0] + '•••' + email.slice(email.indexOf('@'));

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const consoleErrors = [];
  try {
    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = text[lang];
        const tag = `${lang}-${width}`;
        const phone = width === 375;
        // bypassCSP only lets the test inject axe-core; the app itself runs under the CSP.
        const context = await browser.newContext({
          locale: lang === 'fr' ? 'fr-FR' : 'en-US',
          viewport: { width, height: phone ? 667 : 800 },
          isMobile: phone,
          hasTouch: phone,
          bypassCSP: true,
        });
        const page = await context.newPage();
        page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

        // A mail scanner fetches the link first: nothing is spent, no session is given.
        const email = `nia.${lang}${width}@example.com`;
        const link = await askLink(email, lang);
        for (const method of ['HEAD', 'GET']) {
          const resp = await fetch(link, { method });
          if (resp.status !== 200 || resp.headers.get('set-cookie')) fail(`${method} of the link: ${resp.status}, cookie ${resp.headers.get('set-cookie')}`);
        }
        await page.goto(link);
        await page.getByRole('heading', { name: t.create }).waitFor();
        await page.getByText(t.creates(masked(email))).waitFor();
        await axe(page, `link-new-${tag}`);
        // Reloading the page (or a second look) still spends nothing.
        await page.reload();
        await page.getByRole('button', { name: t.createButton }).click();
        const name = email.split('@')[0];
        await page.getByRole('heading', { name: t.welcome(name) }).waitFor();

        // Another account's link in this signed-in browser: the page says so; staying
        // changes nothing; switching is a choice.
        const other = `omar.${lang}${width}@example.com`;
        await askLink(other, lang).then((l) => page.goto(l)); // a sign-up link: creates Omar
        await page.getByText(t.other(name)).waitFor();
        await axe(page, `link-other-account-${tag}`);
        await page.getByRole('button', { name: t.stay(name) }).click();
        await page.getByRole('heading', { name: t.welcome(name) }).waitFor();
        await page.goBack();
        await page.getByRole('button', { name: t.switchTo(masked(other)) }).click();
        const otherName = other.split('@')[0];
        await page.getByRole('heading', { name: t.welcome(otherName) }).waitFor();

        // The account's own link again: it only confirms.
        await page.goto(await askLink(other, lang));
        await page.getByRole('heading', { name: t.signIn }).waitFor();
        await page.getByText(t.same).waitFor();
        await axe(page, `link-same-account-${tag}`);
        await page.getByRole('button', { name: t.cont }).click();
        await page.getByRole('heading', { name: t.welcome(otherName) }).waitFor();

        // A spent link explains itself.
        await page.goto(link);
        await page.getByRole('alert').filter({ hasText: t.used }).waitFor();
        await axe(page, `link-used-${tag}`);
        await context.close();
      }
    }
    if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) fail(`CSP violations: ${consoleErrors.join('; ')}`);
    console.log('browser sign-in links: ok');
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
