// Signs up through the web page in Debian's Chromium (playwright-core), checks the
// greeting, the language switch, a phone-sized screen, a spent link's explanation,
// and runs axe-core on every page. Driven by tests/browser_test.go, which passes
// BASE_URL, DEV_KEY (the key of the development pages), OUTBOX_DIR, SHOTS_DIR and
// CHROMIUM.
const { base, check, devKey, fail, labelled, launch, mailedLink, run } = require('./lib.cjs');

// devSignIn chooses who the local OIDC provider signs in next, then presses the sign-in
// page's button (a social sign-in starts with a POST, never a GET).
async function devSignIn(page, email, unverified = false) {
  await page.goto(`${base}/_dev/sign-in?key=${devKey}`);
  await page.getByLabel('Email address').fill(email);
  if (unverified) await page.getByLabel('The provider has not verified this address').check();
  await page.getByRole('button', { name: 'Choose' }).click();
  await page.getByRole('button', { name: 'Continue with Development sign-in' }).click();
}

async function main() {
  const browser = await launch();
  try {
    // bypassCSP only lets the test inject axe-core; the app itself runs under the CSP.
    const context = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

    await page.goto(base + '/');
    await page.getByRole('heading', { name: 'Sign in or join' }).waitFor();
    await check(page, 'signin-en');

    // A bad address is refused with an explanation tied to the field.
    await page.getByLabel('Email address').fill('not-an-address');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter a valid email address' }).waitFor();
    await check(page, 'signin-error');

    const email = `ivy.${Date.now()}@example.com`;
    await page.getByLabel('Email address').fill(email);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await check(page, 'check-email');

    // The emailed link opens a page that spends nothing; its button signs in.
    const link = await mailedLink(email);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Create your Tribune account' }).waitFor();
    await page.getByRole('button', { name: 'Create my account' }).click();
    const name = email.split('@')[0];
    await page.getByRole('heading', { name: `Welcome, ${name}!` }).waitFor();
    await check(page, 'home-en');

    // The language switch translates the page and is remembered.
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: `Bienvenue, ${name} !` }).waitFor();
    await page.waitForFunction(() => document.documentElement.lang === 'fr', null, { timeout: 5000 }).catch(() => fail('html lang is not fr after switching'));
    await page.reload();
    await page.getByRole('heading', { name: `Bienvenue, ${name} !` }).waitFor();
    await check(page, 'home-fr');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Se connecter ou rejoindre' }).waitFor();

    // A spent link explains itself in the member's language.
    await page.goto(link);
    await page.getByRole('alert').filter({ hasText: 'déjà été utilisé' }).waitFor();
    await check(page, 'link-used-fr');

    // Social sign-in through the local OIDC provider: the button, then a chosen person.
    const social = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const sp = await social.newPage();
    await sp.goto(base + '/');
    await sp.getByRole('button', { name: 'Continue with Development sign-in' }).click();
    await sp.getByRole('heading', { name: 'Welcome, jane.doe!' }).waitFor();
    await check(sp, 'home-social');
    await sp.getByRole('button', { name: 'Sign out' }).click();
    await sp.getByRole('heading', { name: 'Sign in or join' }).waitFor();
    await devSignIn(sp, 'kim@example.com', true);
    await sp.getByRole('alert').filter({ hasText: 'no verified email address' }).waitFor();
    await check(sp, 'signin-social-error');
    await devSignIn(sp, 'kim@example.com');
    await sp.getByRole('heading', { name: 'Welcome, kim!' }).waitFor();
    await social.close();

    // Staff make the community invite-only and invite someone; the invitee joins
    // through the invitation page; a walk-in is told by email why they cannot.
    const staff = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const admin = await staff.newPage();
    await devSignIn(admin, 'boss@example.com');
    await admin.getByRole('heading', { name: 'Welcome, boss!' }).waitFor();
    await admin.getByRole('link', { name: 'Community admin' }).click();
    await admin.getByRole('heading', { name: 'Community admin' }).waitFor();
    await admin.getByLabel('Invite-only: registration needs an invitation; nothing is public').check();
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await admin.getByLabel('Email addresses (one per line, up to 100)').fill('zoe@example.com');
    await admin.getByLabel('Moderator').check();
    await admin.locator('#bulk-message').fill('Come and help us moderate.');
    await admin.getByRole('button', { name: 'Send the invitation' }).click();
    await admin.getByRole('status').filter({ hasText: '1 invitation sent.' }).waitFor();
    await admin.getByRole('listitem').filter({ hasText: 'zoe@example.com' }).waitFor();
    await check(admin, 'admin');

    // Staff open a space and ask a question in it; the post page shows sanitized Markdown
    // and the question reaches the home stream through the fan-out.
    await admin.getByRole('link', { name: 'Home' }).click();
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Data pipelines');
    await admin.getByLabel('Description').fill('Moving data around.');
    await admin.getByRole('button', { name: 'Create the space' }).click();
    await admin.getByRole('heading', { name: 'Data pipelines' }).waitFor();
    await admin.getByLabel('Kind of post').selectOption('question');
    await admin.getByLabel('Title').fill('How do I page a query?');
    await admin.getByLabel('Text (Markdown)').fill('I get **LastEvaluatedKey** back. <script>window.pwned = 1</script> [x](javascript:alert(1))');
    await admin.getByRole('button', { name: 'Publish' }).click();
    // A first post asks for the community rules once.
    await admin.getByRole('heading', { name: 'Community rules' }).waitFor();
    await check(admin, 'rules');
    await admin.getByRole('button', { name: 'Accept the rules and publish my post' }).click();
    await admin.getByRole('status').filter({ hasText: 'You accepted the community rules, and your post is published.' }).waitFor();
    await admin.getByRole('link', { name: 'How do I page a query?' }).click();
    await admin.getByRole('heading', { name: 'How do I page a query?' }).waitFor();
    if ((await admin.locator('.post-body strong').textContent()) !== 'LastEvaluatedKey') fail('Markdown was not rendered');
    if (await admin.evaluate(() => window.pwned === 1 || document.querySelector('.post-body script, .post-body a[href^="javascript"]') !== null)) {
      fail('unsanitized content reached the page');
    }
    await admin.getByLabel('Your comment').fill('Use the **cursor** you get back.');
    await admin.getByRole('button', { name: 'Comment', exact: true }).click();
    await admin.getByRole('button', { name: 'Accept as the answer' }).click();
    await admin.getByText('Accepted answer').waitFor();
    await admin.locator('.comments').getByRole('button', { name: 'Like 0' }).click();
    await admin.locator('.comments').getByRole('button', { name: 'Like 1', pressed: true }).waitFor();
    await check(admin, 'post');
    // The fan-out is asynchronous: reload until the stream has it, letting each page
    // finish its API calls before looking.
    for (let i = 0; ; i++) {
      await admin.goto(base + '/', { waitUntil: 'networkidle' });
      if (await admin.getByRole('link', { name: 'How do I page a query?' }).count()) break;
      if (i === 40) fail('the question never reached the home stream');
      await new Promise((r) => setTimeout(r, 250));
    }
    await check(admin, 'home-stream');

    // Staff put an idea, a poll and a doubtful discussion in the space.
    await admin.getByRole('link', { name: 'Data pipelines' }).click();
    await admin.getByRole('heading', { name: 'Data pipelines' }).waitFor();
    const spaceURL = admin.url();
    const publish = async (kind, fields, title) => {
      await admin.getByLabel('Kind of post').selectOption(kind);
      for (const [label, value] of fields) await admin.getByLabel(labelled(label)).fill(value);
      await admin.getByRole('button', { name: 'Publish' }).click();
      await admin.getByRole('link', { name: title }).waitFor();
    };
    // The idea carries an uploaded screenshot.
    const pixel = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await admin.getByLabel('Kind of post').selectOption('idea');
    await admin.getByLabel('Add an image (PNG, JPEG, WebP or GIF, at most 5 MB)').setInputFiles({ name: 'dark.png', mimeType: 'image/png', buffer: pixel });
    await admin.waitForFunction(() => document.querySelector('#c-body').value.includes('/api/images/'));
    await publish('idea', [['Title', 'Dark mode']], 'Dark mode');
    await publish('poll', [['Question', 'Which day for the meetup?'], ['Options (one per line, 2 to 10)', 'Monday\nFriday']], 'Which day for the meetup?');
    // The composer offers members by name after "@" (tests/browser/mentions.cjs tries it all).
    await admin.getByLabel('Kind of post').selectOption('discussion');
    await admin.getByLabel(labelled('Text (Markdown)')).fill('Buy now! Ask');
    await admin.getByLabel(labelled('Text (Markdown)')).pressSequentially(' @ki');
    await admin.getByRole('option', { name: 'kim' }).waitFor();
    await admin.keyboard.press('Enter');
    await publish('discussion', [['Title', 'Cheap watches here']], 'Cheap watches here');
    await check(admin, 'space');

    const walkIn = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const wp = await walkIn.newPage();
    await wp.goto(base + '/');
    await wp.getByLabel('Email address').fill('walk.in@example.com');
    await wp.getByRole('button', { name: 'Email me a link' }).click();
    // The page answers as it answers a member (it never tells who has an account); the
    // email says why the walk-in cannot join.
    await wp.getByRole('heading', { name: 'Check your email' }).waitFor();
    await mailedLink('walk.in@example.com', /this community is by invitation only/);
    await walkIn.close();

    const invitee = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const ip = await invitee.newPage();
    await ip.goto(await mailedLink('zoe@example.com', /https?:\/\/\S+\/invite\/[A-Za-z0-9-]+/));
    await ip.getByRole('heading', { name: 'boss invites you to join Tribune' }).waitFor();
    await ip.getByText('Come and help us moderate.').waitFor();
    await check(ip, 'invitation');
    await ip.getByLabel('Email address').fill('zoe@example.com');
    await ip.getByRole('button', { name: 'Email me a link' }).click();
    await ip.getByRole('heading', { name: 'Check your email' }).waitFor();
    await ip.goto(await mailedLink('zoe@example.com'));
    await ip.getByText('It also accepts the invitation you received.').waitFor();
    await ip.getByRole('button', { name: 'Create my account' }).click();
    await ip.getByRole('heading', { name: 'Welcome, zoe!' }).waitFor();
    // Profile editing with an avatar upload, then the directory.
    await ip.getByRole('link', { name: 'My profile' }).click();
    await ip.getByRole('heading', { name: 'My profile' }).waitFor();
    // A reserved name is refused with a sentence (issue 9: nobody is called "Deleted member").
    await ip.getByLabel('Display name').fill('Deleted member');
    await ip.getByRole('button', { name: 'Save', exact: true }).click();
    await ip.getByRole('alert').filter({ hasText: 'kept for deleted accounts' }).waitFor();
    await ip.getByLabel('Display name').fill('Zoé Martin');
    await ip.getByLabel('About you').fill('Moderator of the data community.');
    await ip.getByLabel('Expertise (tags, comma-separated)').fill('go, dynamodb');
    await ip.getByLabel('Interests (tags, comma-separated)').fill('hiking');
    await ip.getByLabel('Company').fill('Acme');
    await ip.getByRole('button', { name: 'Save', exact: true }).click();
    await ip.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await ip.getByLabel('Avatar (PNG, JPEG or WebP, at most 2 MB)').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await ip.getByRole('button', { name: 'Upload' }).click();
    await ip.getByRole('status').filter({ hasText: 'Avatar updated.' }).waitFor();
    const avatar = ip.getByRole('img', { name: 'Avatar of Zoé Martin' });
    await avatar.waitFor();
    await ip.waitForFunction(() => [...document.querySelectorAll('img.avatar')].some((i) => i.complete && i.naturalWidth > 0));
    await check(ip, 'profile');
    await ip.getByRole('link', { name: 'Members' }).click();
    // The directory lists members before anything is typed, staff with their badge, and
    // finds any word of a name.
    await ip.getByRole('heading', { name: 'Everyone, by name' }).waitFor();
    await ip.getByRole('listitem').filter({ hasText: 'boss' }).getByText('Staff', { exact: true }).waitFor();
    await check(ip, 'directory');
    await ip.getByLabel('Name (the start of any word)').fill('martin');
    await ip.getByRole('button', { name: 'Search', exact: true }).click();
    await ip.getByRole('heading', { name: 'Members with a name word starting with “martin”' }).waitFor();
    await ip.getByRole('link', { name: 'Zoé Martin' }).waitFor();
    await ip.getByRole('button', { name: 'Show everyone' }).click();
    await ip.getByRole('heading', { name: 'Everyone, by name' }).waitFor();
    await ip.getByLabel('or expertise tag').fill('dynamodb');
    await ip.getByRole('button', { name: 'Search', exact: true }).click();
    await ip.getByRole('link', { name: 'Zoé Martin' }).click();
    await ip.getByRole('heading', { name: 'Zoé Martin' }).waitFor();
    await ip.getByText('Moderator of the data community.').waitFor();
    await ip.getByText('Interests: hiking', { exact: true }).waitFor();
    await ip.locator('.profile-head').getByText('Staff', { exact: true }).waitFor();
    await check(ip, 'member');
    await ip.getByRole('link', { name: 'Sessions' }).click();
    await ip.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
    await ip.getByText('This browser').waitFor();
    await check(ip, 'sessions');

    // A member joins the space, votes an idea and a poll, and reports a post.
    await ip.goto(spaceURL);
    await ip.getByRole('button', { name: 'Join' }).click();
    await ip.getByRole('button', { name: 'Leave' }).waitFor();
    await ip.getByRole('button', { name: 'Top ideas' }).click();
    await ip.getByRole('link', { name: 'Dark mode' }).click();
    await ip.getByRole('button', { name: 'Vote for this idea' }).click();
    await ip.getByText('You voted for this idea.').waitFor();
    await ip.getByText('1 vote', { exact: true }).waitFor();
    await ip.waitForFunction(() => [...document.querySelectorAll('.post-body img')].some((i) => i.complete && i.naturalWidth > 0));
    await check(ip, 'idea');
    await ip.goto(spaceURL);
    await ip.getByRole('link', { name: 'Which day for the meetup?' }).click();
    await ip.getByLabel('Friday').check();
    await ip.getByRole('button', { name: 'Vote', exact: true }).click();
    await ip.getByRole('heading', { name: 'Results' }).waitFor();
    await ip.getByText('1 vote, 100%').waitFor();
    await check(ip, 'poll');
    await ip.goto(spaceURL);
    await ip.getByRole('link', { name: 'Cheap watches here' }).click();
    await ip.getByRole('link', { name: '@kim' }).waitFor();
    await ip.getByRole('button', { name: 'Report' }).click();
    await ip.getByLabel('Reason').selectOption('spam');
    await ip.getByRole('button', { name: 'Send the report' }).click();
    await ip.getByRole('status').filter({ hasText: 'the moderators will look at it' }).waitFor();

    // A moderator hides it from the queue; it leaves the space's stream; the log keeps it.
    await admin.getByRole('link', { name: 'Moderation' }).click();
    await admin.getByRole('heading', { name: 'Moderation', level: 1 }).waitFor();
    const reported = admin.getByRole('listitem').filter({ hasText: 'Cheap watches here' });
    await reported.getByRole('button', { name: 'Hide', exact: true }).click();
    await reported.getByLabel(/Why hide it\?/).fill('Advertising is not allowed here.');
    await reported.getByRole('button', { name: 'Hide it' }).click();
    await admin.getByRole('status').filter({ hasText: 'Hidden.' }).waitFor();
    await admin.getByText('Nothing waits for a moderator.').waitFor();
    await admin.locator('.audit-log').getByText(/hid the post/).first().waitFor();
    await check(admin, 'moderation');
    await ip.goto(spaceURL, { waitUntil: 'networkidle' });
    await ip.getByRole('link', { name: 'Dark mode' }).waitFor();
    if (await ip.getByRole('link', { name: 'Cheap watches here' }).count()) fail('a hidden post is still in the space stream');

    // Support: staff open a customer space and invite a customer, who opens a ticket and
    // gets the acknowledgement; an agent adds an internal note and a public reply; the
    // customer sees only the reply.
    await admin.getByRole('link', { name: 'Home' }).click();
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Acme support');
    await admin.getByLabel('Visibility').selectOption('closed');
    await admin.getByLabel('Kind of space').selectOption('customer');
    // A customer space is never public: the form does not offer it.
    const visibilities = await admin.getByLabel('Visibility').locator('option').evaluateAll((os) => os.map((o) => o.value));
    if (visibilities.join() !== 'closed,hidden') fail('the form offers a public customer space: ' + visibilities.join());
    await admin.getByRole('button', { name: 'Create the space' }).click();
    await admin.getByRole('heading', { name: 'Acme support' }).waitFor();
    await admin.getByText('Manage this space').click();
    await admin.getByLabel('Invite a member (name)').fill('Zo');
    await admin.getByRole('button', { name: 'Search', exact: true }).click();
    await admin.getByRole('listitem').filter({ hasText: 'Zoé Martin' }).getByRole('button', { name: 'Invite' }).click();
    await admin.getByRole('status').filter({ hasText: 'Zoé Martin is invited.' }).waitFor();
    await ip.goto(base + '/', { waitUntil: 'networkidle' });
    await ip.getByRole('link', { name: 'Acme support' }).click();
    await ip.getByRole('button', { name: 'Accept the invitation' }).click();
    await ip.getByRole('heading', { name: 'Support tickets' }).waitFor();
    await ip.getByLabel('Subject').fill('Sync is down');
    await ip.getByLabel('Severity').selectOption('high');
    await ip.getByLabel('Description (Markdown)').fill('Since **9:00** nothing syncs.');
    await check(ip, 'new-ticket');
    await ip.getByRole('button', { name: 'Open the ticket' }).click();
    await ip.getByRole('heading', { name: 'Sync is down' }).waitFor();
    await ip.getByText('Thank you: your request is ticket').waitFor();
    if (!(await ip.locator('.replies-list').textContent()).includes('4 hours')) fail('the acknowledgement lacks the expected first-response time');
    const ticketURL = ip.url();
    await check(ip, 'ticket-customer');
    await admin.getByRole('link', { name: 'Support' }).click();
    await admin.getByRole('heading', { name: 'Support queue' }).waitFor();
    await check(admin, 'support-queue');
    await admin.getByRole('link', { name: /Sync is down/ }).click();
    await admin.getByRole('heading', { name: 'Sync is down' }).waitFor();
    await admin.getByLabel('Internal note: support agents only').check();
    await admin.getByLabel('Your note for the support team (Markdown)').fill('INTERNAL: customer is on the legacy plan');
    await admin.getByRole('button', { name: 'Add the internal note' }).click();
    await admin.getByRole('status').filter({ hasText: 'Internal note added.' }).waitFor();
    await admin.getByText('Internal note — agents only').waitFor();
    await admin.getByLabel('Public reply: the customer sees it').check();
    await admin.getByLabel('Your reply (Markdown)').fill('Restart the sync agent, please.');
    await admin.getByRole('button', { name: 'Send the reply' }).click();
    await admin.getByRole('status').filter({ hasText: 'Reply sent.' }).waitFor();
    await check(admin, 'ticket-agent');
    await ip.goto(ticketURL, { waitUntil: 'networkidle' });
    await ip.getByText('Restart the sync agent, please.').waitFor();
    if ((await ip.content()).includes('legacy plan')) fail('an internal note reached the customer');
    // The inbox says who did what to what, in the reader's language, the ticket a link (issue 10).
    await ip.goto(base + '/notifications', { waitUntil: 'networkidle' });
    const notices = ip.locator('.notices');
    await notices.getByText(/replied to the ticket #\d+ “Sync is down”\./).waitFor();
    await notices.getByText(/We received your request #\d+ “Sync is down”: our support team will answer within 4 hours\./).waitFor();
    const inbox = await notices.textContent();
    if (/[a-z]_[a-z]|undefined|\{/.test(inbox)) fail(`the inbox shows a code: ${inbox}`);
    await check(ip, 'notifications-en');
    await ip.getByLabel('Language').selectOption('fr');
    await notices.getByText(/a répondu au ticket n° \d+ « Sync is down »\./).waitFor();
    await notices.getByText(/notre équipe d’assistance vous répondra sous 4 heures\./).waitFor();
    await check(ip, 'notifications-fr');
    await notices.getByRole('link', { name: /« Sync is down »/ }).first().click();
    await ip.getByRole('heading', { name: 'Sync is down' }).waitFor();
    await invitee.close();

    // In hybrid mode visitors read public spaces, and are asked to sign in to take part.
    await admin.getByRole('link', { name: 'Community admin' }).click();
    await admin.getByLabel('Hybrid: visitors may read public content').check();
    await admin.getByLabel('Registration in hybrid mode').selectOption('invite');
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await staff.close();
    const visitorCtx = await browser.newContext({ locale: 'en-US', bypassCSP: true });
    const vp = await visitorCtx.newPage();
    await vp.goto(base + '/');
    await vp.getByRole('heading', { name: 'Public spaces' }).waitFor();
    await vp.getByRole('link', { name: 'Data pipelines' }).click();
    await vp.getByRole('heading', { name: 'Data pipelines' }).waitFor();
    await vp.getByRole('link', { name: 'How do I page a query?' }).click();
    await vp.getByRole('heading', { name: 'How do I page a query?' }).waitFor();
    await vp.getByRole('link', { name: 'Sign in to take part' }).waitFor();
    if (await vp.getByLabel('Your comment').count()) fail('a visitor is offered the comment box');
    await check(vp, 'post-visitor');
    await visitorCtx.close();

    // A French browser gets French from the first visit; a phone screen does not scroll sideways.
    const phone = await browser.newContext({ locale: 'fr-FR', viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const mobile = await phone.newPage();
    await mobile.goto(base + '/');
    await mobile.getByRole('heading', { name: 'Se connecter ou rejoindre' }).waitFor();
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) fail(`the page scrolls sideways on a phone by ${overflow}px`);
    await check(mobile, 'signin-fr-phone');

    if (consoleErrors.some((e) => /Content Security Policy/i.test(e))) fail(`CSP violations: ${consoleErrors.join('; ')}`);
    console.log('browser sign-up: ok');
  } finally {
    await browser.close();
  }
}

run(main);
