// Issue 13's story whole in the browser (newsletters), in Debian's Chromium, in English
// and French, at 375 px and 1280 px, one story per language and width:
// - a marketer writes a newsletter in the editor with the "top posts" community block,
//   and chooses its audience by name in the embedded audience builder (a space and a
//   language): the live count is the server's count of that segment on the list;
// - she previews it live as a member picked by name (the member's first name and the
//   space's post in it);
// - she saves the draft, schedules it (the sending part of the editor says the day and
//   hour, in the community's zone), takes
//   it back to draft, is told in her language why a past date or one more than a year
//   ahead cannot be chosen (under the date), and sends it now: the local queue and sender run under the
//   runtime, and the editor follows the progress until it is sent, every recipient
//   counted once;
// - the member's mail in the outbox holds the block, the first name, a visible
//   unsubscribe link and RFC 8058's headers; the mail client's one-click POST
//   (List-Unsubscribe=One-Click, no cookie) to its List-Unsubscribe address unsubscribes
//   at once, a second one is refused, and the member's email preferences show the
//   community digest off;
// - the sent newsletter's editor says it cannot change; its results say which newsletter
//   they are (name, subject, audience) with a link back, clicks per mail sent (no rate); Duplicate makes a new draft
//   ("Copy of …") and opens it. At 1280 px the editor's form and preview sit side by side,
//   the preview about a mail's 600 px.
// axe-core runs on each state; no page scrolls sideways. Driven by
// tests/newsletter_story_browser_test.go (TestBrowserNewsletterStory); boss@example.com
// is an admin, who makes mia a marketer.
const path = require('node:path');
const { acceptRules, api, base, check, devSignIn, eventually, fail, launch, loadTS, mails, newContext, run, settle, trackRequests, waitFor, visit } = require('./lib.cjs');

const { firstOfMonth, strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

// header reads a header field of a raw mail (unfolded).
function header(mail, name) {
  const head = mail.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : undefined;
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // The community: a public space, the book club, where Ann posts; Mia made a
    // marketer by the admin.
    const setup = async (email, profile) => {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await devSignIn(page, email);
      await acceptRules(page);
      if (profile) {
        await api(page, 'PUT', '/api/me/profile', { bio: '', expertise: [], interests: [], company: '', location: '', links: [], ...profile });
      }
      return page;
    };
    const mia = await api(await setup('mia@example.com'), 'GET', '/api/me');
    const annPage = await setup('ann@example.com', { displayName: 'Ann Lovelace', locale: 'en' });
    const boss = await setup('boss@example.com');
    await api(boss, 'PUT', `/api/members/${mia.id}/roles`, { roles: ['marketer'] });
    const club = await api(boss, 'POST', '/api/spaces', { name: 'Book club', visibility: 'public' });
    await api(annPage, 'POST', `/api/spaces/${club.id}/join`);
    await api(annPage, 'POST', `/api/spaces/${club.id}/posts`, { kind: 'discussion', title: 'Our autumn reading list', body: 'Which books?' });

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const s = strings[lang];
        const t = s.nl;
        const ts = s.newsletterSending;
        const tag = `${lang}-${width}`;
        // This story's reader: a member of the book club who reads in lang, on the
        // community digest since signing up (its default).
        const readerEmail = `rita-${tag}@example.com`;
        const readerName = `Rita ${lang}${width}`;
        const readerSetup = await setup(readerEmail, { displayName: readerName, locale: lang });
        await api(readerSetup, 'POST', `/api/spaces/${club.id}/join`);
        await readerSetup.context().close();

        const open = async (email) => {
          const context = await newContext(browser, lang, width);
          await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
          const page = await context.newPage();
          page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag}: ${m.text()}`));
          page.on('pageerror', (e) => consoleErrors.push(`${tag}: ${String(e)}`));
          trackRequests(page);
          await devSignIn(page, email);
          return page;
        };

        // 1. The editor: a name, a subject and a body with the first name; the top posts
        //    block is on; the audience: the book club's members who read in lang.
        const page = await open('mia@example.com');
        await visit(page, '/newsletters/new');
        const name = `Story ${tag}`;
        await page.locator('#nl-name').fill(name);
        await page.locator('#nl-v0-subject').fill(`Club news for {{first_name}} ${tag}`);
        await page.locator('#nl-v0-body').fill('Hello {{first_name}}, here is **the club’s month**.');
        const blocks = page.locator('#nl-blocks');
        if (!(await blocks.getByRole('checkbox', { name: t.blocks.top_posts, exact: true }).isChecked())) fail(`the top posts block is off (${tag})`);
        const audience = page.locator('#nl-audience');
        await waitFor(page, audience.getByRole('checkbox', { name: 'Book club', exact: true }), 'the book club among the spaces');
        await audience.getByRole('checkbox', { name: 'Book club', exact: true }).check();
        await audience.getByRole('checkbox', { name: s.nl2.langNames[lang], exact: true }).check();
        const segment = { spaceIds: [club.id], roles: [], languages: [lang] };
        const { count } = await api(page, 'POST', '/api/newsletters/audience/count', { list: 'digest', segment });
        if (count < 1) fail(`the segment reaches nobody (${tag})`);
        await waitFor(page, audience.getByText(s.nl2.count(count, s.nl2.listNames.digest)), `the live count (${count})`);

        // 2. The live preview as the reader, picked by name.
        await page.locator('#nl-preview-member').fill(readerName);
        const pick = page.locator('.picker-results button', { hasText: readerName });
        await waitFor(page, pick, 'the reader in the member picker');
        await pick.first().click();
        await waitFor(page, page.getByText(t.previewingAs(readerName)), 'the preview as the reader');
        const preview = page.locator('.nl-preview');
        await waitFor(page, preview.getByText('Our autumn reading list'), 'the club’s post in the preview');
        await waitFor(page, preview.getByText('Hello Rita, here is', { exact: false }), 'the reader’s first name in the preview');
        await settle(page);
        if (width === 1280) {
          const form = await page.locator('.nl-columns > form').boundingBox();
          const pane = await page.locator('.nl-preview-pane').boundingBox();
          if (!form || !pane || pane.x < form.x + form.width || form.width < 440 || pane.width < 560) {
            fail(`the editor at 1280 px: form ${JSON.stringify(form)}, preview ${JSON.stringify(pane)} (${tag})`);
          }
        }
        await check(page, `story-editor-${tag}`);

        // 3. Saved; scheduled (tomorrow at 09:00, the form's default); back to draft; sent now.
        await page.getByRole('button', { name: t.save, exact: true }).click();
        await page.waitForURL(/\/newsletters\/nl_/);
        const id = new URL(page.url()).pathname.split('/').pop();
        await waitFor(page, page.getByRole('heading', { name, exact: true }), 'the saved draft');
        const sending = page.locator('.newsletter-sending');
        await waitFor(page, sending.getByRole('heading', { name: ts.title, exact: true }), 'the sending part of the editor');
        await sending.getByRole('button', { name: ts.schedule, exact: true }).click();
        await waitFor(page, sending.locator('.badge', { hasText: ts.states.scheduled }), 'the scheduled state');
        await waitFor(page, sending.getByRole('button', { name: ts.unschedule, exact: true }), 'back to draft offered');
        const planned = await api(page, 'GET', `/api/newsletters/${id}/sending`);
        const day = firstOfMonth(lang, new Date(`${planned.localSendAt.slice(0, 10)}T12:00:00`).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' }));
        await waitFor(page, sending.getByText(ts.scheduledFor(day, '09:00', planned.timeZone)), 'the day and hour it is scheduled for');
        await eventually(`the scheduled newsletter's form locked (${tag})`, () => page.locator('#nl-name').isDisabled());
        await settle(page);
        await check(page, `story-scheduled-${tag}`);
        await sending.getByRole('button', { name: ts.unschedule, exact: true }).click();
        await waitFor(page, sending.getByRole('button', { name: ts.sendNow, exact: true }), 'send now offered again');
        // A past date, then one more than a year ahead: the page's language's sentence
        // under the date (finding 12: the French page said the server had failed).
        const nextYear = new Date().getFullYear() + 2;
        for (const [when, code] of [['2020-01-01T09:00', 'send_at_past'], [`${nextYear}-06-01T09:00`, 'send_at_too_far']]) {
          await page.locator('#send-at').fill(when);
          await sending.getByRole('button', { name: ts.schedule, exact: true }).click();
          const said = page.locator('#send-at-error');
          await waitFor(page, said, `the date's problem (${code}, ${tag})`);
          await eventually(`the ${code} sentence under the date (${tag})`, async () => (await said.textContent()) === s.errors[code]);
          if ((await page.locator('#send-at').getAttribute('aria-invalid')) !== 'true') fail(`the date is not marked invalid (${code}, ${tag})`);
        }
        if (s.errors.send_at_past === s.errors.internal) fail(`${lang} has no send_at_past sentence`);
        await settle(page);
        await check(page, `story-send-at-past-${tag}`);
        await sending.getByRole('button', { name: ts.sendNow, exact: true }).click();
        await waitFor(page, sending.locator('.badge', { hasText: ts.states.sent }), 'the sent state');
        await waitFor(page, sending.getByText(ts.progressLabel(count, count)), 'the progress, all done');
        const status = await api(page, 'GET', `/api/newsletters/${id}/sending`);
        const p = status.progress;
        if (p.total !== count || p.sent !== count || p.errors !== 0 || p.remaining !== 0) fail(`progress (${tag}): ${JSON.stringify(p)}, want ${count} sent`);
        await settle(page);
        await waitFor(page, page.getByText(t.notEditableBy.sent), 'the sent newsletter cannot change');
        await check(page, `story-sent-${tag}`);

        // The results say which newsletter they are, with a way back to it.
        await visit(page, `/newsletters/${id}/results`);
        await waitFor(page, page.getByRole('heading', { level: 1, name: s.nr.resultsOf(name) }), 'the results’ heading naming the newsletter');
        const about = page.locator('.nr-about');
        await waitFor(page, about.getByText(`Club news for {{first_name}} ${tag}`), 'the subject on the results');
        await waitFor(page, about.getByText(s.nr.audienceSize(count)), 'the audience on the results');
        // Clicks are a total said per mail sent, never a rate; no percentage passes 100 %.
        const report = await api(page, 'GET', `/api/newsletters/${id}/results`);
        const fmt = (n, o) => new Intl.NumberFormat(lang, o).format(n);
        const clicksLine = s.nr.clicksPerMail(fmt(report.clicks), fmt(report.sent ? report.clicks / report.sent : 0, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
        await eventually(`the clicks per mail sent (${tag})`, async () => (await page.locator('.rates .nr-clicks').textContent()) === clicksLine);
        const rates = await page.locator('.rates').innerText();
        for (const m of rates.matchAll(/([\d.,\s\u00a0\u202f]+)\s*%/g)) {
          if (Number(m[1].replace(/[\s\u00a0\u202f]/g, '').replace(',', '.')) > 100) fail(`a rate above 100 % (${tag}): ${rates}`);
        }
        await settle(page);
        await check(page, `story-results-${tag}`);
        await page.getByRole('link', { name: s.nr.toNewsletter }).click();
        await waitFor(page, page.getByRole('heading', { level: 1, name, exact: true }), 'back to the newsletter');

        // Duplicate: a new draft with the same writing, opened.
        await page.getByRole('button', { name: t.duplicate, exact: true }).click();
        await waitFor(page, page.getByRole('heading', { level: 1, name: t.copyOf(name), exact: true }), 'the copy opened');
        if (new URL(page.url()).pathname.endsWith(id)) fail(`Duplicate stayed on ${id} (${tag})`);
        await eventually(`the copy is an editable draft (${tag})`, async () => !(await page.locator('#nl-name').isDisabled()));
        if ((await page.locator('#nl-v0-subject').inputValue()) !== `Club news for {{first_name}} ${tag}`) fail(`the copy's subject (${tag})`);
        await settle(page);
        await check(page, `story-copy-${tag}`);
        await page.context().close();

        // 4. The reader's mail: the block, the first name, a visible unsubscribe link and
        //    the one-click headers.
        const mail = await eventually(`the newsletter in ${readerEmail}'s mail`, async () => mails(readerEmail).find((m) => m.text.includes(`Club news for Rita ${tag}`)));
        const text = mail.text;
        if (!text.includes('Our autumn reading list') || !text.includes('Hello Rita') || !text.includes('/unsubscribe?t=')) {
          fail(`the newsletter's mail (${tag}):\n${text.slice(0, 3000)}`);
        }
        if (mails(readerEmail).filter((m) => m.text.includes(`Club news for Rita ${tag}`)).length !== 1) fail(`${readerEmail} received the newsletter more than once`);
        const listUnsubscribe = header(text, 'List-Unsubscribe');
        const oneClick = header(text, 'List-Unsubscribe-Post');
        if (!listUnsubscribe || oneClick !== 'List-Unsubscribe=One-Click') fail(`the one-click headers (${tag}): ${listUnsubscribe} / ${oneClick}`);
        const target = listUnsubscribe.match(/<(https?:[^>]+)>/);
        if (!target) fail(`List-Unsubscribe has no https? address: ${listUnsubscribe}`);
        // The mail client's one-click POST: no cookie, the form RFC 8058 says.
        const address = new URL(target[1]);
        if (address.pathname !== '/api/newsletters/unsubscribe' || !address.searchParams.get('t')) fail(`List-Unsubscribe: ${listUnsubscribe}`);
        const post = () => fetch(base + address.pathname + address.search, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
        const first = await post();
        if (first.status !== 200) fail(`the one-click unsubscribe answered ${first.status}: ${await first.text()}`);
        const again = await post();
        if (again.status < 400 || again.status >= 500) fail(`the spent token was taken again: ${again.status}`);

        // 5. The reader's email preferences: the community digest is off.
        const reader = await open(readerEmail);
        await visit(reader, '/me/newsletters');
        await settle(reader);
        await waitFor(reader, reader.getByRole('heading', { level: 1, name: s.nl2.prefsTitle }), 'the email preferences');
        const digest = reader.getByRole('checkbox', { name: s.nl2.listNames.digest });
        await waitFor(reader, digest, 'the community digest box');
        if (await digest.isChecked()) fail(`${readerEmail}'s community digest is still on after the one-click unsubscribe`);
        await check(reader, `story-prefs-${tag}`);
        await reader.context().close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
  }
}

run(main);
