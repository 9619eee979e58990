/**
 * A kitchen screen's page: its stylesheet, its heading, links to the other screens (the expediter and
 * one per station of the menu, plus the display layout), an error when the tickets could not be read,
 * and the live screen (the AdminKitchen island).
 *
 * @module
 */
import type { KitchenScreenData } from "../../../admin/kitchen_data.ts";
import { screenPath, stationTitle } from "../../../admin/kitchen_view.ts";
import type { AdminState } from "../../../admin/state.ts";
import { asset } from "../../../framework/static.ts";
import AdminKitchen from "../../../islands/AdminKitchen.tsx";

/** The page. */
export function KitchenPage({ data, state }: { data: KitchenScreenData; state: AdminState }) {
  const shop = state.shop;
  const screens = [
    { station: "", label: "Expo" },
    ...data.stations.map((s) => ({ station: s, label: stationTitle(s) })),
  ];
  return (
    <div class={`kitchen-page${data.display ? " kitchen-page-display" : ""}`}>
      <link rel="stylesheet" href={asset("/_static/kitchen.css")} />
      <div class="kitchen-header">
        <h1>{data.station ? `Kitchen · ${stationTitle(data.station)}` : "Kitchen · Expo"}</h1>
        <nav class="kitchen-screens" aria-label="Kitchen screens" data-testid="kitchen-screens">
          {screens.map((s) => (
            <a
              href={screenPath(s.station, data.display)}
              aria-current={s.station === data.station ? "page" : undefined}
              data-station={s.station}
            >
              {s.label}
            </a>
          ))}
          <a href={screenPath(data.station, !data.display)} data-testid="display-link">
            {data.display ? "Normal layout" : "Display layout"}
          </a>
        </nav>
      </div>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      <AdminKitchen
        initial={data.tickets}
        stats={data.stats}
        station={data.station}
        display={data.display}
        csrf={state.csrf}
        offline={data.offline}
        timeZone={shop.timeZone}
        locale={shop.locale}
        now={data.now}
        thresholds={{ warnMinutes: shop.kitchenWarnMinutes, lateMinutes: shop.kitchenLateMinutes }}
      />
    </div>
  );
}
