// A member's first post and first comment wait on the community rules (issue 9, round 3):
// the composer says the text is kept and not published, its button says it accepts the
// rules and publishes, "back" returns to the text unpublished, and once accepted the page
// says clearly that the post (the comment) is published, where the member can see it. In
// English and French, at 375 px and 1280 px, in Debian's Chromium (playwright-core);
// axe-core runs on every state. Driven by tests/browser_test.go, which passes BASE_URL,
// OUTBOX_DIR, SHOTS_DIR and CHROMIUM (and starts the runtime with an admin address).
const { askLink, check, fail, labelled, launch, newContext, run } = require('./lib.cjs');

const text = {
  en: {
    create: 'Create my account',
    welcome: (name) => `Welcome, ${name}!`,
    join: 'Join',
    title: 'Title',
    body: 'Text (Markdown)',
    publish: 'Publish',
    rules: 'Community rules',
    kept: 'Your post is kept, not published yet.',
    keptComment: 'Your comment is kept, not posted yet.',
    acceptPost: 'Accept the rules and publish my post',
    acceptComment: 'Accept the rules and post my comment',
    back: 'Back to my post',
    published: 'You accepted the community rules, and your post is published.',
    commented: 'You accepted the community rules, and your comment is posted.',
    see: 'See your post',
    comment: 'Your comment',
    send: 'Comment',
  },
  fr: {
    create: 'Créer mon compte',
    welcome: (name) => `Bienvenue, ${name} !`,
    join: 'Rejoindre',
    title: 'Titre',
    body: 'Texte (Markdown)',
    publish: 'Publier',
    rules: 'Règles de la communauté',
    kept: 'Votre publication est gardée, pas encore publiée.',
    keptComment: 'Votre commentaire est gardé, pas encore publié.',
    acceptPost: 'Accepter les règles et publier',
    acceptComment: 'Accepter les règles et publier mon commentaire',
    back: 'Revenir à ma publication',
    published: 'Vous avez accepté les règles de la communauté, et votre publication est en ligne.',
    commented: 'Vous avez accepté les règles de la communauté, et votre commentaire est publié.',
    see: 'Voir votre publication',
    comment: 'Votre commentaire',
    send: 'Commenter',
  },
};

// signUp makes a member of email in page's browser, in lang.
async function signUp(page, email, lang) {
  const t = text[lang];
  await page.goto(await askLink(email, lang));
  await page.getByRole('button', { name: t.create }).click();
  await page.getByRole('heading', { name: t.welcome(email.split('@')[0]) }).waitFor();
}

// inView fails unless the locator's element is on screen, whole, without scrolling.
// The page may still be settling (the published text renders a moment later), so it
// looks again for up to 2 s before failing.
async function inView(page, locator, what) {
  const vp = page.viewportSize();
  let box;
  for (const deadline = Date.now() + 2000; ; ) {
    box = await locator.boundingBox();
    // (1 px of slack: layout positions are fractional.)
    if (box && box.y >= -1 && box.y + box.height <= vp.height + 1 && box.x >= -1 && box.x + box.width <= vp.width + 1) return;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  fail(`${what} is not on screen: ${JSON.stringify(box)} in ${vp.width}×${vp.height}`);
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // Staff open a public space (the admin accepts nothing: they create, not post).
    const staff = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const admin = await staff.newPage();
    await signUp(admin, 'boss@example.com', 'en');
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Rules first');
    await admin.getByRole('button', { name: 'Create the space' }).click();
    await admin.getByRole('heading', { name: 'Rules first' }).waitFor();
    const spaceURL = admin.url();
    await staff.close();

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = text[lang];
        const tag = `${lang}-${width}`;
        const phone = width === 375;
        const context = await newContext(browser, lang, width);
        const page = await context.newPage();
        page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

        // A new member's first post: held by the rules, said so, not published.
        await signUp(page, `pia.${lang}${width}@example.com`, lang);
        await page.goto(spaceURL);
        await page.getByRole('button', { name: t.join, exact: true }).click();
        const title = `First post ${tag}`;
        await page.getByLabel(labelled(t.title)).fill(title);
        await page.getByLabel(labelled(t.body)).fill('Hello, everyone.');
        await page.getByRole('button', { name: t.publish, exact: true }).click();
        await page.getByRole('heading', { name: t.rules }).waitFor();
        await page.getByText(t.kept).waitFor();
        await check(page, `rules-held-${tag}`);
        // Back: the text is still there, and nothing was published.
        await page.getByRole('button', { name: t.back }).click();
        if ((await page.getByLabel(labelled(t.title)).inputValue()) !== title) fail('the title was lost on the way back');
        if (await page.getByRole('link', { name: title }).count()) fail('the post was published before the rules were accepted');
        await page.getByRole('button', { name: t.publish, exact: true }).click();
        await page.getByRole('button', { name: t.acceptPost }).click();

        // The page says it: rules accepted, post published, on screen, with its link.
        const status = page.getByRole('status').filter({ hasText: t.published });
        await status.waitFor();
        await inView(page, status, `the confirmation (${tag})`);
        await check(page, `rules-published-${tag}`);
        await status.getByRole('link', { name: t.see }).click();
        await page.getByRole('heading', { name: title }).waitFor();

        // A second member's first comment on it: the same, for a comment.
        if (phone) {
          const other = await context.browser().newContext({
            locale: lang === 'fr' ? 'fr-FR' : 'en-US',
            viewport: { width, height: 667 },
            isMobile: true,
            hasTouch: true,
            bypassCSP: true,
          });
          const cp = await other.newPage();
          await signUp(cp, `cal.${lang}${width}@example.com`, lang);
          await cp.goto(spaceURL);
          await cp.getByRole('button', { name: t.join, exact: true }).click();
          // Joining adds the composer above the list, which moves the post's link down:
          // wait for the page to show the membership before following the link.
          await cp.getByRole('button', { name: t.join, exact: true }).waitFor({ state: 'detached' });
          await cp.getByRole('link', { name: title }).click();
          await cp.getByRole('heading', { name: title }).waitFor();
          await cp.getByLabel(t.comment).fill('Welcome!');
          await cp.getByRole('button', { name: t.send, exact: true }).click();
          await cp.getByText(t.keptComment).waitFor();
          await check(cp, `rules-held-comment-${tag}`);
          await cp.getByRole('button', { name: t.acceptComment }).click();
          const said = cp.getByRole('status').filter({ hasText: t.commented });
          await said.waitFor();
          await inView(cp, said, `the comment's confirmation (${tag})`);
          await cp.locator('.comments').getByText('Welcome!').waitFor();
          await check(cp, `rules-commented-${tag}`);
          await other.close();
        }
        await context.close();
      }
    }
    if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) fail(`CSP violations: ${consoleErrors.join('; ')}`);
    console.log('browser rules acceptance: ok');
  } finally {
    await browser.close();
  }
}

run(main);
