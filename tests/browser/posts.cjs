// The post page shows what the server allows, in Debian's Chromium (playwright-core), at
// 1280 px in English and 375 px in French (the fresh tester's findings of issue 11):
// a space moderator who is not staff is offered no Edit nor Delete on staff's post and
// comment (Hide still), and both on a member's; nobody is offered to accept a hidden
// comment as the answer; Move offers the spaces the server names (none to a moderator of
// one space, the others to a community moderator) and the move works; a reply to a hidden
// comment shows under "This comment was hidden by a moderator." and the count is what the
// reader sees; a thread of more than 100 comments reads the rest by its cursor (never the
// whole thread again); the byline names the space once and the author's current name; a
// space moderator's moderation page never asks for the log, a closed space's page never
// asks a non-member for its lists. axe-core runs on each page; no page scrolls sideways.
// Driven by tests/browser_test.go (TestBrowserPostControls); boss@example.com is an admin.
const path = require('node:path');
const { acceptRules, api, base, check, devSignIn, fail, launch, loadTS, newContext, run, settle, trackRequests } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // The cast: boss (admin), mia (community moderator), sid (moderates Garden by a space
    // role only, a plain member of Beta), bob, cat and dan (members).
    const ctx = {};
    const page = {};
    const ids = {};
    for (const [who, name] of [
      ['boss', 'Boss'],
      ['mia', 'Mia Moderator'],
      ['sid', 'Sid Gardener'],
      ['bob', 'Bob Member'],
      ['cat', 'Cat Member'],
      ['dan', 'Dan Reader'],
    ]) {
      ctx[who] = await browser.newContext({ locale: 'en-US' });
      page[who] = await ctx[who].newPage();
      await devSignIn(page[who], `${who}@example.com`);
      ids[who] = (await api(page[who], 'GET', '/api/me')).id;
      await api(page[who], 'PUT', '/api/me/profile', { displayName: name, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });
      await acceptRules(page[who]);
    }
    await api(page.boss, 'PUT', `/api/members/${ids.mia}/roles`, { roles: ['member', 'moderator'] });
    const garden = await api(page.boss, 'POST', '/api/spaces', { name: 'Garden', description: 'Plants', visibility: 'public' });
    const beta = await api(page.boss, 'POST', '/api/spaces', { name: 'Beta', description: 'Tests', visibility: 'public' });
    const attic = await api(page.boss, 'POST', '/api/spaces', { name: 'Attic', description: 'Closed', visibility: 'closed' });
    for (const who of ['mia', 'sid', 'bob', 'cat', 'dan']) await api(page[who], 'POST', `/api/spaces/${garden.id}/join`);
    await api(page.sid, 'POST', `/api/spaces/${beta.id}/join`);
    await api(page.boss, 'PUT', `/api/spaces/${garden.id}/members/${ids.sid}/role`, { role: 'moderator' });
    const staffPost = await api(page.boss, 'POST', `/api/spaces/${garden.id}/posts`, { kind: 'discussion', title: 'House rules', body: 'Be kind.' });
    const staffComment = await api(page.boss, 'POST', `/api/posts/${staffPost.id}/comments`, { body: 'Staff says hello.' });
    const bobComment = await api(page.bob, 'POST', `/api/posts/${staffPost.id}/comments`, { body: 'Bob says hello.' });
    // A question whose one answer is hidden, with a reply to it.
    const question = await api(page.bob, 'POST', `/api/spaces/${garden.id}/posts`, { kind: 'question', title: 'Where is the key?', body: 'I lost it.' });
    const rude = await api(page.cat, 'POST', `/api/posts/${question.id}/comments`, { body: 'Rude words.' });
    await api(page.bob, 'POST', `/api/posts/${question.id}/comments`, { body: 'Please be polite.', parentId: rude.id });
    await api(page.boss, 'POST', `/api/posts/${question.id}/comments/${rude.id}/hide`, { reason: 'rude' });
    // A thread of 103 comments (staff write without the members' brakes).
    const busy = await api(page.boss, 'POST', `/api/spaces/${garden.id}/posts`, { kind: 'discussion', title: 'Busy thread', body: 'Say something.' });
    for (let i = 0; i < 103; i++) await api(page.boss, 'POST', `/api/posts/${busy.id}/comments`, { body: `comment number ${i}` });
    // Bob renames himself after writing.
    await api(page.bob, 'PUT', '/api/me/profile', { displayName: 'Robert Member', bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });

    for (const [lang, width] of [
      ['en', 1280],
      ['fr', 375],
    ]) {
      const s = strings[lang];
      const tag = `${lang}-${width}`;
      const open = async (who) => {
        const context = await newContext(browser, lang, width);
        await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        const p = await context.newPage();
        p.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag} ${who}: ${m.text()}`));
        p.on('pageerror', (e) => consoleErrors.push(`${tag} ${who}: ${e}`));
        p.asked = [];
        p.on('request', (r) => r.url().includes('/api/') && p.asked.push(`${r.method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`));
        trackRequests(p);
        if (who) await devSignIn(p, `${who}@example.com`);
        return { context, p };
      };
      const article = (p) => p.locator('article').first();
      const postActions = (p) => article(p).locator(':scope > .actions');
      const commentItem = (p, text) => p.locator('ul.comments li').filter({ hasText: text }).first();
      const button = (loc, name) => loc.getByRole('button', { name, exact: true });

      // Finding 4: sid (a space moderator, not staff) on staff's post.
      {
        const { context, p } = await open('sid');
        await p.goto(`${base}/posts/${staffPost.id}`);
        await commentItem(p, 'Bob says hello.').waitFor();
        await settle(p);
        if (await button(postActions(p), s.edit).count()) fail(`${tag}: sid is offered Edit on staff's post`);
        if (await button(postActions(p), s.delete).count()) fail(`${tag}: sid is offered Delete on staff's post`);
        if (!(await button(postActions(p), s.hide).count())) fail(`${tag}: sid is offered no Hide on the post`);
        const staffItem = p.locator(`#comment-${staffComment.id}`);
        if ((await button(staffItem, s.edit).count()) || (await button(staffItem, s.delete).count())) fail(`${tag}: sid is offered Edit or Delete on staff's comment`);
        if (!(await button(staffItem, s.hide).count())) fail(`${tag}: sid is offered no Hide on staff's comment`);
        const bobItem = p.locator(`#comment-${bobComment.id}`);
        if (!(await button(bobItem, s.edit).count()) || !(await button(bobItem, s.delete).count())) fail(`${tag}: sid is offered no Edit or Delete on bob's comment`);
        // Finding 10: the byline names the space once.
        const byline = await article(p).locator('p.muted').first().innerText();
        if (byline.split('Garden').length !== 2) fail(`${tag}: the byline names the space ${byline.split('Garden').length - 1} times: ${byline}`);
        await check(p, `posts-space-moderator-${tag}`);

        // Finding 5: sid moderates Garden only: no space to move to (Beta is not his to moderate).
        await p.goto(`${base}/posts/${question.id}`);
        await p.getByText(s.moderatorTools).click();
        await p.getByText(s.noMoveTargets).waitFor();
        if (await p.locator('#move-to').count()) fail(`${tag}: sid is offered a move`);

        // Finding 9: the moderation page asks sid for the queue, never for the log.
        p.asked = [];
        await p.goto(`${base}/moderation`);
        await p.getByRole('heading', { level: 1 }).waitFor();
        await settle(p);
        if (p.asked.some((a) => a.includes('/api/moderation/audit'))) fail(`${tag}: a space moderator's page asks for the log: ${p.asked.join(', ')}`);
        await context.close();
      }

      // Finding 3: the admin sees the hidden answer, with no accept button on it; the
      // reply under it.
      {
        const { context, p } = await open('boss');
        await p.goto(`${base}/posts/${question.id}`);
        const hiddenItem = p.locator(`#comment-${rude.id}`);
        await hiddenItem.getByText('Rude words.').waitFor();
        await settle(p);
        if (await button(hiddenItem, s.acceptAnswer).count()) fail(`${tag}: the admin is offered to accept a hidden comment`);
        await context.close();
      }

      // Finding 6: a member who may not see the hidden comment reads the reply under a
      // placeholder, and the count is what they see. Finding 10: the byline's current name.
      {
        const { context, p } = await open('dan');
        await p.goto(`${base}/posts/${question.id}`);
        const item = p.locator(`#comment-${rude.id}`);
        await item.getByText(s.commentWithheld).waitFor();
        await item.getByText('Please be polite.').waitFor();
        if (await p.getByText('Rude words.').count()) fail(`${tag}: a visitor reads the hidden comment`);
        await p.getByRole('heading', { name: s.commentsTitle(1) }).waitFor();
        await article(p).getByText('Robert Member').first().waitFor();
        if (await article(p).locator('p.muted').first().getByText('Bob Member').count()) fail(`${tag}: the byline shows the old name`);
        await settle(p);
        await check(p, `posts-withheld-${tag}`);
        await context.close();
      }

      // Finding 7: 103 comments: the first 100 with the page, the rest by cursor.
      {
        const { context, p } = await open('cat');
        await p.goto(`${base}/posts/${busy.id}`);
        await p.getByRole('heading', { name: s.commentsTitle(103) }).waitFor();
        await settle(p);
        const reads = p.asked.filter((a) => a.startsWith('GET /api/posts/') && a.includes('/comments'));
        if (reads.length === 0 || reads.some((a) => !a.includes('cursor='))) fail(`${tag}: the comments after the first 100 were read as ${reads.join(', ') || 'nothing'}`);
        if ((await p.locator('ul.comments > li').count()) !== 103) fail(`${tag}: ${await p.locator('ul.comments > li').count()} comments shown, want 103`);
        await context.close();
      }

      // Finding 9: a closed space's page asks a non-member for nothing it refuses.
      {
        const { context, p } = await open('cat');
        await p.goto(`${base}/spaces/${attic.id}`);
        await p.getByText(s.membersOnlyLists).waitFor();
        await settle(p);
        if (p.asked.some((a) => a.includes(`/api/spaces/${attic.id}/posts`))) fail(`${tag}: a non-member's closed space page asks for its posts: ${p.asked.join(', ')}`);
        await context.close();
      }
    }

    // Finding 5: a community moderator is offered Garden's neighbours and moves there.
    {
      const { context, p } = await (async () => {
        const context = await newContext(browser, 'en', 1280);
        const p = await context.newPage();
        p.on('pageerror', (e) => consoleErrors.push(`mia: ${e}`));
        await devSignIn(p, 'mia@example.com');
        return { context, p };
      })();
      // boss writes it: bob, in his first week, wrote his 3 texts of the minute already.
      const lonely = await api(page.boss, 'POST', `/api/spaces/${garden.id}/posts`, { kind: 'discussion', title: 'Wrong place', body: 'Oops.' });
      await p.goto(`${base}/posts/${lonely.id}`);
      await p.getByText(strings.en.moderatorTools).click();
      const select = p.locator('#move-to');
      await select.waitFor();
      const offered = await select.locator('option').allInnerTexts();
      if (!offered.includes('Beta') || !offered.includes('Attic') || offered.includes('Garden')) fail(`the community moderator is offered ${offered.join(', ')}`);
      await check(p, 'posts-move-targets-en-1280');
      await select.selectOption({ label: 'Beta' });
      await p.getByRole('button', { name: strings.en.move, exact: true }).click();
      await p.getByText(strings.en.moved).waitFor();
      const moved = await api(page.bob, 'GET', `/api/posts/${lonely.id}`);
      if (moved.spaceId !== beta.id) fail(`the post is in ${moved.spaceName}, not Beta`);
      await context.close();
    }
    if (consoleErrors.length > 0) fail(`console errors: ${consoleErrors.join('; ')}`);
    console.log('browser posts: ok');
  } finally {
    await browser.close();
  }
}

run(main);
