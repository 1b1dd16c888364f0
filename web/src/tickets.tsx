import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Attachment, SpaceMembership, SupportSettings, TicketSummary, TicketView } from './api';
import { dueText, formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { BeforeYouAsk, useSuggestions } from './search-suggest';
import { ArticlePicker } from './knowledge';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, missing, Problem, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;

const severities = ['low', 'normal', 'high', 'urgent'];
const statuses = ['new', 'open', 'pending_customer', 'on_hold', 'solved'];
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function TicketLink(props: { t: TicketSummary; navigate: Nav }) {
  return (
    <a
      href={`/tickets/${props.t.id}`}
      onClick={(e) => {
        e.preventDefault();
        props.navigate(`/tickets/${props.t.id}`);
      }}
    >
      #{props.t.number} {props.t.subject}
    </a>
  );
}

function TicketRows(props: { lang: Lang; tickets: TicketSummary[]; navigate: Nav; agent?: boolean }) {
  const s = strings[props.lang];
  return (
    <ul class="list tickets">
      {props.tickets.map((t) => (
        <li key={t.id} class={t.breached ? 'breached' : t.soon ? 'soon' : undefined}>
          <TicketLink t={t} navigate={props.navigate} />
          <span class={`badge sev-${t.severity}`}>{s.severities[t.severity]}</span>
          <span class="badge">{s.ticketStatuses[t.status]}</span>
          {t.breached && <span class="badge breach">{s.breachedBadge}</span>}
          {t.soon && <span class="badge soon">{s.soonBadge}</span>}
          {props.agent && t.nextDue && <span class="muted due">{s.nextDueRow(dueText(props.lang, t.nextDue))}</span>}
          <span class="muted">
            {props.agent ? s.ticketMetaAgent(t.spaceName, s.person(t.requesterName, t.requesterDeleted), t.assigneeName && s.person(t.assigneeName, t.assigneeDeleted)) : s.person(t.requesterName, t.requesterDeleted)} · {formatDate(props.lang, t.createdAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}

// Files uploads attachments straight to storage and lists them.
function Files(props: { lang: Lang; id: string; files: Attachment[]; onChange: (f: Attachment[]) => void }) {
  const s = strings[props.lang];
  const [error, setError] = useState<string>();
  const pick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setError(undefined);
    try {
      const up = await api.attachmentUpload(file.name, file.type || 'application/octet-stream', file.size);
      const put = await fetch(up.uploadUrl, { method: 'PUT', headers: { 'Content-Type': up.attachment.contentType }, body: file });
      if (!put.ok) throw new ApiError(put.status, 'upload_failed');
      props.onChange([...props.files, up.attachment]);
    } catch (err) {
      setError(codeOf(err));
    } finally {
      input.value = '';
    }
  };
  return (
    <>
      <label for={props.id}>{s.attachFile}</label>
      <input id={props.id} type="file" onChange={pick} />
      {props.files.length > 0 && (
        <ul class="list">
          {props.files.map((f) => (
            <li key={f.key}>{f.name}</li>
          ))}
        </ul>
      )}
      <Problem lang={props.lang} code={error} />
    </>
  );
}

// SpaceTickets is a customer space's support section: its tickets and the form.
export function SpaceTickets(props: { lang: Lang; spaceId: string; navigate: Nav }) {
  const s = strings[props.lang];
  const [list, setList] = useState<TicketSummary[]>();
  const [settings, setSettings] = useState<SupportSettings>();
  const [subject, setSubject] = useState('');
  const [product, setProduct] = useState('');
  const [severity, setSeverity] = useState('normal');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [error, setError] = useState<string>();
  const [problem, setProblem] = useState<FormProblem>();
  // "Before you ask" (issue 15): the subject brings the closest solved questions.
  const suggestions = useSuggestions(subject, 'ticket', props.spaceId, true);
  const load = () => api.spaceTickets(props.spaceId).then((r) => setList(r.tickets), (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
    api.supportSettings().then((st) => {
      setSettings(st);
      setProduct(st.products[0] ?? '');
    }, () => undefined);
  }, [props.spaceId]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([
      ['subject', subject],
      ['body', body],
    ]);
    setProblem(empty);
    if (empty) return;
    try {
      const t = await api.openTicket(props.spaceId, { subject, product, severity, body, attachments: files, ...(suggestions.suggestionId ? { suggestionId: suggestions.suggestionId } : {}) });
      props.navigate(`/tickets/${t.id}`);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <section class="section" aria-labelledby="tickets-title">
      <h2 id="tickets-title">{s.supportTickets}</h2>
      {list && list.length === 0 && <p class="muted">{s.noTickets}</p>}
      <TicketRows lang={props.lang} tickets={list ?? []} navigate={props.navigate} />
      <Problem lang={props.lang} code={error} />
      <form onSubmit={submit} noValidate aria-labelledby="new-ticket-title">
        <h3 id="new-ticket-title">{s.newTicket}</h3>
        <RequiredNote lang={props.lang} />
        <Label for="t-subject" required>
          {s.ticketSubject}
        </Label>
        <input id="t-subject" maxLength={150} required value={subject} onInput={(e) => setSubject(val(e))} {...fieldAttrs(problem, 'subject', 't-subject')} />
        <FieldProblem lang={props.lang} problem={problem} field="subject" id="t-subject" label={s.ticketSubject} />
        <BeforeYouAsk lang={props.lang} id="t-suggestions" shown={suggestions.shown} />
        <label for="t-product">{s.ticketProduct}</label>
        <select id="t-product" value={product} onChange={(e) => setProduct(val(e))} {...fieldAttrs(problem, 'product', 't-product')}>
          {settings?.products.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <FieldProblem lang={props.lang} problem={problem} field="product" id="t-product" />
        <label for="t-severity">{s.ticketSeverity}</label>
        <select id="t-severity" value={severity} onChange={(e) => setSeverity(val(e))} {...fieldAttrs(problem, 'severity', 't-severity')}>
          {severities.map((v) => (
            <option key={v} value={v}>
              {s.severities[v]}
              {settings && ` — ${s.answerWithin(settings.targets[v]?.firstResponseMinutes ?? 0)}`}
            </option>
          ))}
        </select>
        <FieldProblem lang={props.lang} problem={problem} field="severity" id="t-severity" />
        <Label for="t-body" required>
          {s.ticketDescription}
        </Label>
        <textarea id="t-body" rows={6} required value={body} onInput={(e) => setBody(val(e))} {...fieldAttrs(problem, 'body', 't-body')} />
        <FieldProblem lang={props.lang} problem={problem} field="body" id="t-body" label={s.ticketDescription} />
        <Files lang={props.lang} id="t-files" files={files} onChange={setFiles} />
        <FormLevelProblem lang={props.lang} problem={problem} fields={['subject', 'product', 'severity', 'body']} />
        <button type="submit">{s.openTicket}</button>
      </form>
    </section>
  );
}

export function TicketPage(props: { lang: Lang; id: string; navigate: Nav; viewerId: string }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [view, setView] = useState<TicketView>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [agents, setAgents] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    api.ticket(props.id).then(setView, (err) => setError(codeOf(err)));
  }, [props.id]);
  useEffect(() => {
    if (view?.agent) api.supportAgents().then((r) => setAgents(r.agents), () => setAgents([]));
  }, [view?.agent]);
  const act = async (f: () => Promise<TicketView>, done?: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      setView(await f());
      if (done) setNotice(done);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  if (!view) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const t = view.ticket;
  const file = (a: Attachment) => (
    <li key={a.key}>
      <a href={`/api/tickets/${t.id}/attachment?key=${encodeURIComponent(a.key)}`}>{a.name}</a>
    </li>
  );
  // answered shows the ticket as a reply or a rating left it, and says what was done.
  const answered = (v: TicketView, text: string) => {
    setError(undefined);
    setView(v);
    setNotice(text);
  };
  return (
    <article>
      <p class="muted">
        {/* Agents go back to their queue: a hidden customer space's page is not theirs. */}
        <a
          href={view.agent ? '/support' : `/spaces/${t.spaceId}`}
          onClick={(e) => {
            e.preventDefault();
            props.navigate(view.agent ? '/support' : `/spaces/${t.spaceId}`);
          }}
        >
          {view.agent ? s.supportQueue : t.spaceName}
        </a>
        {view.agent && ` · ${t.spaceName}`} · {s.ticketNumber(t.number)}
      </p>
      <h1 tabIndex={-1} ref={heading}>
        {t.subject}
      </h1>
      <p>
        <span class="badge">{s.ticketStatuses[t.status]}</span> <span class={`badge sev-${t.severity}`}>{s.severities[t.severity]}</span>{' '}
        <span class="muted">
          {t.product} · {s.person(t.requesterName, t.requesterDeleted)} · {formatDate(props.lang, t.createdAt)}
          {t.assigneeName && ` · ${s.assignedTo(s.person(t.assigneeName, t.assigneeDeleted))}`}
        </span>
      </p>
      {view.agent && !t.firstResponseAt && t.status !== 'solved' && t.status !== 'closed' && (
        <p class="muted">{s.firstResponseDue(dueText(props.lang, t.firstResponseDue))}</p>
      )}
      <div class="post-body" dangerouslySetInnerHTML={{ __html: t.html }} />
      {t.attachments && t.attachments.length > 0 && <ul class="list">{t.attachments.map(file)}</ul>}
      {t.questionId && (
        <p>
          <a
            href={`/posts/${t.questionId}`}
            onClick={(e) => {
              e.preventDefault();
              props.navigate(`/posts/${t.questionId}`);
            }}
          >
            {s.fromQuestion}
          </a>
        </p>
      )}
      {/* Agents read the customer's rating first. */}
      {view.agent && t.rating && (
        <section class="section rating" aria-labelledby="rating-title">
          <h2 id="rating-title">{s.ratingTitle}</h2>
          <p>
            <span class={t.rating.good ? 'badge good' : 'badge bad'}>{t.rating.good ? s.ratingGood : s.ratingBad}</span>{' '}
            {t.rating.at && s.ratingSaid(formatDate(props.lang, t.rating.at))}
          </p>
          {t.rating.comment ? <blockquote class="rating-comment">{t.rating.comment}</blockquote> : <p class="muted">{s.ratingNoComment}</p>}
        </section>
      )}
      <Problem lang={props.lang} code={error} />
      <Done show={!!notice} text={notice ?? ''} />
      <section class="section" aria-labelledby="conversation-title">
        <h2 id="conversation-title">{s.conversation}</h2>
        <ol class="list replies-list">
          {view.replies.map((r) => (
            <li key={r.id} class={r.internal ? 'internal-note' : r.fromAgent ? 'from-agent' : undefined}>
              {r.internal && <span class="badge internal">{s.internalNote}</span>}
              <strong>{s.person(r.authorName, r.authorDeleted)}</strong> <span class="muted">{formatDate(props.lang, r.createdAt)}</span>
              {r.automatic ? (
                // The acknowledgement, in the reader's language.
                <p>
                  {s.acknowledgement(t.number, s.duration(Math.round((Date.parse(t.firstResponseDue) - Date.parse(t.createdAt)) / 60000)))}
                </p>
              ) : (
                <div class="post-body" dangerouslySetInnerHTML={{ __html: r.html }} />
              )}
              {r.attachments && r.attachments.length > 0 && <ul class="list">{r.attachments.map(file)}</ul>}
            </li>
          ))}
        </ol>
      </section>
      {t.status !== 'closed' && (
        <ReplyForm
          lang={props.lang}
          view={view}
          onDone={answered}
        />
      )}
      {view.agent && (
        <section class="section" aria-labelledby="work-title">
          <h2 id="work-title">{s.workTicket}</h2>
          <label for="t-assign">{s.assignee}</label>
          <select id="t-assign" value={t.assigneeId ?? ''} onChange={(e) => act(() => api.ticketAssign(t.id, val(e)), s.saved)}>
            <option value="">{s.nobody}</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {t.assigneeId !== props.viewerId && (
            <button type="button" class="secondary small" onClick={() => act(() => api.ticketAssign(t.id, props.viewerId), s.saved)}>
              {s.assignToMe}
            </button>
          )}
        </section>
      )}
      {view.moves.length > 0 && (
        <div class="actions">
          {view.moves.map((m) => (
            <button type="button" class="secondary small" key={m} onClick={() => act(() => api.ticketStatus(t.id, m), s.saved)}>
              {s.markAs(s.ticketStatuses[m])}
            </button>
          ))}
        </div>
      )}
      {!view.agent && t.requesterId === props.viewerId && (t.status === 'solved' || t.status === 'closed') && (
        <RatingForm
          lang={props.lang}
          view={view}
          onDone={answered}
        />
      )}
    </article>
  );
}

// ReplyForm adds a reply (or an agent's internal note); its problems show under its field.
function ReplyForm(props: { lang: Lang; view: TicketView; onDone: (v: TicketView, text: string) => void }) {
  const s = strings[props.lang];
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [files, setFiles] = useState<Attachment[]>([]);
  const [problem, setProblem] = useState<FormProblem>();
  const t = props.view.ticket;
  const label = internal ? s.noteText : s.replyText;
  const send = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['body', body]]);
    setProblem(empty);
    if (empty) return;
    try {
      props.onDone(await api.ticketReply(t.id, body, internal, files), internal ? s.noteAdded : s.replySent);
      setBody('');
      setFiles([]);
    } catch (err) {
      setProblem(problemOf(err, { invalid_reply_body: 'body' }));
    }
  };
  return (
    <form class={internal ? 'section internal-form' : 'section'} onSubmit={send} noValidate aria-labelledby="reply-title">
      <h2 id="reply-title">{internal ? s.writeNote : s.writeReply}</h2>
      {props.view.agent && (
        <fieldset>
          <legend>{s.replyKind}</legend>
          <label class="choice">
            <input type="radio" name="reply-kind" checked={!internal} onChange={() => setInternal(false)} /> {s.publicReply}
          </label>
          <label class="choice">
            <input type="radio" name="reply-kind" checked={internal} onChange={() => setInternal(true)} /> {s.internalReply}
          </label>
        </fieldset>
      )}
      <RequiredNote lang={props.lang} />
      <Label for="r-body" required>
        {label}
      </Label>
      <textarea id="r-body" rows={5} required value={body} onInput={(e) => setBody(val(e))} {...fieldAttrs(problem, 'body', 'r-body')} />
      <FieldProblem lang={props.lang} problem={problem} field="body" id="r-body" label={label} />
      {/* Agents link a knowledge base article into the reply (issue 16): its Markdown link goes at the end. */}
      {props.view.agent && <ArticlePicker lang={props.lang} id="r-article" spaceId={t.spaceId} onPick={(md) => setBody((b) => (b.trim() ? `${b.replace(/\s+$/, '')}\n\n${md}` : md))} />}
      <Files lang={props.lang} id="r-files" files={files} onChange={setFiles} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['body']} />
      <button type="submit">{internal ? s.addNote : s.sendReply}</button>
    </form>
  );
}

function RatingForm(props: { lang: Lang; view: TicketView; onDone: (v: TicketView, text: string) => void }) {
  const s = strings[props.lang];
  const rating = props.view.ticket.rating;
  const [good, setGood] = useState(rating?.good ?? true);
  const [comment, setComment] = useState(rating?.comment ?? '');
  const [problem, setProblem] = useState<FormProblem>();
  return (
    <form
      class="section"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          props.onDone(await api.ticketRate(props.view.ticket.id, good, comment), s.thanksRating);
          setProblem(undefined);
        } catch (err) {
          setProblem(problemOf(err));
        }
      }}
      noValidate
    >
      <fieldset>
        <legend>{s.rateTicket}</legend>
        <label class="choice">
          <input type="radio" name="rating" checked={good} onChange={() => setGood(true)} /> {s.ratingGood}
        </label>
        <label class="choice">
          <input type="radio" name="rating" checked={!good} onChange={() => setGood(false)} /> {s.ratingBad}
        </label>
      </fieldset>
      <label for="rating-comment">{s.ratingComment}</label>
      <input id="rating-comment" maxLength={1000} value={comment} onInput={(e) => setComment(val(e))} {...fieldAttrs(problem, 'comment', 'rating-comment')} />
      <FieldProblem lang={props.lang} problem={problem} field="comment" id="rating-comment" />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['comment']} />
      <button type="submit">{s.sendRating}</button>
    </form>
  );
}

// SupportQueue is the agents' view across every customer space.
export function SupportQueue(props: { lang: Lang; navigate: Nav; viewerId: string }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [filter, setFilter] = useState({ status: '', severity: '', assignee: '', space: '' });
  const [list, setList] = useState<TicketSummary[]>();
  // The spaces to filter by are those of the queue filtered on status only, "All open"
  // or "All" (hidden spaces included), gathered as they are read.
  const [spaces, setSpaces] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState<string>();
  const [report, setReport] = useState<Awaited<ReturnType<typeof api.supportMetrics>>>();
  // The customer spaces agents run: they belong to none, so this is how they reach them.
  const [customers, setCustomers] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    api.customerSpaces().then((r) => setCustomers(r.spaces), () => undefined);
  }, []);
  useEffect(() => {
    api.supportQueue(filter).then((r) => {
      setList(r.tickets);
      if ((!filter.status || filter.status === 'all') && !filter.severity && !filter.assignee && !filter.space) {
        setSpaces((known) => {
          const seen = new Map([...known.map((sp) => [sp.id, sp.name] as [string, string]), ...r.tickets.map((t) => [t.spaceId, t.spaceName] as [string, string])]);
          return [...seen].map(([id, name]) => ({ id, name }));
        });
      }
    }, (err) => setError(codeOf(err)));
  }, [filter]);
  useEffect(() => {
    api.supportMetrics(30).then(setReport, () => undefined);
  }, []);
  const hours = (sec: number) => (sec / 3600).toLocaleString(props.lang === 'fr' ? 'fr-FR' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // Nothing measured (no ticket answered or solved in the period) is no data, not 0.0 h.
  const stats = (st: { count: number; medianSeconds: number; p90Seconds: number }) =>
    st.count > 0 ? s.reportStats(hours(st.medianSeconds), hours(st.p90Seconds)) : s.noDataYet;
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.supportQueue}
      </h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="f-status">{s.ticketStatus}</label>
        <select id="f-status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: val(e) })}>
          <option value="">{s.allOpen}</option>
          <option value="all">{s.allQueued}</option>
          {statuses.map((v) => (
            <option key={v} value={v}>
              {s.ticketStatuses[v]}
            </option>
          ))}
        </select>
        <label for="f-severity">{s.ticketSeverity}</label>
        <select id="f-severity" value={filter.severity} onChange={(e) => setFilter({ ...filter, severity: val(e) })}>
          <option value="">{s.all}</option>
          {severities.map((v) => (
            <option key={v} value={v}>
              {s.severities[v]}
            </option>
          ))}
        </select>
        <label for="f-assignee">{s.assignee}</label>
        <select id="f-assignee" value={filter.assignee} onChange={(e) => setFilter({ ...filter, assignee: val(e) })}>
          <option value="">{s.all}</option>
          <option value={props.viewerId}>{s.me}</option>
        </select>
        <label for="f-space">{s.customerSpace}</label>
        <select id="f-space" value={filter.space} onChange={(e) => setFilter({ ...filter, space: val(e) })}>
          <option value="">{s.all}</option>
          {spaces.map((sp) => (
            <option key={sp.id} value={sp.id}>
              {sp.name}
            </option>
          ))}
        </select>
      </form>
      <Problem lang={props.lang} code={error} />
      {list && list.length === 0 && <p class="muted">{s.queueNothing}</p>}
      <TicketRows lang={props.lang} tickets={list ?? []} navigate={props.navigate} agent />
      {customers.length > 0 && (
        <section class="section" aria-labelledby="customer-spaces-title">
          <h2 id="customer-spaces-title">{s.customerSpaces}</h2>
          <ul class="list">
            {customers.map((sp) => (
              <li key={sp.id}>
                <a
                  href={`/spaces/${sp.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    props.navigate(`/spaces/${sp.id}`);
                  }}
                >
                  {sp.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {report && (
        <section class="section" aria-labelledby="report-title">
          <h2 id="report-title">{s.supportReport}</h2>
          <p>
            {s.reportLine(
              report.days.reduce((a, d) => a + d.opened, 0),
              report.days.reduce((a, d) => a + d.solved, 0),
              stats(report.firstResponse),
              stats(report.resolution),
              report.rated ? Math.round(report.satisfaction * 100) : null,
            )}
          </p>
        </section>
      )}
    </>
  );
}

// QuestionToTicket lets an agent turn a community question into a ticket.
export function QuestionToTicket(props: { lang: Lang; postId: string; navigate: Nav }) {
  const s = strings[props.lang];
  const [spaces, setSpaces] = useState<SpaceMembership[]>([]);
  const [settings, setSettings] = useState<SupportSettings>();
  const [spaceId, setSpaceId] = useState('');
  const [product, setProduct] = useState('');
  const [severity, setSeverity] = useState('normal');
  const [problem, setProblem] = useState<FormProblem>();
  useEffect(() => {
    api.customerSpaces().then((r) => setSpaces(r.spaces.map((sp) => ({ spaceId: sp.id, spaceName: sp.name } as SpaceMembership))), () => undefined);
    api.supportSettings().then((st) => {
      setSettings(st);
      setProduct(st.products[0] ?? '');
    }, () => undefined);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['spaceId', spaceId]]);
    setProblem(empty);
    if (empty) return;
    try {
      const t = await api.questionToTicket(props.postId, spaceId, product, severity);
      props.navigate(`/tickets/${t.id}`);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <details class="section">
      <summary>{s.toTicket}</summary>
      <form onSubmit={submit} noValidate>
        <RequiredNote lang={props.lang} />
        <Label for="qt-space" required>
          {s.customerSpace}
        </Label>
        <select id="qt-space" required value={spaceId} onChange={(e) => setSpaceId(val(e))} {...fieldAttrs(problem, 'spaceId', 'qt-space')}>
          <option value="">—</option>
          {spaces.map((sp) => (
            <option key={sp.spaceId} value={sp.spaceId}>
              {sp.spaceName}
            </option>
          ))}
        </select>
        <FieldProblem lang={props.lang} problem={problem} field="spaceId" id="qt-space" label={s.customerSpace} />
        <label for="qt-product">{s.ticketProduct}</label>
        <select id="qt-product" value={product} onChange={(e) => setProduct(val(e))}>
          {settings?.products.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <label for="qt-severity">{s.ticketSeverity}</label>
        <select id="qt-severity" value={severity} onChange={(e) => setSeverity(val(e))}>
          {severities.map((v) => (
            <option key={v} value={v}>
              {s.severities[v]}
            </option>
          ))}
        </select>
        <FormLevelProblem lang={props.lang} problem={problem} fields={['spaceId']} />
        <button type="submit">
          {s.openTicket}
        </button>
      </form>
    </details>
  );
}
