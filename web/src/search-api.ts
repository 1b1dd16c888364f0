// The search routes of issue 15 (docs/api.md, "Search"; docs/search.md): the search,
// the composers' "before you ask" suggestions, click-through and the staff's analytics.
// Their types are the generated ones (api.gen.ts, from the Go route table).
import { ApiError } from './api';
import type { components } from './api.gen';

type Schemas = components['schemas'];

export type SearchAnswer = Schemas['SearchAnswer'];
export type SearchResult = Schemas['SearchResult'];
export type SearchFacet = Schemas['SearchFacet'];
export type HighlightPart = Schemas['Part'];
export type Suggestions = Schemas['SuggestAnswer'];
export type SearchAnalytics = Schemas['SearchReport'];
export type QueryCount = Schemas['QueryCount'];

// The filters of a search as the address and the API name them (one value each: the
// API refuses a repeated parameter). Dates are YYYY-MM-DD days.
export const filterNames = ['kind', 'space', 'author', 'from', 'to', 'solved', 'status'] as const;
export type FilterName = (typeof filterNames)[number];
export type SearchParams = { q: string } & Partial<Record<FilterName, string>>;

// readSearchParams reads a search's address (/search?q=…&kind=…): the query as typed and
// each filter given (empty ones left out).
export function readSearchParams(search: string): SearchParams {
  const qs = new URLSearchParams(search);
  const out: SearchParams = { q: qs.get('q') ?? '' };
  for (const f of filterNames) {
    const v = qs.get(f);
    if (v) out[f] = v;
  }
  return out;
}

// searchPath is the results page's address of a search (the query, then its filters).
export function searchPath(p: SearchParams): string {
  const qs = new URLSearchParams();
  if (p.q) qs.set('q', p.q);
  for (const f of filterNames) if (p[f]) qs.set(f, p[f] as string);
  const text = qs.toString();
  return text ? `/search?${text}` : '/search';
}

// goSearch shows a search's results page: a new history entry (back returns to the page
// before), heard by the router and by an open results page through popstate.
export function goSearch(p: SearchParams) {
  const to = searchPath(p);
  if (location.pathname + location.search === to) return;
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

// send calls a search route; problem+json answers become ApiError.
async function send<T>(method: string, url: string, body?: unknown, keepalive = false): Promise<T> {
  let resp: Response;
  try {
    resp = await fetch(url, {
      method,
      credentials: 'same-origin',
      keepalive,
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!resp.ok) {
    let code = 'internal';
    let field: string | undefined;
    try {
      const p = await resp.json();
      if (typeof p.code === 'string') code = p.code;
      if (typeof p.field === 'string') field = p.field;
    } catch {
      /* not a problem document */
    }
    throw new ApiError(resp.status, code, field);
  }
  return resp.status === 204 ? (undefined as T) : ((await resp.json()) as T);
}

const query = (o: Record<string, string | number | undefined>) => {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') qs.set(k, String(v));
  return qs.toString();
};

export const searchApi = {
  // search: one page of results from offset; facets: with the facet counts (the first page).
  search: (p: SearchParams, offset: number, facets: boolean, size = 20) =>
    send<SearchAnswer>('GET', `/api/search?${query({ ...p, offset: offset || undefined, size, facets: facets ? 1 : undefined })}`),
  // suggest: the closest solved questions (and articles) for a composer.
  // suggestionId: the one this composer was last given, so its session goes on (one
  // composer session however many pauses in typing).
  suggest: (q: string, forWhat: 'question' | 'ticket', space?: string, suggestionId?: string) =>
    send<Suggestions>('GET', `/api/search/suggest?${query({ q, for: forWhat, space, suggestionId })}`),
  // click counts a click on a result (keepalive: it survives the navigation it precedes).
  click: (searchId: string, resultId: string, position: number) =>
    send<void>('POST', '/api/search/clicks', { searchId, resultId, position }, true).catch(() => undefined),
  analytics: (from: string, to: string) => send<SearchAnalytics>('GET', `/api/search/analytics?${query({ from, to })}`),
};
