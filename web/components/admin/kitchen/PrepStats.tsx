/**
 * Today's average prep time (started -> ready) per station, as the kitchen counted it.
 *
 * @module
 */
import { formatAverage, stationTitle } from "../../../admin/kitchen_view.ts";
import type { StationStatsView } from "../../../admin/view.ts";

/** The figures; nothing when no station has any yet. */
export function PrepStats({ stats }: { stats: StationStatsView[] }) {
  return (
    <section class="prep-stats" aria-labelledby="prep-title" data-testid="prep-stats">
      <h2 id="prep-title">Average prep today</h2>
      {stats.length === 0 ? <p class="muted">Nothing bumped today yet.</p> : (
        <dl>
          {stats.map((s) => (
            <div key={s.station} data-testid="prep-station" data-station={s.station}>
              <dt>{stationTitle(s.station)}</dt>
              <dd>
                <span data-testid="prep-average">{formatAverage(s.averagePrepMs, s.count)}</span>{" "}
                <span class="muted">({s.count} {s.count === 1 ? "ticket" : "tickets"})</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
