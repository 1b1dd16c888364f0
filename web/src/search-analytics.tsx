// The staff's search analytics (/search/analytics, issue 15; docs/kpis.md, "VII"):
// searches per day (a chart, as the KPI cards draw theirs), the top queries with their
// click-through, the queries with no result, and the "before you ask" deflection. The
// period is picked as on the KPI dashboard and kept in the address (?days=30, or
// ?from=…&to=…).
import { useEffect, useState } from 'preact/hooks';
import { Chart } from './chart';
import { Lang, strings } from './i18n';
import { isoDay, lastDays } from './kpis-api';
import { dayText } from './kpis';
import { SearchAnalytics, searchApi } from './search-api';
import { useFocusHeading } from './signin';
import { FieldProblem, fieldAttrs, FormProblem, Label, Problem, problemOf } from './ui';

type Preset = '7' | '30' | '90' | 'custom';

// The longest period the analytics route reads (shared/metrics: MaxAnalyticsDays).
const maxDays = 92;

const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && isoDay(new Date(`${d}T00:00:00Z`)) === d;

// readRange reads the page's address: a preset, or a good custom range (not after today,
// at most 400 days), else the last 30 days.
function readRange(search: string): { preset: Preset; from: string; to: string } {
  const qs = new URLSearchParams(search);
  const days = qs.get('days');
  if (days === '7' || days === '30' || days === '90') return { preset: days, ...lastDays(Number(days)) };
  const from = qs.get('from') ?? '';
  const to = qs.get('to') ?? '';
  if (isDay(from) && isDay(to) && from <= to && to <= isoDay(new Date()) && (Date.parse(to) - Date.parse(from)) / 86400e3 < maxDays) return { preset: 'custom', from, to };
  return { preset: '30', ...lastDays(30) };
}

const rangePath = (preset: Preset, from: string, to: string) =>
  preset === 'custom' ? `/search/analytics?from=${from}&to=${to}` : `/search/analytics?days=${preset}`;

export function SearchAnalyticsPage(props: { lang: Lang }) {
  const s = strings[props.lang];
  const t = s.find;
  const heading = useFocusHeading();
  const [initial] = useState(() => readRange(location.search));
  const [preset, setPreset] = useState<Preset>(initial.preset);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [asked, setAsked] = useState({ from: initial.from, to: initial.to });
  const [data, setData] = useState<SearchAnalytics>();
  const [problem, setProblem] = useState<FormProblem>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    setBusy(true);
    searchApi.analytics(asked.from, asked.to).then(
      (d) => {
        if (!live) return;
        setData(d);
        setProblem(undefined);
        setBusy(false);
      },
      (e) => {
        if (!live) return;
        setProblem(problemOf(e));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [asked]);
  const show = (e: Event) => {
    e.preventDefault();
    let next = { from, to };
    if (preset === 'custom') {
      if (!from) return setProblem({ code: 'missing_field', field: 'from' });
      if (!to) return setProblem({ code: 'missing_field', field: 'to' });
      if (from > to || to > isoDay(new Date()) || (Date.parse(to) - Date.parse(from)) / 86400e3 >= maxDays) return setProblem({ code: 'invalid_search_range', field: 'to' });
    } else next = lastDays(Number(preset));
    history.replaceState(null, '', rangePath(preset, next.from, next.to));
    setAsked(next);
  };
  const nf = new Intl.NumberFormat(props.lang);
  const pct = (v: number | null | undefined) => (v == null ? t.noData : new Intl.NumberFormat(props.lang, { style: 'percent', maximumFractionDigits: 1 }).format(v));
  const points = (data?.days ?? []).map((d) => ({ day: d.day, value: d.searches }));
  const values = points.map((p) => p.value);
  const d = data?.deflection;
  return (
    <section class="kpis search-analytics">
      <h1 tabIndex={-1} ref={heading}>
        {t.analyticsTitle}
      </h1>
      <p>{t.analyticsIntro}</p>
      <form class="kpi-range" onSubmit={show} noValidate aria-label={t.rangeTitle}>
        <div class="field">
          <label for="sa-period">{t.period}</label>
          <select id="sa-period" value={preset} onChange={(e) => setPreset((e.currentTarget as HTMLSelectElement).value as Preset)}>
            {(['7', '30', '90'] as const).map((n) => (
              <option key={n} value={n}>
                {t.lastDays(Number(n))}
              </option>
            ))}
            <option value="custom">{t.custom}</option>
          </select>
        </div>
        {preset === 'custom' && (
          <>
            <div class="field">
              <Label for="sa-from" required>
                {t.from}
              </Label>
              <input id="sa-from" type="date" required value={from} max={isoDay(new Date())} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'from', 'sa-from')} />
              <FieldProblem lang={props.lang} problem={problem} field="from" id="sa-from" label={t.from} />
            </div>
            <div class="field">
              <Label for="sa-to" required>
                {t.to}
              </Label>
              <input id="sa-to" type="date" required value={to} max={isoDay(new Date())} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'to', 'sa-to')} />
              <FieldProblem lang={props.lang} problem={problem} field="to" id="sa-to" label={t.to} />
            </div>
          </>
        )}
        <button type="submit">{t.show}</button>
      </form>
      {problem && !(preset === 'custom' && (problem.field === 'from' || problem.field === 'to')) && <Problem lang={props.lang} code={problem.code} />}
      {busy && !data && <p aria-busy="true">{s.loading}</p>}
      {data && (
        <div aria-busy={busy ? 'true' : undefined}>
          <p class="kpi-period">
            <strong>{t.periodOf(dayText(props.lang, data.from), dayText(props.lang, data.to))}</strong>
          </p>
          <h2>{t.figures}</h2>
          <dl class="results-counters">
            <div>
              <dt>{t.searches}</dt>
              <dd>{nf.format(data.searches)}</dd>
            </div>
            <div>
              <dt>{t.noResultSearches}</dt>
              <dd>{nf.format(data.noResult)}</dd>
            </div>
            <div>
              <dt>{t.clicks}</dt>
              <dd>{nf.format(data.clicks)}</dd>
            </div>
            <div>
              <dt>{t.clickThrough}</dt>
              <dd>{pct(data.clickThrough)}</dd>
            </div>
          </dl>
          <section>
            <h2>{t.searchesPerDay}</h2>
            {points.length > 0 && (
              <Chart
                lang={props.lang}
                points={points}
                unit="count"
                format={(v) => nf.format(v)}
                label={t.chartLabel(dayText(props.lang, data.from), dayText(props.lang, data.to), nf.format(Math.min(...values)), nf.format(Math.max(...values)))}
              />
            )}
          </section>
          <section>
            <h2 id="sa-top">{t.topQueries}</h2>
            {data.topQueries.length === 0 ? (
              <p>{t.noQueries}</p>
            ) : (
              <div class="table-scroll">
                <table class="kpi-table" aria-labelledby="sa-top">
                  <thead>
                    <tr>
                      <th scope="col">{t.query}</th>
                      <th scope="col">{t.searchesCol}</th>
                      <th scope="col">{t.clicksCol}</th>
                      <th scope="col">{t.ctrCol}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.topQueries.map((q) => (
                      <tr key={q.query}>
                        <th scope="row" class="wrap">
                          {q.query}
                        </th>
                        <td data-label={t.col(t.searchesCol)}>{nf.format(q.searches)}</td>
                        <td data-label={t.col(t.clicksCol)}>{nf.format(q.clicks)}</td>
                        <td data-label={t.col(t.ctrCol)}>{pct(q.clickThrough)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section>
            <h2 id="sa-none">{t.noResultQueries}</h2>
            {data.noResultQueries.length === 0 ? (
              <p>{t.noResultNone}</p>
            ) : (
              <ul class="kpi-groups" aria-labelledby="sa-none">
                {data.noResultQueries.map((q) => (
                  <li key={q.query} class="kpi-group">
                    <span class="wrap">{q.query}</span> <span>{t.searchesCount(q.noResult)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {d && (
            <section>
              <h2>{t.deflectionTitle}</h2>
              <p>{t.deflectionIntro}</p>
              <dl class="kpi-groups">
                {(
                  [
                    [t.questionSessions, nf.format(d.questionSessions)],
                    [t.questionsAfter, nf.format(d.questionsAfter)],
                    [t.ticketSessions, nf.format(d.ticketSessions)],
                    [t.ticketsAfter, nf.format(d.ticketsAfter)],
                    [t.deflected, nf.format(d.deflected)],
                    [t.deflectionRate, pct(d.rate)],
                    [t.suggestionClicks, nf.format(d.clicks)],
                  ] as [string, string][]
                ).map(([label, v]) => (
                  <div class="kpi-group" key={label}>
                    <dt>{label}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
        </div>
      )}
    </section>
  );
}
