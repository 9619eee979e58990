import assert from "node:assert/strict";
import {
  canUndo,
  formatAverage,
  isStationName,
  linesFor,
  partFor,
  recallList,
  screenPath,
  stationTickets,
  stationTitle,
} from "./kitchen_view.ts";
import type { StationPartView, TicketView } from "./view.ts";

const NOW = Date.parse("2026-05-12T12:30:00.000Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();

function part(station: string, status: string, extra: Partial<StationPartView> = {}): StationPartView {
  return { station, status, startedAt: null, readyAt: null, undoUntil: null, recallUntil: null, ...extra };
}

function ticket(orderId: string, extra: Partial<TicketView> = {}): TicketView {
  return {
    orderId,
    number: 1,
    name: "",
    note: "",
    pickupAt: null,
    status: "queued",
    lines: ["1 × Margherita", "1 × Lemonade", "1 × Bread"],
    lineStations: ["oven", "bar", ""],
    paidAt: at(-60_000),
    startedAt: null,
    readyAt: null,
    stations: [part("oven", "queued"), part("bar", "queued")],
    startedBy: "",
    readyBy: "",
    undoUntil: null,
    recallUntil: null,
    handedOver: false,
    ...extra,
  };
}

Deno.test("a station sees its own lines and those without a station, and only tickets with its part open", () => {
  const t = ticket("a");
  assert.deepEqual(linesFor(t, "bar"), ["1 × Lemonade", "1 × Bread"]);
  assert.equal(partFor(t, "cold"), undefined);
  const legacy = ticket("old", { stations: [part("", "preparing")], lineStations: ["", "", ""] });
  assert.equal(partFor(legacy, "cold")?.station, "", "a ticket from before stations shows on every station");
  const bumped = ticket("b", {
    stations: [part("oven", "ready"), part("bar", "preparing")],
    status: "preparing",
  });
  const gone = ticket("c", { status: "cancelled" });
  const handed = ticket("d", { handedOver: true });
  assert.deepEqual(stationTickets([bumped, t, gone, handed, legacy], "oven").map((s) => s.ticket.orderId), [
    "a",
    "old",
  ]);
  assert.deepEqual(stationTickets([bumped, t], "bar").map((s) => [s.ticket.orderId, s.part.status]), [
    ["b", "preparing"],
    ["a", "queued"],
  ]);
});

Deno.test("the recall list holds bumps whose recall window is open, newest first, per ticket or per station part", () => {
  const open = at(600_000);
  const r1 = ticket("r1", { status: "ready", readyAt: at(-120_000), recallUntil: open });
  const r2 = ticket("r2", { status: "ready", readyAt: at(-5_000), recallUntil: open, undoUntil: at(5000) });
  const late = ticket("r3", { status: "ready", readyAt: at(-3_600_000), recallUntil: at(-1) });
  const handed = ticket("r4", { status: "ready", readyAt: at(-1000), recallUntil: open, handedOver: true });
  assert.deepEqual(recallList([r1, r2, late, handed], null, NOW).map((e) => [e.ticket.orderId, e.station]), [
    ["r2", ""],
    ["r1", ""],
  ]);
  const ovenDone = ticket("p", {
    status: "preparing",
    stations: [part("oven", "ready", { readyAt: at(-1000), recallUntil: open }), part("bar", "preparing")],
  });
  assert.deepEqual(recallList([ovenDone], "oven", NOW).map((e) => [e.ticket.orderId, e.station]), [[
    "p",
    "oven",
  ]]);
  assert.deepEqual(recallList([ovenDone], "bar", NOW), []);
});

Deno.test("undo while its window is open; names, paths and averages", () => {
  assert.equal(canUndo(at(1), NOW), true);
  assert.equal(canUndo(at(0), NOW), false);
  assert.equal(canUndo(null, NOW), false);
  assert.equal(isStationName("oven"), true);
  assert.equal(isStationName(""), false);
  assert.equal(isStationName("a\tb"), false);
  assert.equal(screenPath("cold", true), "/admin/kitchen/station/cold?display=1");
  assert.equal(screenPath("", false), "/admin/kitchen");
  assert.equal(formatAverage(372_400, 3), "6:12");
  assert.equal(formatAverage(0, 0), "–");
  assert.equal(stationTitle("oven"), "Oven");
});
