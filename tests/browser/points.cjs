// Points, ranks and badges in the browser (issue 12, round 2, g2): ann writes a post
// (points, the "First post" badge); the admin finds her by name on the staff points page
// and grants her "Super-user"; mo, a moderator, reads that page under its own title
// ("Members' points", no rules). Then, in English and French at 375 and 1280 px:
// - ann's profile shows her rank and a Badges section with both badges;
// - the post's byline reads "Ann [rank] [badges] · Space · date", the space once;
// - ann's history names the post with a link to it.
// axe-core on every page, no sideways scrolling. Driven by tests/points_browser_test.go
// (TestBrowserPoints); boss@example.com is an admin.
const path = require('node:path');
const { acceptRules, api, check, devSignIn, eventually, fail, launch, loadTS, newContext, run, settle, trackRequests, visit } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    const setup = await browser.newContext({ locale: 'en-US' });
    const sp = await setup.newPage();
    const people = {};
    for (const [email, name] of [
      ['boss@example.com', 'Boss Admin'],
      ['mo@example.com', 'Mo Moderator'],
      ['ann@example.com', 'Annabel Writer'],
    ]) {
      await setup.clearCookies();
      await devSignIn(sp, email);
      const me = await api(sp, 'GET', '/api/me');
      await api(sp, 'PUT', '/api/me/profile', { displayName: name, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en' });
      people[email] = me.id;
      if (email === 'boss@example.com') {
        people.space = (await api(sp, 'POST', '/api/spaces', { name: 'Widgets', description: 'Talk', visibility: 'public' })).id;
      } else {
        await api(sp, 'POST', `/api/spaces/${people.space}/join`);
      }
      await acceptRules(sp);
      if (email === 'ann@example.com') {
        people.post = (await api(sp, 'POST', `/api/spaces/${people.space}/posts`, { kind: 'discussion', title: 'My widget', body: 'It works.' })).id;
        await eventually('ann earns her first post badge', async () => (await api(sp, 'GET', '/api/rewards/me')).badges.some((b) => b.badge === 'first_post'));
      }
    }
    await setup.clearCookies();
    await devSignIn(sp, 'boss@example.com');
    await api(sp, 'PUT', `/api/members/${people['mo@example.com']}/roles`, { roles: ['moderator'] });
    await setup.close();

    const open = async (email, lang, width) => {
      const context = await newContext(browser, lang, width);
      await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
      const page = await context.newPage();
      trackRequests(page);
      page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${lang}-${width}: ${m.text()}`));
      page.on('pageerror', (e) => consoleErrors.push(`${lang}-${width}: ${String(e)}`));
      await devSignIn(page, email);
      return page;
    };

    // The admin finds ann by name (no id typed) and grants her Super-user.
    const en = strings.en;
    const boss = await open('boss@example.com', 'en', 1280);
    await visit(boss, '/rewards/admin');
    await settle(boss);
    await boss.getByRole('heading', { level: 1, name: en.rewardsAdminNav }).waitFor();
    await boss.getByLabel(en.g2.findMember).fill('Annabel');
    await boss.getByRole('button', { name: 'Annabel Writer' }).click();
    await boss.getByText(en.g2.chosenMember('Annabel Writer')).waitFor();
    if (!boss.url().includes(`member=${people['ann@example.com']}`)) fail(`the page's address names no member: ${boss.url()}`);
    await boss.locator('#grant-badge').selectOption('super_user');
    await boss.getByRole('button', { name: en.grantButton }).click();
    await boss.getByText(en.savedNote).first().waitFor();
    await check(boss, 'admin-granted-en-1280');

    // A moderator's page is titled for what it offers (no rules).
    const mo = await open('mo@example.com', 'en', 375);
    await visit(mo, `/members/${people['ann@example.com']}`);
    await settle(mo);
    await mo.getByRole('link', { name: en.g2.staffPointsLink }).click();
    await settle(mo);
    await mo.getByRole('heading', { level: 1, name: en.g2.staffPointsNav }).waitFor();
    await mo.getByText(en.g2.chosenMember('Annabel Writer')).waitFor();
    if ((await mo.getByRole('heading', { name: en.rewardsAdminTitle }).count()) > 0) fail('a moderator is shown the rules form');
    await check(mo, 'moderator-points-en-375');

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const s = strings[lang];
        const tag = `${lang}-${width}`;
        const ann = await open('ann@example.com', lang, width);
        const superUser = s.noticeWords['badge.super_user'];
        const firstPost = s.noticeWords['badge.first_post'];

        await visit(ann, `/members/${people['ann@example.com']}`);
        await settle(ann);
        const badges = ann.locator('section[aria-labelledby="member-badges-title"]');
        await badges.getByText(superUser, { exact: true }).waitFor();
        await badges.getByText(firstPost, { exact: true }).waitFor();
        await ann.locator('.profile-head .badge.rank').waitFor();
        await check(ann, `profile-${tag}`);

        await visit(ann, `/posts/${people.post}`);
        await settle(ann);
        const byline = ann.locator('article > p.muted').first();
        await byline.locator('.badge.award', { hasText: superUser }).waitFor();
        const text = (await byline.innerText()).replace(/\s+/g, ' ');
        const rank = await byline.locator('.badge.rank').innerText();
        const at = (w) => text.indexOf(w);
        if (!(at('Annabel Writer') === 0 && at(rank) > 0 && at(superUser) > at(rank) && at('Widgets') > at(superUser)) || text.split('Widgets').length !== 2) {
          fail(`${tag}: the byline is not "Name [rank] [badges] · Space · date": ${text}`);
        }
        await check(ann, `post-byline-${tag}`);

        await visit(ann, '/rewards');
        await settle(ann);
        const entry = ann.locator('ul.ledger li', { hasText: s.ruleNames.post_created });
        await entry.getByRole('link', { name: s.g2.seePost }).click();
        await ann.waitForURL(`**/posts/${people.post}`);
        await ann.getByRole('heading', { level: 1, name: 'My widget' }).waitFor();
        await visit(ann, '/rewards');
        await settle(ann);
        await check(ann, `rewards-${tag}`);
        await ann.context().close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
  }
  console.log('browser points: ok');
}

run(main);
