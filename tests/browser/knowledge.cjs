// The knowledge base, documents and bookmarks in the browser (issue 16), in Debian's
// Chromium (playwright-core), in English and French, at 375 px and 1280 px, axe-core and
// no sideways scrolling on every state. The story, once per language and width:
// - an expert (space role "expert", set by the space's owner) opens the knowledge base,
//   starts a new article from its category, previews the Markdown (a heading and a list
//   rendered by the server as the page will be, a script left out), and saves and publishes it;
// - a follower opens the article, follows it and says it was helpful (a thank-you
//   sentence);
// - the expert edits the article (a version saved), and a second save over a stale
//   version is said as a sentence with the text kept (409 article_changed);
// - the follower is told in the app (an inbox entry naming the article) and opens from
//   it the comparison of the versions, the words inserted and deleted as <ins> and <del>
//   with words for screen readers; the expert's history lists the versions;
// - the expert uploads a document from a space's Documents tab: a wrong type is said
//   under the file field, a text file with a folder and tags is listed;
// - a partner (member of a closed partner space) opens the space's Documents tab, filters
//   by the tag "europe" (only the Europe brochure left), downloads it (its download
//   count grows by one), bookmarks it and finds it in "My bookmarks" (from the menu),
//   whose link opens the document's page;
// - the expert turns a question's accepted answer into an article (the question's title,
//   the answer's text), after which the answer links to it; a support agent finds a
//   published article from a ticket's reply and inserts its Markdown link.
// Driven by tests/knowledge_browser_test.go (TestBrowserKnowledge); boss@example.com is
// an admin, who owns the spaces.
const path = require('node:path');
const { acceptRules, api, base, call, check, devSignIn, devSignInContext, eventually, fail, launch, loadTS, newContext, run, settle, trackRequests, visit, waitFor } = require('./lib.cjs');

const webSrc = path.resolve(__dirname, '../../web/src');
const { strings } = loadTS(path.join(webSrc, 'i18n.ts'));
const { articleLink, diffPath, contentTypeOf } = loadTS(path.join(webSrc, 'knowledge-api.ts'));

// The pages' helpers, checked without a browser first: the picker's Markdown link
// escapes brackets, the comparison's address, a file's type by its extension.
{
  const md = articleLink({ id: 'ar_1', title: 'Set [beta] up' });
  if (md !== '[Set \\[beta\\] up](/kb/articles/ar_1)') fail(`the picker's link is ${md}`);
  if (diffPath('ar_1', 1, 3) !== '/kb/articles/ar_1/diff?from=1&to=3') fail(`the diff's address is ${diffPath('ar_1', 1, 3)}`);
  if (contentTypeOf({ name: 'Brochure.PDF', type: '' }) !== 'application/pdf') fail('a .PDF file without a browser type is not a PDF');
}

const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const admin = 'boss@example.com';

// A small but real PDF (the API checks the size and the type it was told).
const pdf = (title) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

// uploadDoc adds a document to a space as the API's clients do: ask, PUT, create.
async function uploadDoc(ctx, spaceId, { title, folder, tags, file }) {
  const body = pdf(title);
  const up = await api(ctx, 'POST', `/api/spaces/${spaceId}/documents/uploads`, { name: file, contentType: 'application/pdf', size: body.length });
  const put = await ctx.request.put(up.uploadUrl, { data: body, headers: { 'Content-Type': 'application/pdf' } });
  if (!put.ok()) fail(`upload of ${file}: ${put.status()}`);
  return api(ctx, 'POST', `/api/spaces/${spaceId}/documents`, { key: up.key, name: file, contentType: 'application/pdf', size: body.length, title, description: `Our offer, ${title.toLowerCase()}.`, folder, tags });
}

const profile = (displayName) => ({ displayName, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });
const tags = [];
for (const lang of ['en', 'fr']) for (const width of [375, 1280]) tags.push({ lang, width, tag: `${lang}-${width}` });

async function seed(browser) {
  const boss = await browser.newContext();
  const me = await devSignInContext(boss, admin);
  await acceptRules(boss);
  await api(boss, 'PUT', '/api/me/profile', profile('Alex Admin'));
  const product = await api(boss, 'POST', '/api/spaces', { name: 'Product guides', visibility: 'public', description: 'How the product works.' });
  const partners = await api(boss, 'POST', '/api/spaces', { name: 'Partners Europe', visibility: 'closed', description: 'For our resellers.', kind: 'partner' });
  const category = await api(boss, 'POST', '/api/kb/categories', { name: 'Roadmap', description: 'What comes next.', spaceId: product.id });
  const europe = await uploadDoc(boss, partners.id, { title: 'Europe brochure', folder: 'brochures/europe', tags: ['europe'], file: 'europe-brochure.pdf' });
  const asia = await uploadDoc(boss, partners.id, { title: 'Asia brochure', folder: 'brochures/asia', tags: ['asia'], file: 'asia-brochure.pdf' });
  // A community-wide published article the support agent's picker finds, and a customer's
  // ticket the agent answers.
  const guides = await api(boss, 'POST', '/api/kb/categories', { name: 'Account help', description: 'Signing in and passwords.' });
  const passwordArticle = await api(boss, 'POST', '/api/kb/articles', { title: 'Reset your password', body: 'Open **My profile**, then choose a new password.', categoryId: guides.id });
  await api(boss, 'POST', `/api/kb/articles/${passwordArticle.id}/publish`);
  const customer = await api(boss, 'POST', '/api/spaces', { name: 'Acme support', visibility: 'closed', description: 'Support for Acme.', kind: 'customer' });
  const agentCtx = await browser.newContext();
  const agent = await devSignInContext(agentCtx, 'agent@example.com');
  await acceptRules(agentCtx);
  await api(boss, 'PUT', `/api/members/${agent.id}/roles`, { roles: ['support'] });
  await agentCtx.close();
  const client = await browser.newContext();
  const clientMe = await devSignInContext(client, 'client@example.com');
  await acceptRules(client);
  await api(boss, 'POST', `/api/spaces/${customer.id}/invitations`, { memberId: clientMe.id });
  await api(client, 'POST', `/api/spaces/${customer.id}/join`);
  const settings = await api(client, 'GET', '/api/support/settings');
  const ticket = await api(client, 'POST', `/api/spaces/${customer.id}/tickets`, { subject: 'I cannot sign in', product: settings.products[0], severity: 'normal', body: 'My password is refused.', attachments: [] });
  await client.close();
  // One expert, follower and partner per language and width: each story is its own.
  const people = {};
  for (const { tag } of tags) {
    const ids = {};
    for (const role of ['expert', 'follower', 'partner']) {
      const email = `${role}-${tag}@example.com`;
      const ctx = await browser.newContext();
      const m = await devSignInContext(ctx, email);
      await acceptRules(ctx);
      await api(ctx, 'PUT', '/api/me/profile', profile(`${role[0].toUpperCase()}${role.slice(1)} ${tag}`));
      if (role === 'partner') {
        await api(boss, 'POST', `/api/spaces/${partners.id}/invitations`, { memberId: m.id });
        await api(ctx, 'POST', `/api/spaces/${partners.id}/join`);
      } else {
        await api(ctx, 'POST', `/api/spaces/${product.id}/join`);
      }
      if (role === 'expert') await api(boss, 'PUT', `/api/spaces/${product.id}/members/${m.id}/role`, { role: 'expert' });
      // The follower asks a question of the space; the admin's answer is accepted.
      if (role === 'follower') {
        const question = await api(ctx, 'POST', `/api/spaces/${product.id}/posts`, { kind: 'question', title: `How do I export ${tag}?`, body: 'Where is the export button?' });
        const answer = await api(boss, 'POST', `/api/posts/${question.id}/comments`, { body: 'Open **Settings**, then choose Export.' });
        await api(ctx, 'POST', `/api/posts/${question.id}/comments/${answer.id}/accept`);
        ids.question = question.id;
      }
      await ctx.close();
      ids[role] = { email, id: m.id };
    }
    people[tag] = ids;
  }
  return { boss, me, product, partners, category, europe, asia, people, ticket, passwordArticle };
}

// signIn opens a page in lang at width, signed in as email, the language chosen in the
// header as a reader does.
async function signIn(browser, lang, width, email) {
  const ctx = await newContext(browser, lang, width);
  const page = await ctx.newPage();
  trackRequests(page);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await devSignIn(page, email);
  // (visit: again if the sign-in's own redirect interrupts it, on a loaded machine)
  await visit(page, '/');
  await page.locator('label.lang select').selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l && localStorage.getItem('tribune.lang') === l, lang);
  await settle(page);
  return page;
}

// go opens an address of the app and waits until it has loaded.
async function go(page, url) {
  await page.goto(base + url);
  await settle(page);
}

// menuLink follows a link of the header's menu (on a phone, behind its button).
async function menuLink(page, s, name) {
  const toggle = page.locator('button.menu-toggle');
  if (await toggle.isVisible()) {
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  }
  await page.getByRole('navigation', { name: s.nav.main }).getByRole('link', { name, exact: true }).click();
  await settle(page);
}

async function story(browser, d, { lang, width, tag }) {
  const s = strings[lang];
  const t = s.kb;
  const who = d.people[tag];
  const title = `Roadmap ${tag} for the spring`;

  // ---- the expert writes, previews and publishes ----
  const expert = await signIn(browser, lang, width, who.expert.email);
  await menuLink(expert, s, t.nav);
  await waitFor(expert, expert.getByRole('heading', { level: 1, name: t.title }), `${tag}: the knowledge base's heading`);
  const place = expert.locator('section.kb-place').filter({ has: expert.getByRole('heading', { level: 2, name: 'Product guides' }) });
  const cat = place.getByRole('group', { name: 'Roadmap' });
  await waitFor(expert, cat, `${tag}: the Roadmap category in the space's place`);
  await check(expert, `kb-home-expert-${tag}`);
  await cat.getByRole('link', { name: new RegExp(`^${t.newArticle}`) }).click();
  await settle(expert);
  if (new URL(expert.url()).pathname !== '/kb/new') fail(`${tag}: "New article" opened ${expert.url()}`);
  await waitFor(expert, expert.getByRole('heading', { level: 1, name: t.newArticle }), `${tag}: the editor's heading`);
  if ((await expert.getByLabel(t.category).inputValue()) !== d.category.id) fail(`${tag}: the editor did not choose the category it was opened from`);
  await expert.getByLabel(new RegExp(`^${t.articleTitle}`)).fill(title);
  await expert.getByRole('textbox', { name: new RegExp(`^${t.body}`) }).fill('## Spring\n\nWe ship **offline mode** and better search.\n\n- Offline mode\n- Search in documents\n\n<script>window.pwned = 1</script>');
  // Saving with the title emptied says which field, and sends nothing.
  await expert.getByRole('tab', { name: t.preview }).click();
  const panel = expert.getByRole('tabpanel', { name: t.preview });
  await waitFor(expert, panel.getByRole('heading', { name: 'Spring', exact: true }), `${tag}: the preview's heading`);
  if ((await panel.locator('li').count()) !== 2) fail(`${tag}: the preview does not draw the list`);
  if ((await panel.locator('strong').innerText()) !== 'offline mode') fail(`${tag}: the preview does not draw the bold words`);
  // The server's renderer (as the published page) leaves the script out, tags and all.
  if ((await panel.locator('script').count()) !== 0 || (await panel.innerText()).includes('pwned')) fail(`${tag}: the preview holds the script`);
  if (await expert.evaluate(() => window.pwned)) fail(`${tag}: the preview ran a script`);
  await check(expert, `kb-editor-preview-${tag}`);
  await expert.getByRole('button', { name: t.saveAndPublish }).click();
  await expert.waitForURL((u) => /^\/kb\/articles\/[^/]+$/.test(u.pathname));
  await settle(expert);
  const articleId = decodeURIComponent(new URL(expert.url()).pathname.split('/')[3]);
  await waitFor(expert, expert.getByRole('heading', { level: 1, name: title }), `${tag}: the article's heading`);
  if (await expert.locator('article .badge', { hasText: exactly(t.draft) }).count()) fail(`${tag}: the published article is marked a draft`);
  if (await expert.locator('.post-body script').count()) fail(`${tag}: the article kept a script element`);
  if (await expert.evaluate(() => window.pwned)) fail(`${tag}: the article ran a script`);
  await check(expert, `kb-article-expert-${tag}`);

  // ---- a follower follows it and finds it helpful ----
  const follower = await signIn(browser, lang, width, who.follower.email);
  await go(follower, `/kb/articles/${articleId}`);
  await waitFor(follower, follower.getByRole('heading', { level: 1, name: title }), `${tag}: the follower reads the article`);
  if (await follower.getByRole('link', { name: s.edit, exact: true }).count()) fail(`${tag}: a plain member is offered Edit`);
  const follow = follower.getByRole('button', { name: t.followArticle });
  await follow.click();
  await waitFor(follower, follower.locator('button[aria-pressed="true"]', { hasText: t.followingArticle }), `${tag}: Follow says it is on`);
  await follower.getByRole('group', { name: t.helpfulQuestion }).getByRole('button', { name: t.yes, exact: true }).click();
  await waitFor(follower, follower.getByRole('status').filter({ hasText: t.thanks }), `${tag}: the thank-you sentence`);
  await check(follower, `kb-article-follower-${tag}`);

  // ---- the expert edits it: a version; a stale second save is refused with the text kept ----
  await expert.getByRole('link', { name: s.edit, exact: true }).click();
  await settle(expert);
  await waitFor(expert, expert.getByRole('heading', { level: 1, name: t.editTitle(title) }), `${tag}: the edit page`);
  const body = expert.getByRole('textbox', { name: new RegExp(`^${t.body}`) });
  await body.fill('## Spring\n\nWe ship **offline mode** and faster search.\n\n- Offline mode\n- Search in documents\n- Dark theme');
  const published = await api(d.boss, 'GET', `/api/kb/articles/${articleId}`);
  await expert.getByRole('button', { name: t.save, exact: true }).click();
  await waitFor(expert, expert.getByRole('status').filter({ hasText: t.savedVersion(published.version + 1) }), `${tag}: "saved as version ${published.version + 1}"`);
  // Someone else saves meanwhile (the admin, through the API): the expert's next save is stale.
  const now = await api(d.boss, 'GET', `/api/kb/articles/${articleId}`);
  await api(d.boss, 'PUT', `/api/kb/articles/${articleId}`, { title, body: `${now.body.replace('Dark theme', 'Dark mode')}\n\nEdited by the admin.`, categoryId: d.category.id, baseVersion: now.version });
  const mine = 'My text that must not be lost.';
  await body.fill(mine);
  await expert.getByRole('button', { name: t.save, exact: true }).click();
  await waitFor(expert, expert.getByRole('alert').filter({ hasText: t.changedMeanwhile }), `${tag}: the stale save is said as a sentence`);
  if ((await body.inputValue()) !== mine) fail(`${tag}: the stale save lost the text typed`);
  await check(expert, `kb-editor-conflict-${tag}`);

  // ---- the follower is told, and opens the changes ----
  const last = await api(d.boss, 'GET', `/api/kb/articles/${articleId}`);
  await eventually(`${tag}: the follower is told of the change`, async () => {
    const n = await api(follower, 'GET', '/api/notifications');
    return n.items.some((i) => JSON.stringify(i).includes(articleId));
  });
  await go(follower, '/notifications');
  const notice = follower.locator('main li').filter({ has: follower.locator(`a[href^="/kb/articles/${articleId}"]`) }).first();
  await waitFor(follower, notice, `${tag}: the inbox names the article`);
  await check(follower, `kb-notice-${tag}`);
  await notice.locator(`a[href^="/kb/articles/${articleId}"]`).first().click();
  await settle(follower);
  if (new URL(follower.url()).pathname !== `/kb/articles/${articleId}/diff`) fail(`${tag}: the notice opened ${follower.url()}, not the changes`);
  await waitFor(follower, follower.getByRole('heading', { level: 1, name: t.diffTitle(title) }), `${tag}: the comparison's heading`);
  const ins = follower.locator('.kb-diff ins');
  const del = follower.locator('.kb-diff del');
  if ((await ins.count()) === 0) fail(`${tag}: the comparison marks no insertion`);
  const insText = await ins.first().innerText();
  if (!insText.startsWith(t.insertedStart.trim())) fail(`${tag}: an insertion is not announced in words ("${insText}")`);
  const bodyText = await follower.locator('.kb-diff-body').innerText();
  if (!bodyText.includes('Edited by the admin')) fail(`${tag}: the comparison does not show the last change`);
  if ((await del.count()) === 0) fail(`${tag}: the comparison marks no deletion`);
  if (!(await del.first().innerText()).includes('theme')) fail(`${tag}: the deletion is "${await del.first().innerText()}", not the word replaced`);
  await check(follower, `kb-diff-${tag}`);

  // ---- the expert's history ----
  await go(expert, `/kb/articles/${articleId}/history`);
  await waitFor(expert, expert.getByRole('heading', { level: 1, name: t.historyOf(last.title) }), `${tag}: the history's heading`);
  const rows = expert.locator('.kb-versions > li');
  const versions = (await api(d.boss, 'GET', `/api/kb/articles/${articleId}/versions`)).versions;
  if ((await rows.count()) !== versions.length) fail(`${tag}: the history lists ${await rows.count()} versions, not ${versions.length}`);
  if (!(await rows.first().innerText()).includes('Alex Admin')) fail(`${tag}: the history's last version does not name the admin who saved it`);
  await check(expert, `kb-history-${tag}`);
  await expert.getByRole('button', { name: t.compare, exact: true }).click();
  await expert.waitForURL((u) => u.pathname.endsWith('/diff'));
  await settle(expert);
  await waitFor(expert, expert.locator('.kb-diff ins, .kb-diff del'), `${tag}: Compare shows the changes`);

  // ---- the expert uploads a document from the space's Documents tab (a wrong type refused first) ----
  await go(expert, `/spaces/${d.product.id}?tab=documents`);
  await waitFor(expert, expert.getByRole('heading', { level: 2, name: t.documents }), `${tag}: ?tab=documents opens the Documents tab`);
  await expert.locator('details.upload > summary').click();
  const uploadForm = expert.locator('details.upload form');
  const fileInput = uploadForm.getByLabel(new RegExp(`^${t.file}`));
  await fileInput.setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ not a document') });
  await uploadForm.getByRole('button', { name: t.uploadButton, exact: true }).click();
  await waitFor(expert, uploadForm.getByRole('alert').filter({ hasText: strings[lang].errors.document_type }), `${tag}: a wrong type is said under the file`);
  if ((await fileInput.getAttribute('aria-invalid')) !== 'true') fail(`${tag}: the file field is not marked invalid`);
  await check(expert, `documents-upload-refused-${tag}`);
  await fileInput.setInputFiles({ name: `prices-${tag}.txt`, mimeType: 'text/plain', buffer: Buffer.from('Basic: 10 EUR\nPro: 20 EUR\n') });
  await uploadForm.getByLabel(new RegExp(`^${t.docTitle}`)).fill(`Spring prices ${tag}`);
  await uploadForm.getByLabel(t.folder, { exact: true }).fill('prices/2027');
  await uploadForm.getByLabel(t.tags, { exact: true }).fill('Spring, pricing');
  await uploadForm.getByRole('button', { name: t.uploadButton, exact: true }).click();
  await waitFor(expert, expert.getByRole('status').filter({ hasText: t.uploaded(`Spring prices ${tag}`) }), `${tag}: the upload's sentence`);
  const listed = expert.locator('.doc-list > li').filter({ has: expert.getByRole('heading', { name: `Spring prices ${tag}` }) });
  await waitFor(expert, listed, `${tag}: the uploaded document in the list`);
  if (!(await listed.innerText()).includes('spring, pricing')) fail(`${tag}: the document's tags are not "spring, pricing": ${await listed.innerText()}`);
  await check(expert, `documents-uploaded-${tag}`);

  // ---- a partner downloads the Europe brochure, bookmarks it ----
  const partner = await signIn(browser, lang, width, who.partner.email);
  await go(partner, `/spaces/${d.partners.id}`);
  await partner.getByRole('navigation', { name: s.spaceLists }).getByRole('button', { name: t.documents, exact: true }).click();
  await settle(partner);
  const docs = partner.locator('.doc-list > li');
  await waitFor(partner, docs, `${tag}: the space's documents`);
  await check(partner, `documents-${tag}`);
  await partner.getByRole('group', { name: t.filterByTag }).getByRole('button', { name: /^europe/ }).click();
  await settle(partner);
  await waitFor(partner, partner.getByRole('status').filter({ hasText: t.filteredByTag('europe', 1) }), `${tag}: the tag's sentence`);
  const titles = await docs.locator('h3').allInnerTexts();
  if (JSON.stringify(titles) !== JSON.stringify(['Europe brochure'])) fail(`${tag}: the "europe" tag shows ${JSON.stringify(titles)}`);
  const before = (await api(d.boss, 'GET', `/api/spaces/${d.partners.id}/documents/${d.europe.id}`)).downloads;
  const popup = partner.context().waitForEvent('page', { timeout: 5000 }).catch(() => undefined);
  await docs.first().getByRole('button', { name: new RegExp(`^${t.download}`) }).click();
  await waitFor(partner, partner.getByRole('status').filter({ hasText: t.downloadStarted }), `${tag}: the download's sentence`);
  const opened = await popup;
  if (opened) await opened.close();
  const after = (await api(d.boss, 'GET', `/api/spaces/${d.partners.id}/documents/${d.europe.id}`)).downloads;
  if (after !== before + 1) fail(`${tag}: the downloads went from ${before} to ${after}`);
  await docs.first().getByRole('button', { name: new RegExp(`^${t.bookmark}`) }).click();
  await waitFor(partner, docs.first().locator('button[aria-pressed="true"]', { hasText: t.bookmarked }), `${tag}: the document is bookmarked`);
  await check(partner, `documents-europe-${tag}`);
  await menuLink(partner, s, t.bookmarksNav);
  await waitFor(partner, partner.getByRole('heading', { level: 1, name: t.myBookmarks }), `${tag}: My bookmarks`);
  const section = partner.locator('section').filter({ has: partner.getByRole('heading', { level: 2, name: t.bookmarkKinds.document }) });
  await waitFor(partner, section.getByRole('link', { name: 'Europe brochure' }), `${tag}: the brochure in My bookmarks`);
  await check(partner, `bookmarks-${tag}`);
  // The bookmark opens the document's page.
  await section.getByRole('link', { name: 'Europe brochure' }).click();
  await settle(partner);
  await waitFor(partner, partner.getByRole('heading', { level: 1, name: 'Europe brochure' }), `${tag}: the bookmark opens the document's page`);
  if (!(await partner.locator('.doc-list button[aria-pressed="true"]', { hasText: t.bookmarked }).count())) fail(`${tag}: the document's page does not say it is bookmarked`);
  await check(partner, `document-page-${tag}`);

  // ---- the expert turns the accepted answer into an article; the answer links to it ----
  await go(expert, `/posts/${who.question}`);
  const accepted = expert.locator('li.accepted');
  await waitFor(expert, accepted, `${tag}: the accepted answer`);
  await accepted.getByRole('button', { name: t.turnIntoArticle, exact: true }).click();
  const form = accepted.getByRole('form', { name: t.turnIntoArticle });
  if ((await form.getByLabel(new RegExp(`^${t.articleTitle}`)).inputValue()) !== `How do I export ${tag}?`) fail(`${tag}: the article's title is not the question's`);
  await check(expert, `turn-into-article-${tag}`);
  await form.getByRole('button', { name: t.makeArticle, exact: true }).click();
  await expert.waitForURL((u) => /^\/kb\/articles\/[^/]+\/edit$/.test(u.pathname));
  await settle(expert);
  const madeId = decodeURIComponent(new URL(expert.url()).pathname.split('/')[3]);
  if (!(await expert.getByRole('textbox', { name: new RegExp(`^${t.body}`) }).inputValue()).includes('Settings')) fail(`${tag}: the article's text is not the answer's`);
  await go(expert, `/posts/${who.question}`);
  const nowLink = expert.locator('li.accepted').getByRole('link', { name: t.nowArticle });
  await waitFor(expert, nowLink, `${tag}: "This answer is now an article"`);
  if ((await nowLink.getAttribute('href')) !== `/kb/articles/${madeId}`) fail(`${tag}: the answer links to ${await nowLink.getAttribute('href')}`);
  if (await expert.locator('li.accepted').getByRole('button', { name: t.turnIntoArticle }).count()) fail(`${tag}: the answer is offered to become an article twice`);

  // ---- a support agent inserts an article's link into a ticket reply ----
  const agent = await signIn(browser, lang, width, 'agent@example.com');
  await go(agent, `/tickets/${d.ticket.id}`);
  await agent.locator('details.kb-picker > summary').click();
  await agent.getByRole('searchbox', { name: t.findArticle }).fill('password');
  await agent.getByRole('button', { name: t.find, exact: true }).click();
  await waitFor(agent, agent.getByRole('status').filter({ hasText: t.foundCount(1) }), `${tag}: the picker finds the article`);
  await agent.locator('details.kb-picker li').getByRole('button', { name: new RegExp(`^${t.insert}`) }).click();
  const reply = await agent.locator('#r-body').inputValue();
  if (!reply.includes(`[Reset your password](/kb/articles/${d.passwordArticle.id})`)) fail(`${tag}: the reply holds "${reply}", not the article's link`);
  await check(agent, `ticket-picker-${tag}`);
  await agent.context().close();

  for (const p of [expert, follower, partner]) {
    if (p.errors.length) fail(`${tag}: the page threw: ${p.errors.join('; ')}`);
    await p.context().close();
  }
}

run(async () => {
  const browser = await launch();
  const d = await seed(browser);
  // An outsider of the closed partner space is refused its documents (404, as the space).
  const outsider = await browser.newContext();
  await devSignInContext(outsider, 'outsider@example.com');
  const refused = await call(outsider, 'GET', `/api/spaces/${d.partners.id}/documents`);
  if (refused.status !== 404 && refused.status !== 403) fail(`an outsider reads the partner space's documents: ${refused.status}`);
  await outsider.close();
  for (const t of tags) await story(browser, d, t);
  // A community by invitation: a visitor's link to the knowledge base leads to a page
  // that says it is for members and how to get in, in a sentence, not an error.
  await api(d.boss, 'PUT', '/api/community/access', { accessMode: 'invite' });
  for (const lang of ['en', 'fr']) {
    const s = strings[lang];
    const ctx = await newContext(browser, lang, 375);
    const page = await ctx.newPage();
    trackRequests(page);
    await page.goto(`${base}/`);
    await page.locator('label.lang select').selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await settle(page);
    await page.getByRole('link', { name: s.kb.nav, exact: true }).click();
    await settle(page);
    await waitFor(page, page.getByRole('heading', { level: 1, name: s.membersOnlyTitle }), `visitor-invite-${lang}: the members-only page`);
    if (!(await page.getByText(s.membersOnlyText).isVisible())) fail(`visitor-invite-${lang}: no sentence says why`);
    if (!(await page.locator('main').getByRole('link', { name: s.signInNav, exact: true }).isVisible())) fail(`visitor-invite-${lang}: no way to sign in`);
    await check(page, `kb-members-only-${lang}-375`);
    await ctx.close();
  }
  await browser.close();
});
