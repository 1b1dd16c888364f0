// Newsletters' audience and consent in the browser (issue 13, n2): ann ticks product
// news on her email preferences page; the admin (boss) builds a segment on the
// "Audience and lists" page and reads its live count change as roles are ticked;
// a hard bounce of bob's address simulated on the development page takes him out of
// the count and puts him on the suppression list, from which the admin takes him off.
// In English and French at 375 px (and the admin's page at 1280 px), axe-core on every
// page, no sideways scrolling. Driven by tests/browser_test.go
// (TestBrowserNewsletterAudience); boss@example.com is an admin.
const path = require('node:path');
const { api, base, check, devKey, devSignIn, devSignInContext, eventually, fail, launch, loadTS, newContext, run, settle, trackRequests } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // Bob chose product news by the API; everyone got the lists' defaults when joining.
    for (const email of ['boss@example.com', 'ann@example.com', 'bob@example.com']) {
      const ctx = await browser.newContext();
      await devSignInContext(ctx, email);
      if (email === 'bob@example.com') await api(ctx, 'PUT', '/api/me/newsletters', { lists: { product: true } });
      await ctx.close();
    }

    const open = async (email, lang, width) => {
      const context = await newContext(browser, lang, width);
      await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
      const page = await context.newPage();
      trackRequests(page);
      page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${lang}-${width}: ${m.text()}`));
      page.on('pageerror', (e) => consoleErrors.push(`${lang}-${width}: ${String(e)}`));
      await devSignIn(page, email);
      return page;
    };
    // goto: a navigation the app's own redirect after signing in interrupts is tried again.
    const goto = async (page, url) => {
      for (let i = 0; ; i++) {
        try {
          await page.goto(url);
          return;
        } catch (e) {
          if (i === 3 || !/interrupted by another navigation/.test(String(e))) throw e;
          await page.waitForLoadState('load');
        }
      }
    };
    const count = (s, n, list) => s.nl2.count(n, s.nl2.listNames[list]);

    for (const lang of ['en', 'fr']) {
      const s = strings[lang];
      // Ann's lists: product news ticked (en), then unticked (fr); each saved at once.
      const ann = await open('ann@example.com', lang, 375);
      await goto(ann, base + '/me/newsletters');
      await settle(ann);
      await ann.getByRole('heading', { level: 1, name: s.nl2.prefsTitle }).waitFor();
      const product = ann.getByRole('checkbox', { name: s.nl2.listNames.product });
      if ((await product.isChecked()) !== (lang === 'fr')) fail(`${lang}: ann's product news box starts ${await product.isChecked()}`);
      await product.click();
      await ann.getByText(s.nl2.saved).waitFor();
      await settle(ann);
      if ((await product.isChecked()) !== (lang === 'en')) fail(`${lang}: ann's product news box did not change`);
      await ann.getByText(s.nl2.sources.preferences).first().waitFor();
      await check(ann, `audience-prefs-${lang}-375`);
      await ann.context().close();

      // The admin's segment: product news reaches ann (en only) and bob; nobody among
      // moderators.
      for (const width of lang === 'en' ? [375, 1280] : [375]) {
        const boss = await open('boss@example.com', lang, width);
        await goto(boss, base + '/newsletters/audience');
        await settle(boss);
        await boss.getByRole('heading', { level: 1, name: s.nl2.audienceTitle }).waitFor();
        // The lists' defaults: each box says what ticking it does; the events box
        // (off by default) reads so, unticked (finding 17).
        const events = boss.getByRole('checkbox', { name: s.nl2.subscribeNew(s.nl2.listNames.events), exact: true });
        await events.waitFor();
        if (await events.isChecked()) fail(`${lang}: new members are subscribed to events by default`);
        await boss.getByLabel(s.nl2.list, { exact: true }).selectOption('product');
        const want = lang === 'en' ? 2 : 1;
        await boss.getByText(count(s, want, 'product')).waitFor();
        await boss.getByRole('checkbox', { name: s.nl2.roleNames.moderator, exact: true }).check();
        await boss.getByText(count(s, 0, 'product')).waitFor();
        await boss.getByRole('checkbox', { name: s.nl2.roleNames.moderator, exact: true }).uncheck();
        await boss.getByText(count(s, want, 'product')).waitFor();
        await settle(boss);
        await check(boss, `audience-builder-${lang}-${width}`);
        await boss.context().close();
      }
    }

    // A hard bounce of bob's address, from the development page: out of every count,
    // on the suppression list; the admin takes him off and he counts again.
    const s = strings.en;
    const boss = await open('boss@example.com', 'en', 375);
    await goto(boss, `${base}/_dev/mail-event?key=${devKey}`);
    await boss.getByLabel('Email address').fill('bob@example.com');
    await boss.getByRole('button', { name: 'Simulate a hard bounce' }).click();
    await boss.getByText('Done: a bounce of bob@example.com').waitFor();
    await eventually('bob on the suppression list', async () => (await api(boss, 'GET', '/api/newsletters/suppressions')).items.some((x) => x.email === 'bob@example.com'));
    await goto(boss, base + '/newsletters/audience');
    await settle(boss);
    await boss.getByLabel(s.nl2.list, { exact: true }).selectOption('product');
    await boss.getByText(count(s, 0, 'product')).waitFor();
    const unsuppress = boss.getByRole('button', { name: s.nl2.unsuppress('bob@example.com') });
    await unsuppress.waitFor();
    await check(boss, 'audience-suppressed-en-375');
    await unsuppress.click();
    await boss.getByText(s.nl2.unsuppressed('bob@example.com')).waitFor();
    await boss.getByRole('checkbox', { name: s.nl2.roleNames.member, exact: true }).check();
    await boss.getByText(count(s, 1, 'product')).waitFor();
    await settle(boss);
    await check(boss, 'audience-unsuppressed-en-375');

    // The unsubscribe page opened with a forged token says so, in the reader's words.
    const visitor = await newContext(browser, 'fr', 375);
    await visitor.addInitScript(() => localStorage.setItem('tribune.lang', 'fr'));
    const vp = await visitor.newPage();
    trackRequests(vp);
    await goto(vp, base + '/unsubscribe?t=forged.token');
    await settle(vp);
    await vp.getByText(strings.fr.nl2Errors.unsubscribe_invalid).waitFor();
    await check(vp, 'unsubscribe-forged-fr-375');
    if (consoleErrors.length > 0) fail(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
  }
}

run(main);
