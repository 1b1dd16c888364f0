// Comments in Debian's Chromium (playwright-core), at 375 px and 1280 px, in English and
// French: a comment shows its author's avatar, their name linked to their profile and
// its time (the full date in the time's title); its author edits it through a form whose
// errors sit under the field (aria-invalid, aria-describedby), and it then says
// "edited"; another member is offered no edit and the API refuses theirs; a space
// moderator opens the comment's history and reads the earlier text and who replaced it.
// axe-core runs on each state; no page scrolls sideways. Driven by tests/browser_test.go
// (TestBrowserComments), which passes BASE_URL, DEV_KEY, SHOTS_DIR and CHROMIUM;
// boss@example.com is an admin.
const path = require('node:path');
const { acceptRules, api, base, call, check, devSignIn, fail, labelled, launch, newContext, run, shots, visit } = require('./lib.cjs');

// A 1×1 PNG: Ann's avatar.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const text = {
  en: {
    comment: 'Your comment', send: 'Comment', edit: 'Edit', save: 'Save', label: 'Comment', edited: 'edited', editedOn: 'Edited on',
    fillIn: 'Fill in “Comment”.', history: 'History', byAuthor: 'by its author', avatar: 'Avatar of', saved: 'Your changes are saved.',
  },
  fr: {
    comment: 'Votre commentaire', send: 'Commenter', edit: 'Modifier', save: 'Enregistrer', label: 'Commentaire', edited: 'modifié', editedOn: 'Modifié le',
    fillIn: 'Remplissez « Commentaire ».', history: 'Historique', byAuthor: 'par son auteur', avatar: 'Avatar de', saved: 'Vos modifications sont enregistrées.',
  },
};

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  let current;
  try {
    // The cast: the admin opens a public space and makes Mo its moderator; Bob is a
    // member; one Ann per run writes (a new member may write 3 times a minute), with an avatar.
    const tags = ['en-375', 'fr-375', 'en-1280', 'fr-1280'];
    const setup = await browser.newContext({ locale: 'en-US' });
    const sp = await setup.newPage();
    const people = {};
    for (const [email, name] of [
      ['boss@example.com', 'Boss'],
      ['mo@example.com', 'Mo Moderator'],
      ['bob@example.com', 'Bob Other'],
      ...tags.map((tag) => [`ann.${tag}@example.com`, `Ann Writer ${tag}`]),
    ]) {
      await setup.clearCookies();
      await devSignIn(sp, email);
      const me = await api(sp, 'GET', '/api/me');
      await api(sp, 'PUT', '/api/me/profile', { displayName: name, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });
      people[email] = me.id;
      if (email === 'boss@example.com') {
        people.space = (await api(sp, 'POST', '/api/spaces', { name: 'Comments', description: 'Talk', visibility: 'public' })).id;
      } else {
        await api(sp, 'POST', `/api/spaces/${people.space}/join`);
      }
      await acceptRules(sp);
      if (email.startsWith('ann.')) {
        const up = await api(sp, 'POST', '/api/me/avatar/upload', { contentType: 'image/png', size: png.length });
        const put = await setup.request.put(up.uploadUrl, { headers: { 'Content-Type': 'image/png' }, data: png });
        if (put.status() >= 300) fail(`avatar upload: ${put.status()} ${await put.text()}`);
        await api(sp, 'PUT', '/api/me/avatar', { key: up.key });
        people[`post.${email}`] = (await api(sp, 'POST', `/api/spaces/${people.space}/posts`, { kind: 'discussion', title: `Plans ${email}`, body: 'What next?' })).id;
      }
    }
    await setup.clearCookies();
    await devSignIn(sp, 'boss@example.com');
    await api(sp, 'PUT', `/api/spaces/${people.space}/members/${people['mo@example.com']}/role`, { role: 'moderator' });
    await setup.close();

    const year = String(new Date().getFullYear());
    for (const tag of tags) {
      const [lang, w] = tag.split('-');
      const width = Number(w);
      const t = text[lang];
      const annEmail = `ann.${tag}@example.com`;
      const annId = people[annEmail];
      const postId = people[`post.${annEmail}`];
      const open = async (email) => {
        const context = await newContext(browser, lang, width);
        const page = await context.newPage();
        page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag} ${email}: ${m.text()}`));
        page.on('pageerror', (e) => consoleErrors.push(`${tag} ${email}: ${e}`));
        await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        await devSignIn(page, email);
        await visit(page, `/posts/${postId}`);
        current = page;
        return { context, page };
      };

      // Ann comments, then finds her byline: avatar, linked name, time with the full date.
      const ann = await open(annEmail);
      let page = ann.page;
      await page.getByLabel(labelled(t.comment)).fill('First thoughts');
      await page.getByRole('button', { name: t.send, exact: true }).click();
      await page.locator('.comments .post-body', { hasText: 'First thoughts' }).waitFor();
      const comment = (await api(page, 'GET', `/api/posts/${postId}/comments`)).comments.find((c) => c.authorId === annId);
      const item = page.locator(`#comment-${comment.id}`);
      const author = item.locator('.comment-author').getByRole('link', { name: `Ann Writer ${tag}`, exact: true });
      if ((await author.getAttribute('href')) !== `/members/${annId}`) fail(`${tag}: the author's name does not link to their profile`);
      const avatar = item.locator('img.avatar');
      if ((await avatar.getAttribute('alt')) !== `${t.avatar} Ann Writer ${tag}`) fail(`${tag}: the avatar's alt is ${await avatar.getAttribute('alt')}`);
      await page.waitForFunction((id) => {
        const img = document.querySelector(`#comment-${id} img.avatar`);
        return img && img.complete && img.naturalWidth > 0;
      }, comment.id);
      const time = item.locator('.comment-byline time').first();
      if ((await time.getAttribute('datetime')) !== comment.createdAt) fail(`${tag}: the time's datetime is ${await time.getAttribute('datetime')}`);
      const title = await time.getAttribute('title');
      if (!title || !title.includes(year)) fail(`${tag}: the time's title is not the full date: ${title}`);
      if ((await item.locator('.comment-byline').textContent()).includes(t.edited)) fail(`${tag}: a new comment says edited`);

      // An empty edit says so under the field; then the edit is saved and marked.
      await item.getByRole('button', { name: t.edit, exact: true }).click();
      const box = page.locator(`#edit-${comment.id}`);
      if ((await box.inputValue()) !== 'First thoughts') fail(`${tag}: the edit box shows ${await box.inputValue()}`);
      if ((await page.getByLabel(labelled(t.label)).getAttribute('id')) !== `edit-${comment.id}`) fail(`${tag}: the edit box has no label`);
      // The mark is drawn by CSS after the label (ui.tsx Label), as forms.cjs checks it.
      const marked = await page.evaluate((id) => {
        const l = document.querySelector(`label[for="${id}"]`);
        return !!l && l.classList.contains('required') && getComputedStyle(l, '::after').content.includes('*');
      }, `edit-${comment.id}`);
      if (!marked || (await box.getAttribute('required')) === null) fail(`${tag}: the edit box is not marked required`);
      await box.fill('');
      await item.getByRole('button', { name: t.save, exact: true }).click();
      const problem = page.locator(`#edit-${comment.id}-error`);
      await problem.waitFor();
      if ((await problem.textContent()) !== t.fillIn) fail(`${tag}: the field's problem says ${await problem.textContent()}`);
      if ((await box.getAttribute('aria-invalid')) !== 'true' || !(await box.getAttribute('aria-describedby')).includes(`edit-${comment.id}-error`)) {
        fail(`${tag}: the empty box is not marked invalid and described by its problem`);
      }
      await check(page, `comments-edit-error-${tag}`);
      await box.fill('Second thoughts, **better**');
      await item.getByRole('button', { name: t.save, exact: true }).click();
      await item.locator('.post-body strong', { hasText: 'better' }).waitFor();
      await item.getByText(t.saved).waitFor();
      const edited = item.locator('.comment-byline time.edited');
      if ((await edited.textContent()) !== t.edited || !(await edited.getAttribute('title')).startsWith(t.editedOn)) fail(`${tag}: the edited mark: ${await edited.textContent()} / ${await edited.getAttribute('title')}`);
      if (await item.getByRole('button', { name: t.history, exact: true }).count()) fail(`${tag}: a member is offered the history`);
      await check(page, `comments-edited-${tag}`);
      await ann.context.close();

      // Bob, another member, sees the comment and its author but no edit, and the API
      // refuses his edit.
      const bob = await open('bob@example.com');
      page = bob.page;
      const bobsView = page.locator(`#comment-${comment.id}`);
      await bobsView.locator('.post-body strong', { hasText: 'better' }).waitFor();
      if (await bobsView.getByRole('button', { name: t.edit, exact: true }).count()) fail(`${tag}: another member is offered an edit`);
      await bobsView.locator('.comment-author').getByRole('link', { name: `Ann Writer ${tag}`, exact: true }).waitFor();
      const refused = await call(page, 'PATCH', `/api/posts/${postId}/comments/${comment.id}`, { body: 'mine now' });
      if (refused.status !== 403) fail(`${tag}: another member's edit answered ${refused.status} ${refused.raw}`);
      await check(page, `comments-other-member-${tag}`);
      await bob.context.close();

      // Mo, the space's moderator, opens the history: the first text, replaced by its author.
      const mo = await open('mo@example.com');
      page = mo.page;
      const modView = page.locator(`#comment-${comment.id}`);
      await modView.getByRole('button', { name: t.history, exact: true }).click();
      const history = modView.locator('.comment-history');
      await history.locator('pre', { hasText: 'First thoughts' }).waitFor();
      const entry = await history.locator('li').first().textContent();
      if (!entry.includes(t.byAuthor) || !entry.includes(year)) fail(`${tag}: the history entry says ${entry}`);
      await check(page, `comments-history-${tag}`);
      await mo.context.close();
    }
    if (consoleErrors.length > 0) fail(`console errors: ${consoleErrors.join('; ')}`);
    console.log('browser comments: ok');
  } catch (e) {
    // What the page showed when it failed, for the log and as a screenshot.
    if (current && !current.isClosed()) {
      await current.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
      console.error(`the page at the failure: ${current.url()}\n${await current.locator('main').innerText().catch(() => '?')}`);
    }
    if (consoleErrors.length > 0) console.error(`console errors: ${consoleErrors.join('; ')}`);
    throw e;
  } finally {
    await browser.close();
  }
}

run(main);
