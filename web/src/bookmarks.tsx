// Bookmarks (issue 16; docs/knowledge.md, "Bookmarks"): the button on posts, articles
// and documents, and "My bookmarks" (/bookmarks), listed by kind. The API lists only
// what the member may see now.
import { useEffect, useState } from 'preact/hooks';
import { formatDate, Lang, strings } from './i18n';
import { Bookmark, BookmarkKind, bookmarksApi } from './knowledge-api';
import { useFocusHeading } from './signin';
import { codeOf, Done, LoadProblem, Problem } from './ui';

type Nav = (path: string) => void;

// BookmarkButton adds or removes a bookmark (a toggle: aria-pressed says which); title
// names what it bookmarks for screen readers when several stand on one page.
// bookmarked: the state the page knows, else it is read.
export function BookmarkButton(props: { lang: Lang; kind: BookmarkKind; id: string; title?: string; bookmarked?: boolean }) {
  const t = strings[props.lang].kb;
  const [on, setOn] = useState<boolean | undefined>(props.bookmarked);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (props.bookmarked !== undefined) setOn(props.bookmarked);
    else bookmarksApi.get(props.kind, props.id).then((r) => setOn(r.bookmarked), () => setOn(false));
  }, [props.kind, props.id, props.bookmarked]);
  if (on === undefined) return null;
  return (
    <>
      <button
        type="button"
        class="secondary small"
        aria-pressed={on}
        onClick={() => {
          setError(undefined);
          bookmarksApi.set(props.kind, props.id, !on).then((r) => setOn(r.bookmarked), (err) => setError(codeOf(err)));
        }}
      >
        {on ? t.bookmarked : t.bookmark}
        {props.title && <span class="visually-hidden"> {props.title}</span>}
      </button>
      <Problem lang={props.lang} code={error} />
    </>
  );
}

const kinds: BookmarkKind[] = ['article', 'document', 'post'];

// BookmarksPage is "My bookmarks": the member's bookmarks by kind, each a link to what it
// bookmarks, with Remove.
export function BookmarksPage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [list, setList] = useState<Bookmark[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [removed, setRemoved] = useState<string>();
  const load = (cursor?: string) =>
    bookmarksApi.list(undefined, cursor).then(
      (r) => {
        setList((old) => (cursor ? [...(old ?? []), ...r.bookmarks] : r.bookmarks));
        setNext(r.next);
      },
      (err) => setError(codeOf(err)),
    );
  useEffect(() => {
    load();
  }, []);
  if (!list) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const remove = async (b: Bookmark) => {
    setError(undefined);
    setRemoved(undefined);
    try {
      await bookmarksApi.set(b.kind, b.id, false);
      setList(list.filter((x) => !(x.kind === b.kind && x.id === b.id)));
      setRemoved(t.bookmarkRemoved(b.title));
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {t.myBookmarks}
      </h1>
      <p class="muted">{t.bookmarksIntro}</p>
      <Problem lang={props.lang} code={error} />
      <Done show={!!removed} text={removed ?? ''} />
      {list.length === 0 && <p>{t.noBookmarks}</p>}
      {kinds.map((k) => {
        const of = list.filter((b) => b.kind === k);
        if (of.length === 0) return null;
        return (
          <section class="section" key={k} aria-labelledby={`bm-${k}`}>
            <h2 id={`bm-${k}`}>{t.bookmarkKinds[k]}</h2>
            <ul class="list bookmarks">
              {of.map((b) => (
                <li key={b.id}>
                  <a
                    href={b.url}
                    onClick={(e) => {
                      if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0 || !b.url.startsWith('/')) return;
                      e.preventDefault();
                      props.navigate(b.url);
                    }}
                  >
                    {b.title}
                  </a>
                  <span class="muted">{[b.spaceName || t.communityWide, t.savedOn(formatDate(props.lang, b.createdAt))].join(' · ')}</span>
                  <button type="button" class="secondary small" onClick={() => remove(b)}>
                    {t.remove}
                    <span class="visually-hidden"> {b.title}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {s.more}
        </button>
      )}
    </>
  );
}
