// Writing newsletters in the browser (issue 13, writing), in Debian's Chromium, in
// English and French, at 375 px and 1280 px:
// - a marketer writes a newsletter with the "top posts" community block and watches the
//   live preview as a member chosen by name: the member's public post is in it, the
//   canary posted in a hidden space the member is not in is not;
// - a text that is not allowed (an unknown {{…}}) is refused under its field, nothing
//   saved; the draft is then saved and a test is sent to the marketer's own address,
//   which the outbox holds, rendered as the member;
// - the list page (with the digests and the branding) and the members' archive read
//   well; a digest's next issue is said on its own zone's clock, the zone named.
// axe-core runs on each state; no page scrolls sideways. Driven by tests/browser_test.go
// (TestBrowserNewslettersWriting); boss@example.com is an admin, who makes mia a marketer.
const path = require('node:path');
const { acceptRules, api, check, devSignIn, fail, launch, loadTS, mails, newContext, run, base, waitFor, visit } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // The community: a public space where Ann posts, a hidden one (Ann not in it)
    // holding the canary; Mia made a marketer by the admin.
    const setup = async (email) => {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await devSignIn(page, email);
      await acceptRules(page);
      return page;
    };
    const mia = await api(await setup('mia@example.com'), 'GET', '/api/me');
    const annPage = await setup('ann@example.com');
    const ann = await api(annPage, 'PUT', '/api/me/profile', {
      displayName: 'Ann Lovelace', bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en',
    });
    const boss = await setup('boss@example.com');
    await api(boss, 'PUT', `/api/members/${mia.id}/roles`, { roles: ['marketer'] });
    const square = await api(boss, 'POST', '/api/spaces', { name: 'Town square', visibility: 'public' });
    const vault = await api(boss, 'POST', '/api/spaces', { name: 'Board room', visibility: 'hidden' });
    await api(annPage, 'POST', `/api/spaces/${square.id}/join`);
    await api(annPage, 'POST', `/api/spaces/${square.id}/posts`, { kind: 'discussion', title: 'Our spring meetup', body: 'Who comes?' });
    await api(boss, 'POST', `/api/spaces/${vault.id}/posts`, { kind: 'discussion', title: 'CANARY merger plans', body: 'Shh.' });

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = strings[lang].nl;
        const tag = `${lang}-${width}`;
        const context = await newContext(browser, lang, width);
        await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        const page = await context.newPage();
        page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag}: ${m.text()}`));
        page.on('pageerror', (e) => consoleErrors.push(`${tag}: ${String(e)}`));
        await devSignIn(page, 'mia@example.com');

        // 1. The editor: a name, a subject, a body with the first name; top posts is on.
        await visit(page, '/newsletters/new');
        const name = `Spring ${tag}`;
        await page.locator('#nl-name').fill(name);
        await page.locator('#nl-v0-subject').fill(`News for {{first_name}} ${tag}`);
        await page.locator('#nl-v0-body').fill('Hello {{first_name}}, here is **what happened**. {{last_name}}');
        // 2. The live preview as Ann, picked by name.
        await page.locator('#nl-preview-member').fill('Ann Lov');
        const pick = page.locator('.picker-results button', { hasText: 'Ann Lovelace' });
        await waitFor(page, pick, 'Ann in the member picker');
        await pick.first().click();
        await waitFor(page, page.getByText(t.previewingAs('Ann Lovelace')), 'the preview as Ann');
        // An unknown token: the preview says why, and saving is refused under the body.
        await waitFor(page, page.getByText(t.errors.unknown_newsletter_token), 'the preview refusing {{last_name}}');
        await page.getByRole('button', { name: t.save, exact: true }).click();
        await waitFor(page, page.locator('#nl-v0-body-error'), 'the body refused');
        await check(page, `editor-refused-${tag}`);
        await page.locator('#nl-v0-body').fill('Hello {{first_name}}, here is **what happened**.');
        const preview = page.locator('.nl-preview');
        await waitFor(page, preview.getByText('Our spring meetup'), 'Ann’s public post in the preview');
        await waitFor(page, preview.getByText('Hello Ann, here is', { exact: false }), 'Ann’s first name in the preview');
        if ((await preview.getByText('CANARY', { exact: false }).count()) > 0) fail(`the preview as Ann shows the hidden space's canary (${tag})`);
        await check(page, `editor-preview-${tag}`);

        // 3. Saved; the editor of the draft; a test to Mia's own address, as Ann.
        await page.getByRole('button', { name: t.save, exact: true }).click();
        await page.waitForURL(/\/newsletters\/nl_/);
        await waitFor(page, page.getByRole('heading', { name, exact: true }), 'the saved draft');
        await page.locator('#nl-preview-member').fill('Ann Lov');
        await waitFor(page, pick, 'Ann in the member picker, again');
        await pick.first().click();
        await waitFor(page, page.locator('.nl-preview').getByText('Our spring meetup'), 'the draft’s preview as Ann');
        const tests = () => mails('mia@example.com').filter((m) => m.text.includes(tag) && /^Subject: .*(Test|Essai)/m.test(m.text));
        const before = tests().length;
        await page.getByRole('button', { name: t.testButton, exact: true }).click();
        await waitFor(page, page.getByText(t.testSent('mia@example.com')), 'the test sent');
        await check(page, `editor-test-sent-${tag}`);
        const sent = tests();
        if (sent.length !== before + 1) fail(`the outbox holds ${sent.length - before} new tests to Mia (${tag})`);
        const mail = sent[0].text;
        if (!mail.includes('Our spring meetup') || !mail.includes('Hello Ann') || mail.includes('CANARY') || mail.includes('__UNSUBSCRIBE_URL__')) {
          fail(`the test mail (${tag}):\n${mail.slice(0, 3000)}`);
        }

        // 4. The list, with the digests and the branding; the members' archive.
        await visit(page, '/newsletters');
        await waitFor(page, page.getByRole('link', { name, exact: true }), 'the draft in the list');
        await waitFor(page, page.getByRole('heading', { name: t.digestsTitle }), 'the digests');
        // The weekly digest at 09:00 in Paris: its next issue is said on Paris's clock,
        // the zone named, whatever the browser's zone (finding 15).
        await api(page, 'PUT', '/api/newsletter-digests/weekly', {
          enabled: true, weekday: 1, hour: 9, timeZone: 'Europe/Paris', segment: { spaceIds: [], roles: [], languages: [] },
          writing: { name: 'Weekly', defaultLang: 'en', versions: [{ lang: 'en', subject: 'This week', body: '' }], blocks: [{ kind: 'top_posts', limit: 5 }] },
        });
        await visit(page, '/newsletters');
        const weekly = page.locator('.digest-form', { has: page.getByRole('heading', { name: t.digestNames.weekly }) });
        await waitFor(page, weekly.getByText(t.nextIssue(''), { exact: false }), 'the weekly digest’s next issue');
        const next = await weekly.getByText(t.nextIssue(''), { exact: false }).textContent();
        if (!/09:00 \(Europe\/Paris\)$/.test(next)) fail(`the weekly digest's next issue is not said at 09:00 (Europe/Paris) (${tag}): ${next}`);
        await check(page, `list-${tag}`);
        await visit(page, '/newsletters/archive');
        await waitFor(page, page.getByText(t.archiveNone), 'the empty archive');
        await check(page, `archive-${tag}`);
        await context.close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
  }
}

run(main);
