// Newsletters' results and the editorial calendar in the browser (issue 13, n4), in
// Debian's Chromium (playwright-core), in English and French, at 375 px and 1280 px:
// - an announcement scheduled through the API a few seconds ahead is published by the
//   local runtime's scheduler (the clock's announcement.publish job), pinned at the top
//   of its space, once;
// - a marketer schedules an announcement from the calendar's form (the space chosen by
//   name; an empty form refused with a sentence under every empty field at once), sees
//   it on the month's calendar with the reward campaign starting that month, and
//   cancels it; the calendar names the
//   community's time zone (Europe/Paris here, the browser being in UTC) and shows the
//   announcement at the hour the form said, on that zone's clock;
// - the admin switches open tracking on from a results page; the marketer reads that it
//   is on and cannot switch it; an unknown newsletter's results say so in a sentence;
// - a forged redirect token is a 404 problem.
// axe-core runs on each state; no page scrolls sideways. Driven by tests/browser_test.go
// (TestBrowserNewsletterResults); boss@example.com is an admin, who makes mia a marketer.
const path = require('node:path');
const { acceptRules, api, base, call, check, devSignIn, eventually, fail, launch, loadTS, newContext, run, waitFor, visit } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    const setup = await browser.newContext({ locale: 'en-US' });
    const miaPage = await setup.newPage();
    await devSignIn(miaPage, 'mia@example.com');
    const mia = await api(miaPage, 'GET', '/api/me');
    await setup.clearCookies();
    const bossPage = await setup.newPage();
    await devSignIn(bossPage, 'boss@example.com');
    await api(bossPage, 'PUT', `/api/members/${mia.id}/roles`, { roles: ['marketer'] });
    await acceptRules(bossPage);
    const space = await api(bossPage, 'POST', '/api/spaces', { name: 'Community news', visibility: 'public' });
    await call(bossPage, 'POST', `/api/spaces/${space.id}/join`);
    // A campaign that starts this month, for the calendar.
    const start = new Date(Date.now() + 3600e3);
    const camp = await api(bossPage, 'POST', '/api/campaigns', {
      title: 'Winter challenge', description: 'Share a tip.', disclosure: 'I received points.',
      audience: { kind: 'everyone', spaceIds: [], roles: [] }, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 40 * 86400e3).toISOString(),
      pointsBudget: 100, giftBudget: 0,
      challenges: [{ kind: 'proof', title: 'Share a tip', instructions: 'Share it.', points: 10, maxCompletions: 1 }],
    });
    await api(bossPage, 'POST', `/api/campaigns/${camp.id}/state`, { action: 'publish' });
    // The community's time zone, which the calendar uses and names.
    const zone = 'Europe/Paris';
    const settings = await api(bossPage, 'GET', '/api/newsletter-sending-settings');
    await api(bossPage, 'PUT', '/api/newsletter-sending-settings', { ...settings, timeZone: zone });

    // The local scheduler publishes an announcement at its date, pinned, once.
    const soon = await api(bossPage, 'POST', `/api/spaces/${space.id}/scheduled-announcements`, {
      title: 'Maintenance tonight', body: 'The community is **read-only** from 22:00.',
      publishAt: new Date(Date.now() + 3000).toISOString(), pinnedUntil: new Date(Date.now() + 7 * 86400e3).toISOString(),
    });
    await eventually('the scheduled announcement published', async () => {
      const r = await call(bossPage, 'GET', `/api/posts/${soon.postId}`);
      return r.status === 200 && r.json.kind === 'announcement';
    });
    const stream = await api(bossPage, 'GET', `/api/spaces/${space.id}/posts`);
    if ((stream.pinned ?? []).filter((p) => p.id === soon.postId).length !== 1) fail(`the announcement is not pinned once: ${JSON.stringify(stream.pinned)}`);
    const forged = await call(bossPage, 'GET', '/api/n/bm9uZQ.AAAAAAAAAAAAAAAAAAAAAA');
    if (forged.status !== 404 || !forged.raw.includes('link_not_found')) fail(`a forged link: ${forged.status} ${forged.raw}`);
    await setup.close();

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const s = strings[lang];
        const nr = s.nr;
        const tag = `${lang}-${width}`;
        const open = async (email) => {
          const context = await newContext(browser, lang, width);
          await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
          const page = await context.newPage();
          page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag}: ${m.text()}`));
          page.on('pageerror', (e) => consoleErrors.push(`${tag}: ${String(e)}`));
          await devSignIn(page, email);
          return page;
        };

        // The marketer schedules an announcement from the calendar, then cancels it.
        const marketer = await open('mia@example.com');
        await acceptRules(marketer);
        await call(marketer, 'POST', `/api/spaces/${space.id}/join`);
        await visit(marketer, '/newsletters/calendar');
        await waitFor(marketer, marketer.getByRole('heading', { name: nr.calendarTitle, level: 1 }), 'the calendar');
        // The campaign starts in an hour: on the last evening of a month that is next
        // month's first day on the community's clock, shown a month on.
        const monthIn = (d) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit' }).format(d);
        if (monthIn(start) !== monthIn(new Date())) await marketer.getByRole('button', { name: nr.nextMonth }).click();
        await waitFor(marketer, marketer.getByText('Winter challenge'), 'the campaign on the calendar');
        await waitFor(marketer, marketer.getByText(nr.calendarZone(zone)), 'the community’s time zone named');
        await waitFor(marketer, marketer.locator('#sa-space option', { hasText: 'Community news' }), 'the space in the form', 'attached');
        await check(marketer, `calendar-${tag}`);
        // An empty form (its dates emptied too): every field flagged at once, in the
        // page's language (finding 13), nothing sent.
        const [atWas, pinnedWas] = [await marketer.locator('#sa-at').inputValue(), await marketer.locator('#sa-pinned').inputValue()];
        await marketer.locator('#sa-at').fill('');
        await marketer.locator('#sa-pinned').fill('');
        await marketer.getByRole('button', { name: nr.scheduleButton, exact: true }).click();
        await waitFor(marketer, marketer.getByText(s.fillIn(nr.spaceLabel)), 'the refusal of an empty form, under the space');
        for (const [id, label] of [['sa-space', nr.spaceLabel], ['sa-title', nr.titleLabel], ['sa-body', nr.bodyLabel], ['sa-at', nr.publishAtLabel], ['sa-pinned', nr.pinnedUntilLabel]]) {
          const said = await marketer.locator(`#${id}-error`).textContent().catch(() => null);
          if (said !== s.fillIn(label)) fail(`the empty ${id} is not flagged with "${s.fillIn(label)}" (${tag}): ${said}`);
          if ((await marketer.locator(`#${id}`).getAttribute('aria-invalid')) !== 'true') fail(`${id} is not marked invalid (${tag})`);
        }
        await check(marketer, `calendar-empty-${tag}`);
        await marketer.locator('#sa-at').fill(atWas);
        await marketer.locator('#sa-pinned').fill(pinnedWas);
        const title = `Meetup ${tag}`;
        await marketer.locator('#sa-space').selectOption({ label: 'Community news' });
        await marketer.locator('#sa-title').fill(title);
        await marketer.locator('#sa-body').fill('Join us **on Friday**.');
        const hour = (await marketer.locator('#sa-at').inputValue()).slice(11, 16);
        await marketer.getByRole('button', { name: nr.scheduleButton, exact: true }).click();
        const entry = marketer.locator('.calendar-entries li', { hasText: title });
        // Tomorrow may be next month: go there when the entry is not on this one.
        try {
          await entry.first().waitFor({ timeout: 5000 });
        } catch {
          await marketer.getByRole('button', { name: nr.nextMonth }).click();
        }
        await waitFor(marketer, entry, 'the scheduled announcement on the calendar');
        const shown = await entry.locator('.when').innerText();
        if (shown !== hour) fail(`the announcement shows at ${shown}, the form said ${hour} (${zone}) (${tag})`);
        await check(marketer, `scheduled-${tag}`);
        await entry.getByRole('button', { name: nr.cancelAnnouncement }).click();
        await waitFor(marketer, marketer.getByText(nr.cancelled), 'the cancellation');
        await eventually(`the cancelled announcement off the calendar (${tag})`, async () => (await entry.count()) === 0);

        // The admin switches open tracking on; the marketer reads it and cannot switch it.
        const admin = await open('boss@example.com');
        await visit(admin, '/newsletters/nl_unknown/results');
        await waitFor(admin, admin.getByText(nr.errors.newsletter_not_found), 'the unknown newsletter');
        const box = admin.getByRole('checkbox', { name: nr.trackingOn });
        await waitFor(admin, box, 'the open-tracking switch');
        if (await box.isChecked()) {
          await box.uncheck();
          await waitFor(admin, admin.getByText(nr.trackingSaved), 'the switch saved off');
        }
        await box.check();
        await waitFor(admin, admin.getByText(nr.trackingSaved), 'the switch saved');
        await check(admin, `results-admin-${tag}`);
        await visit(marketer, '/newsletters/nl_unknown/results');
        await waitFor(marketer, marketer.getByText(nr.trackingIsOn), 'open tracking is on, for the marketer');
        if ((await marketer.getByRole('checkbox', { name: nr.trackingOn }).count()) !== 0) fail(`the marketer is offered the switch (${tag})`);
        await check(marketer, `results-marketer-${tag}`);
        await admin.context().close();
        await marketer.context().close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
  }
}

run(main);
