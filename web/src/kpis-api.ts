// The KPI routes of issue 14 (docs/api.md, "KPIs"): the dashboard, its CSV export,
// participation, the settings, the baseline, the sales upload and the health checks.
// Their types are written here by hand from the contract the API's round 2 keeps
// (BRIEF14, "The contract"); once api.gen.ts has them, these types may become its names.
import { ApiError, ProblemEntry, ProblemField } from './api';

// KpiAction: the KPI actions of the API's permission table (kpis.read: admins and
// marketers; kpis.manage: admins).
export type KpiAction = 'kpis.read' | 'kpis.manage';

export type KpiUnit = 'count' | 'ratio' | 'seconds' | 'percent' | 'money';
export type KpiPoint = { day: string; value: number | null };
export type KpiCard = {
  kpi: string;
  // number: the roman numeral (I–XV), absent for the supporting figures.
  number?: string;
  value: number | null;
  previous?: number | null;
  baseline?: number | null;
  // other: sales_per_participant's non-participating customers.
  other?: number | null;
  // previousCheck: the figure at the health check before (a report's cards only).
  previousCheck?: number | null;
  unit: KpiUnit;
  available: boolean;
  merged: boolean;
  series?: KpiPoint[];
  // scope "community": the figure is the whole community's whatever the space filter
  // (absent: the card follows the filter, or no space was chosen).
  scope?: 'community' | 'space';
  // note: why a shown card has no figure, when the API says ("no_sales_file": sales per
  // customer before any sales file was uploaded); absent otherwise.
  note?: string;
};
export type Kpis = {
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  space?: string;
  baselineAt?: string;
  cards: KpiCard[];
};
// A group of fewer than 5 members (or one the others would reveal) has null members and
// share; so has the total when it would reveal a hidden group.
export type ParticipationGroup = { members: number | null; share: number | null };
export type Participation = {
  from: string;
  to: string;
  activeMembers: number | null;
  heavyFrom: number;
  readers: ParticipationGroup;
  occasional: ParticipationGroup;
  heavy: ParticipationGroup;
  topContributors: { memberId: string; name: string; contributions: number }[];
  atRisk: { memberId: string; name: string; lastActive: string }[];
  merged: boolean;
  // note "lists_admins_only": the named lists are empty because only admins may see them
  // (a member's contributions may be in spaces the reader cannot read).
  note?: string;
};
export type KpiSettings = { heavyFrom: number; healthCheckMonths: number };
export type Baseline = { at: string; from?: string; to?: string; values: Record<string, number> };
export type SalesLineProblem = { line: number; code: string; detail: string };
export type SalesUpload = { rows: number; matched: number; unmatched: number; invalid: SalesLineProblem[] };
export type HealthCheckSummary = { id: string; at: string; from: string; to: string };
export type Finding = { code: string; kpi: string; from: number; to: number };
export type HealthCheck = HealthCheckSummary & {
  // baselineAt: when the baseline its cards carry was frozen (absent: none, or not said).
  baselineAt?: string;
  cards: KpiCard[];
  participation?: Participation;
  findings: Finding[];
};

// call sends a request to a KPI route: JSON (or a CSV body) in, JSON out, problem+json
// errors as ApiError (with the lines of a refused file in `entries`, every wrong field of
// a form checked whole in `fields`).
async function call<T>(method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  return (await callWithStatus<T>(method, url, body, contentType)).body;
}

// callWithStatus is call with the answer's status (POST health-checks: 201 a new report,
// 200 one of the same period run in the last 10 minutes).
async function callWithStatus<T>(method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: T }> {
  let resp: Response;
  try {
    resp = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': contentType, Accept: 'application/json' },
      body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : (body as BodyInit),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!resp.ok) {
    let code = 'internal';
    let field: string | undefined;
    let entries: ProblemEntry[] | undefined;
    let fields: ProblemField[] | undefined;
    // id: the thing a refusal is about, when it names one (a health check already run).
    let id: string | undefined;
    try {
      const p = await resp.json();
      if (typeof p.code === 'string') code = p.code;
      if (typeof p.field === 'string') field = p.field;
      if (Array.isArray(p.invalid)) entries = p.invalid;
      if (Array.isArray(p.fields)) fields = p.fields;
      if (typeof p.id === 'string') id = p.id;
    } catch {
      /* not a problem document */
    }
    throw Object.assign(new ApiError(resp.status, code, field, entries, undefined, undefined, fields), { id });
  }
  return { status: resp.status, body: resp.status === 204 ? (undefined as T) : ((await resp.json()) as T) };
}

const q = (params: Record<string, string | number | undefined>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  return u.toString();
};

export const kpisApi = {
  dashboard: (from: string, to: string, space?: string) => call<Kpis>('GET', `/api/kpis?${q({ from, to, space })}`),
  // csvUrl is a card's CSV (day,value), downloaded by a link.
  csvUrl: (kpi: string, from: string, to: string, space?: string) => `/api/kpis/export.csv?${q({ kpi, from, to, space })}`,
  participation: (days: number) => call<Participation>('GET', `/api/kpis/participation?${q({ days })}`),
  settings: () => call<KpiSettings>('GET', '/api/kpis/settings'),
  saveSettings: (st: KpiSettings) => call<KpiSettings>('PUT', '/api/kpis/settings', st),
  baseline: () => call<Baseline>('GET', '/api/kpis/baseline'),
  freezeBaseline: () => call<Baseline>('PUT', '/api/kpis/baseline', {}),
  uploadSales: (csv: string) => call<SalesUpload>('POST', '/api/kpis/sales', csv, 'text/csv'),
  // everyMonths: the settings' period between two checks.
  healthChecks: () => call<{ items: HealthCheckSummary[]; everyMonths?: number }>('GET', '/api/kpis/health-checks'),
  // reopened: the API answered 200, a check of the same period run in the last 10 minutes.
  runHealthCheck: () => callWithStatus<HealthCheck>('POST', '/api/kpis/health-checks', {}).then((r) => ({ report: r.body, reopened: r.status === 200 })),
  healthCheck: (id: string) => call<HealthCheck>('GET', `/api/kpis/health-checks/${encodeURIComponent(id)}`),
};

// isoDay is a date's UTC day, YYYY-MM-DD.
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

// freezeRange is the period a baseline frozen now holds: the 30 days ending yesterday
// (UTC), as PUT /api/kpis/baseline freezes it.
export function freezeRange(now = new Date()): { from: string; to: string } {
  return lastDays(30, new Date(now.getTime() - 86400e3));
}

// lastDays is the period of n days ending today (UTC, the API's days).
export function lastDays(n: number, now = new Date()): { from: string; to: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = new Date(to.getTime() - (n - 1) * 86400e3);
  return { from: isoDay(from), to: isoDay(to) };
}

// axisLabels writes the y axis: a unit that rounds (durations: 0.5 s reads "1 s") would
// write a label twice, at the wrong height once; a label is kept only at the split it is
// exact for (a whole number), or at its first split when none is, and left blank at the
// others.
export function axisLabels(splits: number[], format: (v: number) => string): string[] {
  const texts = splits.map((v) => format(v));
  return texts.map((t, i) => {
    const same = texts.flatMap((u, j) => (u === t ? [j] : []));
    if (same.length === 1) return t;
    const keep = same.find((j) => Number.isInteger(splits[j])) ?? same[0];
    return keep === i ? t : '';
  });
}

// ---- Charts' scales (web/src/chart.tsx), pure so the browser test checks them.

// niceCeil is the smallest 1, 2 or 5 × 10^k at or above v (v > 0).
export function niceCeil(v: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v - 1e-9 * p) return m * p;
  return 10 * p;
}

// yRange is a chart's y scale: a percentage 0 to 100 (a share never reads above its
// whole), otherwise from 0 (or the lowest value, if negative) to a round number at or
// above the highest value, so every point is inside the grid; at least 1.
export function yRange(unit: KpiUnit, min: number | null | undefined, max: number | null | undefined): [number, number] {
  const lo = Math.min(0, min ?? 0);
  if (unit === 'percent') return [lo, Math.max(100, niceCeil(Math.max(1, max ?? 0)))];
  return [lo, niceCeil(Math.max(1, max ?? 0))];
}

// xRange is a chart's x scale (seconds): half a day beyond the first and the last day, so
// a point on either is drawn inside the grid, not on its edge.
export function xRange(min: number, max: number): [number, number] {
  return [min - 43200, max + 43200];
}

// yIncrs are the steps between the y axis' lines: counts and money step by whole numbers
// (no "0.5" of a member); ratios, percents and durations may step by fractions.
export function yIncrs(unit: KpiUnit): number[] | undefined {
  if (unit !== 'count') return undefined;
  const out: number[] = [];
  for (let p = 1; p <= 1e12; p *= 10) out.push(p, 2 * p, 5 * p);
  return out;
}

// readDashboardQuery reads the dashboard's address (/kpis?days=7, or
// ?from=…&to=…, and &space=…): what it says when it is good, else the default (the last
// 30 days, the whole community); today is the reader's UTC day.
export function readDashboardQuery(search: string, today = isoDay(new Date())): { preset: '7' | '30' | '90' | 'custom'; from: string; to: string; space: string } {
  const qs = new URLSearchParams(search);
  const space = /^[A-Za-z0-9_-]{1,64}$/.test(qs.get('space') ?? '') ? (qs.get('space') as string) : '';
  const now = new Date(`${today}T12:00:00Z`);
  const days = qs.get('days');
  if (days === '7' || days === '30' || days === '90') return { preset: days, ...lastDays(Number(days), now), space };
  const from = qs.get('from') ?? '';
  const to = qs.get('to') ?? '';
  const day = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && isoDay(new Date(`${d}T00:00:00Z`)) === d;
  if (day(from) && day(to) && from >= '2000-01-01' && from <= to && to <= today && (Date.parse(to) - Date.parse(from)) / 86400e3 < 400) return { preset: 'custom', from, to, space };
  return { preset: '30', ...lastDays(30, now), space };
}

// dashboardQuery is the dashboard's address for a period and a space.
export function dashboardQuery(preset: string, from: string, to: string, space: string): string {
  const u = new URLSearchParams();
  if (preset === 'custom') {
    u.set('from', from);
    u.set('to', to);
  } else u.set('days', preset);
  if (space) u.set('space', space);
  return `/kpis?${u.toString()}`;
}

// axisWidth is the y axis' width for its labels (measured in its font): the widest
// label, the ticks (10 px) and the gap (5 px) uPlot draws between them, and a margin.
export function axisWidth(labels: string[], measure: (text: string) => number): number {
  return Math.ceil(Math.max(measure('000'), ...labels.map(measure))) + 10 + 5 + 6;
}
