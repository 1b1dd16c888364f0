// The page-view beacon (docs/kpis.md): on every page shown, a tiny same-origin POST to
// /api/beacon with the page's path, a referrer tag (?ref=newsletter) and whether this
// is the first page of the tab (a session starts). No cookie is set: the tab's first
// page is remembered in sessionStorage, which ends with the tab. A failure is ignored.

const tabKey = 'tribune.beacon.tab';
const refPattern = /^[a-z0-9-]{1,32}$/;

export function sendPageView(path: string) {
  let newSession = false;
  try {
    newSession = sessionStorage.getItem(tabKey) === null;
    sessionStorage.setItem(tabKey, '1');
  } catch {
    // Storage refused (private modes): every page is a tab's first no more than once.
  }
  const ref = new URLSearchParams(location.search).get('ref') ?? '';
  const body: { path: string; ref?: string; newSession?: boolean } = { path: path.slice(0, 512) };
  if (refPattern.test(ref)) body.ref = ref;
  if (newSession) body.newSession = true;
  const json = JSON.stringify(body);
  try {
    if (navigator.sendBeacon?.('/api/beacon', new Blob([json], { type: 'application/json' }))) return;
  } catch {
    // fall back to fetch below
  }
  fetch('/api/beacon', { method: 'POST', body: json, headers: { 'Content-Type': 'application/json' }, keepalive: true, credentials: 'same-origin' }).catch(
    () => undefined,
  );
}
