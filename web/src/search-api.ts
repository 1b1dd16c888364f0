// The search routes of issue 15 (docs/api.md, "Search"; docs/search.md): the search,
// the composers' "before you ask" suggestions, click-through and the staff's analytics.
// Their types are the generated ones (api.gen.ts, from the Go route table).
import { call } from './api';
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

// text is a query parameter's value as the generated types want it (unset and empty
// ones are left out by call).
const text = (v: string | number | undefined) => (v === undefined || v === '' ? undefined : String(v));

export const searchApi = {
  // search: one page of results from offset; facets: with the facet counts (the first page);
  // searchId: a further page's, the first page's searchId (its results' clicks count as
  // that search's).
  search: (p: SearchParams, offset: number, facets: boolean, size = 20, searchId?: string) =>
    call('get', '/api/search', {
      query: { q: p.q, kind: p.kind, space: p.space, author: p.author, from: p.from, to: p.to, solved: p.solved, status: p.status,
        offset: text(offset || undefined), size: text(size), facets: facets ? '1' : undefined, searchId: offset ? text(searchId) : undefined },
    }),
  // suggest: the closest solved questions (and articles) for a composer.
  // suggestionId: the one this composer was last given, so its session goes on (one
  // composer session however many pauses in typing).
  suggest: (q: string, forWhat: 'question' | 'ticket', space?: string, suggestionId?: string) =>
    call('get', '/api/search/suggest', { query: { q, for: forWhat, space: text(space), suggestionId: text(suggestionId) } }),
  // click counts a click on a result (keepalive: it survives the navigation it precedes).
  click: (searchId: string, resultId: string, position: number) =>
    call('post', '/api/search/clicks', { body: { searchId, resultId, position }, keepalive: true }).catch(() => undefined),
  analytics: (from: string, to: string) => call('get', '/api/search/analytics', { query: { from, to } }),
};
