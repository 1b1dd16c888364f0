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
const i18n = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));
const { axisLabels, axisWidth, dashboardQuery, readDashboardQuery, xRange, yIncrs, yRange } = loadTS(path.resolve(__dirname, '../../web/src/kpis-api.ts'));

// Issue 14, second tester (14b), the pages' side, checked without a browser first:
// finding 9: French writes the first of a month "1er", every date with a day through one
// helper (the 11th and the 21st stay as they are; English is unchanged).
for (const [lang, text, want] of [
  ['fr', '1 novembre 2026', '1er novembre 2026'],
  ['fr', 'Du 1 novembre 2026 au 30 novembre 2026', 'Du 1er novembre 2026 au 30 novembre 2026'],
  ['fr', 'dimanche 1 février 2026 à 10:00', 'dimanche 1er février 2026 à 10:00'],
  ['fr', '1 nov.', '1er nov.'],
  ['fr', '11 novembre 2026', '11 novembre 2026'],
  ['fr', '21 août 2026', '21 août 2026'],
  ['en', '1 November 2026', '1 November 2026'],
]) {
  const got = i18n.firstOfMonth(lang, text);
  if (got !== want) fail(`firstOfMonth(${lang}, "${text}") is "${got}", not "${want}"`);
}
if (!i18n.formatDate('fr', '2026-11-01T12:00:00Z').startsWith('1er novembre 2026')) fail(`formatDate writes "${i18n.formatDate('fr', '2026-11-01T12:00:00Z')}"`);
if (!i18n.formatDateTime('fr', '2026-11-01T12:00:00Z').includes('1er novembre 2026')) fail(`formatDateTime writes "${i18n.formatDateTime('fr', '2026-11-01T12:00:00Z')}"`);
// Finding 8: a percentage's scale is 0–100 (66.7 % inside it); a count's reaches a round
// number above its highest day and steps by whole numbers; a single day is drawn half a
// day inside the grid's edges; the y axis is as wide as its widest label and its ticks.
{
  const pr = yRange('percent', 0, 66.7);
  if (pr[0] !== 0 || pr[1] !== 100) fail(`a percentage's scale is ${pr}`);
  for (const [max, top] of [[0, 1], [0.3, 1], [1, 1], [3, 5], [7, 10], [12, 20], [140, 200], [501, 1000]]) {
    const r = yRange('count', 0, max);
    if (r[0] !== 0 || r[1] !== top) fail(`a count of highest ${max} has the scale ${r}, not 0–${top}`);
  }
  if (!yIncrs('count').every((v) => Number.isInteger(v)) || yIncrs('count')[0] !== 1) fail(`a count's steps are ${yIncrs('count').slice(0, 4)}`);
  if (yIncrs('ratio') !== undefined) fail('a ratio may not step by fractions');
  const day = Date.parse('2026-11-30T00:00:00Z') / 1000;
  const xr = xRange(day, day);
  if (!(xr[0] < day && xr[1] > day)) fail(`a single day's x scale is ${xr}`);
  const w = axisWidth(['0 %', '50 %', '100 %'], (t) => 7 * t.length);
  if (w < 7 * 5 + 15) fail(`the y axis is ${w} px for a label of 35 px and its ticks`);
}
// Finding 10: the dashboard's address: a good one is read, a bad value is the default.
{
  const today = '2026-11-30';
  const cases = [
    ['?days=7', { preset: '7', from: '2026-11-24', to: today, space: '' }],
    ['?days=90&space=sp_1', { preset: '90', from: '2026-09-02', to: today, space: 'sp_1' }],
    ['?from=2026-10-01&to=2026-10-31&space=sp_2', { preset: 'custom', from: '2026-10-01', to: '2026-10-31', space: 'sp_2' }],
    ['', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?days=8', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?from=2026-10-31&to=2026-10-01', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?from=2026-11-01&to=2026-12-31', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?from=1999-01-01&to=1999-01-02', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?from=2026-02-30&to=2026-03-01', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?from=2024-01-01&to=2026-11-30', { preset: '30', from: '2026-11-01', to: today, space: '' }],
    ['?days=7&space=../x', { preset: '7', from: '2026-11-24', to: today, space: '' }],
  ];
  for (const [q, want] of cases) {
    const got = readDashboardQuery(q, today);
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`the address ${q || '(none)'} reads ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);
  }
  if (dashboardQuery('7', 'a', 'b', 'sp_1') !== '/kpis?days=7&space=sp_1') fail(dashboardQuery('7', 'a', 'b', 'sp_1'));
  if (dashboardQuery('custom', '2026-10-01', '2026-10-31', '') !== '/kpis?from=2026-10-01&to=2026-10-31') fail(dashboardQuery('custom', '2026-10-01', '2026-10-31', ''));
}

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
          // No sales file uploaded yet: said as such, nothing to chart or download (tester
          // 14b, finding 2).
          if (c.note === 'no_sales_file') {
            if ((await card.getByText(k.noSalesFile).count()) !== 1) fail(`${c.kpi} does not say no sales file was uploaded (${tag})`);
            if ((await card.getByText(k.merged).count()) !== 0) fail(`${c.kpi} blames the small-group rule for a missing file (${tag})`);
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
        // A marketer is told who contributes only by the groups: the named lists are the
        // admins' (a member's posts may be in spaces the marketer cannot read; tester 14b,
        // finding 11).
        if (part.note !== 'lists_admins_only' || part.topContributors.length || part.atRisk.length) fail(`the marketer's participation names members: ${JSON.stringify(part)} (${tag})`);
        await waitFor(mia, mia.locator('.kpi-lists-admins-only', { hasText: k.listsAdminsOnly }), 'the lists said to be the admins’');
        if (await mia.getByRole('heading', { name: k.topTitle }).count()) fail(`the marketer sees the top contributors' heading (${tag})`);
        await noRawKeys(mia, `participation ${tag}`);
        await check(mia, `kpis-participation-${tag}`);

        // ---- The admin: the participation's named lists, the baseline, the settings, the sales.
        const admin = await open('boss@example.com');
        await visit(admin, '/kpis/participation');
        const adminPart = await api(admin, 'GET', '/api/kpis/participation?days=28');
        if (adminPart.note || !adminPart.topContributors.length) fail(`the admin's participation has no named list: ${JSON.stringify(adminPart)} (${tag})`);
        for (const m of adminPart.topContributors) await waitFor(admin, admin.getByRole('link', { name: m.name }), `the top contributor ${m.name}`);
        await waitFor(admin, admin.getByRole('heading', { name: k.topTitle }), 'the top contributors');
        await waitFor(admin, admin.getByRole('heading', { name: k.atRiskTitle }), 'the members at risk');
        await check(admin, `kpis-participation-admin-${tag}`);
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

        // ---- Issue 14, second tester (14b): the pages' side, on the answers of the
        // contract (BRIEF14G) the API gives, made here by routing the page's requests.
        const adm = await open('boss@example.com');
        // Finding 10: the period and the space in the address, read on load and on reload;
        // Show writes them; a bad value is the default, with no error.
        {
          const askedAdm = [];
          adm.on('request', (r) => r.url().includes('/api/kpis?') && askedAdm.push(new URL(r.url()).searchParams));
          await visit(adm, `/kpis?days=7&space=${space.id}`);
          await waitFor(adm, adm.locator('.kpi-card').first(), 'the cards of an address with a period and a space');
          const spanOf = (q) => Math.round((Date.parse(q.get('to')) - Date.parse(q.get('from'))) / 86400e3) + 1;
          const q0 = askedAdm[askedAdm.length - 1];
          if (spanOf(q0) !== 7 || q0.get('space') !== space.id) fail(`/kpis?days=7&space= asked for ${q0} (${tag})`);
          if ((await adm.locator('#kpi-period').inputValue()) !== '7' || (await adm.locator('#kpi-space').inputValue()) !== space.id) fail(`the form does not say the address's period and space (${tag})`);
          await adm.reload({ waitUntil: 'networkidle' });
          await waitFor(adm, adm.locator('.kpi-card').first(), 'the cards after a reload');
          const q1 = askedAdm[askedAdm.length - 1];
          if (spanOf(q1) !== 7 || q1.get('space') !== space.id) fail(`a reload asked for ${q1} (${tag})`);
          await adm.locator('#kpi-period').selectOption('90');
          await adm.locator('#kpi-space').selectOption('');
          await adm.getByRole('button', { name: k.show, exact: true }).click();
          await eventually(`the address says the period shown (${tag})`, async () => new URL(adm.url()).search === '?days=90');
          await adm.locator('#kpi-period').selectOption('custom');
          await adm.locator('#kpi-from').fill('2026-11-01');
          await adm.locator('#kpi-to').fill('2026-11-10');
          await adm.locator('#kpi-space').selectOption(space.id);
          await adm.getByRole('button', { name: k.show, exact: true }).click();
          await eventually(`the address says the dates shown (${tag})`, async () => new URL(adm.url()).search === `?from=2026-11-01&to=2026-11-10&space=${space.id}`);
          for (const bad of ['?days=8&space=..%2Fx', '?from=2026-12-01&to=2026-11-01', `?days=7&space=sp_nope`]) {
            await visit(adm, `/kpis${bad}`);
            await waitFor(adm, adm.locator('.kpi-card').first(), `the cards of the address ${bad}`);
            await eventually(`the address ${bad} loaded (${tag})`, async () => (await adm.locator('[aria-busy="true"]').count()) === 0);
            const q = askedAdm[askedAdm.length - 1];
            const wantDays = bad.startsWith('?days=7') ? 7 : 30;
            if (spanOf(q) !== wantDays || q.get('space')) fail(`the address ${bad} showed ${q}, not ${wantDays} days of the community (${tag})`);
            if (await adm.locator('.kpis [role="alert"], .kpis .error').count()) fail(`the address ${bad} shows an error (${tag})`);
          }
        }
        // Finding 2: sales per customer before any sales file: said so, the admins pointed
        // to the upload, never the small-group sentence.
        await adm.route(/\/api\/kpis\?/, async (route) => {
          const resp = await route.fetch();
          const body = await resp.json();
          for (const c of body.cards) if (c.kpi === 'sales_per_participant') Object.assign(c, { value: null, other: null, merged: false, note: 'no_sales_file' });
          await route.fulfill({ response: resp, json: body });
        });
        await visit(adm, '/kpis');
        {
          const card = adm.locator('#kpi-sales_per_participant').locator('xpath=..');
          await waitFor(adm, card.getByText(k.noSalesFile), 'the sales card without a file');
          if (await card.getByText(k.merged).count()) fail(`the sales card without a file says "${k.merged}" (${tag})`);
          const link = card.getByRole('link', { name: k.uploadSales });
          if ((await link.count()) !== 1 || (await link.getAttribute('href')) !== '/kpis/manage') fail(`the sales card without a file has no link to the upload (${tag})`);
          await check(adm, `kpis-no-sales-file-${tag}`);
        }
        await adm.unroute(/\/api\/kpis\?/);
        // Finding 3: a group the API gives without its share shows its members.
        await adm.route(/\/api\/kpis\/participation/, async (route) => {
          const resp = await route.fetch();
          const body = await resp.json();
          Object.assign(body, { activeMembers: null, readers: { members: null, share: null }, occasional: { members: 6, share: null }, heavy: { members: null, share: null }, merged: true });
          await route.fulfill({ response: resp, json: body });
        });
        await visit(adm, '/kpis/participation');
        await waitFor(adm, adm.locator('.kpi-group-occasional dd'), 'the groups');
        {
          const dd = (key) => adm.locator(`.kpi-group-${key} dd`).innerText();
          if ((await dd('occasional')).trim() !== new Intl.NumberFormat(lang).format(6)) fail(`the occasional contributors the API gives (6) read "${await dd('occasional')}" (${tag})`);
          for (const key of ['readers', 'heavy']) if ((await dd(key)) !== k.groupHidden) fail(`the hidden group ${key} reads "${await dd(key)}" (${tag})`);
          if (await adm.locator('.kpi-shares').count()) fail(`the bar of shares is drawn without shares (${tag})`);
          await check(adm, `kpis-participation-no-share-${tag}`);
        }
        await adm.unroute(/\/api\/kpis\/participation/);
        // Finding 6: the health checks' page says the configured period.
        await adm.route(/\/api\/kpis\/health-checks$/, async (route) => {
          if (route.request().method() !== 'GET') return route.fallback();
          const resp = await route.fetch();
          await route.fulfill({ response: resp, json: { ...(await resp.json()), everyMonths: 7 } });
        });
        await visit(adm, '/kpis/health-checks');
        await waitFor(adm, adm.locator('.kpi-health-intro', { hasText: k.healthIntro(k.everyMonths(7)) }), 'the period of the settings (7 months)');
        await adm.unroute(/\/api\/kpis\/health-checks$/);
        // Finding 13: a run answered 200 (a check of this period just ran) says so, with
        // its time; finding 7: the report shows the launch baseline's column and date.
        const zoneAdm = (await api(adm, 'GET', '/api/newsletter-sending-settings')).timeZone || 'UTC';
        await adm.route(/\/api\/kpis\/health-checks$/, async (route) => {
          if (route.request().method() !== 'POST') return route.fallback();
          const resp = await route.fetch();
          await route.fulfill({ response: resp, status: 200, json: await resp.json() });
        });
        await adm.route(/\/api\/kpis\/health-checks\/[^/]+$/, async (route) => {
          const resp = await route.fetch();
          const body = await resp.json();
          if (resp.status() === 200) {
            body.baselineAt = '2026-11-01T10:00:00Z';
            for (const c of body.cards) if (c.available && !c.merged) c.baseline = 2;
          }
          await route.fulfill({ response: resp, json: body });
        });
        await visit(adm, '/kpis/health-checks');
        await adm.getByRole('button', { name: k.runNow }).click();
        await adm.waitForURL(/\/kpis\/health-checks\/[^/]+$/, { timeout: 20000 });
        await waitFor(adm, adm.getByRole('heading', { name: k.findingsTitle }), 'the report handed back');
        {
          const rid = decodeURIComponent(new URL(adm.url()).pathname.split('/').pop());
          const rep = await api(adm, 'GET', `/api/kpis/health-checks/${encodeURIComponent(rid)}`);
          const hm = await adm.evaluate(([at, z]) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: z }).format(new Date(at)), [rep.at, zoneAdm]);
          await waitFor(adm, adm.locator('.kpi-reopened', { hasText: k.reopened(hm) }), `"${k.reopened(hm)}"`);
          await waitFor(adm, adm.locator('table.kpi-table th[scope="col"]', { hasText: k.baselineColumn }), 'the launch baseline column');
          const when = i18n.formatDate(lang, '2026-11-01T10:00:00Z');
          if (lang === 'fr' && !when.startsWith('1er ')) fail(`the baseline's date reads "${when}"`);
          await waitFor(adm, adm.locator('.kpi-report-baseline', { hasText: k.reportBaselineAt(when) }), 'the launch baseline date');
          const shown = rep.cards.filter((c) => c.available && !c.merged);
          if (shown.length) {
            const cells = await adm.locator(`td[data-label="${k.column(k.baselineColumn)}"]`).allInnerTexts();
            if (cells.length !== shown.length) fail(`${cells.length} baseline cells for ${shown.length} figures shown (${tag})`);
          }
          await noRawKeys(adm, `report with a baseline ${tag}`);
          await check(adm, `kpis-report-baseline-${tag}`);
          // Opened again from the list: no "was run at" sentence (only after a run).
          await visit(adm, `/kpis/health-checks/${encodeURIComponent(rid)}`);
          await waitFor(adm, adm.getByRole('heading', { name: k.findingsTitle }), 'the report read again');
          if (await adm.locator('.kpi-reopened').count()) fail(`a report read from its address says it was handed back (${tag})`);
        }

        for (const p of [mia, admin, member, adm]) await p.context().close();
      }
    }
    if (consoleErrors.length) fail(`errors in the browser console:\n  ${consoleErrors.join('\n  ')}`);
    console.log(`kpis: ok (${boss.email})`);
  } finally {
    await browser.close();
  }
}

run(main);
