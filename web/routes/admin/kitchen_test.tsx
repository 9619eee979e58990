import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { KitchenScreenData } from "../../admin/kitchen_data.ts";
import type { AdminState } from "../../admin/state.ts";
import type { StationPartView, TicketView } from "../../admin/view.ts";
import { DEFAULT_SHOP } from "../../shop.ts";
import Kitchen from "./kitchen.tsx";
import StationScreen from "./kitchen/station/[station].tsx";

const NOW = Date.parse("2026-05-12T12:30:00.000Z");
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function part(station: string, status: string, extra: Partial<StationPartView> = {}): StationPartView {
  return { station, status, startedAt: null, readyAt: null, undoUntil: null, recallUntil: null, ...extra };
}

function ticket(
  orderId: string,
  status: string,
  paidMinutesAgo: number,
  extra: Partial<TicketView> = {},
): TicketView {
  return {
    orderId,
    number: 1000 + paidMinutesAgo,
    name: "Ada",
    note: "",
    pickupAt: null,
    status,
    lines: ["1 × Margherita"],
    lineStations: ["oven"],
    paidAt: iso(paidMinutesAgo * 60_000),
    startedAt: status === "queued" ? null : iso(60_000),
    readyAt: status === "ready" ? iso(0) : null,
    stations: [part("oven", status)],
    startedBy: "",
    readyBy: "",
    undoUntil: null,
    recallUntil: null,
    handedOver: false,
    ...extra,
  };
}

const state: AdminState = {
  customerId: "",
  adminEnabled: true,
  session: null,
  csrf: "tok",
  flash: null,
  form: null,
  shop: { ...DEFAULT_SHOP, kitchenWarnMinutes: 5, kitchenLateMinutes: 15 },
};

function data(tickets: TicketView[], extra: Partial<KitchenScreenData> = {}): KitchenScreenData {
  return {
    tickets,
    stations: ["oven", "cold", "bar"],
    stats: [],
    station: "",
    display: false,
    error: "",
    offline: false,
    now: NOW,
    ...extra,
  };
}

function render(tickets: TicketView[], extra: Partial<KitchenScreenData> = {}): string {
  const d = data(tickets, extra);
  const props = { data: d, params: { station: d.station }, url: new URL("http://x/admin/kitchen"), state };
  return renderToString(d.station ? <StationScreen {...props} /> : <Kitchen {...props} />);
}

/** The `<li>` of ticket `id` in `html`. */
function card(html: string, id: string): string {
  const m = new RegExp(`<li class="ticket[^"]*"[^>]*data-order-id="${id}".*?</div></li>`).exec(html);
  assert.ok(m, `ticket ${id} rendered`);
  return m[0];
}

Deno.test("the board renders each ticket's time since payment and its age state against the shop's thresholds", () => {
  const html = render([ticket("a", "queued", 2), ticket("b", "queued", 5), ticket("c", "preparing", 16)]);
  const a = card(html, "a");
  assert.match(a, /class="ticket age-fresh"/);
  assert.match(a, /data-age="fresh"/);
  assert.match(a, /data-testid="ticket-timer">2:00<\/span> since payment · <span[^>]*>On time</);
  const b = card(html, "b");
  assert.match(b, /data-age="warn"/);
  assert.match(b, />5:00<\/span> since payment · <span[^>]*>Waiting long</);
  const c = card(html, "c");
  assert.match(c, /class="ticket-age age-late"/);
  assert.match(c, />16:00<\/span> since payment · <span[^>]*>Late</);
});

Deno.test("every ticket's move is one direct POST to the board with the CSRF token, no confirmation page", () => {
  const html = render([ticket("q", "queued", 1), ticket("p", "preparing", 1), ticket("r", "ready", 1)]);
  assert.doesNotMatch(html, /confirm/);
  for (
    const [id, action, label] of [["q", "start", "Start"], ["p", "complete", "Complete"], [
      "r",
      "handover",
      "Mark completed",
    ]]
  ) {
    const li = card(html, id!);
    assert.match(li, /<form method="post" action="\/admin\/kitchen"/);
    assert.match(li, /name="_csrf" value="tok"/);
    assert.match(li, new RegExp(`name="orderId" value="${id}"`));
    assert.match(li, new RegExp(`name="action" value="${action}"`));
    assert.match(li, new RegExp(`<button type="submit"[^>]*>${label}</button>`));
    assert.doesNotMatch(li, /name="station"/, "the expediter moves the whole ticket");
  }
  // A ready ticket's timer stopped when it was ready.
  assert.match(card(html, "r"), />1:00<\/span> to ready · /);
});

Deno.test("Undo shows while the kitchen's undo window is open, never after", () => {
  const open = ticket("p", "preparing", 1, { undoUntil: new Date(NOW + 5000).toISOString() });
  const closed = ticket("q", "preparing", 1, { undoUntil: new Date(NOW - 1).toISOString() });
  const html = render([open, closed]);
  assert.match(card(html, "p"), /name="action" value="undo".*>Undo<\/button>/);
  assert.doesNotMatch(card(html, "q"), /value="undo"/);
});

Deno.test("a station's screen shows only its tickets and only its lines, and moves only its part", () => {
  const mixed = ticket("m", "preparing", 3, {
    lines: ["1 × Margherita", "2 × Lemonade", "1 × Caesar Salad"],
    lineStations: ["oven", "bar", "cold"],
    note: "No croutons",
    stations: [part("oven", "ready", { readyAt: iso(0) }), part("bar", "queued"), part("cold", "preparing")],
  });
  const pizzaOnly = ticket("p", "queued", 2);
  const html = render([mixed, pizzaOnly], { station: "cold" });
  assert.match(html, /<h1>Kitchen · Cold<\/h1>/);
  const m = card(html, "m");
  assert.match(m, /Caesar Salad/);
  assert.doesNotMatch(m, /Margherita|Lemonade/, "only the cold station's lines");
  assert.match(m, /data-status="preparing"/);
  assert.match(m, /Note: No croutons/);
  assert.match(m, /name="station" value="cold"/);
  assert.match(m, /name="action" value="complete"/);
  assert.doesNotMatch(html, /data-order-id="p"/, "a ticket with nothing for the station is hidden");
  const oven = render([mixed, pizzaOnly], { station: "oven" });
  assert.doesNotMatch(oven, /<li class="ticket[^"]*"[^>]*data-order-id="m"/, "the oven's part is bumped");
  assert.match(oven, /data-order-id="p"/);
});

Deno.test("the expediter sees each station's progress; the recall list shows recently bumped tickets newest first", () => {
  const mixed = ticket("m", "preparing", 3, {
    stations: [part("oven", "ready"), part("bar", "queued")],
    lines: ["1 × Margherita", "1 × Lemonade"],
    lineStations: ["oven", "bar"],
  });
  const older = ticket("r1", "ready", 9, {
    readyAt: iso(120_000),
    recallUntil: new Date(NOW + 600_000).toISOString(),
  });
  const newer = ticket("r2", "ready", 8, {
    readyAt: iso(5000),
    recallUntil: new Date(NOW + 600_000).toISOString(),
    undoUntil: new Date(NOW + 5000).toISOString(),
  });
  const expired = ticket("r3", "ready", 50, { readyAt: iso(40 * 60_000), recallUntil: null });
  const html = render([mixed, older, newer, expired]);
  assert.match(
    card(html, "m"),
    /data-station="oven" data-status="ready">Oven: ready<.*data-station="bar" data-status="queued">Bar: to start</,
  );
  const list = /data-testid="recall-list".*?<\/section>/.exec(html)![0];
  assert.deepEqual(
    [...list.matchAll(/data-testid="recall-entry" data-order-id="([^"]+)"/g)].map((x) => x[1]),
    ["r2", "r1"],
  );
  assert.match(list, /data-order-id="r2".*?value="undo".*?value="recall"/);
});

Deno.test("the screens link to each station of the menu; display=1 is the full-screen layout; today's averages show", () => {
  const html = render([], {
    display: true,
    stats: [{ station: "oven", count: 4, averagePrepMs: 372_000 }, {
      station: "bar",
      count: 0,
      averagePrepMs: 0,
    }],
  });
  for (const s of ["oven", "cold", "bar"]) {
    assert.match(html, new RegExp(`href="/admin/kitchen/station/${s}\\?display=1"`));
  }
  assert.match(html, /class="kitchen kitchen-display"/);
  assert.match(
    html,
    /data-station="oven"><dt>Oven<\/dt><dd><span data-testid="prep-average">6:12<\/span> <span class="muted">\(4 tickets\)/,
  );
  assert.match(html, /<dt>Bar<\/dt><dd><span data-testid="prep-average">–<\/span>/);
});
