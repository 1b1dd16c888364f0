// Newsletters: scheduling and sending (issue 13, n3). NewsletterSending is the part of
// the newsletter editor that schedules a draft (a date and hour of the community's
// time zone, or now), pauses, resumes and cancels its sending, and follows its progress
// (sent, skipped, errors, remaining) while it sends; SendingSettingsForm is the
// community's sending settings. The editor (newsletters.tsx) embeds both; the moves
// shown are those the API says are allowed now.
import { useEffect, useRef, useState } from 'preact/hooks';
import { newsletterSendingApi, SendAction, SendingSettings, SendingStatus } from './api';
import { formatDate, Lang, strings, wall } from './i18n';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, Problem, problemOf } from './ui';

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

// defaultSendAt is tomorrow at 09:00 on the zone's clock, as a datetime-local input
// writes it (near midnight the reader's tomorrow may be the zone's today).
function defaultSendAt(zone: string): string {
  return `${wall(Date.now() + 24 * 3600e3, zone).slice(0, 10)}T09:00`;
}

// NewsletterSending schedules and follows one newsletter's sending.
export function NewsletterSending(props: { lang: Lang; id: string; onChange?: (s: SendingStatus) => void }) {
  const t = strings[props.lang].newsletterSending;
  const [status, setStatus] = useState<SendingStatus>();
  const [zone, setZone] = useState('UTC');
  const [sendAt, setSendAt] = useState(defaultSendAt(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'));
  const edited = useRef(false);
  const [problem, setProblem] = useState<FormProblem>();
  const [loadError, setLoadError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const show = (s: SendingStatus) => {
    setStatus(s);
    props.onChange?.(s);
  };
  useEffect(() => {
    newsletterSendingApi.status(props.id).then(show, (err) => setLoadError(codeOf(err)));
    newsletterSendingApi.settings().then(
      (s) => (setZone(s.timeZone), edited.current || setSendAt(defaultSendAt(s.timeZone))),
      () => undefined,
    );
  }, [props.id]);
  // While it sends, the progress is read again every two seconds.
  useEffect(() => {
    if (status?.state !== 'sending' && status?.state !== 'scheduled') return;
    const timer = setInterval(() => {
      newsletterSendingApi.status(props.id).then(show, () => undefined);
    }, 2000);
    return () => clearInterval(timer);
  }, [props.id, status?.state]);

  const run = async (work: () => Promise<SendingStatus>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      show(await work());
    } catch (err) {
      setProblem(problemOf(err, { invalid_send_at: 'sendAt', send_at_past: 'sendAt', send_at_too_far: 'sendAt' }));
    } finally {
      setBusy(false);
    }
  };
  const act = (action: SendAction) => () => {
    if (action === 'cancel' && !window.confirm(t.cancelConfirm)) return;
    run(() => newsletterSendingApi.act(props.id, action));
  };

  if (loadError) return <Problem lang={props.lang} code={loadError} />;
  if (!status) return null;
  const p = status.progress;
  const moves = status.moves;
  const done = p.sent + p.skipped + p.errors;
  return (
    <section class="newsletter-sending" aria-labelledby="sending-title">
      <h2 id="sending-title">{t.title}</h2>
      <p>
        <span class="badge">{t.states[status.state] ?? status.state}</span>
      </p>
      {status.state === 'scheduled' && status.localSendAt && (
        <p>{t.scheduledFor(formatDate(props.lang, `${status.localSendAt.slice(0, 10)}T12:00:00`), status.localSendAt.slice(11, 16), status.timeZone ?? zone)}</p>
      )}
      {status.state === 'paused' && status.pausedReason && <p role="status">{t.pausedBy[status.pausedReason]}</p>}
      {moves.includes('schedule') && (
        <form
          class="stack"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            run(() => newsletterSendingApi.schedule(props.id, sendAt));
          }}
        >
          <h3>{t.scheduleTitle}</h3>
          <FormLevelProblem lang={props.lang} problem={problem} fields={['sendAt']} />
          <Label for="send-at" required>
            {t.sendAtLabel}
          </Label>
          <p class="muted" id="send-at-hint">
            {t.sendAtHint(zone)}
          </p>
          <input id="send-at" type="datetime-local" value={sendAt} onInput={(e) => ((edited.current = true), setSendAt(val(e)))} aria-describedby="send-at-hint" {...fieldAttrs(problem, 'sendAt', 'send-at')} />
          <FieldProblem lang={props.lang} problem={problem} field="sendAt" id="send-at" />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t.schedule}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => run(() => newsletterSendingApi.sendNow(props.id))}>
              {t.sendNow}
            </button>
          </div>
        </form>
      )}
      {!moves.includes('schedule') && <FormLevelProblem lang={props.lang} problem={problem} fields={[]} />}
      {(status.frozen || status.state === 'sending' || status.state === 'sent') && (
        <div>
          <h3>{t.progressTitle}</h3>
          <progress max={Math.max(p.total, 1)} value={done} aria-label={t.progressLabel(done, p.total)}>
            {t.progressLabel(done, p.total)}
          </progress>
          <p>{t.progressLabel(done, p.total)}</p>
          <dl class="counts">
            <dt>{t.total}</dt>
            <dd>{p.total}</dd>
            <dt>{t.sent}</dt>
            <dd>{p.sent}</dd>
            <dt>{t.skipped}</dt>
            <dd>{p.skipped}</dd>
            <dt>{t.errors}</dt>
            <dd>{p.errors}</dd>
            <dt>{t.remaining}</dt>
            <dd>{p.remaining}</dd>
          </dl>
        </div>
      )}
      {!status.frozen && (status.state === 'scheduled' || status.state === 'paused') && <p class="muted">{t.notFrozen}</p>}
      {status.finishedAt && <p>{t.finishedAt(formatDate(props.lang, status.finishedAt))}</p>}
      <div class="actions">
        {moves.includes('unschedule') && (
          <button type="button" class="secondary" disabled={busy} onClick={act('unschedule')}>
            {t.unschedule}
          </button>
        )}
        {moves.includes('pause') && (
          <button type="button" disabled={busy} onClick={act('pause')}>
            {t.pause}
          </button>
        )}
        {moves.includes('resume') && (
          <button type="button" disabled={busy} onClick={act('resume')}>
            {status.pausedReason === 'late' ? t.confirmLate : t.resume}
          </button>
        )}
        {moves.includes('cancel') && (
          <button type="button" class="danger" disabled={busy} onClick={act('cancel')}>
            {t.cancel}
          </button>
        )}
      </div>
    </section>
  );
}

// zones are the time zones the browser knows, the community's first.
function zones(current: string): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return [current, ...all.filter((z) => z !== current)];
}

// SendingSettingsForm edits the community's sending settings.
export function SendingSettingsForm(props: { lang: Lang }) {
  const t = strings[props.lang].newsletterSending;
  const [s, setS] = useState<SendingSettings>();
  const [problem, setProblem] = useState<FormProblem>();
  const [loadError, setLoadError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    newsletterSendingApi.settings().then(setS, (err) => setLoadError(codeOf(err)));
  }, []);
  if (loadError) return <Problem lang={props.lang} code={loadError} />;
  if (!s) return null;
  const fields = { invalid_time_zone: 'timeZone', invalid_rate: 'ratePerSecond', invalid_late_after: 'lateAfterHours', invalid_error_percent: 'errorPercent' };
  const num = (k: 'ratePerSecond' | 'lateAfterHours' | 'errorPercent', id: string, label: string, min: number, max: number) => (
    <div>
      <Label for={id} required>
        {label}
      </Label>
      <input id={id} type="number" inputMode="numeric" min={min} max={max} value={s[k]} onInput={(e) => setS({ ...s, [k]: Number(val(e)) })} {...fieldAttrs(problem, k, id)} />
      <FieldProblem lang={props.lang} problem={problem} field={k} id={id} />
    </div>
  );
  return (
    <form
      class="stack sending-settings"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setProblem(undefined);
        setSaved(false);
        try {
          setS(await newsletterSendingApi.saveSettings(s));
          setSaved(true);
        } catch (err) {
          setProblem(problemOf(err, fields));
        }
      }}
    >
      <h2>{t.settingsTitle}</h2>
      <FormLevelProblem lang={props.lang} problem={problem} fields={Object.values(fields)} />
      <Label for="send-zone" required>
        {t.timeZone}
      </Label>
      <select id="send-zone" value={s.timeZone} onChange={(e) => setS({ ...s, timeZone: (e.currentTarget as HTMLSelectElement).value })} {...fieldAttrs(problem, 'timeZone', 'send-zone')}>
        {zones(s.timeZone).map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      <FieldProblem lang={props.lang} problem={problem} field="timeZone" id="send-zone" />
      {num('ratePerSecond', 'send-rate', t.rate, 1, 1000)}
      {num('lateAfterHours', 'send-late', t.lateAfter, 1, 168)}
      {num('errorPercent', 'send-errors', t.errorPercent, 1, 100)}
      <button type="submit">{t.saveSettings}</button>
      <Done show={saved} text={t.saved} />
    </form>
  );
}
