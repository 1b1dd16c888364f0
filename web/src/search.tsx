// Search in the web app (issue 15; docs/search.md): the header's search box, the results
// page (/search?q=&kind=&space=…: the address keeps the query and the filters, so back,
// forward, a reload and a shared link show the same search), and the results' parts.
// The composers' "before you ask" is in search-suggest.tsx, the staff's analytics page in
// search-analytics.tsx.
import { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatDate, Lang, strings } from './i18n';
import { filterNames, FilterName, goSearch, HighlightPart, readSearchParams, SearchAnswer, searchApi, SearchFacet, SearchParams, searchPath, SearchResult } from './search-api';
import { useFocusHeading } from './signin';
import { codeOf } from './ui';
import { errorText } from './i18n';

type Nav = (path: string) => void;
type S = (typeof strings)['en'];

// The longest query the engine takes (shared/search: ErrQueryTooLong over 200 characters).
export const maxQuery = 200;

// typingInField: the key was pressed while writing somewhere (a field, a select, an
// editable text): "/" is then a character, not the search shortcut.
function typingInField(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
}

// HeaderSearch is the search box of every page's header: a form (role search) that opens
// the results page. On wide screens it stands in the header; on phones (below 60rem) an
// icon button opens it as a row under the header. "/" focuses it from anywhere but a
// field. Escape puts back the text of the results page shown (or none) and leaves it:
// on phones it closes and the focus goes back to its button, on wide screens back to
// where it was before the box (or out of the box). Enter with nothing typed says so.
export function HeaderSearch(props: { lang: Lang; path: string }) {
  const s = strings[props.lang].find;
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState(() => (location.pathname === '/search' ? readSearchParams(location.search).q : ''));
  const input = useRef<HTMLInputElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  // hint: Enter was pressed with nothing typed (said under the box until the next key).
  const [hint, setHint] = useState(false);
  // returnTo: what had the focus before the box (a wide screen's Escape gives it back).
  const returnTo = useRef<HTMLElement | null>(null);
  // shownQuery: the query of the results page shown (what Escape puts back).
  const shownQuery = () => (location.pathname === '/search' ? readSearchParams(location.search).q : '');
  // The box shows the query of the results page shown (back and forward too).
  useEffect(() => {
    const sync = () => {
      if (location.pathname === '/search') setQ(readSearchParams(location.search).q);
      setOpen(false);
    };
    addEventListener('popstate', sync);
    return () => removeEventListener('popstate', sync);
  }, []);
  useEffect(() => {
    setOpen(false);
    setHint(false);
  }, [props.path]);
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingInField(e)) return;
      e.preventDefault();
      setOpen(true);
      // The phone's row is drawn by the next render: focus after it.
      requestAnimationFrame(() => input.current?.focus());
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    const text = q.trim();
    if (!text) {
      setHint(true);
      return input.current?.focus();
    }
    setHint(false);
    // A new search keeps no filter of the page shown: the box searches everything.
    goSearch({ q: text });
    input.current?.blur();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    setQ(shownQuery());
    setHint(false);
    setOpen(false);
    // The button stands on phones only (a wide screen hides it: its focus() would do nothing).
    const button = toggle.current;
    if (button && button.getClientRects().length > 0) return button.focus();
    const back = returnTo.current;
    returnTo.current = null;
    if (back && back.isConnected && back !== input.current && back.getClientRects().length > 0) back.focus();
    else input.current?.blur();
  };
  return (
    <div class={open ? 'header-search open' : 'header-search'}>
      <button
        type="button"
        class="search-toggle"
        ref={toggle}
        aria-expanded={open}
        aria-controls="header-search-form"
        onClick={() => {
          const next = !open;
          setHint(false);
          setOpen(next);
          if (next) requestAnimationFrame(() => input.current?.focus());
        }}
      >
        <span class="search-icon" aria-hidden="true" />
        <span class="visually-hidden">{s.open}</span>
      </button>
      <form
        id="header-search-form"
        role="search"
        aria-label={s.landmark}
        onSubmit={submit}
        onFocusIn={(e) => {
          // Where the focus came from, unless from within the box (its button).
          const from = (e as FocusEvent).relatedTarget as HTMLElement | null;
          if (!from || (!(e.currentTarget as HTMLElement).contains(from) && from !== toggle.current)) returnTo.current = from;
        }}
        onFocusOut={(e) => {
          const to = (e as FocusEvent).relatedTarget as Node | null;
          if (!to || !(e.currentTarget as HTMLElement).contains(to)) setHint(false);
        }}
      >
        <label for="header-search-q" class="visually-hidden">
          {s.label}
        </label>
        <input
          id="header-search-q"
          ref={input}
          type="search"
          name="q"
          value={q}
          maxLength={maxQuery}
          autocomplete="off"
          enterKeyHint="search"
          aria-keyshortcuts="/"
          aria-describedby={hint ? 'header-search-hint' : undefined}
          onInput={(e) => {
            setQ((e.currentTarget as HTMLInputElement).value);
            setHint(false);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" class="search-submit">
          <span class="search-icon" aria-hidden="true" />
          <span class="visually-hidden">{s.landmark}</span>
        </button>
        {/* Always there (a status region is heard when its text comes), empty until Enter finds nothing typed. */}
        <p id="header-search-hint" class="search-hint" role="status">
          {hint ? s.typeWord : ''}
        </p>
      </form>
    </div>
  );
}

// Highlight writes a fragment's parts as text, the matched words in <mark> (never HTML:
// the parts are text, so a title with markup shows its characters).
export function Highlight(props: { parts: HighlightPart[] }) {
  return (
    <>
      {props.parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : p.text))}
    </>
  );
}

// kindName is a result's kind in the reader's language (an unknown kind's word, never a key).
export const kindName = (s: S, kind: string) => s.find.kinds[kind] ?? s.postKinds[kind] ?? kind.replace(/_/g, ' ');

// ResultTitle is the API's title as it is, with the highlights of its first title
// fragment where that fragment stands in it (a ticket's title is "#1003 " and its
// subject, the subject alone highlighted); a fragment that is not part of the title
// leaves the plain title.
function ResultTitle(props: { r: SearchResult }) {
  const title = props.r.title;
  const frag = props.r.highlights?.title?.[0];
  const words = frag?.map((p) => p.text).join('') ?? '';
  const at = words ? title.indexOf(words) : -1;
  if (!frag || at < 0) return <>{title}</>;
  return (
    <>
      {title.slice(0, at)}
      <Highlight parts={frag} />
      {title.slice(at + words.length)}
    </>
  );
}

// ResultLink opens a result: counts the click (POST /api/search/clicks, kept alive
// through the navigation) then shows its page; a click with a modifier (new tab, new
// window) is left to the browser, counted too. newTab: the composers' suggestions, which
// open beside the draft.
export function ResultLink(props: { r: SearchResult; searchId: string; position: number; navigate?: Nav; newTab?: string; children: ComponentChildren }) {
  const count = () => {
    if (props.searchId) searchApi.click(props.searchId, props.r.id, props.position);
  };
  if (props.newTab)
    return (
      <a href={props.r.url} target="_blank" rel="noopener" onClick={count} onAuxClick={count}>
        {props.children}
        <span class="visually-hidden"> {props.newTab}</span>
      </a>
    );
  return (
    <a
      href={props.r.url}
      onAuxClick={count}
      onClick={(e) => {
        count();
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0 || !props.navigate) return;
        e.preventDefault();
        props.navigate(props.r.url);
      }}
    >
      {props.children}
    </a>
  );
}

// Badges are what a result is besides its words: solved, accepted answer, staff, an
// idea's status.
export function Badges(props: { lang: Lang; r: SearchResult }) {
  const s = strings[props.lang];
  const r = props.r;
  const out: ComponentChildren[] = [];
  if (r.kind === 'question' || r.kind === 'ticket') {
    out.push(
      <span key="solved" class={r.solved ? 'badge solved' : 'badge unsolved'}>
        {r.solved ? s.find.solved : s.find.notSolved}
      </span>,
    );
  }
  if (r.accepted) out.push(<span key="accepted" class="badge accepted">{s.find.accepted}</span>);
  if (r.staff) out.push(<span key="staff" class="badge staff-badge">{s.find.staff}</span>);
  if (r.ideaStatus) out.push(<span key="idea" class="badge idea">{s.find.ideaStatus(s.ideaStatuses[r.ideaStatus] ?? r.ideaStatus)}</span>);
  return out.length ? <span class="search-badges">{out}</span> : null;
}

// ResultItem is one result: kind, title, highlights (or excerpt), where, who, when, badges.
function ResultItem(props: { lang: Lang; r: SearchResult; searchId: string; position: number; navigate: Nav }) {
  const s = strings[props.lang];
  const r = props.r;
  const body = r.highlights?.body ?? [];
  const meta = [
    r.spaceName && r.kind !== 'space' ? s.find.inSpace(r.spaceName) : '',
    r.author?.name && r.kind !== 'member' ? s.find.by(r.author.name) : '',
    r.createdAt ? s.find.on(formatDate(props.lang, r.createdAt)) : '',
  ].filter(Boolean);
  return (
    <li class="search-result">
      <span class={`badge kind-${r.kind}`}>{kindName(s, r.kind)}</span>
      <Badges lang={props.lang} r={r} />
      <h2 class="search-title">
        <ResultLink r={r} searchId={props.searchId} position={props.position} navigate={props.navigate}>
          <ResultTitle r={r} />
        </ResultLink>
      </h2>
      {body.length > 0 ? (
        // One fragment, the best: a second is often the same words again (a quote).
        <p class="search-snippet">
          <Highlight parts={body[0]} />
        </p>
      ) : r.excerpt ? (
        <p class="search-snippet">{r.excerpt}</p>
      ) : null}
      {meta.length > 0 && <p class="muted search-meta">{meta.join(' · ')}</p>}
    </li>
  );
}

// The facets the sidebar shows, in order, and the filter each sets.
const facetFilters: { facet: string; filter: FilterName }[] = [
  { facet: 'kind', filter: 'kind' },
  { facet: 'space', filter: 'space' },
  { facet: 'solved', filter: 'solved' },
  { facet: 'status', filter: 'status' },
  { facet: 'author', filter: 'author' },
];

// facetLabel is a facet value's name in the reader's language: a kind, a solved state,
// an idea status by its sentence; a space or author by the label the API gives.
function facetLabel(s: S, facet: string, f: SearchFacet): string {
  if (facet === 'kind') return kindName(s, f.value);
  if (facet === 'solved') return s.find.solvedValues[f.value] ?? f.value;
  if (facet === 'status') return s.ideaStatuses[f.value] ?? f.value;
  return f.label || f.value;
}

// monthBounds are a "YYYY-MM" month's first and last days.
function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

// monthName is a "YYYY-MM" month as a label ("December 2026", "Décembre 2026": a French
// month takes a capital only at the start of a label).
const monthName = (lang: Lang, month: string) => {
  const text = new Date(`${month}-01T00:00:00Z`).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { year: 'numeric', month: 'long', timeZone: 'UTC' });
  return text.charAt(0).toUpperCase() + text.slice(1);
};

// Filters is the sidebar (wide screens) or disclosure (phones) of filters with their
// facet counts: each value a toggle button (pressed: applied; press again to remove),
// the dates as a range; each change is a new search (a new history entry).
function Filters(props: { lang: Lang; params: SearchParams; facets: Record<string, SearchFacet[]>; onChange: (p: SearchParams) => void }) {
  const s = strings[props.lang];
  const p = props.params;
  const applied = filterNames.filter((f) => p[f]).length - (p.from && p.to ? 1 : 0);
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(p.from ?? '');
  const [to, setTo] = useState(p.to ?? '');
  const [dateProblem, setDateProblem] = useState(false);
  useEffect(() => {
    setFrom(p.from ?? '');
    setTo(p.to ?? '');
    setDateProblem(false);
  }, [p.from, p.to]);
  const set = (filter: FilterName, value: string | undefined) => props.onChange({ ...p, [filter]: value });
  const group = (facet: string, filter: FilterName) => {
    let values = props.facets[facet] ?? [];
    // A filter applied keeps its button (to remove it) even when its facet lacks it.
    if (p[filter] && !values.some((v) => v.value === p[filter])) values = [{ value: p[filter] as string, label: p[filter] as string, count: 0 }, ...values];
    if (values.length === 0) return null;
    const id = `facet-${facet}`;
    return (
      <div class="facet" key={facet}>
        <h3 id={id}>{s.find.facetNames[facet]}</h3>
        <ul aria-labelledby={id}>
          {values.map((v) => {
            const on = p[filter] === v.value;
            const label = facetLabel(s, facet, v);
            return (
              <li key={v.value}>
                <button type="button" class="facet-value" aria-pressed={on} onClick={() => set(filter, on ? undefined : v.value)}>
                  <span class="facet-label">{label}</span> <span class="facet-count">{new Intl.NumberFormat(props.lang).format(v.count)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    );
  };
  const months = props.facets.month ?? [];
  const applyDates = (e: Event) => {
    e.preventDefault();
    if (from && to && from > to) return setDateProblem(true);
    setDateProblem(false);
    props.onChange({ ...p, from: from || undefined, to: to || undefined });
  };
  return (
    <aside class={open ? 'search-filters open' : 'search-filters'} aria-labelledby="search-filters-title">
      <h2 id="search-filters-title" class="search-filters-title">
        {s.find.filters}
      </h2>
      <button type="button" class="secondary filters-toggle" aria-expanded={open} aria-controls="search-filters-body" onClick={() => setOpen(!open)}>
        {open ? s.find.hideFilters : s.find.showFilters}
        <span class="muted"> — {s.find.filtersApplied(applied)}</span>
      </button>
      <div id="search-filters-body" class="search-filters-body">
        {applied > 0 && (
          <button type="button" class="secondary small" onClick={() => props.onChange({ q: p.q })}>
            {s.find.clearFilters}
          </button>
        )}
        {facetFilters.map((f) => group(f.facet, f.filter))}
        <div class="facet">
          <h3 id="facet-dates">{s.find.dates}</h3>
          {months.length > 0 && (
            <ul aria-labelledby="facet-dates">
              {months.slice(0, 12).map((m) => {
                const b = monthBounds(m.value);
                const on = p.from === b.from && p.to === b.to;
                const label = monthName(props.lang, m.value);
                return (
                  <li key={m.value}>
                    <button
                      type="button"
                      class="facet-value"
                      aria-pressed={on}
                      onClick={() => props.onChange({ ...p, from: on ? undefined : b.from, to: on ? undefined : b.to })}
                    >
                      <span class="facet-label">{label}</span> <span class="facet-count">{new Intl.NumberFormat(props.lang).format(m.count)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          <form class="search-dates" onSubmit={applyDates} noValidate aria-labelledby="facet-dates">
            <label for="search-from">{s.find.from}</label>
            <input id="search-from" type="date" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
            <label for="search-to">{s.find.to}</label>
            {/* An end before the start is the end's problem, said under it. */}
            <input id="search-to" type="date" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} {...(dateProblem ? { 'aria-invalid': true, 'aria-describedby': 'search-to-error' } : {})} />
            {dateProblem && (
              <p class="error field-error" role="alert" id="search-to-error">
                {s.find.datesOrder}
              </p>
            )}
            <button type="submit" class="secondary small">
              {s.find.applyDates}
            </button>
          </form>
        </div>
      </div>
    </aside>
  );
}

// SearchPage is the results page. Its search is the address's; a new query or filter is
// a new history entry, so back and forward step through the searches.
export function SearchPage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [params, setParams] = useState<SearchParams>(() => readSearchParams(location.search));
  const [q, setQ] = useState(params.q);
  const [answer, setAnswer] = useState<SearchAnswer>();
  const [results, setResults] = useState<SearchResult[]>([]);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [more, setMore] = useState(false);
  useEffect(() => {
    const onPop = () => {
      if (location.pathname !== '/search') return;
      const next = readSearchParams(location.search);
      setParams(next);
      setQ(next.q);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const hasFilter = filterNames.some((f) => params[f]);
  useEffect(() => {
    setProblem(undefined);
    setResults([]);
    setAnswer(undefined);
    if (!params.q.trim() && !hasFilter) return;
    let live = true;
    setBusy(true);
    searchApi.search(params, 0, true).then(
      (a) => {
        if (!live) return;
        setAnswer(a);
        setResults(a.results);
        setBusy(false);
      },
      (e) => {
        if (!live) return;
        setProblem(codeOf(e));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [searchKey(params)]);
  const loadMore = () => {
    if (!answer || answer.next == null) return;
    setMore(true);
    searchApi.search(params, answer.next, false, 20, answer.searchId).then(
      (a) => {
        setResults((r) => [...r, ...a.results]);
        // The first page's facets and searchId stay: the click of a later result counts for the search made.
        setAnswer({ ...answer, next: a.next, total: a.total });
        setMore(false);
      },
      (e) => {
        setProblem(codeOf(e));
        setMore(false);
      },
    );
  };
  const submit = (e: Event) => {
    e.preventDefault();
    goSearch({ ...params, q: q.trim() });
  };
  const title = params.q ? s.find.titleFor(params.q) : s.find.title;
  useEffect(() => {
    document.title = `${title} – ${s.title}`;
    return () => {
      document.title = s.title;
    };
  }, [title]);
  const facets = answer?.facets ?? {};
  const total = answer?.total ?? 0;
  return (
    <section class="search-page">
      <h1 tabIndex={-1} ref={heading} class="wrap">
        {title}
      </h1>
      <form role="search" aria-label={s.find.pageLandmark} class="search-again" onSubmit={submit}>
        <label for="search-q">{s.find.label}</label>
        <div class="search-row">
          <input id="search-q" type="search" value={q} maxLength={maxQuery} autocomplete="off" enterKeyHint="search" onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit">{s.find.submit}</button>
        </div>
      </form>
      {!params.q.trim() && !hasFilter && <p>{s.find.prompt}</p>}
      {problem && (
        <p class="error" role="alert">
          {errorText(s, problem)}
        </p>
      )}
      {/* A filter the API refuses (one typed in the address): the way out, since no filter panel shows. */}
      {problem && badFilterCodes.includes(problem) && hasFilter && (
        <p>
          <a
            class="clear-filters"
            href={searchPath({ q: params.q })}
            onClick={(e) => {
              e.preventDefault();
              goSearch({ q: params.q });
            }}
          >
            {s.find.clearFilters}
          </a>
        </p>
      )}
      {busy && <p aria-busy="true">{s.loading}</p>}
      {answer && (
        <div class="search-layout">
          <Filters lang={props.lang} params={params} facets={facets} onChange={goSearch} />
          <div class="search-results">
            <p role="status" class="search-total">
              {results.length < total ? s.find.shown(results.length, total) : s.find.total(total)}
            </p>
            {total === 0 ? (
              <NoResults lang={props.lang} params={params} filtered={hasFilter} />
            ) : (
              <ol class="search-list" aria-label={title}>
                {results.map((r, i) => (
                  <ResultItem key={r.id} lang={props.lang} r={r} searchId={answer.searchId} position={i + 1} navigate={props.navigate} />
                ))}
              </ol>
            )}
            {answer.next != null && results.length < total && (
              <button type="button" class="secondary" onClick={loadMore} disabled={more} aria-busy={more ? 'true' : undefined}>
                {more ? s.find.loadingMore : s.find.more}
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

// badFilterCodes are the API's problems with a filter of the address (docs/api.md, "Search").
const badFilterCodes = ['search_bad_filter', 'search_bad_dates'];

// searchKey is a search's identity for the effect that runs it.
const searchKey = (p: SearchParams) => JSON.stringify([p.q, ...filterNames.map((f) => p[f] ?? '')]);

// NoResults says nothing matched, with tips (and the way out of the filters).
function NoResults(props: { lang: Lang; params: SearchParams; filtered: boolean }) {
  const s = strings[props.lang].find;
  return (
    <div class="no-results">
      <p>
        <strong>{s.noResults(props.params.q)}</strong> {props.filtered && s.noResultsFiltered}
      </p>
      <p>{s.tipsTitle}</p>
      <ul>
        {s.tips.map((t) => (
          <li key={t}>{t}</li>
        ))}
        {props.filtered && (
          <li>
            <a
              href={`/search?q=${encodeURIComponent(props.params.q)}`}
              onClick={(e) => {
                e.preventDefault();
                goSearch({ q: props.params.q });
              }}
            >
              {s.tipClear}
            </a>
          </li>
        )}
      </ul>
    </div>
  );
}
