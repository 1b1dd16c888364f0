// Campaigns in the browser (issue 12, r2), in Debian's Chromium (playwright-core), in
// English and French, at 375 px and 1280 px:
// - a marketer writes a campaign with a proof challenge in the editor and publishes it
//   (it is live: its start has come);
// - a member finds it under Campaigns, joins it, sends a `javascript:` address (refused,
//   the sentence under the field, nothing sent), then a real one, with the disclosure
//   shown;
// - the marketer approves the proof from the review queue; the report counts it;
// - the member reads "Approved" on the campaign and the notice in their inbox, in their
//   language.
// axe-core runs on each state; no page scrolls sideways. Driven by tests/browser_test.go
// (TestBrowserCampaigns); boss@example.com is an admin, who makes mia a marketer.
const path = require('node:path');
const { api, base, check, devSignIn, eventually, fail, launch, loadTS, newContext, run } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function waitFor(page, locator, what) {
  try {
    await locator.first().waitFor({ timeout: 15000 });
  } catch {
    fail(`${what}: not shown on ${page.url()}`);
  }
}

// visit opens url, again if the page was still finishing the sign-in's own navigation.
async function visit(page, url) {
  for (let i = 0; ; i++) {
    try {
      await page.goto(base + url, { waitUntil: 'networkidle' });
      return;
    } catch (e) {
      if (i === 2 || !/interrupted by another navigation/.test(String(e))) throw e;
      await page.waitForLoadState('networkidle');
    }
  }
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    const miaContext = await browser.newContext({ locale: 'en-US' });
    const miaPage = await miaContext.newPage();
    await devSignIn(miaPage, 'mia@example.com');
    const mia = await api(miaPage, 'GET', '/api/me');
    await miaContext.close();
    const bossContext = await browser.newContext({ locale: 'en-US' });
    const bossPage = await bossContext.newPage();
    await devSignIn(bossPage, 'boss@example.com');
    await api(bossPage, 'PUT', `/api/members/${mia.id}/roles`, { roles: ['marketer'] });
    await bossContext.close();

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const s = strings[lang];
        const c = s.campaigns;
        const tag = `${lang}-${width}`;
        const open = async (email) => {
          const context = await newContext(browser, lang, width);
          await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
          const page = await context.newPage();
          page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag}: ${m.text()}`));
          page.on('pageerror', (e) => consoleErrors.push(`${tag}: ${String(e)}`));
          await devSignIn(page, email);
          return page;
        };

        // 1. The marketer writes the campaign and publishes it.
        const marketer = await open('mia@example.com');
        await visit(marketer, `/campaigns/manage/new`);
        const title = `Review our app ${tag}`;
        await marketer.locator('#c-title').fill(title);
        await marketer.locator('#c-desc').fill('Try **our app** and publish an honest review.');
        await marketer.locator('#c-disc').fill('I received points for publishing a review.');
        const start = await marketer.evaluate(() => {
          const d = new Date(Date.now() - 5 * 60e3);
          const p = (n) => String(n).padStart(2, '0');
          return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
        });
        await marketer.locator('#c-start').fill(start);
        await marketer.locator('#ch0-title').fill('Publish a review');
        await marketer.locator('#ch0-points').fill('100');
        await check(marketer, `editor-${tag}`);
        await marketer.getByRole('button', { name: c.save, exact: true }).click();
        await marketer.waitForURL(/\/campaigns\/manage\/c_/, { timeout: 15000 });
        const id = marketer.url().split('/').pop();
        await waitFor(marketer, marketer.getByRole('button', { name: c.moves.publish }), 'the publish button');
        await marketer.getByRole('button', { name: c.moves.publish }).click();
        await waitFor(marketer, marketer.getByText(c.states.live, { exact: true }), 'the live state');
        await check(marketer, `published-${tag}`);

        // 2. The member finds it, joins, sends a bad proof then a good one.
        const member = await open(`ann.${tag}@example.com`);
        await visit(member, `/campaigns`);
        await waitFor(member, member.getByRole('link', { name: title }), 'the campaign in the list');
        await check(member, `list-${tag}`);
        await member.getByRole('link', { name: title }).click();
        await waitFor(member, member.getByRole('button', { name: c.join }), 'the join button');
        await member.getByRole('button', { name: c.join }).click();
        await waitFor(member, member.getByText(c.joined), 'joined');
        await member.getByLabel(c.proofUrl).fill('javascript:alert(1)');
        await member.getByRole('button', { name: c.send }).click();
        await waitFor(member, member.getByText(s.errors.invalid_proof_url), 'the refusal of a javascript: address');
        await check(member, `refused-${tag}`);
        if ((await api(member, 'GET', `/api/campaigns/${id}`)).me.submissions.length !== 0) fail(`a refused proof was written (${tag})`);
        await member.getByLabel(c.proofUrl).fill(`https://reviews.example.com/tribune-${tag}`);
        await member.getByRole('button', { name: c.send }).click();
        await waitFor(member, member.getByText(c.statuses.pending), 'the proof waiting for review');
        await waitFor(member, member.getByText('“I received points for publishing a review.”'), 'the disclosure with the proof');
        await check(member, `sent-${tag}`);

        // 3. The marketer approves it from the queue.
        await visit(marketer, `/campaigns/manage/${id}`);
        await waitFor(marketer, marketer.getByRole('link', { name: `https://reviews.example.com/tribune-${tag}` }), 'the proof in the queue');
        await check(marketer, `queue-${tag}`);
        await marketer.getByRole('button', { name: c.approve, exact: true }).click();
        await waitFor(marketer, marketer.getByText(c.noProofs), 'the empty queue');
        // The report on the same page follows the review, without a reload.
        await eventually(`the report counts the approval (${tag})`, async () =>
          marketer.evaluate((label) => {
            const dt = [...document.querySelectorAll('.report dt')].find((x) => x.textContent === label);
            return dt?.nextElementSibling?.textContent === '1';
          }, c.funnel.approved));
        await check(marketer, `approved-${tag}`);
        // Saving the campaign again says so (the editor is not remounted by the save).
        await marketer.locator('#c-desc').fill('Try **our app** and publish an honest review, in any language.');
        await marketer.getByRole('button', { name: c.save, exact: true }).click();
        await waitFor(marketer, marketer.getByText(c.saved), 'the saved message');

        // 4. The member reads the answer on the campaign and in the inbox.
        await visit(member, `/campaigns/${id}`);
        await waitFor(member, member.getByText(c.statuses.approved, { exact: true }), 'the approved proof');
        await check(member, `member-approved-${tag}`);
        const notice = s.notices.proof_approved.replace('{post}', s.noticeQuote(title)).replace('{points}', '100');
        await eventually(`the notice of the approval (${tag})`, async () => {
          await visit(member, `/notifications`);
          return (await member.getByText(notice).count()) > 0;
        });
        await check(member, `inbox-${tag}`);
        await member.context().close();
        await marketer.context().close();
      }
    }
    if (consoleErrors.length > 0) fail(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close();
  }
}

run(main);
