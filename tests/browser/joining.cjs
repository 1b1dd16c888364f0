// Joining from the pages where it is needed, in Debian's Chromium (playwright-core), at
// 375 px and 1280 px, in English and French:
// - a visitor sees no control they cannot use on the pages they can reach (space page,
//   post pages of a discussion, a poll and an idea): no reaction, vote, reply, report or
//   join button, no poll radio, no comment box; a sign-in invitation instead; on a
//   closed space, its description and the sign-in invitation but no list tabs and no
//   "Join this space first."; on a closed space's post, the sign-in invitation;
// - a signed-in non-member of a public space finds Join where the comment box would be,
//   and no reaction or vote button; after Join the comment box and the reaction buttons
//   appear without a reload (the page's window is the same one) and the comment is sent;
// - a closed space's post offers a signed-in non-member "Ask to join", leading to the
//   space; there no list tabs;
// - asking to join a closed space shows the request as sent without a reload, with
//   "Withdraw the request" (no Leave), which withdraws it; the
//   space's owner sees Approve and Decline in the requests list, declines, the member
//   is told (a sentence in their language) and may ask again; the owner approves;
// - an invitation into a hidden space offers "Decline the invitation" (no Leave), which
//   declines it; invited again and accepted, the composer and the list tabs show
//   without a reload, and "Join this space first." is gone;
// - a support agent on a customer space is offered Join, never "Ask to join", and joins
//   at once (approved by themselves, no request waiting).
// axe-core runs on each state; no page scrolls sideways. Driven by tests/browser_test.go
// (TestBrowserJoining), which passes BASE_URL, DEV_KEY, SHOTS_DIR and CHROMIUM;
// boss@example.com is an admin.
const { acceptRules, api, base, check, devSignIn, fail, launch, newContext, run } = require('./lib.cjs');

const text = {
  en: {
    join: 'Join', ask: 'Ask to join', accept: 'Accept the invitation', approve: 'Approve', decline: 'Decline', manage: 'Manage this space',
    comment: 'Your comment', send: 'Comment', sent: 'Your request to join was sent.', joined: 'You joined the space',
    declined: 'Declined: they are told, and may ask again.', approved: 'Approved.', composer: 'Write a post',
    signIn: 'Sign in to take part', joinFirst: 'Join this space first.', leave: 'Leave', latest: 'Latest',
    declineInvitation: 'Decline the invitation', withdraw: 'Withdraw the request', invitationDeclined: 'You declined the invitation.',
    withdrawn: 'Your request to join was withdrawn.', membersOnly: 'Only the members of this space read its posts.',
    declinedNotice: 'Your request to join the space “Back room {tag}” was declined.',
    approvedNotice: 'Your request to join the space “Back room {tag}” was approved: you are now a member.',
  },
  fr: {
    join: 'Rejoindre', ask: 'Demander à rejoindre', accept: 'Accepter l’invitation', approve: 'Accepter', decline: 'Refuser', manage: 'Gérer cet espace',
    comment: 'Votre commentaire', send: 'Commenter', sent: 'Votre demande a été envoyée.', joined: 'Vous avez rejoint l’espace',
    declined: 'Refusée : la personne est prévenue et peut demander à nouveau.', approved: 'Accepté.', composer: 'Écrire un message',
    signIn: 'Connectez-vous pour participer', joinFirst: 'Rejoignez d’abord cet espace.', leave: 'Quitter', latest: 'Récents',
    declineInvitation: 'Refuser l’invitation', withdraw: 'Retirer la demande', invitationDeclined: 'Vous avez refusé l’invitation.',
    withdrawn: 'Votre demande pour rejoindre a été retirée.', membersOnly: 'Seuls les membres de cet espace en lisent les messages.',
    declinedNotice: 'Votre demande pour rejoindre l’espace « Back room {tag} » a été refusée.',
    approvedNotice: 'Votre demande pour rejoindre l’espace « Back room {tag} » a été acceptée : vous en êtes maintenant membre.',
  },
};

// controls lists the controls of the page's main content a reader could act with
// (buttons, radios, text boxes), by their accessible text; the header (menu, language)
// and the space page's list tabs are left out: everyone may use them.
async function controls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('main button, main input, main textarea, main select')]
      .filter((el) => !el.closest('header') && !el.closest('nav.tabs') && el.offsetParent !== null)
      .map((el) => `${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''}: ${(el.textContent || el.getAttribute('aria-label') || el.id || '').trim()}`)
      .filter((v, i, all) => all.indexOf(v) === i),
  );
}

// sameWindow marks the page's window, and later tells whether it is still the same one
// (no reload, no navigation by the browser).
async function markWindow(page) {
  await page.evaluate(() => {
    window.__joiningMark = 'kept';
  });
}
async function expectSameWindow(page, what) {
  if ((await page.evaluate(() => window.__joiningMark)) !== 'kept') fail(`${what} reloaded the page`);
}

async function waitText(page, locator, what) {
  try {
    await locator.waitFor({ timeout: 10000 });
  } catch {
    fail(`${what}: not shown; controls: ${JSON.stringify(await controls(page))}`);
  }
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // The boss opens the community to visitors (hybrid), a public space with a
    // discussion (and a comment), a poll and an idea.
    const setup = await browser.newContext({ locale: 'en-US' });
    const sp = await setup.newPage();
    await devSignIn(sp, 'boss@example.com');
    await acceptRules(sp);
    await api(sp, 'PUT', '/api/community/access', { accessMode: 'hybrid', hybridRegistration: 'open' });
    const hall = await api(sp, 'POST', '/api/spaces', { name: 'Open hall', description: 'Anyone may read', visibility: 'public' });
    const discussion = await api(sp, 'POST', `/api/spaces/${hall.id}/posts`, { kind: 'discussion', title: 'Welcome', body: 'Say hello.' });
    await api(sp, 'POST', `/api/posts/${discussion.id}/comments`, { body: 'First!' });
    await api(sp, 'PUT', `/api/posts/${discussion.id}/reactions/like`);
    const poll = await api(sp, 'POST', `/api/spaces/${hall.id}/posts`, { kind: 'poll', title: 'Best day?', body: 'Pick one.', options: ['Monday', 'Friday'] });
    const idea = await api(sp, 'POST', `/api/spaces/${hall.id}/posts`, { kind: 'idea', title: 'Dark mode', body: 'Please.' });
    await setup.close();

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const t = text[lang];
        const tag = `${lang}-${width}`;
        const openPage = async () => {
          const context = await newContext(browser, lang, width);
          await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
          const page = await context.newPage();
          // A visitor's 401s are the app asking who is there; anything else is a fault.
          page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag}: ${m.text()}`));
          page.on('pageerror', (e) => consoleErrors.push(`${tag}: ${String(e)}`));
          return { context, page };
        };

        // The boss's spaces of this run: a closed one and a hidden one.
        const boss = await openPage();
        await devSignIn(boss.page, 'boss@example.com');
        const room = await api(boss.page, 'POST', '/api/spaces', { name: `Back room ${tag}`, description: 'Members only', visibility: 'closed' });
        const attic = await api(boss.page, 'POST', '/api/spaces', { name: `Attic ${tag}`, description: 'By invitation', visibility: 'hidden' });
        const secret = await api(boss.page, 'POST', `/api/spaces/${room.id}/posts`, { kind: 'discussion', title: `Plans ${tag}`, body: 'Members only.' });

        // 1. A visitor: no control they cannot use, a sign-in invitation instead.
        const visitor = await openPage();
        for (const [name, url] of [
          ['space', `/spaces/${hall.id}`],
          ['discussion', `/posts/${discussion.id}`],
          ['poll', `/posts/${poll.id}`],
          ['idea', `/posts/${idea.id}`],
        ]) {
          await visitor.page.goto(base + url, { waitUntil: 'networkidle' });
          await waitText(visitor.page, visitor.page.getByRole('link', { name: t.signIn }), `the sign-in invitation on the visitor's ${name} page`);
          const left = await controls(visitor.page);
          if (left.length > 0) fail(`a visitor sees controls on the ${name} page (${tag}): ${JSON.stringify(left)}`);
          await check(visitor.page, `visitor-${name}-${tag}`);
        }
        // The closed space: its description and the sign-in invitation, no list tabs
        // that lead only to "Join this space first"; its post: the sign-in invitation.
        await visitor.page.goto(`${base}/spaces/${room.id}`, { waitUntil: 'networkidle' });
        await waitText(visitor.page, visitor.page.getByRole('link', { name: t.signIn }), "the sign-in invitation on the visitor's closed space page");
        await waitText(visitor.page, visitor.page.getByText('Members only', { exact: true }), "the closed space's description");
        await waitText(visitor.page, visitor.page.getByText(t.membersOnly), 'the members-only sentence');
        if ((await visitor.page.locator('nav.tabs').count()) !== 0) fail(`a visitor sees the list tabs of a closed space (${tag})`);
        if ((await visitor.page.getByText(t.joinFirst).count()) !== 0) fail(`a visitor is told "${t.joinFirst}" on a closed space (${tag})`);
        await check(visitor.page, `visitor-closed-space-${tag}`);
        await visitor.page.goto(`${base}/posts/${secret.id}`, { waitUntil: 'networkidle' });
        await waitText(visitor.page, visitor.page.getByRole('link', { name: t.signIn }), "the sign-in invitation on a closed space's post");
        await check(visitor.page, `visitor-closed-post-${tag}`);
        await visitor.context.close();

        // 2. A signed-in non-member of the public space: Join where the comment box would
        // be, no reaction or vote button; after Join, the box without a reload.
        const email = `meg.${tag}@example.com`;
        const meg = await openPage();
        await devSignIn(meg.page, email);
        const megId = (await api(meg.page, 'GET', '/api/me')).id;
        await api(meg.page, 'PUT', '/api/me/profile', { displayName: `Meg ${tag}`, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: lang });
        await acceptRules(meg.page);
        const page = meg.page;
        await page.goto(`${base}/posts/${idea.id}`, { waitUntil: 'networkidle' });
        await waitText(page, page.locator('.join-offer').getByRole('button', { name: t.join, exact: true }), 'Join on the idea page');
        let seen = await controls(page);
        // Report and Bookmark (issue 16: a post the member may read may be bookmarked) are theirs to use.
        if (seen.some((c) => c.startsWith('button') && !c.endsWith(`: ${t.join}`) && !/Report|Signaler|Bookmark|Ajouter aux favoris/.test(c)))
          fail(`a non-member sees controls they cannot use on the idea page: ${JSON.stringify(seen)}`);
        await page.goto(`${base}/posts/${discussion.id}`, { waitUntil: 'networkidle' });
        const offer = page.locator('.join-offer');
        await waitText(page, offer.getByRole('button', { name: t.join, exact: true }), 'Join on the discussion page');
        if ((await page.locator('#comment-body').count()) !== 0) fail('a non-member has a comment box');
        if ((await page.locator('.reactions button').count()) !== 0) fail('a non-member has reaction buttons');
        await check(page, `member-offer-${tag}`);
        await markWindow(page);
        await offer.getByRole('button', { name: t.join, exact: true }).click();
        await waitText(page, page.getByLabel(t.comment), 'the comment box after joining');
        await waitText(page, page.getByText(t.joined), 'the joined message');
        if ((await page.locator('.reactions button').count()) === 0) fail('no reaction buttons after joining');
        if ((await page.locator('.join-offer').count()) !== 0) fail('the join offer stayed after joining');
        await expectSameWindow(page, 'Join');
        await page.getByLabel(t.comment).fill(`Hello from ${tag}`);
        await page.getByRole('button', { name: t.send, exact: true }).click();
        await waitText(page, page.locator('.comments').getByText(`Hello from ${tag}`), 'the comment sent after joining');
        await check(page, `member-joined-${tag}`);

        // 3. A closed space: the request shows as sent without a reload.
        // Its post, opened first: Ask to join, leading to the space.
        await page.goto(`${base}/posts/${secret.id}`, { waitUntil: 'networkidle' });
        await waitText(page, page.getByRole('link', { name: t.ask, exact: true }), "Ask to join on a closed space's post");
        await check(page, `member-closed-post-${tag}`);
        await page.getByRole('link', { name: t.ask, exact: true }).click();
        await page.waitForURL(`${base}/spaces/${room.id}`);
        await page.goto(`${base}/spaces/${room.id}`, { waitUntil: 'networkidle' });
        await markWindow(page);
        await waitText(page, page.getByRole('button', { name: t.ask, exact: true }), 'Ask to join on the closed space');
        if ((await page.locator('nav.tabs').count()) !== 0) fail('a non-member sees the list tabs of a closed space');
        if ((await page.getByText(t.joinFirst).count()) !== 0) fail(`a non-member is told "${t.joinFirst}" on a closed space`);
        await page.getByRole('button', { name: t.ask, exact: true }).click();
        await waitText(page, page.getByText(t.sent), 'the request sent');
        if ((await page.getByRole('button', { name: t.ask, exact: true }).count()) !== 0) fail('Ask to join stayed after asking');
        // A pending request is withdrawn, not left.
        await waitText(page, page.getByRole('button', { name: t.withdraw, exact: true }), 'Withdraw the request');
        if ((await page.getByRole('button', { name: t.leave, exact: true }).count()) !== 0) fail('Leave offered while the request is pending');
        await expectSameWindow(page, 'Ask to join');
        await check(page, `member-asked-${tag}`);
        await page.getByRole('button', { name: t.withdraw, exact: true }).click();
        await waitText(page, page.getByText(t.withdrawn), 'the request withdrawn');
        await waitText(page, page.getByRole('button', { name: t.ask, exact: true }), 'Ask to join after withdrawing');
        if ((await api(page, 'GET', `/api/spaces/${room.id}`)).membership) fail('the withdrawn request is still there');
        await page.getByRole('button', { name: t.ask, exact: true }).click();
        await waitText(page, page.getByRole('button', { name: t.withdraw, exact: true }), 'the request sent again');

        // The owner sees Approve and Decline, and declines.
        const bp = boss.page;
        await bp.goto(`${base}/spaces/${room.id}`, { waitUntil: 'networkidle' });
        await bp.getByText(t.manage).click();
        const request = bp.getByRole('group', { name: new RegExp(`Meg ${tag}`) });
        await waitText(bp, request.getByRole('button', { name: t.decline, exact: true }), 'Decline in the requests list');
        await request.getByRole('button', { name: t.approve, exact: true }).waitFor();
        await check(bp, `owner-requests-${tag}`);
        await request.getByRole('button', { name: t.decline, exact: true }).click();
        await waitText(bp, bp.getByText(t.declined), 'the decline confirmed');
        await request.waitFor({ state: 'detached', timeout: 10000 }).catch(() => fail('the declined request stayed in the list'));

        // The member is told, in their language, and may ask again.
        const want = t.declinedNotice.replace('{tag}', tag);
        await page.goto(`${base}/notifications`, { waitUntil: 'networkidle' });
        for (let i = 0; !(await page.getByText(want).count()); i++) {
          if (i === 100) fail(`no notice saying ${want}: ${await page.locator('main').textContent()}`);
          await page.waitForTimeout(200);
          await page.reload({ waitUntil: 'networkidle' });
        }
        await check(page, `member-declined-notice-${tag}`);
        await page.goto(`${base}/spaces/${room.id}`, { waitUntil: 'networkidle' });
        await page.getByRole('button', { name: t.ask, exact: true }).click();
        await waitText(page, page.getByText(t.sent), 'the request sent again');
        // This time the owner approves.
        await bp.reload({ waitUntil: 'networkidle' });
        await bp.getByText(t.manage).click();
        await waitText(bp, request.getByRole('button', { name: t.approve, exact: true }), 'Approve in the requests list');
        await request.getByRole('button', { name: t.approve, exact: true }).click();
        await waitText(bp, bp.getByText(t.approved, { exact: true }), 'the approval confirmed');
        const approvedWant = t.approvedNotice.replace('{tag}', tag);
        await page.goto(`${base}/notifications`, { waitUntil: 'networkidle' });
        for (let i = 0; !(await page.getByText(approvedWant).count()); i++) {
          if (i === 100) fail(`no notice saying ${approvedWant}`);
          await page.waitForTimeout(200);
          await page.reload({ waitUntil: 'networkidle' });
        }

        // 4. An invitation into a hidden space, accepted: the composer without a reload.
        // Declined first: Decline the invitation, not Leave, next to Accept.
        await api(bp, 'POST', `/api/spaces/${attic.id}/invitations`, { memberId: megId });
        await page.goto(`${base}/spaces/${attic.id}`, { waitUntil: 'networkidle' });
        await waitText(page, page.getByRole('button', { name: t.declineInvitation, exact: true }), 'Decline the invitation');
        if ((await page.getByRole('button', { name: t.leave, exact: true }).count()) !== 0) fail('Leave offered next to Accept the invitation');
        await check(page, `member-invited-${tag}`);
        await page.getByRole('button', { name: t.declineInvitation, exact: true }).click();
        await waitText(page, page.getByText(t.invitationDeclined), 'the invitation declined');
        if ((await page.getByRole('button', { name: t.accept, exact: true }).count()) !== 0) fail('Accept stayed after declining');
        if ((await api(bp, 'GET', `/api/spaces/${attic.id}/members`)).memberships.some((x) => x.memberId === megId)) fail('the declined invitation is still there');
        // Invited again, and accepted: no "Join this space first" left over.
        await api(bp, 'POST', `/api/spaces/${attic.id}/invitations`, { memberId: megId });
        await page.goto(`${base}/spaces/${attic.id}`, { waitUntil: 'networkidle' });
        await markWindow(page);
        await page.getByRole('button', { name: t.accept, exact: true }).click();
        await waitText(page, page.getByRole('heading', { name: t.composer }), 'the composer after accepting');
        if ((await page.getByRole('button', { name: t.accept, exact: true }).count()) !== 0) fail('Accept stayed after accepting');
        await waitText(page, page.getByRole('button', { name: t.latest, exact: true }), 'the list tabs after accepting');
        if ((await page.getByText(t.joinFirst).count()) !== 0) fail(`"${t.joinFirst}" stayed after accepting the invitation`);
        await expectSameWindow(page, 'Accept the invitation');
        await check(page, `member-accepted-${tag}`);

        await meg.context.close();

        // 3. A support agent on a customer space: Join (the space's joinOffer), never
        // "Ask to join"; joining makes them a member at once, approved by themselves, and
        // nothing waits in the requests.
        const acme = await api(boss.page, 'POST', '/api/spaces', { name: `Acme ${tag}`, description: 'A customer', visibility: 'closed', kind: 'customer' });
        const agent = await openPage();
        await devSignIn(agent.page, `agent.${tag}@example.com`);
        const agentId = (await api(agent.page, 'GET', '/api/me')).id;
        await api(agent.page, 'PUT', '/api/me/profile', { displayName: `Agent ${tag}`, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: lang });
        await acceptRules(agent.page);
        await api(boss.page, 'PUT', `/api/members/${agentId}/roles`, { roles: ['member', 'support'] });
        await agent.page.goto(`${base}/spaces/${acme.id}`, { waitUntil: 'networkidle' });
        await waitText(agent.page, agent.page.getByRole('button', { name: t.join, exact: true }), 'Join on the customer space, for an agent');
        if ((await agent.page.getByRole('button', { name: t.ask, exact: true }).count()) !== 0) fail(`an agent is offered "${t.ask}" on a customer space (${tag})`);
        await check(agent.page, `agent-customer-space-${tag}`);
        await agent.page.getByRole('button', { name: t.join, exact: true }).click();
        for (let i = 0; ; i++) {
          if ((await agent.page.getByRole('button', { name: t.join, exact: true }).count()) === 0) break;
          if (i === 100) fail(`Join stayed after the agent joined (${tag})`);
          await agent.page.waitForTimeout(100);
        }
        if ((await agent.page.getByText(t.sent).count()) !== 0) fail(`the agent's join was sent as a request (${tag})`);
        const joinedView = await api(agent.page, 'GET', `/api/spaces/${acme.id}`);
        if (joinedView.membership?.status !== 'active' || joinedView.membership?.approvedBy !== agentId) fail(`the agent's membership: ${JSON.stringify(joinedView.membership)}`);
        if ((await api(boss.page, 'GET', `/api/spaces/${acme.id}/requests`)).memberships.length !== 0) fail('the agent left a request waiting');
        await agent.context.close();
        await boss.context.close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors: ${consoleErrors.join('; ')}`);
    console.log('browser joining: ok');
  } finally {
    await browser.close();
  }
}

run(main);
