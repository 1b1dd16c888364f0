// Follows emailed sign-in links through the web app's confirmation page in Debian's
// Chromium (playwright-core): in English and French, at 375 px and 1280 px. Opening a
// link spends nothing (a scanner's fetch leaves it usable); the page's button signs
// in; a browser signed in with another account is switched only when the person
// chooses to; the link's own account just confirms. axe-core runs on every page.
// Driven by tests/browser_test.go, which passes BASE_URL, OUTBOX_DIR, SHOTS_DIR and CHROMIUM.
const { askLink, check, fail, launch, newContext, run } = require('./lib.cjs');

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

const masked = (email) => email[0] + '•••' + email.slice(email.indexOf('@'));

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = text[lang];
        const tag = `${lang}-${width}`;
        const context = await newContext(browser, lang, width);
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
        await check(page, `link-new-${tag}`);
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
        await check(page, `link-other-account-${tag}`);
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
        await check(page, `link-same-account-${tag}`);
        await page.getByRole('button', { name: t.cont }).click();
        await page.getByRole('heading', { name: t.welcome(otherName) }).waitFor();

        // A spent link explains itself.
        await page.goto(link);
        await page.getByRole('alert').filter({ hasText: t.used }).waitFor();
        await check(page, `link-used-${tag}`);
        await context.close();
      }
    }
    if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) fail(`CSP violations: ${consoleErrors.join('; ')}`);
    console.log('browser sign-in links: ok');
  } finally {
    await browser.close();
  }
}

run(main);
