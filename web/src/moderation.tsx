import { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, AuditEntry, May, QueueItem } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, missing, Problem, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;

// InternalLink opens a page of the app without reloading it.
function InternalLink(props: { href: string; navigate: Nav; children: ComponentChildren }) {
  return (
    <a
      href={props.href}
      onClick={(e) => {
        e.preventDefault();
        props.navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

function PostLink(props: { id?: string; title: string; navigate: Nav }) {
  if (!props.id) return <span>{props.title}</span>;
  return (
    <InternalLink href={`/posts/${props.id}`} navigate={props.navigate}>
      {props.title}
    </InternalLink>
  );
}

// HideForm asks why content is hidden (required: its author is told) and hides it.
// id makes the form's ids unique on a page that has several.
export function HideForm(props: { lang: Lang; id: string; hide: (reason: string) => Promise<unknown>; onDone: () => void; onCancel: () => void }) {
  const s = strings[props.lang];
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const [busy, setBusy] = useState(false);
  const field = `hide-reason-${props.id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['reason', reason]]);
    if (empty) {
      setProblem(empty);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      await props.hide(reason);
      props.onDone();
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="hide-form" onSubmit={submit} noValidate>
      <RequiredNote lang={props.lang} />
      <Label for={field} required>
        {s.hideReason}
      </Label>
      <textarea
        id={field}
        rows={2}
        maxLength={500}
        required
        value={reason}
        onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        {...fieldAttrs(problem, 'reason', field)}
      />
      <FieldProblem lang={props.lang} problem={problem} field="reason" id={field} label={s.hideReason} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['reason']} />
      <span class="actions">
        <button type="submit" class="small" disabled={busy}>
          {s.hideIt}
        </button>
        <button type="button" class="secondary small" onClick={props.onCancel}>
          {s.cancel}
        </button>
      </span>
    </form>
  );
}

// HideButton is a moderator's Hide button: it opens the HideForm in place.
export function HideButton(props: { lang: Lang; id: string; hide: (reason: string) => Promise<unknown>; onDone: () => void }) {
  const s = strings[props.lang];
  const [open, setOpen] = useState(false);
  if (open) {
    return (
      <HideForm
        lang={props.lang}
        id={props.id}
        hide={props.hide}
        onDone={() => {
          setOpen(false);
          props.onDone();
        }}
        onCancel={() => setOpen(false)}
      />
    );
  }
  return (
    <button type="button" class="secondary small" onClick={() => setOpen(true)}>
      {s.hide}
    </button>
  );
}

// AuditSentence says an entry of the log as a sentence of the reader's language: who
// did what to what, with links to what the reader may open (the API leaves out of a
// redacted entry everything but its actor and action).
function AuditSentence(props: { lang: Lang; e: AuditEntry; navigate: Nav }) {
  const s = strings[props.lang];
  const e = props.e;
  const person = (id: string | undefined, name: string | undefined, deleted: boolean | undefined) => {
    if (!id) return <span>{s.auditNobody}</span>;
    if (deleted || !name) return <span>{s.person('', true)}</span>;
    return (
      <InternalLink href={`/members/${encodeURIComponent(id)}`} navigate={props.navigate}>
        {name}
      </InternalLink>
    );
  };
  const actor = person(e.actorId, e.actorName, e.actorDeleted);
  if (e.redacted) {
    const name = !e.actorId ? s.auditNobody : e.actorDeleted || !e.actorName ? s.person('', true) : e.actorName;
    return <span>{s.auditRedactedSentence(name, s.auditActions[e.action] ?? e.action)}</span>;
  }
  const key = e.action === 'member.warn' && e.postId ? 'member.warn.post' : e.action;
  const pattern = s.auditSentences[key];
  if (!pattern) return <span>{s.auditActions[e.action] ?? e.action}</span>;
  const title = e.postTitle ? s.noticeQuote(e.postTitle) : s.untitled;
  const parts = pattern.split(/(\{[a-z]+\})/).map((piece, i) => {
    switch (piece) {
      case '{actor}':
        return <span key={i}>{actor}</span>;
      case '{subject}':
        return <span key={i}>{person(e.subjectId, e.subjectName, e.subjectDeleted)}</span>;
      case '{post}':
        return e.postId && !e.postDeleted ? (
          <InternalLink key={i} href={`/posts/${encodeURIComponent(e.postId)}`} navigate={props.navigate}>
            {title}
          </InternalLink>
        ) : (
          <span key={i}>{title}</span>
        );
      case '{space}':
        return e.spaceName ? (
          <InternalLink key={i} href={`/spaces/${encodeURIComponent(e.targetId)}`} navigate={props.navigate}>
            {s.noticeQuote(e.spaceName)}
          </InternalLink>
        ) : (
          <span key={i}>{s.untitled}</span>
        );
      default:
        return piece;
    }
  });
  return <span>{parts}</span>;
}

// WarnForm sends the author of reported content a warning (community moderators).
function WarnForm(props: { lang: Lang; item: QueueItem; onSent: () => void; onCancel: () => void }) {
  const s = strings[props.lang];
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const it = props.item;
  const label = s.warningTo(s.person(it.authorName, it.authorDeleted));
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['message', message]]);
    if (empty) {
      setProblem(empty);
      return;
    }
    try {
      await api.warn(it.authorId, message, it.postId);
      setProblem(undefined);
      props.onSent();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <RequiredNote lang={props.lang} />
      <Label for="warning" required>
        {label}
      </Label>
      <textarea
        id="warning"
        rows={3}
        maxLength={1000}
        required
        value={message}
        onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)}
        {...fieldAttrs(problem, 'message', 'warning')}
      />
      <FieldProblem lang={props.lang} problem={problem} field="message" id="warning" label={label} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['message']} />
      <span class="actions">
        <button type="submit">{s.sendWarning}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {s.cancel}
        </button>
      </span>
    </form>
  );
}

// ModerationPage is the queue of reported content and the log of moderator actions.
// Community moderators see every space they moderate, warn authors (content.moderate),
// open their pages to suspend them (members.moderate) and read the log; a space's
// moderators see the queue of their spaces only (the API decides). may: GET /api/me's.
export function ModerationPage(props: { lang: Lang; navigate: Nav; may: May }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [items, setItems] = useState<QueueItem[]>();
  const [log, setLog] = useState<AuditEntry[]>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [warnFor, setWarnFor] = useState<QueueItem>();
  const load = () => {
    api.queue().then((q) => setItems(q.items), (err) => setError(codeOf(err)));
    // The log is for staff (GET /api/me's moderation.audit): nobody else asks for it.
    if (props.may('moderation.audit')) api.audit().then((a) => setLog(a.entries), () => setLog(undefined));
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
              {it.notes && it.notes.length > 0 && (
                <div class="report-notes">
                  <p class="muted">{s.reportNotes}</p>
                  <ul>
                    {it.notes.map((n) => (
                      <li key={n.at + (n.reporterId ?? '')}>
                        <strong>{s.reportNoteBy(s.person(n.reporterName, n.reporterDeleted), s.reportReasons[n.reason] ?? n.reason)}</strong>{' '}
                        <q>{n.note}</q>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {props.may('members.moderate') && !it.authorDeleted && (
                <InternalLink href={`/members/${it.authorId}`} navigate={props.navigate}>
                  {s.authorPage(s.person(it.authorName, it.authorDeleted))}
                </InternalLink>
              )}
              <span class="actions">
                <HideButton
                  lang={props.lang}
                  id={it.targetId}
                  hide={(reason) => (it.commentId ? api.commentAction(it.postId, it.commentId, 'hide', reason) : api.postAction(it.postId, 'hide', { reason }))}
                  onDone={() => {
                    setError(undefined);
                    setDone(s.hiddenDone);
                    load();
                  }}
                />
                <button type="button" class="secondary small" onClick={() => run(() => api.dismiss(it.targetId), s.dismissed)}>
                  {s.dismiss}
                </button>
                {props.may('content.moderate') && (
                  <button type="button" class="secondary small" onClick={() => setWarnFor(it)}>
                    {s.warnAuthor}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
        {warnFor && (
          <WarnForm
            key={warnFor.targetId}
            lang={props.lang}
            item={warnFor}
            onSent={() => {
              setWarnFor(undefined);
              setDone(s.warned);
              load();
            }}
            onCancel={() => setWarnFor(undefined)}
          />
        )}
      </section>
      {log && (
        <section class="section" aria-labelledby="audit-title">
          <h2 id="audit-title">{s.auditTitle}</h2>
          <ul class="list audit-log">
            {log.map((e, i) => (
              <li key={e.at + e.action + i}>
                <AuditSentence lang={props.lang} e={e} navigate={props.navigate} />
                <span class="muted">{formatDate(props.lang, e.at)}</span>
                {e.reason && (
                  <span class="excerpt">
                    {s.auditReason} {e.reason}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
