// The members' archive of past newsletters (issue 13, writing): the list, and one
// newsletter as the reader receives it today (their language, their name, the community
// blocks with what they may read now).
import { useEffect, useState } from 'preact/hooks';
import { ArchiveEntry, ArchiveIssue, newslettersApi } from './api';
import { formatDate, Lang, strings } from './i18n';
import { loadCode, say } from './newsletters';
import { useFocusHeading } from './signin';
import { codeOf, LoadProblem } from './ui';

type Nav = (path: string) => void;

function go(navigate: Nav, path: string) {
  return (e: Event) => {
    e.preventDefault();
    navigate(path);
  };
}

// NewsletterArchive lists the past newsletters, newest first.
export function NewsletterArchive(props: { lang: Lang; navigate: Nav }) {
  const t = strings[props.lang].nl;
  const heading = useFocusHeading();
  const [list, setList] = useState<ArchiveEntry[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const load = (cursor?: string) =>
    newslettersApi.archive(cursor).then((p) => {
      setList((old) => (cursor ? [...(old ?? []), ...p.entries] : p.entries));
      setNext(p.next);
    }, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.lang]);
  return (
    <section class="newsletter-archive">
      <h1 tabIndex={-1} ref={heading}>
        {t.archiveTitle}
      </h1>
      {error && (
        <p class="error" role="alert">
          {say(props.lang, error)}
        </p>
      )}
      {list && list.length === 0 && <p class="muted">{t.archiveNone}</p>}
      {list && list.length > 0 && (
        <ul class="list">
          {list.map((e) => (
            <li key={e.id}>
              <a href={`/newsletters/archive/${e.id}`} onClick={go(props.navigate, `/newsletters/archive/${e.id}`)}>
                {e.subject}
              </a>
              <span class="muted">
                {t.sentOn(formatDate(props.lang, e.sentAt))}
                {e.preheader ? ` · ${e.preheader}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {t.more}
        </button>
      )}
    </section>
  );
}

// ArchivedNewsletter is one past newsletter as the reader receives it today.
export function ArchivedNewsletter(props: { lang: Lang; id: string; navigate: Nav }) {
  const t = strings[props.lang].nl;
  const heading = useFocusHeading();
  const [issue, setIssue] = useState<ArchiveIssue>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    newslettersApi.archived(props.id).then(setIssue, (err) => setError(codeOf(err)));
  }, [props.id]);
  if (error) return <LoadProblem lang={props.lang} code={loadCode(error)} navigate={props.navigate} />;
  if (!issue) return null;
  return (
    <article class="newsletter-archived">
      <p>
        <a href="/newsletters/archive" onClick={go(props.navigate, '/newsletters/archive')}>
          {t.archiveTitle}
        </a>
      </p>
      <h1 tabIndex={-1} ref={heading} lang={issue.lang}>
        {issue.subject}
      </h1>
      <p class="muted">{t.sentOn(formatDate(props.lang, issue.sentAt))}</p>
      {/* The server's rendering of sanitized Markdown and escaped community titles. */}
      <div class="nl-preview" lang={issue.lang} dangerouslySetInnerHTML={{ __html: issue.page }} />
    </article>
  );
}
