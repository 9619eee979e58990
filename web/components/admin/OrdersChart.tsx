/**
 * The orders-over-time chart as an SVG drawn on the server: bars per bucket, a y axis with the maximum,
 * a few x labels, and the same numbers as a table for screen readers. Buckets and labels are in the
 * shop's time zone (`admin/chart.ts`); the table's times carry the exact instant in `<time datetime>`.
 * Colours come from `admin.css` classes (no inline styles).
 *
 * @module
 */
import { barsOf, type Bucket, CHART_RANGES, type ChartRange } from "../../admin/chart.ts";

/** Props of {@linkcode OrdersChart}. */
export interface OrdersChartProps {
  /** The buckets, oldest first. */
  buckets: Bucket[];
  /** Their range. */
  range: ChartRange;
  /** True when not every order of the range was read. */
  partial: boolean;
  /** The shop's IANA time zone the buckets were counted in, named in the caption. */
  timeZone: string;
}

const W = 420;
const H = 170;
const LEFT = 32;
const BOTTOM = 22;
const TOP = 10;

/** The chart. */
export function OrdersChart({ buckets, range, partial, timeZone }: OrdersChartProps) {
  const plotW = W - LEFT - 8;
  const plotH = H - BOTTOM - TOP;
  const { bars, max } = barsOf(buckets, plotW, plotH);
  const total = buckets.reduce((n, b) => n + b.count, 0);
  const every = Math.ceil(buckets.length / 6);
  const label = CHART_RANGES[range].label;
  return (
    <figure class="chart" data-testid="orders-chart" data-total={total}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="chart-title chart-desc"
        class="chart-svg"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="chart-title">{label}</title>
        <desc id="chart-desc">
          {`${total} orders in total; the busiest bucket had ${Math.max(0, ...buckets.map((b) => b.count))}.`}
        </desc>
        <g transform={`translate(${LEFT} ${TOP})`}>
          <line class="chart-axis" x1={0} y1={plotH} x2={plotW} y2={plotH} />
          <line class="chart-grid" x1={0} y1={0} x2={plotW} y2={0} />
          <text class="chart-tick" x={-6} y={4} text-anchor="end">{max}</text>
          <text class="chart-tick" x={-6} y={plotH} text-anchor="end">0</text>
          {bars.map((b, i) => (
            <rect
              class="chart-bar"
              x={b.x}
              y={b.y}
              width={b.width}
              height={b.height}
              data-count={buckets[i]!.count}
            >
              <title>{`${buckets[i]!.title}: ${buckets[i]!.count}`}</title>
            </rect>
          ))}
          {buckets.map((b, i) =>
            i % every === 0
              ? (
                <text
                  class="chart-tick"
                  x={bars[i]!.x + bars[i]!.width / 2}
                  y={plotH + 16}
                  text-anchor="middle"
                >
                  {b.label}
                </text>
              )
              : null
          )}
        </g>
      </svg>
      <figcaption>
        {label} (times in{" "}
        {timeZone}).{partial && " Only the newest orders were read; older buckets may be incomplete."}
      </figcaption>
      <details class="chart-data">
        <summary>Chart data</summary>
        <table class="admin-table compact">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col" class="num">Orders</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr>
                <td>
                  <time dateTime={b.start}>{b.title}</time>
                </td>
                <td class="num">{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
