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
};
export type KpiSettings = { heavyFrom: number; healthCheckMonths: number };
export type Baseline = { at: string; from?: string; to?: string; values: Record<string, number> };
export type SalesLineProblem = { line: number; code: string; detail: string };
export type SalesUpload = { rows: number; matched: number; unmatched: number; invalid: SalesLineProblem[] };
export type HealthCheckSummary = { id: string; at: string; from: string; to: string };
export type Finding = { code: string; kpi: string; from: number; to: number };
export type HealthCheck = HealthCheckSummary & {
  cards: KpiCard[];
  participation?: Participation;
  findings: Finding[];
};

// call sends a request to a KPI route: JSON (or a CSV body) in, JSON out, problem+json
// errors as ApiError (with the lines of a refused file in `entries`, every wrong field of
// a form checked whole in `fields`).
async function call<T>(method: string, url: string, body?: unknown, contentType = 'application/json'): Promise<T> {
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
  return resp.status === 204 ? (undefined as T) : ((await resp.json()) as T);
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
  healthChecks: () => call<{ items: HealthCheckSummary[] }>('GET', '/api/kpis/health-checks'),
  runHealthCheck: () => call<HealthCheck>('POST', '/api/kpis/health-checks', {}),
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
