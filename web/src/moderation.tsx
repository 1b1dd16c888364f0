import { useEffect, useState } from 'preact/hooks';
import { api, AuditEntry, QueueItem } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done, Problem } from './ui';

type Nav = (path: string) => void;

function PostLink(props: { id?: string; title: string; navigate: Nav }) {
  if (!props.id) return <span>{props.title}</span>;
  return (
    <a
      href={`/posts/${props.id}`}
      onClick={(e) => {
        e.preventDefault();
        props.navigate(`/posts/${props.id}`);
      }}
    >
      {props.title}
    </a>
  );
}

// ModerationPage is the queue of reported content and the log of moderator actions.
export function ModerationPage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [items, setItems] = useState<QueueItem[]>();
  const [log, setLog] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [warnFor, setWarnFor] = useState<QueueItem>();
  const [warning, setWarning] = useState('');
  const load = () => {
    api.queue().then((q) => setItems(q.items), (err) => setError(codeOf(err)));
    api.audit().then((a) => setLog(a.entries), () => setLog([]));
  };
  useEffect(load, []);
  const run = async (f: () => Promise<unknown>, text: string) => {
    setError(undefined);
    setDone(undefined);
    try {
      await f();
      setDone(text);
      load();
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.moderationTitle}
      </h1>
      <Problem lang={props.lang} code={error} />
      <Done show={!!done} text={done ?? ''} />
      <section class="section" aria-labelledby="queue-title">
        <h2 id="queue-title">{s.queueTitle}</h2>
        {items && items.length === 0 && <p class="muted">{s.queueEmpty}</p>}
        <ul class="list">
          {items?.map((it) => (
            <li key={it.targetId}>
              <PostLink id={it.postId} title={it.title} navigate={props.navigate} />
              {it.commentId && <span class="badge">{s.aComment}</span>}
              <span class="excerpt">{it.excerpt}</span>
              <span class="muted">
                {s.reportedBy(s.person(it.authorName, it.authorDeleted), it.spaceName, it.reports, it.reasons.map((r) => s.reportReasons[r] ?? r).join(', '))}
              </span>
              <a
                href={`/members/${it.authorId}`}
                onClick={(e) => {
                  e.preventDefault();
                  props.navigate(`/members/${it.authorId}`);
                }}
              >
                {s.authorPage(s.person(it.authorName, it.authorDeleted))}
              </a>
              <span class="actions">
                <button
                  type="button"
                  class="small"
                  onClick={() =>
                    run(
                      () => (it.commentId ? api.commentAction(it.postId, it.commentId, 'hide') : api.postAction(it.postId, 'hide', {})),
                      s.hiddenDone,
                    )
                  }
                >
                  {s.hide}
                </button>
                <button type="button" class="secondary small" onClick={() => run(() => api.dismiss(it.targetId), s.dismissed)}>
                  {s.dismiss}
                </button>
                <button type="button" class="secondary small" onClick={() => setWarnFor(it)}>
                  {s.warnAuthor}
                </button>
              </span>
            </li>
          ))}
        </ul>
        {warnFor && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              run(() => api.warn(warnFor.authorId, warning, warnFor.postId), s.warned).then(() => {
                setWarnFor(undefined);
                setWarning('');
              });
            }}
            noValidate
          >
            <label for="warning">{s.warningTo(s.person(warnFor.authorName, warnFor.authorDeleted))}</label>
            <textarea id="warning" rows={3} maxLength={1000} value={warning} onInput={(e) => setWarning((e.currentTarget as HTMLTextAreaElement).value)} />
            <button type="submit">{s.sendWarning}</button>
          </form>
        )}
      </section>
      <section class="section" aria-labelledby="audit-title">
        <h2 id="audit-title">{s.auditTitle}</h2>
        <ul class="list">
          {log.map((e) => (
            <li key={e.at + e.action}>
              <span class="badge">{s.auditActions[e.action] ?? e.action}</span>
              <span class="muted">{formatDate(props.lang, e.at)}</span>
              {e.reason && <span class="excerpt">{e.reason}</span>}
              {e.redacted && <span class="muted">{s.auditRedacted}</span>}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
