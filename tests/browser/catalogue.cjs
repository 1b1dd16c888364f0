// The reward catalogue in the browser (issue 12, r3): a marketer (here an admin, who holds
// rewards.catalogue) adds a shipped gift on the catalogue's page; a member, given points,
// redeems it on a French phone with an address; the marketer approves and ships it with
// a tracking number; the member reads the tracking number on their orders page and is
// told in their inbox. axe-core on every page, no sideways scrolling.
// Driven by tests/catalogue_browser_test.go (TestBrowserCatalogue), which passes BASE_URL,
// DEV_KEY, SHOTS_DIR, CHROMIUM and GRANT_URL (it pays a member points in the runtime's
// table, as the awards consumer of points would).
const path = require('node:path');
const { api, base, check, devSignIn, eventually, fail, launch, loadTS, newContext, run, settle, trackRequests } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

async function grant(memberId, points) {
  const resp = await fetch(process.env.GRANT_URL, { method: 'POST', body: JSON.stringify({ memberId, points }) });
  if (!resp.ok) fail(`granting ${points} points: ${resp.status}`);
}

async function main() {
  const browser = await launch();
  try {
    const en = strings.en.catalogue;
    const fr = strings.fr.catalogue;
    const staff = await (await newContext(browser, 'en', 1280)).newPage();
    trackRequests(staff);
    await devSignIn(staff, 'admin@example.com');
    await staff.goto(base + '/rewards/admin/catalogue');
    await settle(staff);
    await staff.locator('#gift-new-name').fill('Tribune T-shirt');
    await staff.locator('#gift-new-desc').fill('Organic cotton, printed in Lyon.');
    await staff.locator('#gift-new-cost').fill('100');
    await staff.locator('#gift-new-variants').fill('S, 2\nM, 3');
    await staff.getByRole('button', { name: en.create, exact: true }).click();
    await staff.getByRole('heading', { name: 'Tribune T-shirt' }).waitFor();
    await settle(staff);
    await check(staff, 'catalogue-admin-gift-en-1280');

    const member = await (await newContext(browser, 'fr', 375)).newPage();
    trackRequests(member);
    await devSignIn(member, 'amelie@example.com');
    const me = await api(member, 'GET', '/api/me');
    await grant(me.id, 250);
    await member.goto(base + '/rewards/catalogue');
    await member.locator('label.lang select').selectOption('fr');
    await member.waitForFunction(() => document.documentElement.lang === 'fr');
    await settle(member);
    await member.getByText(fr.balance(250)).waitFor();
    await check(member, 'catalogue-member-fr-375');
    await member.getByRole('button', { name: `${fr.redeem}: Tribune T-shirt` }).click();
    const form = member.locator('form.redeem');
    await form.locator('#redeem-variant').selectOption({ label: fr.variantLeft('M', 3) });
    await form.locator('#redeem-name').fill('Amélie Laurent');
    await form.locator('#redeem-line1').fill('1 rue de la Paix');
    await form.locator('#redeem-postalCode').fill('75002');
    await form.locator('#redeem-city').fill('Paris');
    await form.locator('#redeem-country').fill('FR');
    await check(member, 'catalogue-redeem-form-fr-375');
    await form.locator('button[type="submit"]').click();
    await member.getByRole('status').filter({ hasText: fr.ordered('Tribune T-shirt (M)') }).waitFor();
    await settle(member);
    await member.getByText(fr.balance(150)).waitFor();
    await check(member, 'catalogue-ordered-fr-375');

    // The marketer approves the order, then ships it with its tracking number.
    await staff.goto(base + '/rewards/admin/catalogue');
    await settle(staff);
    const ordered = staff.locator('li.order').filter({ hasText: 'Tribune T-shirt (M)' });
    await ordered.getByRole('button', { name: en.shipTo, exact: true }).click();
    await ordered.getByText('1 rue de la Paix').waitFor();
    await ordered.getByRole('button', { name: en.approve, exact: true }).click();
    await ordered.waitFor({ state: 'detached' });
    await staff.locator('#orders-status').selectOption('approved');
    await settle(staff);
    const approved = staff.locator('li.order').filter({ hasText: 'Tribune T-shirt (M)' });
    await approved.locator('input[id$="-carrier"]').fill('La Poste');
    await approved.locator('input[id$="-tracking"]').fill('6A12345678901');
    await check(staff, 'catalogue-admin-to-ship-en-1280');
    await approved.getByRole('button', { name: en.ship, exact: true }).click();
    await approved.waitFor({ state: 'detached' });

    // The member reads the tracking number, and is told in their inbox.
    await member.goto(base + '/rewards/orders');
    await settle(member);
    await member.getByText(fr.tracking('La Poste', '6A12345678901')).waitFor();
    await member.getByText(fr.statuses.shipped, { exact: true }).waitFor();
    await check(member, 'orders-member-fr-375');
    await eventually('the member is told the order was shipped', async () =>
      (await api(member, 'GET', '/api/notifications')).items.some((n) => n.kind === 'order_status' && n.detail === 'shipped'),
    );
    await member.goto(base + '/notifications');
    await settle(member);
    await member.getByText('a été expédiée').first().waitFor();
    await check(member, 'notifications-order-fr-375');
  } finally {
    await browser.close();
  }
  console.log('browser catalogue: ok');
}

run(main);
