// Search in the browser (issue 15), in Debian's Chromium (playwright-core), in English
// and French, at 375 px and 1280 px, axe-core and no sideways scrolling on every state:
// - a member searches from the header's box (on a phone it opens from its button; on a
//   wide screen "/" focuses it): the results page's address keeps the query, the results
//   show their highlights as <mark> elements (the words found, never markup), their kind,
//   space and badges (the solved question, the staff's accepted answer);
// - a filter (the kind "Question") is applied from the facets (on a phone from the
//   filters' disclosure): the address says it, every result is a question, the space's
//   facet count falls to the questions' count; back shows the search before the filter;
// - the header's box: Enter with nothing typed says to type a word (a status sentence
//   the box is described by); Escape puts back the text and leaves the box, on a wide
//   screen too (the focus goes back where it was);
// - a ticket's result keeps the API's title, its number included ("#1003 …");
// - a search that finds nothing says so with tips, and the way out of the filters; an
//   over-long search (the API's 400) is said as a sentence, never a code; a filter the
//   API refuses (typed in the address) is said with a link that clears the filters;
// - a click on a result is counted (POST /api/search/clicks) and opens its page;
// - "before you ask": the question composer shows the solved question while the member
//   types a question's title (in a polite live region, opening in a new tab), and the
//   question published carries the suggestionId; the ticket composer does the same with
//   a ticket's subject, on a slow server too (its requests go one after the other, each
//   with the session given: one session however the member pauses);
// - the staff's analytics page (/search/analytics) shows the searches made, the top
//   query with its click-through, and the deflection; a member is refused it (not found).
// Driven by tests/search_browser_test.go (TestBrowserSearch); boss@example.com is an admin.
const path = require('node:path');
const { acceptRules, api, base, call, check, devSignIn, devSignInContext, eventually, fail, labelled, launch, loadTS, newContext, run, settle, trackRequests, visit, waitFor } = require('./lib.cjs');

const webSrc = path.resolve(__dirname, '../../web/src');
const { strings } = loadTS(path.join(webSrc, 'i18n.ts'));
const { readSearchParams, searchPath } = loadTS(path.join(webSrc, 'search-api.ts'));

// The address of a search is its query and filters, read back as written.
{
  const p = { q: 'l’index "à jour" & co', kind: 'question', space: 'sp_1', from: '2026-01-01' };
  const back = readSearchParams(searchPath(p).slice('/search'.length));
  if (JSON.stringify(back) !== JSON.stringify(p)) fail(`the address of ${JSON.stringify(p)} reads back as ${JSON.stringify(back)}`);
  if (searchPath({ q: '' }) !== '/search') fail('an empty search has query parameters');
}

// exactly is a RegExp matching text whole.
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const emails = { admin: 'boss@example.com', member: 'sam@example.com' };
// A word found in every seeded post; "cursor" only in the solved question.
const word = 'replication';
// A word of the seeded ticket's subject only.
const ticketWord = 'ledger';

async function seed(browser) {
  const ctxs = {};
  const me = {};
  for (const p of ['admin', 'member']) {
    ctxs[p] = await browser.newContext();
    me[p] = await devSignInContext(ctxs[p], emails[p]);
    await acceptRules(ctxs[p]);
  }
  const { admin, member } = ctxs;
  await api(member, 'PUT', '/api/me/profile', { displayName: 'Sam Sample', bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });
  await api(admin, 'PUT', '/api/me/profile', { displayName: 'Alex Admin', bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });
  const sync = await api(admin, 'POST', '/api/spaces', { name: 'Synchronisation', visibility: 'public', description: 'Moving data between regions.' });
  const billing = await api(admin, 'POST', '/api/spaces', { name: 'Billing', visibility: 'public', description: 'Invoices and payments.' });
  const customer = await api(admin, 'POST', '/api/spaces', { name: 'Acme support', visibility: 'closed', description: 'Support for Acme.', kind: 'customer' });
  for (const s of [sync, billing]) await api(member, 'POST', `/api/spaces/${s.id}/join`);
  await api(admin, 'POST', `/api/spaces/${customer.id}/invitations`, { memberId: me.member.id });
  await api(member, 'POST', `/api/spaces/${customer.id}/join`);
  // A ticket of the customer space (its members find it): its result's title has its number.
  const settings = await api(member, 'GET', '/api/support/settings');
  const ticket = await api(member, 'POST', `/api/spaces/${customer.id}/tickets`, {
    subject: `Quarterly ${ticketWord} export fails`, product: settings.products[0], severity: 'normal', body: 'The export stops halfway.', attachments: [],
  });

  const question = await api(member, 'POST', `/api/spaces/${sync.id}/posts`, {
    kind: 'question',
    title: `How do I reset the ${word} cursor?`,
    body: `The ${word} stopped at night and the cursor stays behind. <b>bold</b> is text here.`,
  });
  const answer = await api(admin, 'POST', `/api/posts/${question.id}/comments`, { body: `Restart the ${word} agent: it resets the cursor.` });
  await api(member, 'POST', `/api/posts/${question.id}/comments/${answer.id}/accept`);
  await api(member, 'POST', `/api/spaces/${sync.id}/posts`, { kind: 'discussion', title: `${word} lag between regions`, body: `Our ${word} lags every night.` });
  await api(member, 'POST', `/api/spaces/${sync.id}/posts`, { kind: 'discussion', title: 'Night jobs', body: `Which jobs run during the ${word} window?` });
  await api(admin, 'POST', `/api/spaces/${billing.id}/posts`, { kind: 'discussion', title: `Invoices and ${word}`, body: `Invoices are copied by ${word} too.` });
  await api(admin, 'POST', `/api/spaces/${billing.id}/posts`, { kind: 'idea', title: `Faster ${word} of invoices`, body: 'Every hour rather than every night.' });

  // The index is fed by events: wait until the member finds them all, and the question solved.
  // One reader per language and width: a new member may open 3 tickets an hour and
  // write 3 posts a minute, and each story opens one of each.
  const readers = {};
  for (const lang of ['en', 'fr']) {
    for (const width of [375, 1280]) {
      const email = `reader-${lang}-${width}@example.com`;
      const ctx = await browser.newContext();
      const m = await devSignInContext(ctx, email);
      await acceptRules(ctx);
      for (const sp of [sync, billing]) await api(ctx, 'POST', `/api/spaces/${sp.id}/join`);
      await api(admin, 'POST', `/api/spaces/${customer.id}/invitations`, { memberId: m.id });
      await api(ctx, 'POST', `/api/spaces/${customer.id}/join`);
      await ctx.close();
      readers[`${lang}-${width}`] = email;
    }
  }
  await eventually('the posts are searchable', async () => {
    const r = await api(member, 'GET', `/api/search?q=${word}&kind=question`);
    const all = await api(member, 'GET', `/api/search?q=${word}&facets=1`);
    const t = await api(member, 'GET', `/api/search?q=${ticketWord}&kind=ticket`);
    return r.total === 1 && r.results[0].solved && all.total >= 5 && t.total === 1;
  }, 30000);
  return { ctxs, me, sync, billing, customer, question, ticket, readers };
}

// signIn opens a context in lang at width, signed in as email, the language chosen in
// the header as a reader does (the profile's language would win otherwise).
async function signIn(browser, lang, width, email) {
  const ctx = await newContext(browser, lang, width);
  const page = await ctx.newPage();
  trackRequests(page);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await devSignIn(page, email);
  await visit(page, '/');
  await page.locator('label.lang select').selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l && localStorage.getItem('tribune.lang') === l, lang);
  await settle(page);
  return page;
}

// facetCount reads the count a facet's button shows for a value's label (undefined: no
// such button).
async function facetCount(page, facetName, label) {
  const group = page.locator('.search-filters .facet').filter({ has: page.getByRole('heading', { name: facetName, exact: true }) });
  const button = group.locator('button.facet-value').filter({ has: page.locator('.facet-label', { hasText: exactly(label) }) });
  if ((await button.count()) === 0) return undefined;
  return Number((await button.locator('.facet-count').innerText()).replace(/\D/g, ''));
}

// openFilters opens the filters' disclosure on a phone (a wide screen shows them).
async function openFilters(page, s) {
  const toggle = page.locator('.search-filters button.filters-toggle');
  if (!(await toggle.isVisible())) return;
  if ((await toggle.getAttribute('aria-expanded')) === 'true') return;
  if (!(await toggle.innerText()).startsWith(s.find.showFilters)) fail(`the filters button says "${await toggle.innerText()}"`);
  await toggle.click();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') fail('the filters button does not say it is open');
}

async function searchStory(browser, d, lang, width) {
  const s = strings[lang];
  const tag = `${lang}-${width}`;
  const page = await signIn(browser, lang, width, d.readers[tag]);
  const phone = width <= 375;
  const box = page.getByRole('search', { name: s.find.landmark });

  // The header's box: on a phone behind its button, on a wide screen "/" focuses it.
  if (phone) {
    const open = page.getByRole('button', { name: s.find.open, exact: true });
    if ((await open.getAttribute('aria-expanded')) !== 'false') fail(`${tag}: the search button does not say it is closed`);
    if (await box.isVisible()) fail(`${tag}: the search box shows on a phone before its button is pressed`);
    await open.click();
    await waitFor(page, box.getByRole('searchbox'), `${tag}: the search box opened`);
    await check(page, `search-box-open-${tag}`);
    // Escape closes it and gives the focus back to its button.
    await page.keyboard.press('Escape');
    if (await box.isVisible()) fail(`${tag}: Escape does not close the search box`);
    if (!(await open.evaluate((b) => b === document.activeElement))) fail(`${tag}: after Escape the focus is not on the search button`);
    // "/" opens and focuses it too.
    await page.keyboard.press('/');
  } else {
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
  }
  const input = box.getByRole('searchbox', { name: s.find.label });
  await page.waitForFunction(() => document.activeElement?.id === 'header-search-q', null, { timeout: 5000 }).catch(() => fail(`${tag}: "/" does not focus the search box`));
  if ((await input.inputValue()) !== '') fail(`${tag}: "/" was typed into the box`);
  // Enter with nothing typed: a sentence says to type a word, the box described by it.
  await page.keyboard.press('Enter');
  const hint = box.getByRole('status');
  await waitFor(page, hint.filter({ hasText: exactly(s.find.typeWord) }), `${tag}: Enter on the empty box says to type a word`);
  if ((await input.getAttribute('aria-describedby')) !== (await hint.getAttribute('id'))) fail(`${tag}: the empty box is not described by its sentence`);
  if (new URL(page.url()).pathname === '/search') fail(`${tag}: Enter on the empty box opened the results page`);
  await check(page, `search-box-empty-${tag}`);
  if (!phone) {
    // Escape on a wide screen: the text typed goes, the focus leaves the box.
    await page.keyboard.type('draft');
    if ((await hint.innerText()) !== '') fail(`${tag}: the sentence stays once a word is typed`);
    await page.keyboard.press('Escape');
    if ((await input.inputValue()) !== '') fail(`${tag}: Escape leaves "${await input.inputValue()}" in the box`);
    if (await input.evaluate((i) => i === document.activeElement)) fail(`${tag}: after Escape the focus stays in the box`);
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.id === 'header-search-q', null, { timeout: 5000 }).catch(() => fail(`${tag}: "/" does not focus the box again`));
  }
  await page.keyboard.type(word);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === word);
  await settle(page);
  await waitFor(page, page.getByRole('heading', { level: 1, name: s.find.titleFor(word) }), `${tag}: the results' heading`);
  const results = page.locator('.search-list > li');
  const all = await results.count();
  if (all < 5) fail(`${tag}: ${all} results for "${word}", not at least 5`);
  // Highlights are <mark> elements holding the word found; markup in a text is text.
  const marks = await page.locator('.search-list mark').allInnerTexts();
  if (!marks.some((m) => m.toLowerCase() === word)) fail(`${tag}: no <mark> holds "${word}" (marks: ${marks.slice(0, 5).join(', ')})`);
  if ((await page.locator('.search-list b').count()) > 0) fail(`${tag}: a result's markup was rendered as HTML`);
  // (the accepted answer is a result of its own, a comment under the question's title)
  const question = results.filter({ has: page.locator('.badge.kind-question') });
  if ((await question.count()) !== 1) fail(`${tag}: the question is not among the results`);
  for (const text of [s.find.kinds.question, s.find.solved]) {
    if ((await question.getByText(text, { exact: true }).count()) === 0) fail(`${tag}: the question's result does not say "${text}"`);
  }
  if (!(await question.innerText()).includes(s.find.inSpace('Synchronisation'))) fail(`${tag}: the question's result does not name its space`);
  const totalText = await page.locator('.search-total').innerText();
  if (totalText !== s.find.total(all)) fail(`${tag}: the total says "${totalText}", not "${s.find.total(all)}"`);
  await check(page, `search-results-${tag}`);

  // A filter from the facets: the kind "Question".
  await openFilters(page, s);
  const syncBefore = await facetCount(page, s.find.facetNames.space, 'Synchronisation');
  const questions = await facetCount(page, s.find.facetNames.kind, s.find.kinds.question);
  if (!(syncBefore >= 3)) fail(`${tag}: the space facet counts ${syncBefore} in Synchronisation, not at least 3`);
  if (questions !== 1) fail(`${tag}: the kind facet counts ${questions} questions, not 1`);
  await check(page, `search-filters-${tag}`);
  await page.locator('.search-filters .facet').filter({ has: page.getByRole('heading', { name: s.find.facetNames.kind, exact: true }) })
    .locator('button.facet-value').filter({ has: page.locator('.facet-label', { hasText: exactly(s.find.kinds.question) }) }).click();
  await page.waitForURL((u) => u.searchParams.get('kind') === 'question' && u.searchParams.get('q') === word);
  await settle(page);
  await eventually(`${tag}: one result after the filter`, async () => (await results.count()) === 1, 10000);
  await openFilters(page, s);
  const syncAfter = await facetCount(page, s.find.facetNames.space, 'Synchronisation');
  if (syncAfter !== 1) fail(`${tag}: with the filter, the space facet counts ${syncAfter} in Synchronisation, not 1 (before: ${syncBefore})`);
  const pressed = page.locator('.search-filters button.facet-value[aria-pressed="true"]');
  if ((await pressed.count()) !== 1) fail(`${tag}: the filter applied is not a pressed button`);
  await check(page, `search-filtered-${tag}`);
  // Back: the search before the filter.
  await page.goBack();
  await page.waitForURL((u) => u.pathname === '/search' && !u.searchParams.get('kind'));
  await settle(page);
  await eventually(`${tag}: back shows every result again`, async () => (await results.count()) === all, 10000);

  // Nothing found: a sentence and tips; with a filter, the way out of it.
  await page.goto(`${base}/search?q=zyxwvutsrq&kind=idea`);
  await settle(page);
  await waitFor(page, page.getByText(s.find.noResults('zyxwvutsrq')), `${tag}: the no-result sentence`);
  await waitFor(page, page.getByRole('link', { name: s.find.tipClear }), `${tag}: the way out of the filters`);
  await check(page, `search-nothing-${tag}`);
  // A ticket's result: the API's title as it is, its number first, the word marked.
  await page.goto(`${base}/search?q=${ticketWord}`);
  await settle(page);
  const ticketTitle = `#${d.ticket.number} Quarterly ${ticketWord} export fails`;
  const ticketResult = results.filter({ has: page.locator('.badge.kind-ticket') });
  await waitFor(page, ticketResult.getByRole('link', { name: ticketTitle, exact: true }), `${tag}: the ticket's result titled "${ticketTitle}"`);
  if (!(await ticketResult.locator('mark').allInnerTexts()).some((m) => m.toLowerCase() === ticketWord)) fail(`${tag}: the ticket's title does not mark "${ticketWord}"`);
  // A filter the API refuses (typed in the address): its sentence and the way out.
  for (const bad of ['kind=zzz', 'from=notaday']) {
    await page.goto(`${base}/search?q=${word}&${bad}`);
    await settle(page);
    await waitFor(page, page.getByRole('alert').filter({ hasText: s.find.errors.search_bad_filter }), `${tag}: the sentence of a bad filter (${bad})`);
    const clear = page.getByRole('link', { name: s.find.clearFilters, exact: true });
    await waitFor(page, clear, `${tag}: a way to clear a bad filter (${bad})`);
    if (bad === 'kind=zzz') await check(page, `search-bad-filter-${tag}`);
    await clear.click();
    await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === word && [...u.searchParams.keys()].length === 1);
    await settle(page);
    await eventually(`${tag}: the results once the bad filter is cleared (${bad})`, async () => (await results.count()) === all, 10000);
  }
  // A search the API refuses (over 200 characters, typed in the address) is a sentence.
  await page.goto(`${base}/search?q=${'a'.repeat(250)}`);
  await settle(page);
  await waitFor(page, page.getByRole('alert').filter({ hasText: s.find.errors.search_too_long }), `${tag}: the over-long search's sentence`);
  await check(page, `search-too-long-${tag}`);

  // A click on a result is counted, then its page opens.
  await page.goto(`${base}/search?q=${word}`);
  await settle(page);
  const clicked = page.waitForRequest((r) => r.url().endsWith('/api/search/clicks') && r.method() === 'POST');
  await results.filter({ has: page.locator('.badge.kind-question') }).getByRole('link').click();
  const body = JSON.parse((await clicked).postData());
  if (!body.searchId || body.resultId !== `post:${d.question.id}` && !String(body.resultId).includes(d.question.id)) fail(`${tag}: the click sent ${JSON.stringify(body)}`);
  if (!(body.position >= 1)) fail(`${tag}: the click's position is ${body.position}`);
  await page.waitForURL((u) => u.pathname === `/posts/${d.question.id}`);
  if (page.errors.length) fail(`${tag}: errors in the page: ${page.errors.join('; ')}`);
  await page.context().close();
}

// composerStory: "before you ask" in the question composer and the ticket composer.
async function composerStory(browser, d, lang, width) {
  const s = strings[lang];
  const tag = `${lang}-${width}`;
  const page = await signIn(browser, lang, width, d.readers[tag]);
  const suggested = [];
  page.on('response', async (r) => {
    if (r.url().includes('/api/search/suggest?') && r.ok()) suggested.push(await r.json().catch(() => ({})));
  });
  // The question composer: the solved question shows while its title is typed.
  await page.goto(`${base}/spaces/${d.sync.id}`);
  await settle(page);
  await page.getByLabel(s.postKind).selectOption('question');
  const title = page.getByLabel(labelled(s.postTitle));
  // (what the stories write does not hold the word searched, so each story finds the same)
  await title.pressSequentially('reset the curs', { delay: 40 });
  const region = page.locator('#c-suggestions');
  if ((await region.getAttribute('aria-live')) !== 'polite') fail(`${tag}: the suggestions are not a polite live region`);
  await waitFor(page, region.getByRole('heading', { name: s.find.suggestTitle }), `${tag}: the question composer's suggestions`);
  const link = region.getByRole('link', { name: /reset the replication cursor/i });
  if ((await link.getAttribute('target')) !== '_blank') fail(`${tag}: a suggestion does not open in a new tab`);
  if ((await link.getAttribute('href')) !== `/posts/${d.question.id}`) fail(`${tag}: the suggestion links to ${await link.getAttribute('href')}`);
  if (!(await link.innerText()).includes(s.find.newTab)) fail(`${tag}: the suggestion does not say it opens a new tab`);
  await check(page, `composer-question-${tag}`);
  // Typing on goes on with the composer's session: the next request sends the id given.
  const given = (await eventually(`${tag}: a suggestionId given`, async () => suggested.filter((a) => a.suggestionId).at(-1), 5000)).suggestionId;
  const next = page.waitForRequest((r) => r.url().includes('/api/search/suggest?') && new URL(r.url()).searchParams.get('suggestionId') === given, { timeout: 10000 });
  await title.pressSequentially('or', { delay: 40 });
  await next.catch(() => fail(`${tag}: typing on does not send the suggestionId given (${given})`));
  await page.locator('#c-body').fill(`Still stuck at night (${tag}).`);
  const posted = page.waitForRequest((r) => r.url().endsWith(`/api/spaces/${d.sync.id}/posts`) && r.method() === 'POST');
  await page.getByRole('button', { name: s.publish }).click();
  const post = JSON.parse((await posted).postData());
  if (post.suggestionId !== given) fail(`${tag}: the question was sent with the suggestionId ${post.suggestionId}, not the session's ${given}`);
  await waitFor(page, page.getByText(s.postPublished), `${tag}: the question published`);
  if ((await region.locator('li').count()) !== 0) fail(`${tag}: the suggestions stay after the question is published`);

  // The ticket composer: the subject brings the same solved question.
  await page.goto(`${base}/spaces/${d.customer.id}`);
  await settle(page);
  const subject = page.getByLabel(labelled(s.ticketSubject));
  // A slow server (each suggestion answers after 1 s) and a member who pauses over
  // 300 ms twice while the first answer is on its way: the composer's requests go one
  // after the other, each with the session the answer before gave (one session, not two).
  // (the page's fetch answers the suggestions 1 s late and notes what was sent)
  await page.evaluate(() => {
    const flight = (window.__flight = { now: 0, most: 0, ids: [] });
    const send = window.fetch;
    window.fetch = async (input, init) => {
      const url = new URL(String(input), location.href);
      if (url.pathname !== '/api/search/suggest') return send(input, init);
      flight.now++;
      flight.most = Math.max(flight.most, flight.now);
      flight.ids.push(url.searchParams.get('suggestionId'));
      try {
        const answer = await send(input, init);
        await new Promise((r) => setTimeout(r, 1000));
        return answer;
      } finally {
        flight.now--;
      }
    };
  });
  await subject.pressSequentially('cursor st', { delay: 40 });
  await page.waitForTimeout(500);
  await subject.pressSequentially('uck', { delay: 40 });
  await page.waitForTimeout(500);
  await subject.pressSequentially(' behind', { delay: 40 });
  const tregion = page.locator('#t-suggestions');
  await waitFor(page, tregion.getByRole('link', { name: /reset the replication cursor/i }), `${tag}: the ticket composer's suggestions`);
  const flight = await eventually(`${tag}: the slow suggestions answered`, async () => {
    const f = await page.evaluate(() => window.__flight);
    return f.now === 0 && f.ids.length >= 2 && f;
  }, 10000);
  if (flight.most !== 1) fail(`${tag}: ${flight.most} suggestion requests of one composer were on their way at once`);
  if (flight.ids[0] !== null || flight.ids.slice(1).some((id) => !id)) fail(`${tag}: the composer's requests sent the suggestionIds ${JSON.stringify(flight.ids)} (the first none, then each the one given)`);
  await check(page, `composer-ticket-${tag}`);
  await page.getByLabel(labelled(s.ticketDescription)).fill(`The copy is stuck (${tag}).`);
  const opened = page.waitForRequest((r) => r.url().endsWith(`/api/spaces/${d.customer.id}/tickets`) && r.method() === 'POST');
  await page.getByRole('button', { name: s.openTicket }).click();
  const ticket = JSON.parse((await opened).postData());
  if (!ticket.suggestionId) fail(`${tag}: the ticket was sent without the suggestionId: ${JSON.stringify(ticket)}`);
  await page.waitForURL((u) => u.pathname.startsWith('/tickets/'));
  if (page.errors.length) fail(`${tag}: errors in the page: ${page.errors.join('; ')}`);
  await page.context().close();
}

// analyticsStory: the admin reads the analytics; a member is refused the page.
async function analyticsStory(browser, d, lang, width, expect) {
  const s = strings[lang];
  const tag = `${lang}-${width}`;
  const page = await signIn(browser, lang, width, emails.admin);
  await page.goto(`${base}/search/analytics`);
  await settle(page);
  await waitFor(page, page.getByRole('heading', { level: 1, name: s.find.analyticsTitle }), `${tag}: the analytics' heading`);
  const figure = async (label) => Number((await page.locator('.results-counters div').filter({ has: page.locator('dt', { hasText: exactly(label) }) }).locator('dd').innerText()).replace(/\D/g, ''));
  const searches = await figure(s.find.searches);
  if (searches < expect.searches) fail(`${tag}: the analytics count ${searches} searches, not at least ${expect.searches}`);
  const clicks = await figure(s.find.clicks);
  if (clicks < 1) fail(`${tag}: the analytics count ${clicks} clicks`);
  const chart = page.locator('figure.kpi-chart[role="img"]');
  await waitFor(page, chart, `${tag}: the chart of searches per day`);
  if (!(await chart.getAttribute('aria-label')).startsWith(s.find.searchesPerDay)) fail(`${tag}: the chart is named "${await chart.getAttribute('aria-label')}"`);
  const top = page.locator('.kpi-table tbody tr').filter({ has: page.locator('th', { hasText: exactly(word) }) });
  if ((await top.count()) !== 1) fail(`${tag}: "${word}" is not among the top queries`);
  const noResult = page.locator('.kpi-groups li').filter({ hasText: 'zyxwvutsrq' });
  if ((await noResult.count()) !== 1) fail(`${tag}: "zyxwvutsrq" is not among the queries with no result`);
  const deflection = page.locator('dl.kpi-groups .kpi-group').filter({ has: page.locator('dt', { hasText: exactly(s.find.ticketsAfter) }) });
  const ticketsAfter = Number((await deflection.locator('dd').innerText()).replace(/\D/g, ''));
  if (ticketsAfter < expect.ticketsAfter) fail(`${tag}: ${ticketsAfter} tickets after suggestions, not at least ${expect.ticketsAfter}`);
  await check(page, `analytics-${tag}`);
  await page.context().close();
}

async function main() {
  const browser = await launch();
  try {
    const d = await seed(browser);
    let stories = 0;
    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        await searchStory(browser, d, lang, width);
        await composerStory(browser, d, lang, width);
        stories++;
        console.log(`ok: search and composers in ${lang} at ${width} px`);
      }
    }
    // The consumer counts the tickets opened after suggestions: wait for it.
    await eventually('the tickets after suggestions are counted', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const r = await api(d.ctxs.admin, 'GET', `/api/search/analytics?from=${today}&to=${today}`);
      return r.deflection.ticketsAfter >= stories && r.deflection.questionsAfter >= stories;
    }, 30000);
    // One session per composer, however many pauses in typing (each composer asked more than once).
    {
      const today = new Date().toISOString().slice(0, 10);
      const r = await api(d.ctxs.admin, 'GET', `/api/search/analytics?from=${today}&to=${today}`);
      if (r.deflection.questionSessions !== stories || r.deflection.ticketSessions !== stories) fail(`composer sessions counted: ${JSON.stringify(r.deflection)}, not ${stories} of each`);
    }
    for (const lang of ['en', 'fr']) for (const width of [375, 1280]) await analyticsStory(browser, d, lang, width, { searches: 3 * stories, ticketsAfter: stories });
    // A member is refused the analytics: the page is not found, the API 403.
    const r = await call(d.ctxs.member, 'GET', '/api/search/analytics?from=2026-01-01&to=2026-01-31');
    if (r.status !== 403) fail(`a member's analytics: ${r.status}`);
    const page = await signIn(browser, 'en', 1280, emails.member);
    await page.goto(`${base}/search/analytics`);
    await settle(page);
    await waitFor(page, page.getByRole('heading', { level: 1, name: strings.en.notFoundTitle }), 'the analytics page is not found for a member');
    await page.context().close();
  } finally {
    await browser.close();
  }
  console.log('browser search: ok');
}

run(main);
