// Every page of the web app. The router (main.tsx) finds a path's page only through
// this list, and the browser test (tests/browser/pages.cjs) reads it to visit every page
// as every role listed, failing when a page has no visit: a page added here without a
// visit there fails `make test`.
//
// roles: who may see the page. 'visitor' is anyone, signed in or not; 'member' is any
// signed-in member; a staff role ('admin', 'moderator', 'support', 'marketer') is a
// member holding it; 'space-moderator' a member who moderates a space by a space role.
// Anyone else is shown the not-found page (a visitor, for a page of
// members, the sign-in page).
export const routes = [
  { name: 'home', path: '/', roles: ['visitor'] },
  { name: 'signInLink', path: '/sign-in/link', roles: ['visitor'] },
  { name: 'invitation', path: '/invite/:code', roles: ['visitor'] },
  { name: 'space', path: '/spaces/:id', roles: ['visitor'] },
  { name: 'post', path: '/posts/:id', roles: ['visitor'] },
  { name: 'ticket', path: '/tickets/:id', roles: ['member'] },
  { name: 'directory', path: '/members', roles: ['member'] },
  { name: 'member', path: '/members/:id', roles: ['member'] },
  { name: 'profile', path: '/me/profile', roles: ['member'] },
  { name: 'sessions', path: '/me/sessions', roles: ['member'] },
  { name: 'notifications', path: '/notifications', roles: ['member'] },
  { name: 'support', path: '/support', roles: ['admin', 'support'] },
  // 'space-moderator': a member who moderates a space by a space role (main.tsx).
  { name: 'moderation', path: '/moderation', roles: ['admin', 'moderator', 'space-moderator'] },
  { name: 'admin', path: '/admin', roles: ['admin', 'marketer'] },
] as const;

export type RouteName = (typeof routes)[number]['name'];

export interface Match {
  name: RouteName;
  roles: readonly string[];
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
    if (ok) return { name: r.name, roles: r.roles, params };
  }
  return undefined;
}

// routeNamed is the route of a page name.
export const routeNamed = (name: RouteName) => routes.find((r) => r.name === name)!;

// mayView says whether someone with roles (undefined: a visitor) may see a page.
export function mayView(m: { roles: readonly string[] }, roles: readonly string[] | undefined): boolean {
  if (m.roles.includes('visitor')) return true;
  if (!roles) return false;
  return m.roles.includes('member') || m.roles.some((r) => roles.includes(r));
}
