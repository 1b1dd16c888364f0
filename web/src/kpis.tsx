// The KPI pages (issue 14; docs/kpis.md, "Pages"): the dashboard (/kpis), participation
// (/kpis/participation), the health checks (/kpis/health-checks and one report) and, for
// admins, the baseline, the settings and the sales upload (/kpis/manage).
import { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Chart } from './chart';
import { firstOfMonth, formatDate, formatDateTime, Lang, strings } from './i18n';
import { Baseline, dashboardQuery, HealthCheck, HealthCheckSummary, isoDay, KpiCard, Kpis, kpisApi, KpiSettings, KpiUnit, freezeRange, lastDays, Participation, ParticipationGroup, readDashboardQuery, SalesUpload } from './kpis-api';
import { ApiError, newsletterSendingApi } from './api';
import { SpacePicker } from './pickers';
import { useFocusHeading } from './signin';
import { codeOf, Done, FieldProblem, fieldAttrs, FormProblem, Label, LoadProblem, Problem, problemOf } from './ui';

type Nav = (path: string) => void;
type S = (typeof strings)['en'];

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

// dayText is a YYYY-MM-DD day in the reader's language (the API's days are UTC days).
export const dayText = (lang: Lang, day: string) =>
  firstOfMonth(lang, new Date(`${day}T00:00:00Z`).toLocaleDateString(locale(lang), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }));

// formatValue writes a figure in its unit: counts as numbers, ratios with two decimals,
// percents (0–100) with a % sign, durations in s/min/h/d, money with two decimals.
export function formatValue(lang: Lang, unit: KpiUnit, v: number): string {
  const s = strings[lang].kpis;
  switch (unit) {
    case 'ratio':
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(v);
    case 'percent':
      return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(v / 100);
    case 'seconds':
      return s.seconds(v);
    case 'money':
      return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
    default:
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v);
  }
}

// changeText is how a figure moved from a reference: "up 33 %", "down 5 %", "unchanged";
// from a reference of 0 to another value, "new: +142" (no percentage divides by 0);
// nothing when there is no reference or no value.
export function changeText(lang: Lang, value: number | null | undefined, ref: number | null | undefined, unit: KpiUnit = 'count'): string {
  const s = strings[lang].kpis;
  if (value == null || ref == null) return '';
  if (ref === 0) {
    if (value === 0) return s.same;
    return s.fromZero(`${value > 0 ? '+' : '−'}${formatValue(lang, unit, Math.abs(value))}`);
  }
  const d = (value - ref) / Math.abs(ref);
  const p = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(Math.abs(d));
  if (Math.abs(d) < 0.005) return s.same;
  return d > 0 ? s.up(p) : s.down(p);
}

// compared is "<label>: <value> (<change>)" for the previous period, the baseline or the
// previous health check.
function compared(lang: Lang, label: (v: string) => string, unit: KpiUnit, value: number | null, ref: number | null | undefined) {
  if (ref == null) return undefined;
  const change = changeText(lang, value, ref, unit);
  return `${label(formatValue(lang, unit, ref))}${change ? ` (${change})` : ''}`;
}

// kpiName is a KPI's name in the reader's language (an unknown one's words, never its key).
const kpiName = (s: S, kpi: string) => s.kpis.names[kpi] ?? kpi.replace(/_/g, ' ');

// A link that navigates within the app.
function AppLink(props: { to: string; navigate: Nav; current?: boolean; children: ComponentChildren }) {
  return (
    <a
      href={props.to}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        props.navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

// KpiNav links the KPI pages to each other; manage: the reader is an admin (kpis.manage).
function KpiNav(props: { lang: Lang; navigate: Nav; here: string; manage: boolean }) {
  const s = strings[props.lang].kpis;
  const items: [string, string][] = [
    ['/kpis', s.dashboardLink],
    ['/kpis/participation', s.participationLink],
    ['/kpis/health-checks', s.healthLink],
    ...(props.manage ? ([['/kpis/manage', s.manageLink]] as [string, string][]) : []),
  ];
  return (
    <nav class="kpi-nav" aria-label={s.sections}>
      <ul>
        {items.map(([to, label]) => (
          <li key={to}>
            <AppLink to={to} navigate={props.navigate} current={props.here === to}>
              {label}
            </AppLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// ---- The dashboard.

type Preset = '7' | '30' | '90' | 'custom';

// CardView is one KPI: its name and number, its value, how it moved against the previous
// period and the baseline, its chart, and its CSV.
function CardView(props: { lang: Lang; card: KpiCard; range: Kpis; space: string; manage: boolean; navigate: Nav }) {
  const s = strings[props.lang];
  const c = props.card;
  const name = kpiName(s, c.kpi);
  const fmt = (v: number) => formatValue(props.lang, c.unit, v);
  const points = c.series ?? [];
  const known = points.map((p) => p.value).filter((v): v is number => v != null);
  const id = `kpi-${c.kpi}`;
  let body: ComponentChildren;
  if (!c.available) body = <p class="muted">{s.kpis.notAvailable}</p>;
  // No sales file yet: said as such (never the small-group sentence), admins pointed to
  // the upload.
  else if (c.note === 'no_sales_file')
    body = (
      <p class="muted kpi-note">
        {s.kpis.noSalesFile}
        {props.manage && (
          <>
            {' '}
            <AppLink to="/kpis/manage" navigate={props.navigate}>
              {s.kpis.uploadSales}
            </AppLink>
          </>
        )}
      </p>
    );
  else if (c.merged) body = <p class="muted">{s.kpis.merged}</p>;
  else {
    const lines = [
      compared(props.lang, s.kpis.previous, c.unit, c.value, c.previous),
      compared(props.lang, s.kpis.baseline, c.unit, c.value, c.baseline),
    ].filter(Boolean);
    // Sales per customer has two figures: the participating customers' (value) and the
    // others' (other); either may be missing, and each is said ("–" for a missing one).
    const twoFigures = c.kpi === 'sales_per_participant' && (c.value != null || c.other != null);
    body = (
      <>
        {twoFigures ? (
          <>
            <p class="kpi-value">{c.value == null ? '–' : fmt(c.value)}</p>
            <p class="kpi-sales">{s.kpis.salesFigures(c.value == null ? '–' : fmt(c.value), c.other == null ? '–' : fmt(c.other))}</p>
          </>
        ) : c.value == null ? (
          <p class="muted">{s.kpis.noValue}</p>
        ) : (
          <p class="kpi-value">{fmt(c.value)}</p>
        )}
        {lines.map((l) => (
          <p class="kpi-compare" key={l}>
            {l}
          </p>
        ))}
        {points.length > 1 && known.length > 0 && (
          <Chart
            lang={props.lang}
            points={points}
            format={fmt}
            unit={c.unit}
            label={s.kpis.chartLabel(name, dayText(props.lang, props.range.from), dayText(props.lang, props.range.to), fmt(Math.min(...known)), fmt(Math.max(...known)))}
          />
        )}
        <p class="kpi-csv">
          <a href={kpisApi.csvUrl(c.kpi, props.range.from, props.range.to, props.space || undefined)} download={`${c.kpi}-${props.range.from}-${props.range.to}.csv`}>
            {s.kpis.csv}
            <span class="visually-hidden">{`: ${name}`}</span>
          </a>
        </p>
      </>
    );
  }
  return (
    <li class={c.available && !c.merged && !c.note ? 'kpi-card' : 'kpi-card kpi-off'} aria-labelledby={id}>
      <h2 id={id}>
        {c.number && <span class="kpi-number">{s.kpis.kpiNumber(c.number)}</span>}
        {name}
      </h2>
      {props.space && c.scope === 'community' && <p class="kpi-scope muted">{s.kpis.allSpacesScope}</p>}
      {body}
    </li>
  );
}

export function KpiDashboard(props: { lang: Lang; navigate: Nav; manage: boolean }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  // The period and the space are read from the address (/kpis?days=7&space=…, or
  // ?from=…&to=…): a reload or a shared link shows the same; a bad value is the default.
  const [initial] = useState(() => readDashboardQuery(location.search));
  const [preset, setPreset] = useState<Preset>(initial.preset);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [space, setSpace] = useState(initial.space);
  // asked: the period and space shown (the form's, once sent).
  const [asked, setAsked] = useState({ from: initial.from, to: initial.to, space: initial.space });
  const [data, setData] = useState<Kpis>();
  const [problem, setProblem] = useState<FormProblem>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    setBusy(true);
    kpisApi.dashboard(asked.from, asked.to, asked.space || undefined).then(
      (d) => {
        if (!live) return;
        setData(d);
        setProblem(undefined);
        setBusy(false);
      },
      (e) => {
        if (!live) return;
        // A space of the address the reader may not see (or that is gone): the whole
        // community, no error.
        if (asked.space && ['space_not_found', 'invalid_id'].includes(codeOf(e) ?? '') && asked.space === initial.space) {
          setSpace('');
          setAsked({ ...asked, space: '' });
          history.replaceState(null, '', dashboardQuery(preset, asked.from, asked.to, ''));
          return;
        }
        setProblem(problemOf(e, { invalid_kpi_range: 'from' }));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [asked]);
  // ask shows a period and a space, and writes them in the address.
  const ask = (next: { from: string; to: string; space: string }) => {
    history.replaceState(null, '', dashboardQuery(preset, next.from, next.to, next.space));
    setAsked(next);
  };
  const show = (e: Event) => {
    e.preventDefault();
    if (preset === 'custom') {
      if (!from) return setProblem({ code: 'missing_field', field: 'from' });
      if (!to) return setProblem({ code: 'missing_field', field: 'to' });
      // Days to come have no figures: their zeros would read as a collapse (the API
      // refuses a start after today; an end after it is refused here).
      if (from <= to && to > isoDay(new Date())) return setProblem({ code: 'invalid_kpi_range', field: 'to' });
      ask({ from, to, space });
    } else ask({ ...lastDays(Number(preset)), space });
  };
  return (
    <section class="kpis">
      <h1 tabIndex={-1} ref={heading}>
        {s.kpis.title}
      </h1>
      <KpiNav lang={props.lang} navigate={props.navigate} here="/kpis" manage={props.manage} />
      <p>{s.kpis.intro}</p>
      <form class="kpi-range" onSubmit={show} noValidate aria-label={s.kpis.rangeTitle}>
        <div class="field">
          <Label for="kpi-period">{s.kpis.period}</Label>
          <select id="kpi-period" value={preset} onChange={(e) => setPreset((e.currentTarget as HTMLSelectElement).value as Preset)}>
            {(['7', '30', '90'] as const).map((n) => (
              <option key={n} value={n}>
                {s.kpis.lastDays(Number(n))}
              </option>
            ))}
            <option value="custom">{s.kpis.custom}</option>
          </select>
        </div>
        {preset === 'custom' && (
          <>
            <div class="field">
              <Label for="kpi-from" required>
                {s.kpis.from}
              </Label>
              <input id="kpi-from" type="date" required value={from} max={isoDay(new Date())} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'from', 'kpi-from')} />
              <FieldProblem lang={props.lang} problem={problem} field="from" id="kpi-from" label={s.kpis.from} />
            </div>
            <div class="field">
              <Label for="kpi-to" required>
                {s.kpis.to}
              </Label>
              <input id="kpi-to" type="date" required value={to} max={isoDay(new Date())} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'to', 'kpi-to')} />
              <FieldProblem lang={props.lang} problem={problem} field="to" id="kpi-to" label={s.kpis.to} text={problem?.code === 'invalid_kpi_range' ? s.kpis.rangeFuture : undefined} />
            </div>
          </>
        )}
        <div class="field">
          <Label for="kpi-space">{s.kpis.space}</Label>
          <SpacePicker lang={props.lang} id="kpi-space" value={space} onChange={setSpace} attrs={{ 'aria-describedby': 'kpi-space-note' }} />
          <p class="muted hint" id="kpi-space-note">
            {s.kpis.spaceNote}
          </p>
        </div>
        <button type="submit">{s.kpis.show}</button>
      </form>
      {problem && !(preset === 'custom' && (problem.field === 'from' || problem.field === 'to')) && <Problem lang={props.lang} code={problem.code} />}
      {busy && !data && <p aria-busy="true">{s.loading}</p>}
      {data && (
        <div aria-busy={busy ? 'true' : undefined}>
          <p class="kpi-period">
            <strong>{s.kpis.periodOf(dayText(props.lang, data.from), dayText(props.lang, data.to))}</strong>{' '}
            {s.kpis.comparedWith(dayText(props.lang, data.previousFrom), dayText(props.lang, data.previousTo))}{' '}
            {data.baselineAt ? s.kpis.baselineAt(formatDate(props.lang, data.baselineAt)) : s.kpis.noBaselineYet}
          </p>
          <ul class="kpi-cards">
            {data.cards.map((c) => (
              <CardView key={c.kpi} lang={props.lang} card={c} range={data} space={asked.space} manage={props.manage} navigate={props.navigate} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

// ---- Participation (90-9-1).

const shareText = (lang: Lang, share: number) => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(share);

export function ParticipationPage(props: { lang: Lang; navigate: Nav; manage: boolean }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [days, setDays] = useState(28);
  const [p, setP] = useState<Participation>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setError(undefined);
    kpisApi.participation(days).then(setP, (e) => setError(codeOf(e)));
  }, [days]);
  const groups: [string, string, ParticipationGroup, string][] = p
    ? [
        ['readers', s.kpis.readers, p.readers, s.kpis.readersHint],
        ['occasional', s.kpis.occasional, p.occasional, s.kpis.occasionalHint(p.heavyFrom)],
        ['heavy', s.kpis.heavy, p.heavy, s.kpis.heavyHint(p.heavyFrom)],
      ]
    : [];
  return (
    <section class="kpis">
      <h1 tabIndex={-1} ref={heading}>
        {s.kpis.participationTitle}
      </h1>
      <KpiNav lang={props.lang} navigate={props.navigate} here="/kpis/participation" manage={props.manage} />
      <p>{s.kpis.participationIntro(days)}</p>
      <div class="field">
        <label for="kpi-days">{s.kpis.days}</label>
        <select id="kpi-days" value={String(days)} onChange={(e) => setDays(Number((e.currentTarget as HTMLSelectElement).value))}>
          {[7, 28, 90].map((n) => (
            <option key={n} value={String(n)}>
              {s.kpis.lastDays(n)}
            </option>
          ))}
        </select>
      </div>
      <Problem lang={props.lang} code={error} />
      {!p && !error && <p aria-busy="true">{s.loading}</p>}
      {p && (
        <>
          <p class="kpi-period">
            <strong>{s.kpis.periodOf(dayText(props.lang, p.from), dayText(props.lang, p.to))}</strong>
            {p.activeMembers != null && ` ${s.kpis.activeMembers(p.activeMembers)}`}
          </p>
          {/* Each group the API gives is shown; a hidden one (null) says why, in its place.
              The bar of shares is drawn only when every group is shown: drawn from the
              shown ones alone, it would give the hidden ones' share away. */}
          {groups.every(([, , g]) => g.members != null && g.share != null) && (
            <div class="kpi-shares" aria-hidden="true">
              {groups.map(([key, , g]) => (
                <span key={key} class={`kpi-share kpi-share-${key}`} style={{ flexGrow: Math.max(g.share ?? 0, 0), flexBasis: 0 }} />
              ))}
            </div>
          )}
          <dl class="kpi-groups" aria-label={s.kpis.sharesLabel}>
            {groups.map(([key, label, g, hint]) => (
              <div key={key} class={`kpi-group kpi-group-${key}`}>
                <dt>
                  <span class={`kpi-swatch kpi-share-${key}`} aria-hidden="true" />
                  {label} <span class="muted">({hint})</span>
                </dt>
                {/* Only a null group is hidden: one given without its share (the total
                    would reveal a hidden one) shows its members. */}
                {g.members == null ? (
                  <dd class="muted kpi-group-hidden">{s.kpis.groupHidden}</dd>
                ) : g.share == null ? (
                  <dd>{new Intl.NumberFormat(props.lang).format(g.members)}</dd>
                ) : (
                  <dd>{s.kpis.share(new Intl.NumberFormat(props.lang).format(g.members), shareText(props.lang, g.share))}</dd>
                )}
              </div>
            ))}
          </dl>
          {p.note === 'lists_admins_only' ? (
            <p class="muted kpi-lists-admins-only">{s.kpis.listsAdminsOnly}</p>
          ) : (
            <>
              <h2>{s.kpis.topTitle}</h2>
              {p.topContributors.length === 0 ? (
                <p class="muted">{s.kpis.topNone}</p>
              ) : (
                <ol class="kpi-people">
                  {p.topContributors.map((m) => (
                    <PersonLine key={m.memberId} id={m.memberId} name={m.name} navigate={props.navigate}>
                      {s.kpis.contributions(m.contributions)}
                    </PersonLine>
                  ))}
                </ol>
              )}
              <h2>{s.kpis.atRiskTitle}</h2>
              <p>{s.kpis.atRiskIntro}</p>
              {p.atRisk.length === 0 ? (
                <p class="muted">{s.kpis.atRiskNone}</p>
              ) : (
                <ul class="kpi-people">
                  {p.atRisk.map((m) => (
                    <PersonLine key={m.memberId} id={m.memberId} name={m.name} navigate={props.navigate}>
                      {s.kpis.lastActive(dayText(props.lang, m.lastActive.slice(0, 10)))}
                    </PersonLine>
                  ))}
                </ul>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

// PersonLine is one member of participation's lists: their name, linked to their
// profile, then what is said of them.
function PersonLine(props: { id: string; name: string; navigate: Nav; children: ComponentChildren }) {
  return (
    <li>
      <AppLink to={`/members/${encodeURIComponent(props.id)}`} navigate={props.navigate}>
        {props.name}
      </AppLink>{' '}
      <span class="muted">{props.children}</span>
    </li>
  );
}

// ---- Health checks.

// reopened: the report "Run a health check now" was answered with (200: a check of the
// same period run in the last 10 minutes), and the time zone to say its time in; the
// report's page says so once.
let reopened: { id: string; zone: string | null | undefined } | undefined;

export function HealthChecksPage(props: { lang: Lang; navigate: Nav; manage: boolean }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [items, setItems] = useState<HealthCheckSummary[]>();
  // months: the settings' period between two checks (the list's everyMonths; for admins,
  // the settings when the list does not say it); unknown: the sentence names none.
  const [months, setMonths] = useState<number>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  // zone: the community's time zone (the newsletters' sending settings, which admins and
  // marketers read), null when it cannot be read (then the browser's, named).
  const [zone, setZone] = useState<string | null>();
  useEffect(() => {
    kpisApi.healthChecks().then(
      (r) => {
        setItems(r.items);
        if (typeof r.everyMonths === 'number') setMonths(r.everyMonths);
        else if (props.manage) kpisApi.settings().then((st) => setMonths(st.healthCheckMonths), () => undefined);
      },
      (e) => setError(codeOf(e)),
    );
    newsletterSendingApi.settings().then((st) => setZone(st.timeZone || 'UTC'), () => setZone(null));
  }, []);
  const run = () => {
    setRunning(true);
    setError(undefined);
    kpisApi.runHealthCheck().then(
      (r) => {
        reopened = r.reopened ? { id: r.report.id, zone } : undefined;
        props.navigate(`/kpis/health-checks/${encodeURIComponent(r.report.id)}`);
      },
      (e) => {
        // A check of the same period that is running or just ran is the one to read,
        // whether the API answers it (200) or names it (409 with its id).
        const id = (e as { id?: string }).id;
        if (e instanceof ApiError && e.status === 409 && id) {
          reopened = { id, zone };
          return props.navigate(`/kpis/health-checks/${encodeURIComponent(id)}`);
        }
        setError(codeOf(e));
        setRunning(false);
      },
    );
  };
  return (
    <section class="kpis">
      <h1 tabIndex={-1} ref={heading}>
        {s.kpis.healthTitle}
      </h1>
      <KpiNav lang={props.lang} navigate={props.navigate} here="/kpis/health-checks" manage={props.manage} />
      <p class="kpi-health-intro">{months ? s.kpis.healthIntro(s.kpis.everyMonths(months)) : s.kpis.healthIntroPlain}</p>
      {props.manage && (
        <p>
          <button type="button" onClick={run} disabled={running} aria-busy={running ? 'true' : undefined}>
            {running ? s.kpis.running : s.kpis.runNow}
          </button>
        </p>
      )}
      <Problem lang={props.lang} code={error} />
      {(!items || zone === undefined) && !error && <p aria-busy="true">{s.loading}</p>}
      {items && items.length === 0 && <p class="muted">{s.kpis.healthNone}</p>}
      {items && items.length > 0 && zone !== undefined && (
        <ul class="kpi-checks">
          {items.map((h) => (
            <li key={h.id}>
              <AppLink to={`/kpis/health-checks/${encodeURIComponent(h.id)}`} navigate={props.navigate}>
                {/* Two checks of a day differ by their time (the community's zone). */}
                {s.kpis.reportLink(timeIn(props.lang, h.at, zone))}
              </AppLink>{' '}
              <span class="muted">{s.kpis.periodOf(dayText(props.lang, h.from), dayText(props.lang, h.to))}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// timeIn is a moment's date and time in a time zone, the zone named ("30 November 2026,
// 19:01 UTC"); zone null: the browser's.
export function timeIn(lang: Lang, iso: string, zone: string | null | undefined): string {
  const o: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return firstOfMonth(lang, new Date(iso).toLocaleString(locale(lang), { ...o, timeZone: zone || undefined }));
  } catch {
    return firstOfMonth(lang, new Date(iso).toLocaleString(locale(lang), o)); // a zone this browser does not know
  }
}

// hourIn is a moment's hour and minute in a time zone (null: the browser's), "21:04".
export function hourIn(lang: Lang, iso: string, zone: string | null | undefined): string {
  const o: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  try {
    return new Date(iso).toLocaleTimeString(locale(lang), { ...o, timeZone: zone || undefined });
  } catch {
    return new Date(iso).toLocaleTimeString(locale(lang), o);
  }
}

// findingText is a finding as a sentence: its code's, else "<figure> went from a to b".
export function findingText(lang: Lang, f: { code: string; kpi: string; from: number; to: number }, unit: KpiUnit): string {
  const s = strings[lang];
  // Participation's shift is a share of the active members.
  const fmt = (v: number) => (f.code === 'participation_to_readers' ? shareText(lang, v) : formatValue(lang, unit, v));
  const sentence = s.kpis.findings[f.code];
  return sentence ? sentence(fmt(f.from), fmt(f.to)) : s.kpis.findingOther(kpiName(s, f.kpi), fmt(f.from), fmt(f.to));
}

export function HealthCheckPage(props: { lang: Lang; id: string; navigate: Nav; manage: boolean }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [r, setR] = useState<HealthCheck>();
  const [error, setError] = useState<string>();
  // again: this report was handed back by "Run a health check now" (the time zone to say
  // its time in), said once.
  const [again] = useState(() => (reopened?.id === props.id ? reopened : undefined));
  useEffect(() => {
    reopened = undefined;
    setR(undefined);
    setError(undefined);
    kpisApi.healthCheck(props.id).then(setR, (e) => setError(codeOf(e)));
  }, [props.id]);
  if (error) return <LoadProblem lang={props.lang} code={error} navigate={props.navigate} />;
  const unitOf = (kpi: string) => r?.cards.find((c) => c.kpi === kpi)?.unit ?? 'count';
  const cell = (c: KpiCard, v: number | null | undefined) => (v == null ? '–' : formatValue(props.lang, c.unit, v));
  // The launch baseline's column, when the report's cards carry one.
  const withBaseline = !!r?.cards.some((c) => c.baseline !== undefined);
  const columns = withBaseline ? 4 : 3;
  return (
    <section class="kpis">
      <h1 tabIndex={-1} ref={heading}>
        {r ? s.kpis.reportTitle(formatDate(props.lang, r.at)) : s.kpis.healthTitle}
      </h1>
      <KpiNav lang={props.lang} navigate={props.navigate} here="" manage={props.manage} />
      {!r && <p aria-busy="true">{s.loading}</p>}
      {r && (
        <>
          <p class="kpi-period">
            <strong>{s.kpis.periodOf(dayText(props.lang, r.from), dayText(props.lang, r.to))}</strong>{' '}
            <span class="muted">{formatDateTime(props.lang, r.at)}</span>
          </p>
          {again && (
            <p class="ok kpi-reopened" role="status">
              {s.kpis.reopened(hourIn(props.lang, r.at, again.zone))}
            </p>
          )}
          <h2>{s.kpis.findingsTitle}</h2>
          {r.findings.length === 0 ? (
            <p>{s.kpis.noFindings}</p>
          ) : (
            <ul class="kpi-findings">
              {r.findings.map((f, i) => (
                <li key={`${f.code}-${i}`}>{findingText(props.lang, f, unitOf(f.kpi))}</li>
              ))}
            </ul>
          )}
          <h2>{s.kpis.figuresTitle}</h2>
          {withBaseline && r.baselineAt && <p class="kpi-report-baseline">{s.kpis.reportBaselineAt(formatDate(props.lang, r.baselineAt))}</p>}
          <div class="table-scroll" tabIndex={0} role="region" aria-label={s.kpis.figuresTitle}>
            <table class="kpi-table">
              <thead>
                <tr>
                  <th scope="col">{s.kpis.figure}</th>
                  <th scope="col">{s.kpis.value}</th>
                  <th scope="col">{s.kpis.previousPeriod}</th>
                  <th scope="col">{s.kpis.previousCheckColumn}</th>
                  {withBaseline && <th scope="col">{s.kpis.baselineColumn}</th>}
                </tr>
              </thead>
              <tbody>
                {r.cards
                  .filter((c) => c.available)
                  .map((c) => (
                    <tr key={c.kpi}>
                      <th scope="row">{kpiName(s, c.kpi)}</th>
                      {c.merged ? (
                        <td colSpan={columns} data-label={s.kpis.column(s.kpis.value)}>
                          {s.kpis.merged}
                        </td>
                      ) : (
                        <>
                          <td data-label={s.kpis.column(s.kpis.value)}>{cell(c, c.value)}</td>
                          <td data-label={s.kpis.column(s.kpis.previousPeriod)}>
                            {cell(c, c.previous)} <span class="muted">{changeText(props.lang, c.value, c.previous, c.unit)}</span>
                          </td>
                          <td data-label={s.kpis.column(s.kpis.previousCheckColumn)}>
                            {cell(c, c.previousCheck)} <span class="muted">{changeText(props.lang, c.value, c.previousCheck, c.unit)}</span>
                          </td>
                          {withBaseline && (
                            <td data-label={s.kpis.column(s.kpis.baselineColumn)}>
                              {cell(c, c.baseline)} <span class="muted">{changeText(props.lang, c.value, c.baseline, c.unit)}</span>
                            </td>
                          )}
                        </>
                      )}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          {r.participation && (
            <>
              <h2>{s.kpis.participationTitle}</h2>
              <ul>
                {(
                  [
                    [s.kpis.readers, r.participation.readers],
                    [s.kpis.occasional, r.participation.occasional],
                    [s.kpis.heavy, r.participation.heavy],
                  ] as [string, ParticipationGroup][]
                ).map(([label, g]) => (
                  <li key={label}>
                    {s.kpis.groupLine(
                      label,
                      g.members == null ? s.kpis.groupHidden : g.share == null ? new Intl.NumberFormat(props.lang).format(g.members) : s.kpis.share(new Intl.NumberFormat(props.lang).format(g.members), shareText(props.lang, g.share)),
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p>
            <AppLink to="/kpis/health-checks" navigate={props.navigate}>
              {s.kpis.backToChecks}
            </AppLink>
          </p>
        </>
      )}
    </section>
  );
}

// ---- The baseline, the settings and the sales upload (admins: kpis.manage).

// noActivity: every figure of these cards that is shown is 0 or missing (a baseline
// frozen from them would be all zeros, and no card could ever show a change against it).
export const noActivity = (cards: KpiCard[]) => cards.filter((c) => c.available && !c.merged).every((c) => !c.value);

function BaselineSection(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [b, setB] = useState<Baseline | null>();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  // cards: the dashboard's cards over the period a freeze would hold: their order and
  // numbers list the baseline as the dashboard does, and their values say whether that
  // period holds any activity (read again when the admin asks to freeze).
  const [cards, setCards] = useState<KpiCard[]>();
  const [empty, setEmpty] = useState(false);
  const [checking, setChecking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const freezeButton = useRef<HTMLButtonElement>(null);
  const readRange = () => {
    const r = freezeRange();
    return kpisApi.dashboard(r.from, r.to).then((d) => {
      setCards(d.cards);
      return d.cards;
    });
  };
  useEffect(() => {
    kpisApi.baseline().then(setB, (e) => (codeOf(e) === 'no_baseline' ? setB(null) : setError(codeOf(e))));
    readRange().catch(() => undefined);
  }, []);
  const ask = () => {
    setDone(false);
    setChecking(true);
    // The warning is known before the question shows: the focus lands once, on Yes.
    readRange().then(
      (cs) => {
        setEmpty(noActivity(cs));
        setChecking(false);
        setConfirming(true);
      },
      () => {
        setEmpty(false);
        setChecking(false);
        setConfirming(true);
      },
    );
  };
  // The baseline's figures in the dashboard's order with their numbers; a figure the
  // dashboard no longer has comes last, by name.
  const order = new Map((cards ?? []).map((c, i) => [c.kpi, { i, number: c.number }]));
  const listed = Object.entries(b?.values ?? {}).sort(([x], [y]) => (order.get(x)?.i ?? 1e6) - (order.get(y)?.i ?? 1e6) || kpiName(s, x).localeCompare(kpiName(s, y)));
  useEffect(() => {
    if (confirming) yes.current?.focus();
  }, [confirming]);
  const freeze = () => {
    setError(undefined);
    // The baseline is read back: the page shows what the API keeps, whatever PUT answers.
    kpisApi.freezeBaseline().then(
      async (nb) => {
        setB(nb?.at ? nb : await kpisApi.baseline().catch(() => null));
        setConfirming(false);
        setDone(true);
      },
      (e) => {
        setError(codeOf(e));
        setConfirming(false);
      },
    );
  };
  return (
    <section aria-labelledby="kpi-baseline">
      <h2 id="kpi-baseline">{s.kpis.baselineTitle}</h2>
      <p>{s.kpis.baselineIntro}</p>
      {b === undefined && !error && <p aria-busy="true">{s.loading}</p>}
      {b === null && <p class="muted">{s.kpis.baselineNone}</p>}
      {b && <p>{s.kpis.baselineOf(formatDateTime(props.lang, b.at))}</p>}
      {b && listed.length > 0 && (
        <dl class="kpi-baseline">
          {listed.map(([k, v]) => {
            const number = order.get(k)?.number;
            const unit = (cards ?? []).find((c) => c.kpi === k)?.unit;
            return (
              <div key={k}>
                <dt>
                  {number && <span class="kpi-number">{s.kpis.kpiNumber(number)}</span>}
                  {number && ' '}
                  {kpiName(s, k)}
                </dt>
                <dd>{unit ? formatValue(props.lang, unit, v) : new Intl.NumberFormat(props.lang, { maximumFractionDigits: 2 }).format(v)}</dd>
              </div>
            );
          })}
        </dl>
      )}
      {confirming ? (
        <div class="confirm" role="group" aria-labelledby="kpi-freeze-question" aria-describedby={empty ? 'kpi-freeze-empty' : undefined}>
          {empty && (
            <p class="warning" id="kpi-freeze-empty">
              {s.kpis.freezeEmpty(dayText(props.lang, freezeRange().from), dayText(props.lang, freezeRange().to))}
            </p>
          )}
          <p id="kpi-freeze-question">{s.kpis.confirmFreeze}</p>
          <button type="button" ref={yes} onClick={freeze}>
            {s.kpis.confirmFreezeYes}
          </button>{' '}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setConfirming(false);
              setTimeout(() => freezeButton.current?.focus());
            }}
          >
            {s.kpis.cancel}
          </button>
        </div>
      ) : (
        <p>
          <button type="button" ref={freezeButton} onClick={ask} disabled={checking} aria-busy={checking ? 'true' : undefined}>
            {b ? s.kpis.freezeAgain : s.kpis.freeze}
          </button>
        </p>
      )}
      <Done show={done} text={s.kpis.frozen} />
      <Problem lang={props.lang} code={error} />
    </section>
  );
}

function SettingsSection(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [st, setSt] = useState<{ heavyFrom: string; healthCheckMonths: string }>();
  // problems: every wrong field at once (an empty one here, the API's `fields` for values
  // out of their bounds), or the one problem of another refusal (no field).
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    kpisApi.settings().then(
      (r) => setSt({ heavyFrom: String(r.heavyFrom), healthCheckMonths: String(r.healthCheckMonths) }),
      (e) => setProblems([problemOf(e)]),
    );
  }, []);
  // The API says invalid_kpi_settings for either field; each field says its own bounds.
  const texts: Record<string, string> = { heavyFrom: s.kpis.errors.invalid_heavy_from, healthCheckMonths: s.kpis.errors.invalid_health_check_months };
  const save = (e: Event) => {
    e.preventDefault();
    if (!st) return;
    setSaved(false);
    // Empty or not a whole number: said here, every such field at once; the bounds are
    // the API's to check (it names every field out of them).
    const wrong = (['heavyFrom', 'healthCheckMonths'] as const).flatMap((field) =>
      !st[field].trim() ? [{ code: 'missing_field', field }] : Number.isInteger(Number(st[field])) ? [] : [{ code: 'invalid_kpi_settings', field }],
    );
    if (wrong.length) return setProblems(wrong);
    const next: KpiSettings = { heavyFrom: Number(st.heavyFrom), healthCheckMonths: Number(st.healthCheckMonths) };
    kpisApi.saveSettings(next).then(
      () => {
        setProblems([]);
        setSaved(true);
      },
      (err) => {
        if (err instanceof ApiError && err.fields?.length) setProblems(err.fields.map((f) => ({ code: f.code, field: f.field })));
        else setProblems([problemOf(err, { invalid_heavy_from: 'heavyFrom', invalid_health_check_months: 'healthCheckMonths' })]);
      },
    );
  };
  const input = (field: 'heavyFrom' | 'healthCheckMonths', label: string, hint: string, min: number, max: number) => {
    const problem = problems.find((p) => p.field === field);
    return (
      <div class="field">
        <Label for={`kpi-${field}`} required>
          {label}
        </Label>
        <input
          id={`kpi-${field}`}
          type="number"
          inputMode="numeric"
          required
          min={min}
          max={max}
          value={st?.[field] ?? ''}
          onInput={(e) => st && setSt({ ...st, [field]: (e.currentTarget as HTMLInputElement).value })}
          {...(problem ? fieldAttrs(problem, field, `kpi-${field}`) : { 'aria-describedby': `kpi-${field}-hint` })}
        />
        <p class="muted hint" id={`kpi-${field}-hint`}>
          {hint}
        </p>
        <FieldProblem lang={props.lang} problem={problem} field={field} id={`kpi-${field}`} label={label} text={problem && problem.code !== 'missing_field' ? texts[field] : undefined} />
      </div>
    );
  };
  const other = problems.find((p) => p.field !== 'heavyFrom' && p.field !== 'healthCheckMonths');
  return (
    <section aria-labelledby="kpi-settings">
      <h2 id="kpi-settings">{s.kpis.settingsTitle}</h2>
      {!st && !problems.length && <p aria-busy="true">{s.loading}</p>}
      {st && (
        <form onSubmit={save} noValidate>
          {input('heavyFrom', s.kpis.heavyFrom, s.kpis.heavyFromHint, 2, 100)}
          {input('healthCheckMonths', s.kpis.healthCheckMonths, s.kpis.healthCheckMonthsHint, 1, 24)}
          <button type="submit">{s.kpis.saveSettings}</button>
        </form>
      )}
      {other && <Problem lang={props.lang} code={other.code} />}
      <Done show={saved} text={s.kpis.settingsSaved} />
    </section>
  );
}

function SalesSection(props: { lang: Lang }) {
  const s = strings[props.lang];
  const file = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<FormProblem>();
  const [lines, setLines] = useState<{ line: number; code: string }[]>();
  const [result, setResult] = useState<SalesUpload>();
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    setResult(undefined);
    setLines(undefined);
    const f = file.current?.files?.[0];
    if (!f) return setProblem({ code: 'missing_field', field: 'file' });
    if (f.size > 1 << 20) return setProblem({ code: 'sales_too_large', field: 'file' });
    setProblem(undefined);
    setBusy(true);
    try {
      const r = await kpisApi.uploadSales(await f.text());
      if (r.invalid?.length) setLines(r.invalid);
      else setResult(r);
    } catch (err) {
      const p = problemOf(err);
      // A refused file names its lines (problem+json `invalid`: {line, code}).
      const entries = (err as { entries?: unknown[] }).entries as { line?: number; code: string }[] | undefined;
      if (entries?.length && entries.every((x) => typeof x.line === 'number')) setLines(entries as { line: number; code: string }[]);
      else setProblem({ ...p, field: 'file' });
    }
    setBusy(false);
  };
  return (
    <section aria-labelledby="kpi-sales">
      <h2 id="kpi-sales">{s.kpis.salesTitle}</h2>
      <p id="kpi-sales-intro">{s.kpis.salesIntro}</p>
      <form onSubmit={send} noValidate>
        <div class="field">
          <Label for="kpi-file" required>
            {s.kpis.salesFile}
          </Label>
          <input
            id="kpi-file"
            type="file"
            accept=".csv,text/csv"
            required
            ref={file}
            {...(problem?.field === 'file' ? fieldAttrs(problem, 'file', 'kpi-file') : { 'aria-describedby': 'kpi-sales-intro' })}
          />
          <FieldProblem lang={props.lang} problem={problem} field="file" id="kpi-file" label={s.kpis.salesFile} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? s.kpis.uploading : s.kpis.upload}
        </button>
      </form>
      {lines && (
        <div role="alert" class="error-list">
          <p class="error">{s.kpis.salesRefused}</p>
          <ul>
            {lines.map((l) => (
              <li key={`${l.line}-${l.code}`}>{s.kpis.line(l.line, s.errors[l.code] ?? s.errors.internal)}</li>
            ))}
          </ul>
        </div>
      )}
      {result && (
        <p class="ok" role="status">
          {s.kpis.salesDone(result.rows, result.matched, result.unmatched)}
        </p>
      )}
    </section>
  );
}

export function KpiManagePage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  return (
    <section class="kpis">
      <h1 tabIndex={-1} ref={heading}>
        {s.kpis.manageTitle}
      </h1>
      <KpiNav lang={props.lang} navigate={props.navigate} here="/kpis/manage" manage />
      <BaselineSection lang={props.lang} />
      <SettingsSection lang={props.lang} />
      <SalesSection lang={props.lang} />
    </section>
  );
}
