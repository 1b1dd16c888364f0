import type { Action } from './api';
import type { KpiAction } from './kpis-api';

// Every page of the web app. The router (main.tsx) finds a path's page only through
// this list, and the browser test (tests/browser/pages.cjs) reads it to visit every page
// as every role listed, failing when a page has no visit: a page added here without a
// visit there fails `make test`.
//
// may: who may see the page. 'visitor' is anyone, signed in or not; 'member' is any
// signed-in member; an action of the API's permission table (policy.Action, one of the
// actions GET /api/me answers) is a member allowed it, so the roles behind it are the
// API's to say; 'space-moderator' a member who moderates a space by a space role.
// Anyone else is shown the not-found page (a visitor, for a page of
// members, the sign-in page).
export const routes = [
  { name: 'home', path: '/', may: ['visitor'] },
  { name: 'signInLink', path: '/sign-in/link', may: ['visitor'] },
  { name: 'invitation', path: '/invite/:code', may: ['visitor'] },
  { name: 'space', path: '/spaces/:id', may: ['visitor'] },
  { name: 'post', path: '/posts/:id', may: ['visitor'] },
  { name: 'ticket', path: '/tickets/:id', may: ['member'] },
  { name: 'directory', path: '/members', may: ['member'] },
  { name: 'member', path: '/members/:id', may: ['member'] },
  { name: 'profile', path: '/me/profile', may: ['member'] },
  { name: 'sessions', path: '/me/sessions', may: ['member'] },
  { name: 'notifications', path: '/notifications', may: ['member'] },
  { name: 'support', path: '/support', may: ['tickets.work'] },
  // 'space-moderator': a member who moderates a space by a space role (main.tsx).
  { name: 'moderation', path: '/moderation', may: ['content.moderate', 'space-moderator'] },
  // The admin page: its forms (invitations in bulk, the community's and support's settings).
  { name: 'admin', path: '/admin', may: ['invitations.staff', 'community.settings', 'support.settings'] },
  // Campaigns (issue 12, r2): the members' pages, and those who run campaigns' (listed
  // before /campaigns/:id, which would take "manage" for an id).
  { name: 'campaigns', path: '/campaigns', may: ['member'] },
  { name: 'campaignsAdmin', path: '/campaigns/manage', may: ['campaigns.manage'] },
  { name: 'campaignAdmin', path: '/campaigns/manage/:id', may: ['campaigns.manage'] },
  { name: 'campaign', path: '/campaigns/:id', may: ['member'] },

  // Rewards: catalogue, redemptions, orders (issue 12, r3): the catalogue, the member's
  // orders, and the staff's page of gifts, stock and orders.
  { name: 'catalogue', path: '/rewards/catalogue', may: ['member'] },
  { name: 'orders', path: '/rewards/orders', may: ['member'] },
  { name: 'catalogueAdmin', path: '/rewards/admin/catalogue', may: ['rewards.catalogue'] },

  // ---- rewards: points, ranks, badges, leaderboard (r1) ----
  { name: 'rewards', path: '/rewards', may: ['member'] },
  { name: 'leaderboard', path: '/leaderboard', may: ['member'] },
  { name: 'rewardsAdmin', path: '/rewards/admin', may: ['rewards.settings', 'rewards.staff'] },

  // ---- newsletters: audience and consent (issue 13, n2): the member's lists, the page
  // a newsletter's unsubscribe link opens (anyone: no sign-in), the staff's audience and lists.
  { name: 'newsletterPrefs', path: '/me/newsletters', may: ['member'] },
  { name: 'unsubscribe', path: '/unsubscribe', may: ['visitor'] },
  { name: 'newsletterAudience', path: '/newsletters/audience', may: ['newsletters.audience'] },

  // ---- newsletters: results and the calendar (issue 13, n4): listed before the
  // writing part's /newsletters/:id, which would take "calendar" for an id.
  { name: 'newsletterCalendar', path: '/newsletters/calendar', may: ['newsletters.results'] },
  { name: 'newsletterResults', path: '/newsletters/:id/results', may: ['newsletters.results'] },

  // ---- newsletters: writing (issue 13, n1): the marketers' list and editor, the
  // members' archive (listed before /newsletters/:id, which would take "archive").
  { name: 'newsletters', path: '/newsletters', may: ['newsletters.write'] },
  { name: 'newsletterArchive', path: '/newsletters/archive', may: ['member'] },
  { name: 'newsletterArchived', path: '/newsletters/archive/:id', may: ['member'] },
  { name: 'newsletterEditor', path: '/newsletters/:id', may: ['newsletters.write'] },

  // ---- KPIs (issue 14): admins and marketers read them (kpis.read); admins freeze the
  // baseline, change the settings and upload sales (kpis.manage).
  { name: 'kpis', path: '/kpis', may: ['kpis.read'] },
  { name: 'kpisParticipation', path: '/kpis/participation', may: ['kpis.read'] },
  { name: 'kpisHealthChecks', path: '/kpis/health-checks', may: ['kpis.read'] },
  { name: 'kpisHealthCheck', path: '/kpis/health-checks/:id', may: ['kpis.read'] },
  { name: 'kpisManage', path: '/kpis/manage', may: ['kpis.manage'] },

  // ---- search (issue 15): the results page for anyone (the API answers what the reader
  // may see: visitors only what the community lets them read); the staff's analytics.
  { name: 'search', path: '/search', may: ['visitor'] },
  { name: 'searchAnalytics', path: '/search/analytics', may: ['search.analytics'] },

  // ---- knowledge base, documents and bookmarks (issue 16): the knowledge base for anyone
  // (the API answers what the reader may read: visitors only the community-wide articles
  // when the community lets visitors read); writing, history and comparisons for members
  // (the API says who may write where: staff, and a space's owner, moderators, experts and
  // editors); /kb/new is listed before /kb/articles/:id. "My bookmarks" for members.
  { name: 'kb', path: '/kb', may: ['visitor'] },
  { name: 'kbNew', path: '/kb/new', may: ['member'] },
  { name: 'kbArticle', path: '/kb/articles/:id', may: ['visitor'] },
  { name: 'kbEdit', path: '/kb/articles/:id/edit', may: ['member'] },
  { name: 'kbHistory', path: '/kb/articles/:id/history', may: ['member'] },
  { name: 'kbDiff', path: '/kb/articles/:id/diff', may: ['member'] },
  { name: 'bookmarks', path: '/bookmarks', may: ['member'] },
  // A document's page (the address of its bookmark and search result): its space's
  // readers (the API decides; visitors those of public spaces when they may read).
  { name: 'spaceDocument', path: '/spaces/:id/documents/:docId', may: ['visitor'] },
] as const satisfies readonly { name: string; path: string; may: readonly (Action | KpiAction | 'visitor' | 'member' | 'space-moderator')[] }[];

export type RouteName = (typeof routes)[number]['name'];

export interface Match {
  name: RouteName;
  may: readonly string[];
  params: Record<string, string>;
}

// matchRoute is the page of a path (with its :params, decoded), or undefined for an
// unknown address. A parameter is one non-empty path segment; a trailing slash is ignored.
export function matchRoute(path: string): Match | undefined {
  const parts = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  for (const r of routes) {
    const want = r.path.split('/');
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      if (want[i].startsWith(':')) {
        if (parts[i] === '') ok = false;
        else {
          try {
            params[want[i].slice(1)] = decodeURIComponent(parts[i]);
          } catch {
            ok = false;
          }
        }
      } else ok = want[i] === parts[i];
    }
    if (ok) return { name: r.name, may: r.may, params };
  }
  return undefined;
}

// routeNamed is the route of a page name.
export const routeNamed = (name: RouteName) => routes.find((r) => r.name === name)!;

// mayView says whether someone allowed actions (GET /api/me's, with 'space-moderator'
// for a member who moderates a space; undefined: a visitor) may see a page.
export function mayView(m: { may: readonly string[] }, actions: readonly string[] | undefined): boolean {
  if (m.may.includes('visitor')) return true;
  if (!actions) return false;
  return m.may.includes('member') || m.may.some((a) => actions.includes(a));
}
