/**
 * A small line chart drawn on the server as SVG (`line_chart.ts` geometry): one path per series, the
 * newest value at the right edge, the axis maximum and zero on the left, and a title and summary for
 * screen readers. Colours come from `admin_system.css` classes (no inline styles).
 *
 * @module
 */
import { axisMax, linePath } from "./line_chart.ts";

/** One line. */
export interface LineSeries {
  /** Its name in the legend. */
  name: string;
  /** Its CSS class (`line-rate`, `line-errors`, `line-p50`, `line-p95`). */
  cls: string;
  /** Values, oldest first (null: none for that interval). */
  values: (number | null)[];
}

/** Props of {@linkcode LineChart}. */
export interface LineChartProps {
  /** Chart title (e.g. "Requests per second"). */
  title: string;
  /** A unique id prefix for the SVG's title and description. */
  id: string;
  /** The lines. */
  series: LineSeries[];
  /** Slots across (the scraper's capacity). */
  slots: number;
  /** Unit after the axis maximum (e.g. "/s", "ms"). */
  unit: string;
  /** Formats a value for the summary. */
  format: (n: number) => string;
}

const W = 300;
const H = 110;
const LEFT = 40;
const TOP = 8;
const BOTTOM = 8;

/** The chart. */
export function LineChart({ title, id, series, slots, unit, format }: LineChartProps) {
  const plotW = W - LEFT - 6;
  const plotH = H - TOP - BOTTOM;
  const max = axisMax(series.map((s) => s.values));
  const summary = series.map((s) => {
    const last = s.values.findLast((v) => v !== null);
    return `${s.name}: ${last === undefined || last === null ? "no data" : format(last)}`;
  }).join("; ");
  return (
    <figure class="chart line-chart" data-testid="line-chart" data-title={title}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} class="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{`Latest: ${summary}.`}</desc>
        <g transform={`translate(${LEFT} ${TOP})`}>
          <line class="chart-grid" x1={0} y1={0} x2={plotW} y2={0} />
          <line class="chart-axis" x1={0} y1={plotH} x2={plotW} y2={plotH} />
          <text class="chart-tick" x={-4} y={4} text-anchor="end">{`${max}${unit}`}</text>
          <text class="chart-tick" x={-4} y={plotH} text-anchor="end">0</text>
          {series.map((s) => (
            <path
              class={`line ${s.cls}`}
              d={linePath(s.values, slots, plotW, plotH, max) || undefined}
              fill="none"
              stroke-linecap="round"
              stroke-linejoin="round"
              data-series={s.name}
              data-points={s.values.filter((v) => v !== null).length}
            />
          ))}
        </g>
      </svg>
      <figcaption>
        {title}: {series.map((s, i) => (
          <>
            {i > 0 && ", "}
            <span class={`legend ${s.cls}`}>{s.name}</span>
          </>
        ))}
      </figcaption>
    </figure>
  );
}
