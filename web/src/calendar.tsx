// The editorial calendar (issue 13): newsletters, reward campaigns' starts and ends,
// scheduled announcements, a month at a time, as a list of days (it reads on a phone);
// and the form that schedules an announcement. Days, hours and the announcement's dates
// are those of the community's time zone (the sending settings'), the one scheduling a
// newsletter uses, named at the top: a marketer elsewhere reads the same plan.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, CalendarEntry, newsletterSendingApi, resultsApi, SpaceMembership } from './api';
import { firstOfMonth, Lang, strings, wall } from './i18n';
import { inZone, ResultProblem } from './newsletter-results';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FieldProblem, FormProblem, Label, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;
const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

const pad = (n: number) => String(n).padStart(2, '0');
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

// asUTC reads a wall clock as if it were UTC.
const asUTC = (v: string) => Date.parse(`${v}:00Z`);

// fromWall is the moment a zone's wall clock ("2026-12-20T09:00") names: the zone's
// offset found at a first guess, then again at the moment found (a change of offset).
function fromWall(v: string, zone: string): Date {
  const guess = asUTC(v);
  let at = guess - (asUTC(wall(guess, zone)) - guess);
  at = guess - (asUTC(wall(at, zone)) - at);
  return new Date(at);
}

// dayKey is an entry's day in the community's time zone.
const dayKey = (iso: string, zone: string) => wall(Date.parse(iso), zone).slice(0, 10);

export function CalendarPage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const now = new Date();
  const [month, setMonth] = useState(new Date(now.getFullYear(), now.getMonth(), 1));
  const [entries, setEntries] = useState<CalendarEntry[]>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const [done, setDone] = useState<string>();
  const [zone, setZone] = useState<string>();
  const moved = useRef(false);
  const next = new Date(month.getFullYear(), month.getMonth() + 1, 1);
  useEffect(() => {
    // The month first shown is the community's current one: on the last evening of a
    // month on the reader's clock it may already be the next month there.
    const opened = (z: string) => {
      setZone(z);
      const [y, m] = wall(Date.now(), z).split('-').map(Number);
      setMonth((shown) => (moved.current ? shown : new Date(y, m - 1, 1)));
    };
    newsletterSendingApi.settings().then((st) => opened(st.timeZone || 'UTC'), () => opened(browserZone()));
  }, []);
  // The month is asked with a day more each side (every zone's month is in it); the
  // entries shown are those of the month in the community's zone.
  const shownMonth = `${month.getFullYear()}-${pad(month.getMonth() + 1)}`;
  useEffect(() => {
    setError(undefined);
    const day = 24 * 3600 * 1000;
    resultsApi.calendar(new Date(month.getTime() - day).toISOString(), new Date(next.getTime() + day).toISOString()).then(
      (p) => setEntries(p.entries),
      (e) => (setEntries(undefined), setError(codeOf(e))),
    );
  }, [month.getTime(), version]);
  const z = zone ?? browserZone();
  const days = new Map<string, CalendarEntry[]>();
  const inMonth = (entries ?? []).filter((e) => dayKey(e.at, z).startsWith(shownMonth));
  for (const e of inMonth) days.set(dayKey(e.at, z), [...(days.get(dayKey(e.at, z)) ?? []), e]);
  const monthName = month.toLocaleDateString(locale(props.lang), { month: 'long', year: 'numeric' });
  const go = (path: string) => (e: Event) => {
    e.preventDefault();
    props.navigate(path);
  };
  const cancel = (id: string) => {
    setDone(undefined);
    setError(undefined);
    resultsApi.cancelScheduled(id).then(
      () => (setDone(s.nr.cancelled), setVersion((v) => v + 1)),
      (e) => setError(codeOf(e)),
    );
  };
  return (
    <section class="calendar">
      <h1 tabIndex={-1} ref={heading}>
        {s.nr.calendarTitle}
      </h1>
      <p class="muted">{s.nr.calendarIntro}</p>
      {zone && <p class="calendar-zone">{s.nr.calendarZone(zone)}</p>}
      <div class="filters month-nav">
        <button type="button" class="secondary" onClick={() => ((moved.current = true), setMonth(new Date(month.getFullYear(), month.getMonth() - 1, 1)))}>
          {s.nr.previousMonth}
        </button>
        <h2 id="month-title" aria-live="polite">
          {monthName}
        </h2>
        <button type="button" class="secondary" onClick={() => ((moved.current = true), setMonth(next))}>
          {s.nr.nextMonth}
        </button>
      </div>
      <Done show={!!done} text={done ?? ''} />
      <ResultProblem lang={props.lang} code={error} />
      {entries && inMonth.length === 0 && <p class="muted">{s.nr.emptyMonth}</p>}
      <ol class="list calendar-days" aria-labelledby="month-title">
        {[...days.entries()].map(([day, list]) => (
          <li key={day}>
            <h3>{firstOfMonth(props.lang, new Date(`${day}T12:00:00`).toLocaleDateString(locale(props.lang), { weekday: 'long', day: 'numeric', month: 'long' }))}</h3>
            <ul class="calendar-entries">
              {list.map((e) => (
                <li key={e.kind + e.id} class={`entry ${e.kind}`}>
                  <span class="when">{inZone(props.lang, e.at, z, { hour: '2-digit', minute: '2-digit' })}</span>{' '}
                  <span class="badge">{s.nr.kinds[e.kind]}</span> <strong class="entry-title">{e.title}</strong>
                  {e.spaceName && <span> {s.nr.inSpace(e.spaceName)}</span>} <span class="muted">({s.nr.states[e.state] ?? e.state})</span>
                  {e.kind === 'newsletter' && (
                    <>
                      {' '}
                      <a href={`/newsletters/${encodeURIComponent(e.id)}/results`} onClick={go(`/newsletters/${encodeURIComponent(e.id)}/results`)}>
                        {s.nr.seeResults}
                      </a>
                    </>
                  )}
                  {e.kind.startsWith('campaign') && (
                    <>
                      {' '}
                      <a href={`/campaigns/manage/${encodeURIComponent(e.id)}`} onClick={go(`/campaigns/manage/${encodeURIComponent(e.id)}`)}>
                        {s.nr.seeCampaign}
                      </a>
                    </>
                  )}
                  {e.kind === 'announcement' && e.state === 'scheduled' && (
                    <>
                      {' '}
                      <button type="button" class="secondary" onClick={() => cancel(e.id)}>
                        {s.nr.cancelAnnouncement}
                      </button>
                    </>
                  )}
                  {e.kind === 'announcement' && e.state === 'failed' && <span class="muted"> {s.nr.errors.author_may_not_announce}</span>}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {zone && <ScheduleForm lang={props.lang} zone={zone} onScheduled={(when) => (setDone(s.nr.scheduled(when)), setVersion((v) => v + 1))} />}
    </section>
  );
}

// problemsOf is every wrong field of a refused call (problem+json `fields`), else its
// one problem (its field named by the API or by the form's codes).
function problemsOf(err: unknown, codes: Record<string, string>): FormProblem[] {
  if (err instanceof ApiError && err.fields && err.fields.length > 0) return err.fields.map((f) => ({ code: f.code, field: f.field }));
  return [problemOf(err, codes)];
}

// ScheduleForm schedules an announcement in one of the caller's spaces, by name; every
// problem shows under its field at once (finding 13: the empty fields are checked in the
// page, the space being in the call's path, so nothing is sent while one is empty).
function ScheduleForm(props: { lang: Lang; zone: string; onScheduled: (when: string) => void }) {
  const s = strings[props.lang];
  const [spaces, setSpaces] = useState<SpaceMembership[]>([]);
  // Tomorrow at this hour, and a week after it, on the zone's clock.
  const soon = `${wall(Date.now() + 24 * 3600 * 1000, props.zone).slice(0, 13)}:00`;
  const [form, setForm] = useState({ spaceId: '', title: '', body: '', publishAt: soon, pinnedUntil: wall(asUTC(soon) + 7 * 24 * 3600 * 1000, 'UTC') });
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const pf = (field: string) => problems.find((p) => p.field === field);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.mySpaces().then((m) => setSpaces(m.memberships.filter((x) => x.status === 'active')), () => setSpaces([]));
  }, []);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  const labels: Record<string, string> = { spaceId: s.nr.spaceLabel, title: s.nr.titleLabel, body: s.nr.bodyLabel, publishAt: s.nr.publishAtLabel, pinnedUntil: s.nr.pinnedUntilLabel };
  const fields = Object.keys(labels);
  const under = (field: string, id: string) => {
    const p = pf(field);
    return <FieldProblem lang={props.lang} problem={p} field={field} id={id} label={labels[field]} text={p && s.nr.errors[p.code]} />;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const empty: FormProblem[] = fields.filter((f) => !form[f as keyof typeof form].trim()).map((f) => ({ code: 'missing_field', field: f }));
    setProblems(empty);
    if (empty.length > 0) return;
    setBusy(true);
    const publishAt = fromWall(form.publishAt, props.zone).toISOString();
    resultsApi
      .schedule(form.spaceId, { title: form.title, body: form.body, publishAt, pinnedUntil: fromWall(form.pinnedUntil, props.zone).toISOString() })
      .then(
        (a) => {
          setForm({ ...form, title: '', body: '' });
          props.onScheduled(`${inZone(props.lang, a.publishAt, props.zone, { dateStyle: 'long', timeStyle: 'short' })} (${props.zone})`);
        },
        (err) => setProblems(problemsOf(err, { invalid_publish_at: 'publishAt', invalid_pinned_until: 'pinnedUntil' })),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form class="schedule-form" onSubmit={submit} aria-labelledby="schedule-title" noValidate>
      <h2 id="schedule-title">{s.nr.scheduleTitle}</h2>
      <p class="muted">{s.nr.scheduleHelp}</p>
      <p class="muted" id="sa-zone-hint">
        {s.newsletterSending.sendAtHint(props.zone)}
      </p>
      <RequiredNote lang={props.lang} />
      <Label for="sa-space" required>
        {s.nr.spaceLabel}
      </Label>
      <select id="sa-space" value={form.spaceId} onChange={set('spaceId')} required {...fieldAttrs(pf('spaceId'), 'spaceId', 'sa-space')}>
        <option value="">{s.nr.chooseSpace}</option>
        {spaces.map((m) => (
          <option key={m.spaceId} value={m.spaceId}>
            {m.spaceName}
          </option>
        ))}
      </select>
      {under('spaceId', 'sa-space')}
      <Label for="sa-title" required>
        {s.nr.titleLabel}
      </Label>
      <input id="sa-title" value={form.title} maxLength={150} required onInput={set('title')} {...fieldAttrs(pf('title'), 'title', 'sa-title')} />
      {under('title', 'sa-title')}
      <Label for="sa-body" required>
        {s.nr.bodyLabel}
      </Label>
      <textarea id="sa-body" value={form.body} rows={5} required onInput={set('body')} {...fieldAttrs(pf('body'), 'body', 'sa-body')} />
      {under('body', 'sa-body')}
      <Label for="sa-at" required>
        {s.nr.publishAtLabel}
      </Label>
      <input id="sa-at" type="datetime-local" value={form.publishAt} required aria-describedby="sa-zone-hint" onInput={set('publishAt')} {...fieldAttrs(pf('publishAt'), 'publishAt', 'sa-at')} />
      {under('publishAt', 'sa-at')}
      <Label for="sa-pinned" required>
        {s.nr.pinnedUntilLabel}
      </Label>
      <input id="sa-pinned" type="datetime-local" value={form.pinnedUntil} required aria-describedby="sa-zone-hint" onInput={set('pinnedUntil')} {...fieldAttrs(pf('pinnedUntil'), 'pinnedUntil', 'sa-pinned')} />
      {under('pinnedUntil', 'sa-pinned')}
      {problems
        .filter((p) => !fields.includes(p.field ?? ''))
        .map((p) => (
          <ResultProblem key={p.code} lang={props.lang} code={p.code} />
        ))}
      <button type="submit" disabled={busy}>
        {s.nr.scheduleButton}
      </button>
    </form>
  );
}
