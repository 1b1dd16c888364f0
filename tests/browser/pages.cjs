// Visits every page of the web app (the routes of web/src/routes.ts, which the router
// uses) as every role that may see it (visitor, member, moderator, support agent, admin),
// in English and French, at 375 px and 1280 px, over realistic data: long names, long
// unbroken words and addresses, images, a wide table, code. It fails
//  - when a route has no visit here for a role that may see it (add one below);
//  - on sideways scrolling: the document wider than the window, or any element or text
//    wider than the window or sticking out of the page's card, outside a container that
//    scrolls by itself;
//  - on raw i18n keys or ids shown (a problem code, a snake_case key, a key of i18n.ts,
//    "undefined", a member id);
//  - when an unknown address, or an unknown post, space, ticket or member, does not show
//    the not-found page in the reader's language;
//  - when the header's menu is not a button with aria-expanded that opens, closes on
//    Escape and on navigation, works from the keyboard, or the language switch is not
//    reachable, or the header takes more than 12% of a phone's first screen.
// It keeps a screenshot of every page at both widths in SHOTS_DIR. Driven by
// tests/browser_test.go (TestBrowserEveryPage), which passes BASE_URL, DEV_KEY,
// OUTBOX_DIR, SHOTS_DIR and CHROMIUM.
const path = require('node:path');
const zlib = require('node:zlib');
const { acceptRules, api, askLink, base, devSignInContext, eventually, fail, launch, loadTS, run, settle, shots, trackRequests } = require('./lib.cjs');
const started = Date.now();

const webSrc = path.resolve(__dirname, '../../web/src');
const { routes, matchRoute, mayView } = loadTS(path.join(webSrc, 'routes.ts'));
const { strings } = loadTS(path.join(webSrc, 'i18n.ts'));

// The roles the test plays, as the API's roles of such a member.
const personas = {
  visitor: undefined,
  member: ['member'],
  moderator: ['member', 'moderator'],
  agent: ['member', 'support'],
  admin: ['member', 'admin'],
};
const emails = { member: 'amelie@example.com', moderator: 'mod@example.com', agent: 'agent@example.com', admin: 'admin@example.com' };

// Realistic hard content: a 200-character word, a long address, long names.
const longWord = 'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft'.repeat(3).slice(0, 200);
const longURL = 'https://docs.example.com/guides/synchronisation/troubleshooting/very-long-path-segment-without-any-break/and-then-some-more?query=parameters-that-go-on-and-on-and-on#anchor-section';
const longName = 'Amélie-Anne Laurent-Bérengère de la Montagne-Geneviève';

// png draws a w×h RGB image (a gradient), encoded by hand: zlib is all PNG needs.
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * (w * 3 + 1) + 1 + x * 3;
      raw[i] = (x * 255) / w;
      raw[i + 1] = (y * 255) / h;
      raw[i + 2] = 160;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// upload puts bytes where the API said (a presigned URL of the local S3).
async function upload(ctx, url, contentType, body) {
  const resp = await ctx.request.put(url, { data: body, headers: { 'Content-Type': contentType } });
  if (!resp.ok()) fail(`upload to ${url}: ${resp.status()}`);
}

// seed writes the community the pages show, through the API, as its members would.
async function seed(ctxs) {
  const { member, moderator, agent, admin } = ctxs;
  const me = {};
  for (const p of ['admin', 'member', 'moderator', 'agent']) me[p] = await devSignInContext(ctxs[p], emails[p]);
  await api(admin, 'PUT', `/api/members/${me.moderator.id}/roles`, { roles: ['moderator'] });
  await api(admin, 'PUT', `/api/members/${me.agent.id}/roles`, { roles: ['support'] });
  await api(admin, 'PUT', '/api/community/access', { accessMode: 'hybrid', hybridRegistration: 'open' });
  for (const p of ['admin', 'member', 'moderator', 'agent']) await acceptRules(ctxs[p]);

  const profile = (displayName, extra) => ({
    displayName, bio: '', expertise: [], interests: [], company: '', location: '', links: [], locale: 'en', ...extra,
  });
  await api(member, 'PUT', '/api/me/profile', profile(longName, {
    bio: `Data engineer. I write about ${longWord} and keep notes at ${longURL}.`,
    expertise: ['dynamodb', 'go', 'eventbridge', 'synchronisation'],
    interests: ['streaming', 'observability'],
    company: 'Compagnie Générale de Synchronisation Transatlantique',
    location: 'Saint-Rémy-de-Provence',
    links: [longURL, 'https://example.org'],
  }));
  await api(moderator, 'PUT', '/api/me/profile', profile('Moritz Moderator', { expertise: ['moderation'] }));
  await api(agent, 'PUT', '/api/me/profile', profile('Ada Agent', { expertise: ['support'] }));
  await api(admin, 'PUT', '/api/me/profile', profile('Alex Admin', {}));
  const avatar = png(400, 400);
  const up = await api(member, 'POST', '/api/me/avatar/upload', { contentType: 'image/png', size: avatar.length });
  await upload(member, up.uploadUrl, up.contentType, avatar);
  await api(member, 'PUT', '/api/me/avatar', { key: up.key });

  // A public space with a long description, and a customer space.
  const space = await api(admin, 'POST', '/api/spaces', {
    name: 'Data pipelines and synchronisation across regions',
    visibility: 'public',
    description: `Moving data around: ${longWord}. Start at ${longURL}`,
    icon: '🚚',
  });
  for (const p of ['member', 'moderator', 'agent']) await api(ctxs[p], 'POST', `/api/spaces/${space.id}/join`);
  const customer = await api(admin, 'POST', '/api/spaces', { name: 'Compagnie Générale support', visibility: 'closed', description: 'Support for our customer.', kind: 'customer' });
  await api(admin, 'POST', `/api/spaces/${customer.id}/invitations`, { memberId: me.member.id });
  await api(member, 'POST', `/api/spaces/${customer.id}/join`);

  // The member's discussion: a long word, a long address, a large image, a wide table, code.
  const picture = png(1600, 500);
  const img = await api(member, 'POST', '/api/uploads/images', { spaceId: space.id, contentType: 'image/png', size: picture.length });
  await upload(member, img.uploadUrl, img.contentType, picture);
  const table = [
    '| Region | Table | Items | Read capacity | Write capacity | Last synchronisation | Status |',
    '|---|---|---|---|---|---|---|',
    '| eu-west-1 | CustomerOrdersHistoricalArchive | 18446744073 | 40000 | 40000 | 2026-11-30 01:02:03 UTC | replicating |',
    '| us-east-1 | CustomerOrdersHistoricalArchive | 18446744072 | 40000 | 40000 | 2026-11-30 01:02:04 UTC | replicating |',
  ].join('\n');
  const discussion = await api(member, 'POST', `/api/spaces/${space.id}/posts`, {
    kind: 'discussion',
    title: `Replication lag between regions: ${longWord.slice(0, 60)}`,
    body: `Since the upgrade, ${longWord} happens every night.\n\nSee ${longURL} for the guide.\n\n![Lag over a week](${img.url})\n\n${table}\n\n\`\`\`\naws dynamodb describe-table --table-name CustomerOrdersHistoricalArchive --region eu-west-1 --query Table.Replicas --output json\n\`\`\`\n\nThe inline \`${longWord.slice(0, 80)}\` is code too.`,
  });
  const question = await api(member, 'POST', `/api/spaces/${space.id}/posts`, {
    kind: 'question',
    title: 'How do I page through a query that returns millions of items?',
    body: `I get LastEvaluatedKey back. Is ${longWord.slice(0, 120)} the right cursor?`,
  });
  const idea = await api(admin, 'POST', `/api/spaces/${space.id}/posts`, { kind: 'idea', title: 'Dark mode for the whole community', body: `Easier on the eyes at night. ${longWord}` });
  const poll = await api(admin, 'POST', `/api/spaces/${space.id}/posts`, {
    kind: 'poll',
    title: 'Which day suits the next meetup?',
    body: '',
    options: ['Monday evening', `Friday afternoon, after the ${longWord.slice(0, 50)}`, 'Saturday morning'],
  });
  const announcement = await api(admin, 'POST', `/api/spaces/${space.id}/posts`, {
    kind: 'announcement',
    title: 'Maintenance on Sunday night',
    body: `The community is read-only from 01:00 to 03:00 UTC. Details: ${longURL}`,
    pinnedUntil: new Date(Date.now() + 7 * 86400000).toISOString(),
  });
  await api(admin, 'POST', `/api/spaces/${space.id}/posts`, { kind: 'status', body: `Shipping the new exporter today: ${longWord.slice(0, 90)}` });
  await api(member, 'POST', `/api/posts/${idea.id}/vote`, {});
  await api(member, 'POST', `/api/posts/${poll.id}/vote`, { option: poll.options[1].id });
  await api(admin, 'POST', `/api/posts/${idea.id}/status`, { status: 'planned' });

  // Comments: an answer with a long word, a reply that mentions the member by name.
  const answer = await api(moderator, 'POST', `/api/posts/${question.id}/comments`, { body: `Use the cursor you get back: ${longWord}` });
  await api(moderator, 'POST', `/api/posts/${question.id}/comments`, { body: `@${me.member.id} see ${longURL}`, parentId: answer.id });
  await api(member, 'POST', `/api/posts/${question.id}/comments/${answer.id}/accept`);
  const agentComment = await api(agent, 'POST', `/api/posts/${discussion.id}/comments`, { body: `Same here since Tuesday: ${longWord.slice(0, 150)}` });
  await api(moderator, 'PUT', `/api/posts/${discussion.id}/reactions/like`);

  // Reports for the moderation queue, a warning, a hidden comment for the log.
  await api(agent, 'POST', `/api/posts/${discussion.id}/report`, { reason: 'spam', note: `Looks like an advertisement for ${longURL}` });
  await api(member, 'POST', `/api/posts/${discussion.id}/report`, { reason: 'off_topic', note: longWord, commentId: agentComment.id });
  await api(moderator, 'POST', '/api/moderation/warnings', { memberId: me.agent.id, message: `Please keep to the topic: ${longWord.slice(0, 100)}`, postId: discussion.id });

  // A ticket in the customer space with a long subject and a long file name, answered.
  const file = Buffer.from('region,items\neu-west-1,18446744073\n');
  const att = await api(member, 'POST', '/api/uploads/attachments', {
    name: 'synchronisation-report-for-the-quarter-with-a-very-long-name-that-never-breaks-2026.csv', contentType: 'text/csv', size: file.length,
  });
  await upload(member, att.uploadUrl, 'text/csv', file);
  const settings = await api(member, 'GET', '/api/support/settings');
  const ticket = await api(member, 'POST', `/api/spaces/${customer.id}/tickets`, {
    subject: `Synchronisation stopped: ${longWord.slice(0, 100)}`,
    product: settings.products[0],
    severity: 'high',
    body: `Since 09:00 nothing syncs. Log: ${longWord}\n\nSee ${longURL}`,
    attachments: [att.attachment],
  });
  const tid = ticket.id;
  await api(agent, 'POST', `/api/tickets/${tid}/assign`, { assigneeId: me.agent.id });
  await api(agent, 'POST', `/api/tickets/${tid}/replies`, { body: `Internal: customer is on the legacy plan ${longWord.slice(0, 60)}`, internal: true, attachments: [] });
  await api(agent, 'POST', `/api/tickets/${tid}/replies`, { body: `Restart the agent, then read ${longURL}`, internal: false, attachments: [] });

  // Invitations: by email with a long address and a message, and a shareable link.
  await api(admin, 'POST', '/api/invitations', {
    emails: ['a.very.long.local.part.for.testing.purposes@subdomain.example-company-with-a-long-name.com'],
    roles: [],
    message: `Welcome! ${longWord}`,
    validDays: 14,
    locale: 'en',
  });
  const link = await api(admin, 'POST', '/api/invitations/links', { maxUses: 10, validDays: 14, roles: [] });
  await api(member, 'POST', '/api/invitations/friend', { email: 'friend.of.amelie@example.com', message: `Come and see ${longURL}`, locale: 'en' });

  // A live campaign for everyone, with a proof challenge, an automatic one and a trial;
  // the member joins it and sends a proof (campaigns, issue 12, r2).
  const campaign = await api(admin, 'POST', '/api/campaigns', {
    title: `Review our synchronisation app ${longWord.slice(0, 40)}`, description: `Try it and tell the world: ${longURL}`,
    disclosure: 'I received points for publishing a review.', audience: { kind: 'everyone', spaceIds: [], roles: [] },
    startsAt: new Date(Date.now() - 60e3).toISOString(), endsAt: new Date(Date.now() + 30 * 86400e3).toISOString(), pointsBudget: 1000, giftBudget: 0,
    challenges: [
      { kind: 'proof', title: 'Publish a review', instructions: 'Publish an honest review where we are listed.', points: 100, maxCompletions: 1 },
      { kind: 'auto', title: 'Answer 3 questions', instructions: '', points: 30, maxCompletions: 2, action: 'answer', count: 3 },
    ],
    trial: { offer: 'Try the Pro plan for a month.', instructions: 'Use the code PRO-4711.', slots: 5 },
  });
  await api(admin, 'POST', `/api/campaigns/${campaign.id}/state`, { action: 'publish' });
  await api(member, 'POST', `/api/campaigns/${campaign.id}/submissions`, { challengeId: campaign.challenges[0].id, url: longURL, text: `My review ${longWord}` });

  // The knowledge base (issue 16): a community-wide category and a published article,
  // edited once (its history and a comparison), bookmarked by the member.
  const category = await api(admin, 'POST', '/api/kb/categories', { name: `Guides ${longWord.slice(0, 40)}`, description: `Everything about ${longURL}` });
  const article = await api(admin, 'POST', '/api/kb/articles', { title: `Set up synchronisation ${longWord.slice(0, 60)}`, body: `## Steps\n\nOpen ${longURL} then run \`sync --all\`.\n\n${longWord}`, categoryId: category.id });
  await api(admin, 'POST', `/api/kb/articles/${article.id}/publish`);
  const published = await api(admin, 'GET', `/api/kb/articles/${article.id}`);
  await api(admin, 'PUT', `/api/kb/articles/${article.id}`, { title: published.title, body: `${published.body}\n\nThen check ${longURL}.`, categoryId: category.id, baseVersion: published.version });
  await api(member, 'PUT', `/api/bookmarks/article/${article.id}`);
  // A document of the public space, in a folder with tags, bookmarked too.
  const docBody = Buffer.from('%PDF-1.4\n% a brochure\n%%EOF\n');
  const docName = `${longWord.slice(0, 60)}.pdf`;
  const docUp = await api(admin, 'POST', `/api/spaces/${space.id}/documents/uploads`, { name: docName, contentType: 'application/pdf', size: docBody.length });
  await upload(admin, docUp.uploadUrl, 'application/pdf', docBody);
  const doc = await api(admin, 'POST', `/api/spaces/${space.id}/documents`, {
    key: docUp.key, name: docName, contentType: 'application/pdf', size: docBody.length, title: `Brochure ${longWord.slice(0, 60)}`, description: `Read it at ${longURL}`, folder: 'brochures/europe', tags: ['europe', 'pricing'],
  });
  await api(member, 'PUT', `/api/bookmarks/document/${doc.id}`);

  // The event path is asynchronous: wait for what the pages show.
  await eventually('the member is told of the comment, mention, invitation and idea', async () => (await api(member, 'GET', '/api/notifications')).items.length >= 4);
  await eventually('the moderation queue holds the reports', async () => (await api(moderator, 'GET', '/api/moderation/queue')).items.length >= 2);
  await eventually('the home stream has the posts', async () => (await api(member, 'GET', '/api/stream')).posts.length >= 3);
  await eventually('the agent hears of the ticket', async () => (await api(agent, 'GET', '/api/notifications')).items.length >= 1);

  // What each persona may do, as GET /api/me says (routes.ts names actions, not roles).
  const actions = { visitor: undefined };
  for (const p of ['admin', 'member', 'moderator', 'agent']) actions[p] = (await api(ctxs[p], 'GET', '/api/me')).actions;
  return {
    me,
    actions,
    code: link.code,
    // (the link's path: the pages are visited at BASE_URL)
    signInLink: (await askLink('newcomer@example.com', 'en')).replace(/^\S*?(?=\/sign-in\/link#)/, ''),
    space: space.id,
    customer: customer.id,
    posts: { discussion: discussion.id, question: question.id, idea: idea.id, poll: poll.id, announcement: announcement.id },
    ticket: tid,
    campaign: campaign.id,
    article: article.id,
    doc: doc.id,
  };
}

// visitsOf lists, for each route, the addresses each role visits. A route missing here
// for a role that may see it fails the test.
function visitsOf(d) {
  const everyone = (url) => ({ visitor: [url], member: [url], moderator: [url], agent: [url], admin: [url] });
  const members = (url) => ({ member: [url], moderator: [url], agent: [url], admin: [url] });
  const post = (id) => `/posts/${id}`;
  const p = d.posts;
  return {
    home: everyone('/'),
    signInLink: everyone(d.signInLink),
    invitation: everyone(`/invite/${d.code}`),
    space: {
      visitor: [`/spaces/${d.space}`],
      member: [`/spaces/${d.space}`, `/spaces/${d.customer}`],
      moderator: [`/spaces/${d.space}`],
      agent: [`/spaces/${d.customer}`, `/spaces/${d.space}`],
      admin: [`/spaces/${d.space}`, `/spaces/${d.customer}`],
    },
    post: {
      visitor: [post(p.discussion), post(p.question)],
      member: [post(p.discussion), post(p.question), post(p.idea), post(p.poll), post(p.announcement)],
      moderator: [post(p.discussion), post(p.question)],
      agent: [post(p.question)],
      admin: [post(p.discussion), post(p.idea), post(p.poll)],
    },
    // A moderator cannot see a customer's ticket: the page says it is not found.
    ticket: { member: [`/tickets/${d.ticket}`], moderator: [{ url: `/tickets/${d.ticket}`, notFound: true }], agent: [`/tickets/${d.ticket}`], admin: [`/tickets/${d.ticket}`] },
    directory: members('/members'),
    member: {
      member: [`/members/${d.me.member.id}`],
      moderator: [`/members/${d.me.member.id}`],
      agent: [`/members/${d.me.member.id}`],
      admin: [`/members/${d.me.member.id}`, `/members/${d.me.moderator.id}`],
    },
    profile: members('/me/profile'),
    sessions: members('/me/sessions'),
    notifications: members('/notifications'),
    support: { agent: ['/support'], admin: ['/support'] },
    moderation: { moderator: ['/moderation'], admin: ['/moderation'] },
    admin: { admin: ['/admin'] },
    // Campaigns (issue 12, r2): the admin runs them; staff read them, take no part.
    campaigns: members('/campaigns'),
    campaign: members(`/campaigns/${d.campaign}`),
    campaignsAdmin: { admin: ['/campaigns/manage'] },
    campaignAdmin: { admin: [`/campaigns/manage/${d.campaign}`, '/campaigns/manage/new'] },

    // Rewards: catalogue, redemptions, orders (issue 12, r3).
    catalogue: members('/rewards/catalogue'),
    orders: members('/rewards/orders'),
    catalogueAdmin: { admin: ['/rewards/admin/catalogue'] },

    // rewards: points (r1)
    rewards: members('/rewards'),
    leaderboard: members('/leaderboard'),
    rewardsAdmin: { moderator: ['/rewards/admin'], agent: ['/rewards/admin'], admin: ['/rewards/admin'] },

    // Knowledge base and bookmarks (issue 16): the API says who may write, edit and read
    // the history (the pages say so to the others).
    kb: everyone('/kb'),
    kbNew: members('/kb/new'),
    kbArticle: everyone(`/kb/articles/${d.article}`),
    kbEdit: members(`/kb/articles/${d.article}/edit`),
    kbHistory: members(`/kb/articles/${d.article}/history`),
    kbDiff: members(`/kb/articles/${d.article}/diff?from=2&to=3`),
    bookmarks: members('/bookmarks'),
    spaceDocument: everyone(`/spaces/${d.space}/documents/${d.doc}`),

    // newsletters: audience and consent (issue 13, n2). The unsubscribe page opened
    // without its link's token says where it comes from.
    newsletterPrefs: members('/me/newsletters'),
    unsubscribe: everyone('/unsubscribe'),
    newsletterAudience: { admin: ['/newsletters/audience'] },

    // newsletters: results and the calendar (issue 13, n4); a newsletter's results
    // page with no such newsletter says so.
    newsletterCalendar: { admin: ['/newsletters/calendar'] },
    newsletterResults: { admin: ['/newsletters/nl_unknown/results'] },

    // newsletters: writing (issue 13, n1): the admin writes them; members read the archive.
    newsletters: { admin: ['/newsletters'] },
    newsletterEditor: { admin: ['/newsletters/new', { url: '/newsletters/nl_nope', notFound: true }] },
    newsletterArchive: members('/newsletters/archive'),
    newsletterArchived: {
      member: [{ url: '/newsletters/archive/nl_nope', notFound: true }],
      moderator: [{ url: '/newsletters/archive/nl_nope', notFound: true }],
      agent: [{ url: '/newsletters/archive/nl_nope', notFound: true }],
      admin: [{ url: '/newsletters/archive/nl_nope', notFound: true }],
    },

    // KPIs (issue 14): the admin reads and manages them (tests/browser/kpis.cjs follows
    // the marketer too); an unknown health check is not found.
    kpis: { admin: ['/kpis'] },
    kpisParticipation: { admin: ['/kpis/participation'] },
    kpisHealthChecks: { admin: ['/kpis/health-checks'] },
    kpisHealthCheck: { admin: [{ url: '/kpis/health-checks/hc_nope', notFound: true }] },
    kpisManage: { admin: ['/kpis/manage'] },

    // Search (issue 15): the results of a word found in names, posts, comments, profiles
    // and tickets, each reader seeing what they may; the staff's analytics.
    search: {
      visitor: ['/search?q=synchronisation'],
      member: ['/search?q=synchronisation', '/search?q=synchronisation&kind=question'],
      moderator: ['/search?q=synchronisation'],
      agent: ['/search?q=synchronisation'],
      admin: ['/search?q=synchronisation&kind=discussion'],
    },
    searchAnalytics: { moderator: ['/search/analytics'], agent: ['/search/analytics'], admin: ['/search/analytics'] },
  };
}

// Unknown addresses: the not-found page for everyone (a visitor asking for a page of
// members is asked to sign in instead, which the visits of those pages do not cover).
const unknown = {
  visitor: ['/no/such/page', '/spaces/unknown-space', '/posts/unknown-post'],
  member: ['/no/such/page', '/spaces/unknown-space', '/posts/unknown-post', '/tickets/unknown-ticket', '/members/unknown-member', '/admin'],
  moderator: ['/support'],
  agent: ['/moderation'],
  admin: ['/spaces/a/b'],
};

// plan turns the visits into a list, checking that every route is visited by every role
// that may see it and that each address is the route it claims.
function plan(d) {
  const visits = visitsOf(d);
  const list = [];
  const missing = [];
  for (const r of routes) {
    for (const persona of Object.keys(personas)) {
      if (!mayView(r, d.actions[persona])) continue;
      const urls = visits[r.name]?.[persona] ?? [];
      if (urls.length === 0) missing.push(`${r.path} as ${persona}`);
      urls.forEach((u, i) => {
        const v = typeof u === 'string' ? { url: u } : u;
        const m = matchRoute(v.url.split('#')[0].split('?')[0]);
        if (!m || m.name !== r.name) fail(`the visit ${v.url} is not the route ${r.path}`);
        list.push({ persona, route: r.name, name: `${r.name}${urls.length > 1 ? i + 1 : ''}`, ...v });
      });
    }
  }
  for (const name of Object.keys(visits)) if (!routes.some((r) => r.name === name)) fail(`tests/browser/pages.cjs visits a route web/src/routes.ts does not have: ${name}`);
  if (missing.length) fail(`pages no test visits (add them to visitsOf in tests/browser/pages.cjs):\n  ${missing.join('\n  ')}`);
  for (const [persona, urls] of Object.entries(unknown)) urls.forEach((url, i) => list.push({ persona, route: 'not-found', name: `not-found${i + 1}`, url, notFound: true }));
  return list;
}

// Every key and key path of the sentences (nav.main, postKinds, notificationsNav...),
// and every problem code: none of them may show on a page.
function keysOf(obj, prefix = '', out = new Set()) {
  for (const [k, v] of Object.entries(obj)) {
    out.add(k);
    if (prefix) out.add(prefix + k);
    if (v && typeof v === 'object') keysOf(v, `${prefix}${k}.`, out);
  }
  return out;
}
const keys = [...keysOf(strings.en)].filter((k) => /[A-Z_.]/.test(k.replace(/^[A-Z]/, '')));

// inspect runs in the page: what sticks out sideways, and what text looks like a key.
function inspect(keys) {
  const vw = document.documentElement.clientWidth;
  const overflow = [];
  const de = document.documentElement;
  if (de.scrollWidth > vw) overflow.push(`the page is ${de.scrollWidth}px wide in a ${vw}px window`);
  const card = document.querySelector('main.card')?.getBoundingClientRect();
  // A box that scrolls by itself keeps what is inside it, and so does a visually hidden
  // one (1 px, clipped); clipping anything larger would hide the overflow, not fix it.
  const kept = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || (o !== 'visible' && a.getBoundingClientRect().width <= 2)) return true;
    }
    return false;
  };
  const describe = (el, r) => {
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    const text = (el.textContent || '').trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}> "${text}" spans ${Math.round(r.left)}..${Math.round(r.right)}px`;
  };
  const outside = (el, r) => {
    const inCard = card && el.closest('main.card');
    const left = inCard ? card.left : 0;
    const right = inCard ? card.right : vw;
    return r.right > right + 1 || r.left < left - 1;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || !outside(el, r) || kept(el)) continue;
    if (offenders.some((o) => o.contains(el))) continue;
    offenders.push(el);
    overflow.push(describe(el, r));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || el.closest('script,style,select,textarea')) continue;
    if (!el.checkVisibility()) continue;
    if (!el.closest('.post-body,pre,code,.rules-text,.bio,.message')) texts.push(n.textContent);
    if (offenders.some((o) => o.contains(el)) || kept(n)) continue;
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && outside(el, r)) {
        overflow.push(`text "${n.textContent.trim().slice(0, 40)}" in ${describe(el, r)}`);
        offenders.push(el);
        break;
      }
    }
  }
  for (const el of document.querySelectorAll('[aria-label],[alt],[title],[placeholder],option')) {
    if (el.tagName === 'OPTION' ? !el.parentElement.closest('select')?.checkVisibility() : !el.checkVisibility()) continue;
    for (const a of ['aria-label', 'alt', 'title', 'placeholder']) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    if (el.tagName === 'OPTION') texts.push(el.textContent);
  }
  const keySet = new Set(keys);
  const raw = new Set();
  for (const t of texts) {
    if (/\[object Object\]|\{\{|\$\{/.test(t)) raw.add(t.trim().slice(0, 60));
    for (const token of t.match(/[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z]/g) ?? []) {
      if (/^(undefined|null|NaN)$/.test(token) || /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(token) || keySet.has(token) || /^[a-z]{1,2}_[A-Z0-9]{20,}$/.test(token)) {
        raw.add(token);
      }
    }
  }
  return { overflow, raw: [...raw], h1: document.querySelector('h1')?.textContent ?? '' };
}

async function main() {
  const browser = await launch();
  const problems = [];
  let pagesSeen = 0;
  const timing = { load: 0, inspect: 0, shot: 0 };
  const shotInFrench = new Set();
  let shotCount = 0;
  try {
    const ctxs = {};
    for (const p of Object.keys(personas)) ctxs[p] = await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 667 } });
    const data = await seed(ctxs);
    const list = plan(data);
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)}s; ${list.length} visits, each in 2 languages at 2 widths`);

    for (const [persona, ctx] of Object.entries(ctxs)) {
      if (process.env.PERSONAS && !process.env.PERSONAS.split(',').includes(persona)) continue;
      const page = await ctx.newPage();
      trackRequests(page);
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      for (const lang of ['en', 'fr']) {
        const s = strings[lang];
        // The language is chosen as a reader does, in the header's switch (writing the
        // saved choice directly raced the app's own save of its first language), and the
        // next full load must keep it.
        await page.goto(base + '/');
        await page.locator('label.lang select').selectOption(lang);
        await page.waitForFunction((l) => document.documentElement.lang === l && localStorage.getItem('tribune.lang') === l, lang);
        await page.goto(base + '/');
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
        await settle(page);
        // The header in both languages for the member and the admin (the most links).
        if (persona !== 'visitor' && (lang === 'en' || persona === 'member' || persona === 'admin')) await checkMenu(page, s, `${persona}-${lang}`, problems);
        for (const v of list.filter((x) => x.persona === persona)) {
          let t0 = Date.now();
          await page.setViewportSize({ width: 375, height: 667 });
          // In-app navigation, as a click on a link does (the first page of each
          // language is a full load).
          await page.evaluate((url) => {
            history.pushState(null, '', url);
            dispatchEvent(new PopStateEvent('popstate'));
          }, v.url);
          await settle(page);
          // A page that draws nothing while its data loads (no aria-busy: the campaign's
          // page) may still be blank when the network went quiet, on a busy machine: its
          // requests start after the first paint, and its answer is read and drawn after
          // the request finished. Its heading is waited for; a page that never shows one
          // still fails below ("moderator-campaign-en-375 has no heading" on int14).
          await page.waitForFunction(() => !!document.querySelector('h1'), null, { timeout: 5000 }).catch(() => undefined);
          await settle(page);
          timing.load += Date.now() - t0;
          // Closed sections (space management, moderator tools) are opened: what they
          // hold must fit too.
          await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
          for (const width of [375, 1280]) {
            const tag = `${persona}-${v.name}-${lang}-${width}`;
            // Layout follows the new width at the next measurement (no script here waits
            // for a resize).
            if (width !== 375) await page.setViewportSize({ width, height: 800 });
            t0 = Date.now();
            const found = await page.evaluate(inspect, keys);
            timing.inspect += Date.now() - t0;
            pagesSeen++;
            for (const o of found.overflow) problems.push(`${tag} (${v.url}): overflow: ${o}`);
            if (found.raw.length) problems.push(`${tag} (${v.url}): raw keys or ids shown: ${found.raw.join(', ')}`);
            const isNotFound = found.h1 === s.notFoundTitle;
            if (v.notFound && !isNotFound) problems.push(`${tag} (${v.url}): shows "${found.h1}", not the not-found page ("${s.notFoundTitle}")`);
            if (!v.notFound && isNotFound) problems.push(`${tag} (${v.url}): shows the not-found page`);
            if (!found.h1) problems.push(`${tag} (${v.url}): the page has no heading`);
            // Every visit in English; in French, each page once (screenshots are most of
            // the run's time).
            if (lang === 'en' || !shotInFrench.has(`${v.route}-${width}`)) {
              if (lang === 'fr') shotInFrench.add(`${v.route}-${width}`);
              t0 = Date.now();
              await page.screenshot({ path: path.join(shots, `${tag}.png`), fullPage: true });
              timing.shot += Date.now() - t0;
              shotCount++;
            }
          }
        }
      }
      if (errors.length) problems.push(`${persona}: errors in the page: ${errors.join('; ')}`);
      await ctx.close();
    }
  } finally {
    await browser.close();
  }
  const sec = (ms) => `${(ms / 1000).toFixed(1)}s`;
  console.log(`${pagesSeen} page views checked in ${sec(Date.now() - started)} (loading ${sec(timing.load)}, checking ${sec(timing.inspect)}, ${shotCount} screenshots ${sec(timing.shot)}); screenshots in ${shots}`);
  if (problems.length) fail(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  console.log('browser every page: ok');
}

// checkMenu checks the header on a phone and on a wide screen: the language switch in
// sight, a short header, and a menu button that opens with the mouse and the keyboard
// and closes on Escape and on navigation.
async function checkMenu(page, s, tag, problems) {
  const say = (msg) => problems.push(`${tag}: header: ${msg}`);
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto(base + '/');
  await settle(page);
  const button = page.getByRole('button', { name: s.menu });
  const nav = page.getByRole('navigation', { name: s.nav.main });
  if (!(await page.getByLabel(s.language).isVisible())) say('the language switch is not in sight on a phone');
  const height = await page.locator('header').evaluate((h) => h.getBoundingClientRect().height);
  if (height > 0.12 * 667) say(`the header is ${Math.round(height)}px high on a 667px phone screen`);
  if (!(await button.isVisible())) return say('no menu button on a phone');
  if ((await button.getAttribute('aria-expanded')) !== 'false') say('the menu button does not say it is closed');
  if (await nav.isVisible()) say('the links show on a phone with the menu closed');
  await button.click();
  if ((await button.getAttribute('aria-expanded')) !== 'true' || !(await nav.isVisible())) say('the menu does not open');
  const found = await page.evaluate(inspect, keys);
  for (const o of found.overflow) say(`overflow with the menu open: ${o}`);
  await page.screenshot({ path: path.join(shots, `${tag}-menu-open-375.png`) });
  await page.keyboard.press('Escape');
  if ((await button.getAttribute('aria-expanded')) !== 'false' || (await nav.isVisible())) say('Escape does not close the menu');
  if (!(await button.evaluate((b) => b === document.activeElement))) say('after Escape, focus is not back on the menu button');
  // From the keyboard: Enter opens, Tab reaches the links, Enter follows one and closes.
  await page.keyboard.press('Enter');
  if ((await button.getAttribute('aria-expanded')) !== 'true') say('Enter on the menu button does not open it');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  if (focused !== '/members') say(`the second Tab after opening reaches ${focused}, not the second link`);
  await page.keyboard.press('Enter');
  await page.waitForURL(base + '/members');
  if ((await button.getAttribute('aria-expanded')) !== 'false' || (await nav.isVisible())) say('following a link does not close the menu');
  await page.setViewportSize({ width: 1280, height: 800 });
  if (await button.isVisible()) say('a menu button on a wide screen');
  if (!(await nav.isVisible())) say('the links are not in sight on a wide screen');
  if (!(await page.getByLabel(s.language).isVisible())) say('the language switch is not in sight on a wide screen');
}

run(main);
