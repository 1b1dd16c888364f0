// A newsletter's results (issue 13, results): counters in aggregate, clicks per link,
// the visits that arrived from newsletters, and the open-tracking switch (admins).
import { useEffect, useState } from 'preact/hooks';
import { May, Newsletter, NewsletterReport, NewsletterTracking, newsletterSendingApi, newslettersApi, resultsApi, SendingStatus } from './api';
import { errorText, firstOfMonth, formatDateTime, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done } from './ui';

type Nav = (path: string) => void;

// ResultProblem is a problem code as a sentence: the results' own codes first.
export function ResultProblem(props: { lang: Lang; code?: string }) {
  if (!props.code) return null;
  const s = strings[props.lang];
  return (
    <p class="error" role="alert">
      {s.nr.errors[props.code] ?? errorText(s, props.code)}
    </p>
  );
}

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

// inZone formats a moment in a time zone (the community's), the browser's when the zone
// is unknown to it.
export function inZone(lang: Lang, iso: string, zone: string | undefined, o: Intl.DateTimeFormatOptions): string {
  try {
    return firstOfMonth(lang, new Date(iso).toLocaleString(locale(lang), { ...o, timeZone: zone || undefined }));
  } catch {
    return firstOfMonth(lang, new Date(iso).toLocaleString(locale(lang), o));
  }
}

// whenText is a moment's date and hour in a zone, the zone named.
const whenText = (lang: Lang, iso: string, zone?: string) =>
  zone ? `${inZone(lang, iso, zone, { dateStyle: 'long', timeStyle: 'short' })} (${zone})` : formatDateTime(lang, iso);

// percent is a share of the mails sent: bounces and unsubscribes happen once per mail,
// so it never passes 100 % (capped all the same, should a provider report twice).
const percent = (lang: Lang, v: number) => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(Math.min(Math.max(v, 0), 1));
// perMail is a total counted per mail sent (clicks, opens), one decimal: "2.0", "2,0".
export const perMail = (lang: Lang, total: number, sent: number) =>
  new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(sent > 0 ? total / sent : 0);
const num = (lang: Lang, v: number) => new Intl.NumberFormat(lang).format(v);

export function NewsletterResults(props: { lang: Lang; id: string; may: May; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [r, setR] = useState<NewsletterReport>();
  const [error, setError] = useState<string>();
  // n is which newsletter it is (its name, subject) and sending its sending (when, to
  // how many); the report's own problem says when there is none, so theirs are not
  // shown twice.
  const [n, setN] = useState<Newsletter>();
  const [sending, setSending] = useState<SendingStatus>();
  useEffect(() => {
    setError(undefined);
    setN(undefined);
    setSending(undefined);
    resultsApi.report(props.id).then(setR, (e) => setError(codeOf(e)));
    newslettersApi.get(props.id).then(setN, () => undefined);
    newsletterSendingApi.status(props.id).then(setSending, () => undefined);
  }, [props.id]);
  const subject = n && (n.versions.find((v) => v.lang === props.lang) ?? n.versions.find((v) => v.lang === n.defaultLang) ?? n.versions[0])?.subject;
  const toNewsletter = `/newsletters/${encodeURIComponent(props.id)}`;
  const counters: [string, number][] = r
    ? [
        ['sent', r.sent],
        ['delivered', r.delivered],
        ['bounced', r.bounced],
        ['complaints', r.complaints],
        ['unsubscribes', r.unsubscribes],
        ['visits', r.visits],
        ...(r.errors > 0 ? ([['errors', r.errors]] as [string, number][]) : []),
      ]
    : [];
  return (
    <section class="newsletter-results">
      <h1 tabIndex={-1} ref={heading}>
        {n ? s.nr.resultsOf(n.name) : s.nr.resultsTitle}
      </h1>
      {n && (
        <dl class="nr-about">
          <dt>{s.nr.aboutName}</dt>
          <dd>{n.name}</dd>
          {subject && (
            <>
              <dt>{s.nr.aboutSubject}</dt>
              <dd>{subject}</dd>
            </>
          )}
          {sending?.state === 'sent' && sending.finishedAt ? (
            <>
              <dt>{s.nr.aboutSent}</dt>
              <dd>{whenText(props.lang, sending.finishedAt, sending.timeZone)}</dd>
            </>
          ) : (
            sending?.startedAt && (
              <>
                <dt>{s.nr.aboutSending}</dt>
                <dd>{whenText(props.lang, sending.startedAt, sending.timeZone)}</dd>
              </>
            )
          )}
          {sending?.frozen && (
            <>
              <dt>{s.nr.aboutAudience}</dt>
              <dd>{s.nr.audienceSize(sending.progress.total)}</dd>
            </>
          )}
        </dl>
      )}
      <p class="nr-links">
        {n && (
          <a
            href={toNewsletter}
            onClick={(e) => {
              e.preventDefault();
              props.navigate(toNewsletter);
            }}
          >
            {s.nr.toNewsletter}
          </a>
        )}
        <a
          href="/newsletters/calendar"
          onClick={(e) => {
            e.preventDefault();
            props.navigate('/newsletters/calendar');
          }}
        >
          {s.nr.toCalendar}
        </a>
      </p>
      <ResultProblem lang={props.lang} code={error} />
      {!r && !error && <p aria-busy="true">{s.nr.loading}</p>}
      {r && (
        <>
          <p>{s.nr.state(s.nr.states[r.state] ?? r.state)}</p>
          <p class="muted">{s.nr.privacy}</p>
          <dl class="report results-counters">
            {counters.map(([k, v]) => (
              <div key={k}>
                <dt>{s.nr.counters[k]}</dt>
                <dd>{num(props.lang, v)}</dd>
              </div>
            ))}
          </dl>
          {!r.deliveryReported && r.sent > 0 && <p class="muted">{s.nr.deliveredEstimate}</p>}
          {!r.openTracking && <p class="muted">{s.nr.opensOff}</p>}
          <ul class="rates">
            <li class="nr-clicks">{s.nr.clicksPerMail(num(props.lang, r.clicks), perMail(props.lang, r.clicks, r.sent))}</li>
            {(r.openTracking || r.opens > 0) && <li class="nr-opens">{s.nr.opensPerMail(num(props.lang, r.opens), perMail(props.lang, r.opens, r.sent))}</li>}
            <li>{s.nr.rate(s.nr.bounceRate, percent(props.lang, r.bounceRate))}</li>
            <li>{s.nr.rate(s.nr.unsubscribeRate, percent(props.lang, r.unsubscribeRate))}</li>
          </ul>
          <p class="muted">{s.nr.perMailHelp}</p>
          <section aria-labelledby="links-title">
            <h2 id="links-title">{s.nr.linksTitle}</h2>
            {r.links.length === 0 && <p class="muted">{s.nr.noLinks}</p>}
            <ol class="list result-links">
              {r.links.map((l) => (
                <li key={l.url}>
                  <span class="link-url">{l.url}</span> <strong>{s.nr.linkClicks(l.clicks)}</strong>
                  {l.community && <span class="muted"> ({s.nr.communityLink})</span>}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
      <Visits lang={props.lang} />
      <TrackingSwitch lang={props.lang} may={props.may} />
    </section>
  );
}

// Visits are the visits that arrived from newsletters, per day (the KPI).
function Visits(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [days, setDays] = useState<{ day: string; visits: number }[]>();
  useEffect(() => {
    resultsApi.visits(30).then((v) => setDays(v.days), () => setDays(undefined));
  }, []);
  if (!days) return null;
  const total = days.reduce((n, d) => n + d.visits, 0);
  const shown = days.filter((d) => d.visits > 0);
  const dayText = (d: string) => firstOfMonth(props.lang, new Date(`${d}T12:00:00Z`).toLocaleDateString(props.lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long' }));
  return (
    <section aria-labelledby="visits-title">
      <h2 id="visits-title">{s.nr.visitsTitle}</h2>
      <p>{s.nr.visitsTotal(total)}</p>
      {shown.length > 0 && (
        <ul class="list visits">
          {shown.map((d) => (
            <li key={d.day}>{s.nr.dayVisits(dayText(d.day), d.visits)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

// TrackingSwitch is open tracking: admins switch it, marketers read it.
function TrackingSwitch(props: { lang: Lang; may: May }) {
  const s = strings[props.lang];
  const [t, setT] = useState<NewsletterTracking>();
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    resultsApi.tracking().then(setT, (e) => setError(codeOf(e)));
  }, []);
  if (!t) return <ResultProblem lang={props.lang} code={error} />;
  const admin = props.may('newsletters.tracking');
  return (
    <section aria-labelledby="tracking-title">
      <h2 id="tracking-title">{s.nr.trackingTitle}</h2>
      <p class="muted" id="tracking-help">
        {s.nr.trackingHelp}
      </p>
      {admin ? (
        <label class="check">
          <input
            type="checkbox"
            checked={t.openTracking}
            aria-describedby="tracking-help"
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              const was = t;
              setSaved(false);
              setError(undefined);
              setT({ ...t, openTracking: on }); // shown at once; put back if refused
              resultsApi.setTracking(on).then(
                (nt) => (setT(nt), setSaved(true)),
                (err) => (setT(was), setError(codeOf(err))),
              );
            }}
          />{' '}
          {s.nr.trackingOn}
        </label>
      ) : (
        <p>{t.openTracking ? s.nr.trackingIsOn : s.nr.trackingIsOff}</p>
      )}
      <Done show={saved} text={s.nr.trackingSaved} />
      <ResultProblem lang={props.lang} code={error} />
    </section>
  );
}
