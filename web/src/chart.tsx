// A small line chart of a daily series (uPlot, on a canvas), as wide as its container.
// The canvas is hidden from screen readers: the figure is named by a sentence (the
// series' period, lowest and highest), and every value is in the card's CSV.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Lang } from './i18n';
import { axisLabels } from './kpis-api';

export type ChartPoint = { day: string; value: number | null };

// dayOf is a YYYY-MM-DD day as uPlot's x: seconds since the epoch, at UTC midnight.
const dayOf = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

export function Chart(props: { lang: Lang; points: ChartPoint[]; label: string; format: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || props.points.length === 0) return;
    const locale = props.lang === 'fr' ? 'fr-FR' : 'en-GB';
    const dayText = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    const xs = props.points.map((p) => dayOf(p.day));
    const ys = props.points.map((p) => p.value);
    const width = () => Math.max(200, Math.floor(el.clientWidth));
    const opts: uPlot.Options = {
      width: width(),
      height: 140,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1) * 1.1] } },
      // Days are UTC days: the axis reads them so, whatever the browser's zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [
        {
          stroke: '#3d3d3d',
          grid: { stroke: '#e4e4e4' },
          values: (_u, splits) => splits.map((s) => dayText.format(new Date(s * 1000))),
          space: 60,
        },
        {
          stroke: '#3d3d3d',
          grid: { stroke: '#e4e4e4' },
          values: (_u, splits) => axisLabels(splits, props.format),
          // As wide as its longest label (money and durations are long).
          size: (_u, values) => 16 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
          space: 30,
        },
      ],
      series: [{}, { stroke: '#2457d6', width: 2, fill: 'rgba(36, 87, 214, 0.08)', spanGaps: false, points: { show: props.points.length <= 31 } }],
    };
    const plot = new uPlot(opts, [xs, ys], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 140 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.points, props.lang]);
  return (
    <figure class="kpi-chart" aria-label={props.label} role="img">
      <div ref={box} aria-hidden="true" />
    </figure>
  );
}
