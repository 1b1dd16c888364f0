// The KPI pages in the browser (issue 14, round 2), in Debian's Chromium (playwright-core),
// in English and French, at 375 px and 1280 px, axe-core and no sideways scrolling on
// every state:
// - a marketer reads the dashboard: one card per KPI of GET /api/kpis, in its order, each
//   named in the reader's language (never its key), the unavailable ones saying so, the
//   others with a chart (a canvas named by a sentence) and a CSV link whose file is
//   `day,value` with a line per day of the period; the period's select (7 days) and the
//   space filter (by name) ask the API for what they say; a custom period the API refuses
//   (start after end) is said under its field; the whole form works from the keyboard;
//   she sees no admin link, and /kpis/manage is not found for her;
// - participation: the three groups with their shares, or the small-group sentence,
//   the top contributors and the members at risk as names;
// - the admin freezes the baseline (a confirmation first: Cancel gives the focus back
//   and freezes nothing; Yes freezes), after which the dashboard names the baseline's
//   date; saves the settings (an empty and an out-of-range field refused under the
//   field, a good value saved and read back); uploads sales (a file with a bad line
//   refused whole, naming its line; a good one counted);
// - the admin runs a health check from its list and lands on its report (findings as
//   sentences, the figures' table); the marketer reads it from the list and has no
//   button to run one; an unknown report is the not-found page;
// - a member is refused the pages (not found) and the API (403);
// - issue 14's tester findings (the pages' side): sales per customer says both figures
//   ("Participating customers: –, others: 200.00") when one is missing (8); participation
//   shows each group the API gives and says, in its place, why a hidden one is hidden,
//   and the total only when the API gives it (9); a figure whose reference is 0 says
//   "new: +N" (10); freezing a baseline over 30 days without activity warns first (10);
//   the year 1 and an end after today are said under their fields (11); the settings
//   mark every bad field at once (13); the baseline is listed in the dashboard's order
//   with the KPI numbers (19); each health check's row says its time (20); with a space
//   chosen, a card whose figure is the community's says "All spaces", and only such a
//   card (scope).
// Driven by tests/kpis_browser_test.go (TestBrowserKpis); boss@example.com is an admin,
// who makes mia a marketer.
const path = require('node:path');
const { acceptRules, api, base, call, check, devSignIn, devSignInContext, eventually, fail, launch, loadTS, newContext, run, waitFor, visit } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));
const { axisLabels } = loadTS(path.resolve(__dirname, '../../web/src/kpis-api.ts'));

// A chart's y axis in a unit that rounds writes each label once, at the height it is
// exact for (durations: 0, 0.5, 1 s read "0 s", "", "1 s", never "1 s" at 0.5).
for (const lang of ['en', 'fr']) {
  const got = axisLabels([0, 0.5, 1, 1.5, 2], strings[lang].kpis.seconds).join('|');
  const want = ['0 s', '', '1 s', '', '2 s'].join('|');
  if (got !== want) fail(`the seconds' axis reads ${got}, not ${want} (${lang})`);
}
if (axisLabels([0, 0.5, 1], (v) => String(v)).join('|') !== '0|0.5|1') fail('an axis whose labels differ lost one');

// A sentence of the app must never show a key: snake_case words, "undefined", "NaN".
async function noRawKeys(page, tag) {
  const text = await page.locator('main').innerText();
  const raw = text.match(/\b[a-z]+_[a-z_]+\b|\bundefined\b|\bNaN\b/);
  if (raw) fail(`${page.url()} shows "${raw[0]}" (${tag})`);
}

async function main() {
  const browser = await launch();
  const consoleErrors = [];
  try {
    // Seeding: the admin, a marketer, a member, and five contributors in a public space
    // (so participation may pass the small-group rule), a question answered.
    const setup = await browser.newContext({ locale: 'en-US' });
    const boss = await devSignInContext(setup, 'boss@example.com');
    await acceptRules(setup);
    const space = await api(setup, 'POST', '/api/spaces', { name: 'Product help', visibility: 'public' });
    await call(setup, 'POST', `/api/spaces/${space.id}/join`);
    const question = await api(setup, 'POST', `/api/spaces/${space.id}/posts`, { kind: 'question', title: 'How do I export my data?', body: 'I looked in the settings.' });
    // A customer space nobody takes part in: its sales are the "others'" figure.
    await api(setup, 'POST', '/api/spaces', { name: 'Acme', description: 'A customer', visibility: 'closed', kind: 'customer' });
    const people = {};
    for (const name of ['mia', 'amelie', 'bruno', 'chloe', 'david', 'emma']) {
      const ctx = await browser.newContext({ locale: 'en-US' });
      people[name] = { ctx, me: await devSignInContext(ctx, `${name}@example.com`) };
      await acceptRules(ctx);
      await call(ctx, 'POST', `/api/spaces/${space.id}/join`);
      if (name !== 'mia') await api(ctx, 'POST', `/api/posts/${question.id}/comments`, { body: `An answer from ${name}.` });
    }
    await api(setup, 'PUT', `/api/members/${people.mia.me.id}/roles`, { roles: ['marketer'] });
    // A member may not read the KPIs.
    for (const url of ['/api/kpis?from=2026-01-01&to=2026-01-07', '/api/kpis/participation?days=28', '/api/kpis/health-checks']) {
      const r = await call(people.amelie.ctx, 'GET', url);
      if (r.status !== 403) fail(`a member reading ${url}: ${r.status} ${r.raw}`);
    }
    // The marketer may not manage them.
    const refused = await call(people.mia.ctx, 'PUT', '/api/kpis/baseline', {});
    if (refused.status !== 403) fail(`a marketer freezing the baseline: ${refused.status} ${refused.raw}`);
    for (const p of Object.values(people)) await p.ctx.close();

    let checkRun = false;
    for (const lang of ['en', 'fr']) {
      for (const width of [375, 1280]) {
        const s = strings[lang];
        const k = s.kpis;
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

        // ---- The marketer's dashboard.
        const mia = await open('mia@example.com');
        const asked = [];
        mia.on('request', (r) => r.url().includes('/api/kpis?') && asked.push(new URL(r.url()).searchParams));
        await visit(mia, '/kpis');
        await waitFor(mia, mia.getByRole('heading', { name: k.title, level: 1 }), 'the dashboard');
        await waitFor(mia, mia.locator('.kpi-card').first(), 'the KPI cards');
        const last = asked[asked.length - 1];
        const data = await api(mia, 'GET', `/api/kpis?from=${last.get('from')}&to=${last.get('to')}`);
        const days = Math.round((Date.parse(data.to) - Date.parse(data.from)) / 86400e3) + 1;
        if (days !== 30) fail(`the dashboard opens on ${days} days, not 30 (${tag})`);
        const cards = mia.locator('.kpi-card');
        if ((await cards.count()) !== data.cards.length) fail(`${await cards.count()} cards shown, the API answered ${data.cards.length} (${tag})`);
        for (const [i, c] of data.cards.entries()) {
          const card = cards.nth(i);
          const name = k.names[c.kpi];
          if (!name) fail(`web/src/i18n.ts has no name for the KPI ${c.kpi}`);
          const heading = await card.locator('h2').innerText();
          if (!heading.includes(name)) fail(`card ${i + 1} is "${heading}", not ${name} (${tag})`);
          if (!c.available) {
            if ((await card.getByText(k.notAvailable).count()) !== 1) fail(`${c.kpi} does not say it is not available yet (${tag})`);
            continue;
          }
          if (c.merged) {
            if ((await card.getByText(k.merged).count()) !== 1) fail(`${c.kpi} does not say why it is not shown (${tag})`);
            continue;
          }
          // A reference of 0 and a figure that is not: "new: +N", never silence (finding 10).
          if (c.unit === 'count' && c.previous === 0 && c.value) {
            const said = k.previous(new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(0)) + ` (${k.fromZero(`+${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(c.value)}`)})`;
            if ((await card.locator('.kpi-compare', { hasText: said }).count()) !== 1) fail(`${c.kpi} (${c.value}, before 0) does not say "${said}": "${await card.innerText()}" (${tag})`);
          }
          const link = card.getByRole('link', { name: new RegExp(`^${k.csv.replace(/[()]/g, '\\$&')}`) });
          if ((await link.count()) !== 1) fail(`${c.kpi} has no CSV link (${tag})`);
          if (c.series && c.series.length > 1 && c.series.some((p) => p.value != null)) {
            const fig = card.locator('figure.kpi-chart[role="img"]');
            if ((await fig.count()) !== 1 || !(await fig.getAttribute('aria-label'))?.includes(name)) fail(`${c.kpi} has no chart named by a sentence (${tag})`);
            if ((await fig.locator('canvas').count()) !== 1) fail(`${c.kpi}'s chart has no canvas (${tag})`);
          }
          // The CSV: day,value, one line a day of the period.
          if (i < 3) {
            const href = await link.getAttribute('href');
            const resp = await mia.context().request.get(base + href);
            const csv = (await resp.text()).trim().split(/\r?\n/);
            if (resp.status() !== 200 || !/^text\/csv/.test(resp.headers()['content-type'] ?? '')) fail(`${href}: ${resp.status()} ${resp.headers()['content-type']}`);
            if (!/attachment/.test(resp.headers()['content-disposition'] ?? '')) fail(`${href} is not an attachment`);
            if (csv[0] !== 'day,value' || csv.length !== days + 1) fail(`${href}: ${csv.length} lines, header ${csv[0]} (${tag})`);
          }
        }
        if (!data.cards.some((c) => c.kpi === 'contributions' && c.previous === 0 && c.value > 0)) fail(`seeding: the contributions should be new this period: ${JSON.stringify(data.cards.find((c) => c.kpi === 'contributions'))}`);
        if (await mia.getByRole('link', { name: k.manageLink }).count()) fail(`the marketer sees the admins' link (${tag})`);
        await noRawKeys(mia, `dashboard ${tag}`);
        await check(mia, `kpis-${tag}`);

        // The period's select and the space, chosen by name, from the keyboard.
        await mia.locator('#kpi-period').focus();
        await mia.locator('#kpi-period').selectOption('7');
        await mia.locator('#kpi-space').selectOption({ label: 'Product help' });
        await mia.locator('#kpi-space').focus();
        let reached = false;
        for (let i = 0; i < 5 && !reached; i++) {
          await mia.keyboard.press('Tab');
          reached = await mia.evaluate((t) => document.activeElement?.textContent === t, k.show);
        }
        if (!reached) fail(`the Show button is not reached by Tab from the space (${tag})`);
        await mia.keyboard.press('Enter');
        await eventually(`the dashboard asked for 7 days of the space (${tag})`, async () => {
          const q = asked[asked.length - 1];
          return q.get('space') === space.id && Math.round((Date.parse(q.get('to')) - Date.parse(q.get('from'))) / 86400e3) === 6;
        });
        await waitFor(mia, mia.locator('.kpi-card').first(), 'the cards of the space');
        await eventually(`the cards of the space loaded (${tag})`, async () => (await mia.locator('[aria-busy="true"]').count()) === 0);
        // A card whose figure is the community's whatever the space says so; no other does.
        {
          const q = asked[asked.length - 1];
          const inSpace = await api(mia, 'GET', `/api/kpis?${q.toString()}`);
          const shown = mia.locator('.kpi-card');
          for (const [i, c] of inSpace.cards.entries()) {
            const n = await shown.nth(i).locator('.kpi-scope', { hasText: k.allSpacesScope }).count();
            if (n !== (c.scope === 'community' ? 1 : 0)) fail(`${c.kpi} (scope ${c.scope}) shows "All spaces" ${n} times with a space chosen (${tag})`);
          }
        }
        await check(mia, `kpis-space-${tag}`);

        // A custom period the API refuses: the sentence under "From".
        await mia.locator('#kpi-period').selectOption('custom');
        await mia.locator('#kpi-from').fill('2026-03-10');
        await mia.locator('#kpi-to').fill('2026-03-01');
        await mia.getByRole('button', { name: k.show, exact: true }).click();
        await waitFor(mia, mia.locator('#kpi-from-error', { hasText: s.errors.invalid_kpi_range }), 'the refused period under its field');
        if ((await mia.locator('#kpi-from').getAttribute('aria-invalid')) !== 'true') fail(`the refused start is not marked invalid (${tag})`);
        await check(mia, `kpis-range-refused-${tag}`);
        // The year 1 (the API refuses it): the same sentence, never "Something went wrong".
        await mia.locator('#kpi-from').fill('0001-01-01');
        await mia.locator('#kpi-to').fill('0001-01-02');
        await mia.getByRole('button', { name: k.show, exact: true }).click();
        await eventually(`the year 1 refused under its field (${tag})`, async () => (await mia.locator('#kpi-from-error', { hasText: s.errors.invalid_kpi_range }).count()) === 1 && (await mia.locator('[aria-busy="true"]').count()) === 0);
        if (await mia.getByText(s.errors.internal).count()) fail(`the year 1 says "${s.errors.internal}" (${tag})`);
        // An end after today: said under "To" (days to come have no figures), nothing asked.
        const soon = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
        const today = new Date().toISOString().slice(0, 10);
        const askedBefore = asked.length;
        await mia.locator('#kpi-from').fill(today);
        await mia.locator('#kpi-to').fill(soon);
        await mia.getByRole('button', { name: k.show, exact: true }).click();
        await waitFor(mia, mia.locator('#kpi-to-error', { hasText: k.rangeFuture }), 'the end after today refused under its field');
        if ((await mia.locator('#kpi-to').getAttribute('aria-invalid')) !== 'true') fail(`the end after today is not marked invalid (${tag})`);
        if (asked.length !== askedBefore) fail(`a period ending after today was asked for (${tag})`);
        await check(mia, `kpis-range-future-${tag}`);

        // Participation.
        await mia.getByRole('link', { name: k.participationLink }).click();
        await waitFor(mia, mia.getByRole('heading', { name: k.participationTitle, level: 1 }), 'the participation page');
        const part = await api(mia, 'GET', '/api/kpis/participation?days=28');
        // Each group the API gives is shown, each hidden one (null) says so in its place;
        // the total only when the API gives it (finding 9).
        await waitFor(mia, mia.locator('.kpi-groups'), 'the groups');
        let hidden = 0;
        for (const [key, label] of [['readers', k.readers], ['occasional', k.occasional], ['heavy', k.heavy]]) {
          const g = mia.locator(`.kpi-group-${key}`);
          await waitFor(mia, g.locator('dt', { hasText: label }), `the group ${label}`);
          const dd = await g.locator('dd').innerText();
          if (part[key].members == null) {
            hidden++;
            if (dd !== k.groupHidden) fail(`the hidden group ${key} says "${dd}" (${tag})`);
          } else if (!dd.startsWith(new Intl.NumberFormat(lang).format(part[key].members))) fail(`the group ${key} says "${dd}", the API ${part[key].members} (${tag})`);
        }
        const total = (await mia.locator('.kpis .kpi-period').innerText()).trim();
        const period = (await mia.locator('.kpis .kpi-period strong').innerText()).trim();
        if (part.activeMembers == null ? total !== period : !total.includes(k.activeMembers(part.activeMembers))) fail(`the total says "${total}", the API ${part.activeMembers} (${tag})`);
        if ((await mia.locator('.kpi-shares').count()) !== (hidden ? 0 : 1)) fail(`the bar of shares is drawn with ${hidden} hidden group(s) (${tag})`);
        for (const m of part.topContributors) await waitFor(mia, mia.getByRole('link', { name: m.name }), `the top contributor ${m.name}`);
        await waitFor(mia, mia.getByRole('heading', { name: k.topTitle }), 'the top contributors');
        await waitFor(mia, mia.getByRole('heading', { name: k.atRiskTitle }), 'the members at risk');
        await noRawKeys(mia, `participation ${tag}`);
        await check(mia, `kpis-participation-${tag}`);

        // ---- The admin: the baseline, the settings, the sales.
        const admin = await open('boss@example.com');
        await visit(admin, '/kpis/manage');
        await waitFor(admin, admin.getByRole('heading', { name: k.manageTitle, level: 1 }), 'the admins’ page');
        const freeze = admin.getByRole('button', { name: checkRun ? k.freezeAgain : k.freeze });
        await waitFor(admin, freeze, 'the freeze button');
        await check(admin, `kpis-manage-${tag}`);
        await freeze.click();
        await waitFor(admin, admin.getByText(k.confirmFreeze), 'the confirmation');
        // The 30 days a freeze holds (ending yesterday) had no activity here (everything was
        // seeded today): the confirmation warns first, and describes the group by it.
        {
          const y = new Date(Date.now() - 86400e3);
          const r = { to: y.toISOString().slice(0, 10), from: new Date(y.getTime() - 29 * 86400e3).toISOString().slice(0, 10) };
          const held = await api(admin, 'GET', `/api/kpis?from=${r.from}&to=${r.to}`);
          if (!held.cards.filter((c) => c.available && !c.merged).every((c) => !c.value)) fail(`seeding: the 30 days before today have activity: ${JSON.stringify(held.cards.filter((c) => c.value))}`);
          const warning = admin.locator('#kpi-freeze-empty');
          await waitFor(admin, warning, 'the warning of a baseline without activity');
          const text = await warning.innerText();
          if (!text.startsWith(k.freezeEmpty('', '').slice(0, 12))) fail(`the warning says "${text}" (${tag})`);
          if ((await admin.locator('.confirm[role="group"]').getAttribute('aria-describedby')) !== 'kpi-freeze-empty') fail(`the confirmation is not described by its warning (${tag})`);
        }
        await eventually(`the confirmation's button taking the focus (${tag})`, () => admin.evaluate((t) => document.activeElement?.textContent === t, k.confirmFreezeYes));
        await check(admin, `kpis-freeze-confirm-${tag}`);
        const before = await call(admin, 'GET', '/api/kpis/baseline');
        await admin.getByRole('button', { name: k.cancel }).click();
        await eventually(`the focus back on the freeze button (${tag})`, () => admin.evaluate((t) => document.activeElement?.textContent === t, checkRun ? k.freezeAgain : k.freeze));
        const still = await call(admin, 'GET', '/api/kpis/baseline');
        // A problem's answer carries its own request id: compare what it says.
        if (still.status !== before.status || (still.status === 200 && still.json.at !== before.json.at)) fail(`Cancel changed the baseline (${tag})`);
        await freeze.click();
        await admin.getByRole('button', { name: k.confirmFreezeYes }).click();
        await waitFor(admin, admin.getByText(k.frozen), 'the baseline frozen');
        const baseline = await api(admin, 'GET', '/api/kpis/baseline');
        if (!baseline.at) fail(`no baseline after freezing: ${JSON.stringify(baseline)}`);
        // The baseline in the dashboard's order, each with its KPI number (finding 19).
        {
          const want = data.cards.filter((c) => c.kpi in baseline.values);
          if (want.length < 2 || want.length !== Object.keys(baseline.values).length) fail(`the baseline's figures ${Object.keys(baseline.values)} are not the dashboard's`);
          await eventually(`the baseline listed in the dashboard's order (${tag})`, async () => (await admin.locator('.kpi-baseline dt').count()) === want.length);
          const dts = await admin.locator('.kpi-baseline dt').allInnerTexts();
          for (const [i, c] of want.entries()) {
            const name = k.names[c.kpi];
            // The number is drawn in capitals (CSS): compared whatever its case.
            const ok = dts[i].includes(name) && (!c.number || dts[i].toLowerCase().includes(`${k.kpiNumber(c.number)} `.toLowerCase()));
            if (!ok) fail(`the baseline's line ${i + 1} is "${dts[i]}", not ${c.number ?? ''} ${name} (${tag}): ${dts.join(' | ')}`);
          }
        }

        // The settings: both empty, both out of range (the API names both: finding 13),
        // each field marked at once, then saved.
        const monthsBefore = await admin.locator('#kpi-healthCheckMonths').inputValue();
        await admin.locator('#kpi-heavyFrom').fill('');
        await admin.locator('#kpi-healthCheckMonths').fill('');
        await admin.getByRole('button', { name: k.saveSettings }).click();
        await waitFor(admin, admin.locator('#kpi-heavyFrom-error', { hasText: s.fillIn(k.heavyFrom) }), 'the empty field refused');
        await waitFor(admin, admin.locator('#kpi-healthCheckMonths-error', { hasText: s.fillIn(k.healthCheckMonths) }), 'the second empty field refused');
        await admin.locator('#kpi-heavyFrom').fill('1');
        await admin.locator('#kpi-healthCheckMonths').fill('99');
        await admin.getByRole('button', { name: k.saveSettings }).click();
        await waitFor(admin, admin.locator('#kpi-heavyFrom-error', { hasText: k.errors.invalid_heavy_from }), 'the out-of-range field refused');
        await waitFor(admin, admin.locator('#kpi-healthCheckMonths-error', { hasText: k.errors.invalid_health_check_months }), 'the second out-of-range field refused');
        for (const f of ['heavyFrom', 'healthCheckMonths']) {
          if ((await admin.locator(`#kpi-${f}`).getAttribute('aria-invalid')) !== 'true') fail(`the refused field ${f} is not marked invalid (${tag})`);
          if ((await admin.locator(`#kpi-${f}`).getAttribute('aria-describedby')) !== `kpi-${f}-error`) fail(`the refused field ${f} is not described by its sentence (${tag})`);
        }
        await check(admin, `kpis-settings-refused-${tag}`);
        await admin.locator('#kpi-healthCheckMonths').fill(monthsBefore);
        await admin.locator('#kpi-heavyFrom').fill('3');
        await admin.getByRole('button', { name: k.saveSettings }).click();
        await waitFor(admin, admin.getByText(k.settingsSaved), 'the settings saved');
        const settings = await api(admin, 'GET', '/api/kpis/settings');
        if (settings.heavyFrom !== 3) fail(`heavyFrom read back ${settings.heavyFrom}, not 3`);

        // The sales: a file with a bad line is refused whole; a good one is counted.
        await admin.getByRole('button', { name: k.upload }).click();
        await waitFor(admin, admin.locator('#kpi-file-error', { hasText: s.fillIn(k.salesFile) }), 'no file chosen');
        const bad = 'customer,amount\nboss@example.com,120.50\nAcme,abc\n';
        await admin.locator('#kpi-file').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
        await admin.getByRole('button', { name: k.upload }).click();
        await waitFor(admin, admin.getByText(k.salesRefused), 'the refused file');
        await waitFor(admin, admin.locator('.error-list li', { hasText: k.line(3, '').replace(/\s*$/, '') }), 'the bad line named');
        await check(admin, `kpis-sales-refused-${tag}`);
        const good = 'customer,amount\nboss@example.com,120.50\nNo Such Company Ltd,80\nAcme,200\n';
        await admin.locator('#kpi-file').setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
        await admin.getByRole('button', { name: k.upload }).click();
        // The page says each of its forms' outcomes in its own status line: this one's
        // is the only one that counts lines.
        const counted = admin.locator('form:has(#kpi-file) ~ .ok[role="status"]');
        await waitFor(admin, counted, 'the file counted');
        const said = await counted.first().innerText();
        if (!said.includes(new Intl.NumberFormat(lang).format(3))) fail(`the upload says "${said}", not its 3 lines (${tag})`);
        await noRawKeys(admin, `manage ${tag}`);

        // The dashboard names the baseline, and each comparable card its value.
        await visit(admin, '/kpis');
        await waitFor(admin, admin.locator('.kpi-period', { hasText: k.baselineAt('').trim().replace(/\.$/, '') }), 'the baseline’s date on the dashboard');
        // Sales per customer: nobody of Acme took part, so the participants' figure is
        // missing and the others' is 200: both said (finding 8).
        {
          const sales = (await api(admin, 'GET', `/api/kpis?from=${data.from}&to=${data.to}`)).cards.find((c) => c.kpi === 'sales_per_participant');
          if (!sales || sales.value !== null || sales.other !== 200) fail(`seeding: sales per customer should be null and 200: ${JSON.stringify(sales)}`);
          const money = (v) => new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
          await waitFor(admin, admin.locator('#kpi-sales_per_participant').locator('xpath=..').locator('.kpi-sales', { hasText: k.salesFigures('–', money(200)) }), 'both sales figures');
          if (await admin.locator('#kpi-sales_per_participant').locator('xpath=..').getByText(k.noValue).count()) fail(`sales per customer says "${k.noValue}" (${tag})`);
        }

        // ---- Health checks: the admin runs one, lands on its report.
        await visit(admin, '/kpis/health-checks');
        await waitFor(admin, admin.getByRole('heading', { name: k.healthTitle, level: 1 }), 'the health checks');
        await admin.getByRole('button', { name: k.runNow }).click();
        await admin.waitForURL(/\/kpis\/health-checks\/[^/]+$/, { timeout: 20000 });
        await waitFor(admin, admin.getByRole('heading', { name: k.findingsTitle }), 'the report’s findings');
        const id = decodeURIComponent(new URL(admin.url()).pathname.split('/').pop());
        const report = await api(admin, 'GET', `/api/kpis/health-checks/${encodeURIComponent(id)}`);
        if (report.findings.length === 0) await waitFor(admin, admin.getByText(k.noFindings), 'no finding said');
        else if ((await admin.locator('.kpi-findings li').count()) !== report.findings.length) fail(`the report shows ${await admin.locator('.kpi-findings li').count()} findings of ${report.findings.length} (${tag})`);
        await waitFor(admin, admin.locator('table.kpi-table'), 'the figures’ table');
        await noRawKeys(admin, `report ${tag}`);
        await check(admin, `kpis-report-${tag}`);
        checkRun = true;

        // The marketer reads it from the list, and cannot run one. Each row says the time
        // the check ran, in the community's time zone (finding 20).
        await visit(mia, '/kpis/health-checks');
        await waitFor(mia, mia.locator('.kpi-checks a').first(), 'the list of health checks');
        {
          const zone = (await api(admin, 'GET', '/api/newsletter-sending-settings')).timeZone || 'UTC';
          const items = (await api(mia, 'GET', '/api/kpis/health-checks')).items;
          for (const h of items) {
            const hm = await mia.evaluate(([at, z]) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: z }).format(new Date(at)), [h.at, zone]);
            const text = await mia.locator(`.kpi-checks a[href="/kpis/health-checks/${encodeURIComponent(h.id)}"]`).innerText();
            if (!text.includes(hm)) fail(`the health check ${h.id} of ${h.at} reads "${text}", without its time ${hm} (${zone}) (${tag})`);
          }
        }
        if (await mia.getByRole('button', { name: k.runNow }).count()) fail(`the marketer may run a health check (${tag})`);
        await check(mia, `kpis-checks-${tag}`);
        await mia.locator(`.kpi-checks a[href="/kpis/health-checks/${encodeURIComponent(id)}"]`).click();
        await waitFor(mia, mia.getByRole('heading', { name: k.findingsTitle }), 'the report, read by the marketer');
        await visit(mia, '/kpis/health-checks/hc_unknown');
        await waitFor(mia, mia.getByRole('heading', { name: s.notFoundTitle }), 'an unknown report');
        await visit(mia, '/kpis/manage');
        await waitFor(mia, mia.getByRole('heading', { name: s.notFoundTitle }), 'the admins’ page refused to the marketer');

        // A member: not found.
        const member = await open('amelie@example.com');
        for (const url of ['/kpis', '/kpis/participation']) {
          await visit(member, url);
          await waitFor(member, member.getByRole('heading', { name: s.notFoundTitle }), `${url} refused to a member`);
        }
        if (await member.getByRole('link', { name: k.nav }).count()) fail(`a member has the KPIs in the menu (${tag})`);

        for (const p of [mia, admin, member]) await p.context().close();
      }
    }
    if (consoleErrors.length) fail(`errors in the browser console:\n  ${consoleErrors.join('\n  ')}`);
    console.log(`kpis: ok (${boss.email})`);
  } finally {
    await browser.close();
  }
}

run(main);
