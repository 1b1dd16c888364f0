// Mentions by name in Debian's Chromium (playwright-core), by keyboard only, at 375 px
// and 1280 px, in English and French: typing "@" and a name in the composer offers the
// members who may read the space (an ARIA listbox tied to the text box); Down and Up move
// (wrapping), Enter and Tab choose, Escape closes. The page shows the names, the stored
// text their references; the edit box shows names again (two members of the same name,
// a name with a space and one with an accent) and saves them back to the right members;
// comments have the same box. The list's combobox says aria-expanded true while it is
// open and false once closed; inside code (a code span open on the line, a ``` or ~~~
// fence open above) the list offers nobody. A member's profile language is shown when
// the browser has no saved choice; a choice made in the browser wins. axe-core runs with the list open; no page scrolls
// sideways. Driven by tests/browser_test.go (TestBrowserMentions), which passes
// BASE_URL, DEV_KEY, SHOTS_DIR and CHROMIUM; boss@example.com is an admin.
const { acceptRules, api, base, check, devSignIn, fail, labelled, launch, newContext, run, visit } = require('./lib.cjs');

const text = {
  en: { body: 'Text (Markdown)', kind: 'Kind of post', title: 'Title', publish: 'Publish', edit: 'Edit', save: 'Save', comment: 'Your comment', send: 'Comment', list: 'Members to mention', deleted: 'Deleted member' },
  fr: { body: 'Texte (Markdown)', kind: 'Type de message', title: 'Titre', publish: 'Publier', edit: 'Modifier', save: 'Enregistrer', comment: 'Votre commentaire', send: 'Commenter', list: 'Membres à mentionner', deleted: 'Membre supprimé' },
};

// listState is what assistive technology is told: the box's active option and the
// options shown.
async function listState(page, box) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const list = document.getElementById(el.getAttribute('aria-controls'));
    const active = el.getAttribute('aria-activedescendant');
    const combo = el.closest('[role=combobox]');
    return {
      open: !!list && !list.hidden,
      expanded: combo ? combo.getAttribute('aria-expanded') : null,
      comboControls: combo ? combo.getAttribute('aria-controls') : null,
      role: list && list.getAttribute('role'),
      autocomplete: el.getAttribute('aria-autocomplete'),
      active: active ? document.getElementById(active)?.textContent : null,
      selected: [...(list?.querySelectorAll('[role=option][aria-selected=true]') ?? [])].map((o) => o.textContent),
      options: [...(list?.querySelectorAll('[role=option]') ?? [])].map((o) => o.textContent),
    };
  }, box);
}

async function waitOpen(page, box, count) {
  for (let i = 0; i < 100; i++) {
    const st = await listState(page, box);
    if (st.open && st.options.length === count) return st;
    await page.waitForTimeout(50);
  }
  fail(`the @ list of #${box} did not open with ${count} choices: ${JSON.stringify(await listState(page, box))}`);
}

async function expectActive(page, box, name) {
  const st = await listState(page, box);
  if (st.active?.split(' · ')[0] !== name || st.selected.length !== 1 || st.selected[0] !== st.active) fail(`active option ${JSON.stringify(st)}, want ${name}`);
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // The cast: staff open a public space; two members named Jean Dupont (one lists an
    // expertise), Zoé Martin, and the writers.
    const setup = await browser.newContext({ locale: 'en-US' });
    const sp = await setup.newPage();
    const people = {};
    for (const [email, name, expertise] of [
      ['boss@example.com', 'Boss', []],
      ['jean.one@example.com', 'Jean Dupont', ['go']],
      ['jean.two@example.com', 'Jean Dupont', []],
      ['zoe@example.com', 'Zoé Martin', []],
      // One writer per run: a member's first week allows 3 posts or comments a minute.
      ...['en-375', 'en-1280', 'fr-375', 'fr-1280'].map((tag) => [`ann.${tag}@example.com`, `Ann ${tag}`, []]),
    ]) {
      await setup.clearCookies();
      await devSignIn(sp, email);
      const me = await api(sp, 'GET', '/api/me');
      await api(sp, 'PUT', '/api/me/profile', { displayName: name, bio: '', expertise, interests: [], company: '', location: '', links: [], locale: 'en' });
      people[email] = me.id;
      if (email === 'boss@example.com') {
        const space = await api(sp, 'POST', '/api/spaces', { name: 'Mentions', description: 'Who is who', visibility: 'public' });
        people.space = space.id;
      } else {
        await api(sp, 'POST', `/api/spaces/${people.space}/join`);
      }
      await acceptRules(sp);
    }
    const jeans = (await api(sp, 'GET', `/api/spaces/${people.space}/mentionable?q=jea`)).members;
    if (jeans.length !== 2 || jeans.some((m) => m.displayName !== 'Jean Dupont')) fail(`the two Jeans: ${JSON.stringify(jeans)}`);
    await setup.close();

    // A member's profile language wins over the browser's when this browser has no
    // saved choice; a choice made here wins over the profile's.
    {
      const context = await newContext(browser, 'en', 1280);
      const page = await context.newPage();
      await devSignIn(page, 'zoe@example.com');
      await api(page, 'PUT', '/api/me/profile', { displayName: 'Zoé Martin', bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'fr' });
      await visit(page, `/spaces/${people.space}`);
      await page.getByRole('heading', { name: 'Écrire un message' }).waitFor({ timeout: 10000 }).catch(async () => fail(`the profile's French is not shown: html lang ${await page.evaluate(() => document.documentElement.lang)}`));
      if ((await page.evaluate(() => document.documentElement.lang)) !== 'fr') fail('html lang is not fr');
      await check(page, 'profile-language-fr');
      await page.locator('header select').selectOption('en');
      await page.reload({ waitUntil: 'networkidle' });
      await page.getByRole('heading', { name: 'Write a post' }).waitFor({ timeout: 10000 }).catch(() => fail('the choice made in this browser did not win over the profile'));
      await context.close();
    }

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = text[lang];
        const tag = `${lang}-${width}`;
        const context = await newContext(browser, lang, width);
        const page = await context.newPage();
        // A visitor's 401s before signing in are the app asking who is there; anything
        // else the console reports is a fault.
        page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(m.text()));
        page.on('pageerror', (e) => consoleErrors.push(String(e)));
        await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
        await devSignIn(page, `ann.${tag}@example.com`);
        await visit(page, `/spaces/${people.space}`);

        // The composer: "@jea" offers both Jeans; Down, Down (wraps), Up (wraps) and Enter
        // choose the second; "@zo" and Tab choose Zoé; "@jea" then Escape stays text.
        await page.getByLabel(t.kind).selectOption('discussion');
        const title = `Plan ${tag}`;
        await page.getByLabel(labelled(t.title)).fill(title);
        const box = page.getByLabel(labelled(t.body));
        await box.focus();
        await page.keyboard.type('Hello @jea');
        let st = await waitOpen(page, 'c-body', 2);
        if (st.role !== 'listbox' || st.autocomplete !== 'list') fail(`ARIA: ${JSON.stringify(st)}`);
        // The combobox pattern: the box's combobox says the list is expanded.
        if (st.expanded !== 'true' || st.comboControls !== 'c-body-mentions') fail(`aria-expanded while open: ${JSON.stringify(st)}`);
        await expectActive(page, 'c-body', 'Jean Dupont');
        await check(page, `mentions-list-${tag}`);
        const first = st.active;
        await page.keyboard.press('ArrowDown');
        st = await listState(page, 'c-body');
        if (st.active === first) fail('Down did not move');
        const second = st.active;
        await page.keyboard.press('ArrowDown');
        if ((await listState(page, 'c-body')).active !== first) fail('Down did not wrap to the first');
        await page.keyboard.press('ArrowUp');
        if ((await listState(page, 'c-body')).active !== second) fail('Up did not wrap to the last');
        await page.keyboard.press('Enter');
        st = await listState(page, 'c-body');
        if (st.open) fail('the list stayed open after Enter');
        if (st.expanded !== 'false') fail(`aria-expanded once closed: ${JSON.stringify(st)}`);
        await page.keyboard.type('and @zo');
        await waitOpen(page, 'c-body', 1);
        await expectActive(page, 'c-body', 'Zoé Martin');
        await page.keyboard.press('Tab');
        await page.keyboard.type('cc @jea');
        await waitOpen(page, 'c-body', 2);
        await page.keyboard.press('Escape');
        await page.keyboard.type('n!');
        await page.waitForTimeout(400);
        if ((await listState(page, 'c-body')).open) fail('the list came back after Escape');
        const shown = await box.inputValue();
        if (shown !== 'Hello @Jean Dupont and @Zoé Martin cc @jean!') fail(`the box shows ${JSON.stringify(shown)}`);
        // The second Jean, as the list showed them: the one without expertise or not.
        const chosen = second.includes('·') ? jeans.find((j) => j.expertise.length > 0) : jeans.find((j) => j.expertise.length === 0);
        await page.getByRole('button', { name: t.publish }).click();
        await page.getByRole('link', { name: title }).click();
        await page.getByRole('heading', { name: title }).waitFor();
        const postId = page.url().split('/posts/')[1];
        const post = await api(page, 'GET', `/api/posts/${postId}`);
        const want = `Hello @${chosen.id} and @${people['zoe@example.com']} cc @jean!`;
        if (post.body !== want) fail(`stored ${JSON.stringify(post.body)}, want ${JSON.stringify(want)}`);
        await page.locator('.post-body').getByRole('link', { name: '@Jean Dupont' }).waitFor();
        if ((await page.locator('.post-body').getByRole('link', { name: '@Jean Dupont' }).getAttribute('href')) !== `/members/${chosen.id}`) fail('the link is not to the chosen Jean');
        if ((await page.locator('.post-body').textContent()).includes('m_')) fail('the page shows an id');

        // The edit box: names, never ids; text typed before a mention moves it; a new
        // mention by keyboard; saved back to the same members.
        await page.getByRole('button', { name: t.edit, exact: true }).click();
        const editBox = page.locator('#e-body');
        if ((await editBox.inputValue()) !== 'Hello @Jean Dupont and @Zoé Martin cc @jean!') fail(`the edit box shows ${await editBox.inputValue()}`);
        await editBox.focus();
        await page.keyboard.press('Control+Home');
        await page.keyboard.type('Hi! ');
        await page.keyboard.press('Control+End');
        await page.keyboard.type(' Thanks @Zo');
        await waitOpen(page, 'e-body', 1);
        await page.keyboard.press('Enter');
        await page.getByRole('button', { name: t.save, exact: true }).click();
        await page.locator('.post-body').getByText('Thanks').waitFor();
        const edited = await api(page, 'GET', `/api/posts/${postId}`);
        const wantEdited = `Hi! ${want} Thanks @${people['zoe@example.com']} `.trimEnd();
        if (edited.body !== wantEdited) fail(`saved ${JSON.stringify(edited.body)}, want ${JSON.stringify(wantEdited)}`);

        // Inside code (an inline code span open on the line, a fence open above) the @
        // list offers nobody: a reference there would show as "@m_…" in <code>.
        const comment = page.getByLabel(t.comment);
        await comment.focus();
        for (const [what, typed] of [
          ['a code span', 'See `x @zo'],
          ['a fenced block', 'Code:\n```go\nx := 1 // @zo'],
          ['a tilde fence', '~~~\n@zo'],
        ]) {
          await page.keyboard.type(typed);
          await page.waitForTimeout(600);
          if ((await listState(page, 'comment-body')).open) fail(`the @ list opened inside ${what}`);
          await page.keyboard.press('ControlOrMeta+a');
          await page.keyboard.press('Delete');
        }
        // Closed code: members again.
        await page.keyboard.type('`x` and\n```\ny\n```\n@zo');
        await waitOpen(page, 'comment-body', 1);
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.press('Delete');
        await page.keyboard.type('Agreed, @zo');
        await waitOpen(page, 'comment-body', 1);
        await check(page, `mentions-comment-${tag}`);
        await page.keyboard.press('Enter');
        await page.getByRole('button', { name: t.send, exact: true }).click();
        await page.locator('.comments').getByRole('link', { name: '@Zoé Martin' }).waitFor();
        await check(page, `mentions-post-${tag}`);
        await context.close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors: ${consoleErrors.join('; ')}`);
    console.log('browser mentions: ok');
  } finally {
    await browser.close();
  }
}

run(main);
