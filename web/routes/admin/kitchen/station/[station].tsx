/**
 * `/admin/kitchen/station/<station>`: one station's screen (e.g. `oven`): of every open ticket with
 * something for that station, only that station's lines, with its own start, bump and undo; its
 * recently bumped parts to recall; today's prep averages. The stations are the menu's (stock's
 * catalog): an unknown one is 404. Moves post to `/admin/kitchen` (see there) and come back here.
 *
 * @module
 */
import { gatewayFor } from "../../../../gateway/mod.ts";
import { type KitchenScreenData, loadScreen } from "../../../../admin/kitchen_data.ts";
import { isStationName } from "../../../../admin/kitchen_view.ts";
import type { AdminState } from "../../../../admin/state.ts";
import type { Handlers, PageProps } from "../../../../framework/types.ts";
import { KitchenPage } from "../../../../components/admin/kitchen/KitchenPage.tsx";

/** The station screen. */
export const handler: Handlers<KitchenScreenData, AdminState> = {
  async GET(ctx) {
    const station = ctx.params.station ?? "";
    ctx.state.title = `Admin · Kitchen · ${station.slice(0, 64)}`;
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const { data, status } = await loadScreen(gw, ctx.deps.log, {
      station: isStationName(station) ? station : "",
      display: ctx.url.searchParams.get("display") === "1",
      timeZone: ctx.state.shop.timeZone,
    });
    // The menu's stations decide which screens exist (when stock could not say, any well-formed name).
    const known = data.stations.length === 0 ? isStationName(station) : data.stations.includes(station);
    if (!known) {
      return await ctx.render({
        ...data,
        station: "",
        error: `No kitchen station "${station.slice(0, 64)}" on the menu.`,
      }, {
        status: 404,
      });
    }
    return await ctx.render(data, { status });
  },
};

/** The station page. */
export default function StationScreen({ data, state }: PageProps<KitchenScreenData, AdminState>) {
  return <KitchenPage data={data} state={state} />;
}
