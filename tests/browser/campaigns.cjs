// The reward programme in the browser (issue 12), in Debian's Chromium (playwright-core),
// in English and French, at 375 px and 1280 px, one whole story per language and width:
// - a marketer writes a campaign with a proof challenge and a gift budget in the editor,
//   publishes it (it is live: its start has come), and adds the campaign's gift (a
//   T-shirt in two sizes, shipped) on the catalogue's page;
// - a member finds the campaign under Campaigns, joins it, sends a `javascript:` address
//   (refused, the sentence under the field, nothing sent), then a real one, with the
//   disclosure shown;
// - the marketer approves the proof from the review queue; the report counts it;
// - the member reads "Approved" on the campaign, the notice in their inbox, the gift on
//   the campaign's page, and redeems it in the catalogue with a shipping address;
// - the marketer approves the order and ships it with a carrier and tracking number;
// - the member reads the tracking number on their orders page and the notice.
// axe-core runs on each state; no page scrolls sideways. Driven by tests/browser_test.go
// (TestBrowserCampaigns); boss@example.com is an admin, who makes mia a marketer.
const path = require('node:path');
const { api, base, check, devSignIn, eventually, fail, launch, loadTS, newContext, run, settle, trackRequests, waitFor, visit } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

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
    // mia's own hidden space: the editor offers it by name (round 3).
    const labContext = await browser.newContext({ locale: 'en-US' });
    const labPage = await labContext.newPage();
    await devSignIn(labPage, 'mia@example.com');
    const lab = await api(labPage, 'POST', '/api/spaces', { name: 'Secret Lab', visibility: 'hidden', description: 'Our private beta.' });
    await labContext.close();

    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const s = strings[lang];
        const c = s.campaigns;
        const cat = s.catalogue;
        const tag = `${lang}-${width}`;
        const open = async (email) => {
          const context = await newContext(browser, lang, width);
          await context.addInitScript((l) => localStorage.setItem('tribune.lang', l), lang);
          const page = await context.newPage();
          page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${tag}: ${m.text()}`));
          page.on('pageerror', (e) => consoleErrors.push(`${tag}: ${String(e)}`));
          trackRequests(page);
          await devSignIn(page, email);
          return page;
        };

        // 1. The marketer writes the campaign and publishes it.
        const marketer = await open('mia@example.com');
        await visit(marketer, `/campaigns/manage/new`);
        // Saved empty, the editor names every wrong field at once, each next to its field.
        await marketer.getByRole('button', { name: c.save, exact: true }).click();
        for (const [input, code] of [['#c-title', 'invalid_campaign_title'], ['#c-disc', 'invalid_disclosure'], ['#ch0-title', 'invalid_challenge_title']]) {
          await waitFor(marketer, marketer.locator(`${input}-error`), `the problem of ${input} among all`);
          if ((await marketer.locator(`${input}-error`).textContent()) !== s.errors[code]) fail(`${input}'s problem: ${await marketer.locator(`${input}-error`).textContent()} (${tag})`);
          if ((await marketer.locator(input).getAttribute('aria-invalid')) !== 'true') fail(`${input} is not marked invalid (${tag})`);
        }
        await check(marketer, `editor-errors-${tag}`);
        // The hidden space the marketer owns is offered by name.
        await marketer.locator('#c-aud').selectOption('spaces');
        await waitFor(marketer, marketer.getByRole('checkbox', { name: 'Secret Lab', exact: true }), 'the hidden space by name');
        if ((await marketer.getByText(lab.space ? lab.space.id : lab.id).count()) > 0) fail(`a space shows as its id (${tag})`);
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
        await marketer.locator('#c-gb').fill('5');
        // The audience by role, chosen by name (members hold the role "member").
        await marketer.locator('#c-aud').selectOption('roles');
        await marketer.getByRole('checkbox', { name: c.audienceRoles.member, exact: true }).check();
        await check(marketer, `editor-${tag}`);
        await marketer.getByRole('button', { name: c.save, exact: true }).click();
        await marketer.waitForURL(/\/campaigns\/manage\/c_/, { timeout: 15000 });
        const id = marketer.url().split('/').pop();
        const saved = await api(marketer, 'GET', `/api/campaigns/${id}`);
        if (JSON.stringify(saved.campaign.audience) !== JSON.stringify({ kind: 'roles', spaceIds: [], roles: ['member'] })) fail(`the audience saved: ${JSON.stringify(saved.campaign.audience)} (${tag})`);
        await waitFor(marketer, marketer.getByRole('button', { name: c.moves.publish }), 'the publish button');
        await marketer.getByRole('button', { name: c.moves.publish }).click();
        await waitFor(marketer, marketer.getByText(c.states.live, { exact: true }), 'the live state');
        await check(marketer, `published-${tag}`);

        // The campaign's gift, on the catalogue's page.
        const gift = `T-shirt ${tag}`;
        await visit(marketer, '/rewards/admin/catalogue');
        await marketer.locator('#gift-new-name').fill(gift);
        await marketer.locator('#gift-new-desc').fill('Organic cotton, printed in Lyon.');
        await marketer.locator('#gift-new-cost').fill('100');
        await marketer.locator('#gift-new-variants').fill('S, 2\nM, 3');
        // An option of a closed select is attached, never visible.
        await marketer.locator('#gift-new-campaign option', { hasText: title }).first().waitFor({ state: 'attached', timeout: 15000 });
        // Its option says its state too ("Title (live)"): chosen by the value of the option naming it.
        const campaignOption = await marketer.locator('#gift-new-campaign option', { hasText: title }).first().getAttribute('value');
        await marketer.locator('#gift-new-campaign').selectOption(campaignOption);
        await marketer.getByRole('button', { name: cat.create, exact: true }).click();
        await waitFor(marketer, marketer.getByRole('heading', { name: gift }), 'the new gift');
        await settle(marketer);
        await check(marketer, `gift-added-${tag}`);

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
        await waitFor(member, member.getByText(s.noticeQuote('I received points for publishing a review.')), 'the disclosure with the proof, in the language\'s quotes');
        await check(member, `sent-${tag}`);

        // 3. The marketer approves it from the queue.
        await visit(marketer, `/campaigns/manage/${id}`);
        await waitFor(marketer, marketer.getByRole('link', { name: `https://reviews.example.com/tribune-${tag}` }), 'the proof in the queue');
        // Live: the frozen fields are read-only, and the page says so before any edit.
        await waitFor(marketer, marketer.getByText(s.g3.frozen), 'the sentence of the frozen fields');
        if ((await marketer.locator('#c-title').getAttribute('readonly')) === null || !(await marketer.locator('#ch0-points').isDisabled())) fail(`a live campaign's frozen fields are editable (${tag})`);
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

        // 5. The member sees the campaign's gift and redeems it with the points earned.
        await visit(member, `/campaigns/${id}`);
        await waitFor(member, member.getByRole('heading', { name: c.gifts }), "the campaign's gifts");
        await waitFor(member, member.getByText(gift, { exact: true }), 'the gift on the campaign');
        await member.getByRole('link', { name: c.toCatalogue }).click();
        await eventually(`the approval's points are spendable (${tag})`, async () => {
          await visit(member, '/rewards/catalogue');
          return (await member.getByText(cat.balance(100)).count()) > 0;
        });
        await check(member, `catalogue-${tag}`);
        await member.getByRole('button', { name: s.g4.named(cat.redeem, gift) }).click();
        const form = member.locator('form.redeem');
        await form.locator('#redeem-variant').selectOption({ label: cat.variantLeft('M', 3) });
        await form.locator('#redeem-name').fill('Amélie Laurent');
        await form.locator('#redeem-line1').fill('1 rue de la Paix');
        await form.locator('#redeem-postalCode').fill('75002');
        await form.locator('#redeem-city').fill('Paris');
        await form.locator('#redeem-country').selectOption('FR');
        await check(member, `redeem-form-${tag}`);
        await form.locator('button[type="submit"]').click();
        await waitFor(member, member.getByRole('status').filter({ hasText: cat.ordered(`${gift} (M)`) }), 'the order placed');
        await waitFor(member, member.getByText(cat.balance(0)), 'the balance spent');
        await check(member, `ordered-${tag}`);

        // 6. The marketer approves the order, then ships it with its tracking number.
        await visit(marketer, '/rewards/admin/catalogue');
        const ordered = marketer.locator('li.order').filter({ hasText: `${gift} (M)` });
        await waitFor(marketer, ordered, 'the order to approve');
        await ordered.getByRole('button', { name: cat.shipTo, exact: true }).click();
        await waitFor(marketer, ordered.getByText('1 rue de la Paix'), 'the shipping address');
        await ordered.getByRole('button', { name: cat.approve, exact: true }).click();
        await ordered.waitFor({ state: 'detached' });
        await marketer.locator('#orders-status').selectOption('approved');
        const approved = marketer.locator('li.order').filter({ hasText: `${gift} (M)` });
        await waitFor(marketer, approved, 'the order to ship');
        await approved.locator('input[id$="-carrier"]').fill('La Poste');
        await approved.locator('input[id$="-tracking"]').fill('6A12345678901');
        await check(marketer, `to-ship-${tag}`);
        await approved.getByRole('button', { name: cat.ship, exact: true }).click();
        await approved.waitFor({ state: 'detached' });

        // 7. The member reads the tracking number, and is told in their inbox.
        await visit(member, '/rewards/orders');
        await waitFor(member, member.getByText(cat.tracking('La Poste', '6A12345678901')), 'the tracking number');
        await waitFor(member, member.getByText(cat.statuses.shipped, { exact: true }), 'the shipped status');
        await check(member, `orders-${tag}`);
        const shipped = s.notices['order_status.shipped'].split('{post}')[1].trim();
        await eventually(`the notice of the shipment (${tag})`, async () => {
          await visit(member, '/notifications');
          return (await member.getByText(shipped).count()) > 0;
        });
        await check(member, `inbox-shipped-${tag}`);
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
