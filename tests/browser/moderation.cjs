// Moderation and support in Debian's Chromium (playwright-core), at 375 px and 1280 px,
// in English and French: a space's moderator (a space role, no community role) follows
// the link of the report email to the moderation queue, which the header's menu also
// offers them; the queue shows the reporter's note and no community-only control; hiding
// a comment asks why (the empty field says so under it, aria-invalid), then the author
// reads in their inbox, in their language, that a moderator hid it and why. An agent
// sees the customer's rating and its comment on the ticket page; the support report says
// "no data yet" before anything is measured, and a first response due within a day shows
// its time; the support queue lists by default only the tickets that still need work,
// and a solved one (under "All, solved included") shows no due line. axe-core runs on each
// page; no page scrolls sideways. Driven by tests/browser_test.go (TestBrowserModeration),
// which passes BASE_URL, DEV_KEY, OUTBOX_DIR, SHOTS_DIR and CHROMIUM; boss@example.com is
// an admin.
const { acceptRules, api, base, check, devSignIn, fail, launch, mails, run, visit } = require('./lib.cjs');

const text = {
  en: {
    menu: 'Menu',
    nav: 'Moderation',
    title: 'Moderation',
    notes: 'What the reporters wrote',
    hide: 'Hide',
    hideIt: 'Hide it',
    reason: /Why hide it\?/,
    fillIn: 'Fill in “Why hide it? Its author is told”.',
    hidden: 'Hidden.',
    warn: 'Warn the author',
    told: 'A moderator hid your comment on “Garden rules”.',
    rating: 'The customer’s rating',
    status: 'Status',
    allQueued: 'All, solved included',
    due: /^due /,
  },
  fr: {
    menu: 'Menu',
    nav: 'Modération',
    title: 'Modération',
    notes: 'Ce qu’ont écrit les membres qui l’ont signalé',
    hide: 'Masquer',
    hideIt: 'Le masquer',
    reason: /Pourquoi le masquer \?/,
    fillIn: 'Remplissez « Pourquoi le masquer ? Son auteur en est informé ».',
    hidden: 'Masqué.',
    warn: 'Avertir l’auteur',
    told: 'Un modérateur a masqué votre commentaire sur « Garden rules ».',
    rating: 'L’avis du client',
    status: 'État',
    allQueued: 'Tous, résolus compris',
    due: /^échéance /,
  },
};

// queueLinks returns the links to the moderation queue of the emails sent to email.
function queueLinks(email) {
  return mails(email)
    .map((m) => m.text.match(/https?:\/\/\S+\/moderation(?=\s)/)?.[0])
    .filter(Boolean);
}

async function waitForQueueLinks(email, n) {
  for (let i = 0; i < 300; i++) {
    const links = queueLinks(email);
    if (links.length >= n) return links[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`${email} received ${queueLinks(email).length} report emails, want ${n}`);
}

// profile saves a member's name and language.
async function profile(page, name, locale) {
  await api(page, 'PUT', '/api/me/profile', { displayName: name, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale });
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // The cast, each in a context of their own: boss (admin, agent) opens a public space
    // and a post; sid moderates the space by a space role only; carl reports; a writer
    // per run (a member's first week allows 3 comments a minute); cara is a customer
    // whose solved ticket she rated.
    const ctx = {};
    const page = {};
    const ids = {};
    const runs = ['en-375', 'en-1280', 'fr-375', 'fr-1280'];
    const cast = [
      ['boss', 'Boss'],
      ['sid', 'Sid Gardener'],
      ['carl', 'Carl Reporter'],
      ['cara', 'Cara Customer'],
      ...runs.map((tag) => [`bob.${tag}`, `Bob ${tag}`]),
    ];
    for (const [who, name] of cast) {
      ctx[who] = await browser.newContext({ locale: 'en-US' });
      page[who] = await ctx[who].newPage();
      await devSignIn(page[who], `${who}@example.com`);
      ids[who] = (await api(page[who], 'GET', '/api/me')).id;
      await profile(page[who], name, 'en');
      await acceptRules(page[who]);
    }
    const space = await api(page.boss, 'POST', '/api/spaces', { name: 'Garden', description: 'Plants', visibility: 'public' });
    for (const [who] of cast.slice(1)) if (who !== 'cara') await api(page[who], 'POST', `/api/spaces/${space.id}/join`);
    await api(page.boss, 'PUT', `/api/spaces/${space.id}/members/${ids.sid}/role`, { role: 'moderator' });
    const sidRoles = (await api(page.sid, 'GET', '/api/me')).roles;
    if (sidRoles.some((r) => r !== 'member')) fail(`sid holds community roles: ${sidRoles}`);
    const post = await api(page.boss, 'POST', `/api/spaces/${space.id}/posts`, { kind: 'discussion', title: 'Garden rules', body: 'Be kind to the plants.' });

    // The rated ticket.
    const acme = await api(page.boss, 'POST', '/api/spaces', { name: 'Acme', description: 'Customer', visibility: 'closed', kind: 'customer' });
    await api(page.boss, 'POST', `/api/spaces/${acme.id}/invitations`, { memberId: ids.cara });
    await api(page.cara, 'POST', `/api/spaces/${acme.id}/join`);
    const ticket = await api(page.cara, 'POST', `/api/spaces/${acme.id}/tickets`, { subject: 'Printer jams', product: 'General', severity: 'normal', body: 'It jams.' });
    // Before any answer: the support report has no data rather than 0.0 h, and the first
    // response, due within a day, shows its time (in the browser's time zone).
    await page.boss.setViewportSize({ width: 375, height: 900 });
    await page.boss.goto(`${base}/support`);
    await page.boss.getByText(/First response: no data yet\. Resolution: no data yet\./).waitFor();
    if (await page.boss.getByText('0.0 h').count()) fail('the support report shows 0.0 h for nothing measured');
    await page.boss.goto(`${base}/tickets/${ticket.id}`);
    const due = await page.boss.getByText(/^First response due /).textContent();
    if (!/\d{2}:\d{2}/.test(due)) fail(`a first response due within a day shows no time: ${due}`);
    await api(page.boss, 'POST', `/api/tickets/${ticket.id}/replies`, { body: 'Fixed, try again.', internal: false });
    await api(page.boss, 'POST', `/api/tickets/${ticket.id}/status`, { status: 'solved' });
    await api(page.cara, 'POST', `/api/tickets/${ticket.id}/rating`, { good: false, comment: 'It took three days.' });
    // A ticket that still needs work, for the support queue's default ("All open").
    await api(page.cara, 'POST', `/api/spaces/${acme.id}/tickets`, { subject: 'Scanner stalls', product: 'General', severity: 'low', body: 'It stalls.' });

    let reports = 0;
    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = text[lang];
        const tag = `${lang}-${width}`;
        const phone = width === 375;
        const writer = `bob.${tag}`;
        // Emails and pages in the run's language.
        await profile(page.sid, 'Sid Gardener', lang);
        await profile(page[writer], `Bob ${tag}`, lang);
        const comment = await api(page[writer], 'POST', `/api/posts/${post.id}/comments`, { body: `Cheap watches at my shop (${tag}).` });
        const note = `The same shop link in five threads (${tag}).`;
        await api(page.carl, 'POST', `/api/posts/${post.id}/report`, { commentId: comment.id, reason: 'spam', note });
        reports++;
        const link = await waitForQueueLinks('sid@example.com', reports);

        // The space's moderator opens the queue from the email.
        // bypassCSP only lets the test inject axe-core; the app itself runs under the CSP.
        const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-US', viewport: { width, height: 900 }, bypassCSP: true });
        const p = await context.newPage();
        p.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(m.text()));
        p.on('pageerror', (e) => consoleErrors.push(String(e)));
        await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        await devSignIn(p, 'sid@example.com');
        await visit(p, new URL(link).pathname + new URL(link).search);
        await p.getByRole('heading', { name: t.title, level: 1 }).waitFor();
        // The header offers the queue to them too.
        if (phone) await p.getByRole('button', { name: t.menu }).click();
        await p.getByRole('navigation').getByRole('link', { name: t.nav }).waitFor();
        if (phone) {
          await p.keyboard.press('Escape');
          // Closing the menu moves the page up: wait for it, or a click lands where a
          // button was.
          await p.locator('button[aria-expanded="false"]').filter({ hasText: t.menu }).waitFor();
        }
        const item = p.getByRole('listitem').filter({ hasText: note });
        await item.getByText(t.notes).waitFor();
        await item.getByText('Carl Reporter').waitFor();
        if (await p.getByRole('button', { name: t.warn }).count()) fail('a space moderator is offered a community moderator’s warning');
        await check(p, `moderation-queue-${tag}`);

        // Hiding asks why.
        await item.getByRole('button', { name: t.hide, exact: true }).click();
        await item.getByRole('button', { name: t.hideIt }).click();
        const reason = item.getByLabel(t.reason);
        await item.getByText(t.fillIn).waitFor();
        if ((await reason.getAttribute('aria-invalid')) !== 'true') fail('the empty reason is not marked invalid');
        const describedBy = await reason.getAttribute('aria-describedby');
        if (!describedBy || (await p.locator(`#${describedBy}`).textContent()) !== t.fillIn) fail('the reason’s error is not tied to its field');
        await check(p, `moderation-hide-error-${tag}`);
        await reason.fill(`Advertising is not allowed here (${tag}).`);
        await item.getByRole('button', { name: t.hideIt }).click();
        await p.getByRole('status').filter({ hasText: t.hidden }).waitFor();
        await p.getByText(note).waitFor({ state: 'detached' });
        await context.close();

        // The author is told why, in their language.
        const authorCtx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-US', viewport: { width, height: 900 }, bypassCSP: true });
        const ap = await authorCtx.newPage();
        ap.on('pageerror', (e) => consoleErrors.push(String(e)));
        await authorCtx.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        await devSignIn(ap, `${writer}@example.com`);
        for (let i = 0; ; i++) {
          await visit(ap, '/notifications');
          await ap.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
          if (await ap.getByText(t.told).count()) break;
          if (i === 50) fail(`${writer} was not told: ${await ap.locator('main').innerText()}`);
          await ap.waitForTimeout(200);
        }
        await ap.getByText(`Advertising is not allowed here (${tag}).`).waitFor();
        await check(ap, `moderation-author-told-${tag}`);
        await authorCtx.close();

        // An agent sees the rating and its comment on the ticket page.
        const agentCtx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-US', viewport: { width, height: 900 }, bypassCSP: true });
        const gp = await agentCtx.newPage();
        gp.on('pageerror', (e) => consoleErrors.push(String(e)));
        await agentCtx.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        await devSignIn(gp, 'boss@example.com');
        await visit(gp, `/tickets/${ticket.id}`);
        await gp.getByRole('heading', { name: t.rating }).waitFor();
        await gp.getByText('It took three days.').waitFor();
        await check(gp, `ticket-rating-${tag}`);

        // The support queue lists by default the tickets that still need work, each with
        // its due time; the solved one shows under "All, solved included", with no due
        // line (it has nothing due: never "due 1 January 1").
        await gp.goto(`${base}/support`);
        const row = (subject) => gp.locator('ul.tickets > li').filter({ hasText: subject });
        await row('Scanner stalls').getByText(t.due).waitFor();
        if (await row('Printer jams').count()) fail(`the default queue lists the solved ticket (${tag})`);
        await gp.getByLabel(t.status, { exact: true }).selectOption({ label: t.allQueued });
        await row('Printer jams').waitFor();
        await row('Scanner stalls').waitFor();
        if (await row('Printer jams').getByText(t.due).count()) fail(`the solved ticket shows a due line: ${await row('Printer jams').innerText()} (${tag})`);
        if (/\b1 (January|janvier) 1\b/.test(await gp.locator('main').innerText())) fail(`the queue shows Go's zero time (${tag})`);
        await check(gp, `support-queue-all-${tag}`);
        await agentCtx.close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors: ${consoleErrors.join('; ')}`);
    console.log('browser moderation: ok');
  } finally {
    await browser.close();
  }
}

run(main);
