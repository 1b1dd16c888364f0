// A small line chart of a daily series (uPlot, on a canvas), as wide as its container.
// The canvas is hidden from screen readers: the figure is named by a sentence (the
// series' period, lowest and highest), and every value is in the card's CSV.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { firstOfMonth, Lang } from './i18n';
import { axisLabels, axisWidth, KpiUnit, xRange, yIncrs, yRange } from './kpis-api';

export type ChartPoint = { day: string; value: number | null };

// dayOf is a YYYY-MM-DD day as uPlot's x: seconds since the epoch, at UTC midnight.
const dayOf = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

// The axes' font, also the one their labels are measured in.
const font = '12px system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, Arial, sans-serif';

// measure is a label's width in the axes' font.
let measurer: CanvasRenderingContext2D | null | undefined;
function measure(text: string): number {
  if (measurer === undefined) {
    measurer = document.createElement('canvas').getContext('2d');
    if (measurer) measurer.font = font;
  }
  return measurer ? measurer.measureText(text).width : 8 * text.length;
}

export function Chart(props: { lang: Lang; points: ChartPoint[]; label: string; format: (v: number) => string; unit: KpiUnit }) {
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
      // Percentages 0–100, others from 0 to a round number above the highest day; half a
      // day around the days, so a single point is drawn inside the grid.
      scales: { x: { time: true, range: (_u, min, max) => xRange(min, max) }, y: { range: (_u, min, max) => yRange(props.unit, min, max) } },
      // Days are UTC days: the axis reads them so, whatever the browser's zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [
        {
          stroke: '#3d3d3d',
          grid: { stroke: '#e4e4e4' },
          font,
          values: (_u, splits) => splits.map((s) => firstOfMonth(props.lang, dayText.format(new Date(s * 1000)))),
          space: 60,
        },
        {
          stroke: '#3d3d3d',
          grid: { stroke: '#e4e4e4' },
          font,
          values: (_u, splits) => axisLabels(splits, props.format),
          // Counts step by whole numbers.
          incrs: yIncrs(props.unit),
          // As wide as its longest label as drawn (money and durations are long), so
          // none is cut at the card's edge.
          size: (_u, values) => axisWidth((values ?? []).map(String), measure),
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
  }, [props.points, props.lang, props.unit]);
  return (
    <figure class="kpi-chart" aria-label={props.label} role="img">
      <div ref={box} aria-hidden="true" />
    </figure>
  );
}
