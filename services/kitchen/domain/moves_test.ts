import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { advance, cancelTicket, handOver, recall, undo } from "./moves.ts";
import { type KitchenTicket, openTicket } from "./ticket.ts";

const T0 = new Date("2026-01-01T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const UNDO = 10_000;
const RECALL = 30 * 60_000;

const line = (itemId: string, station: string) => ({
  itemId,
  name: itemId,
  quantity: 1,
  unitPrice: undefined,
  station,
});

/** A ticket with a pizza (oven) and a lemonade (bar). */
function ticket(): KitchenTicket {
  return openTicket(
    { orderId: "o-1", items: [line("1", "oven"), line("9", "bar")], paidAtMs: T0.getTime() },
    T0,
  );
}

function code(c: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof DomainError, String(err));
    assert.equal(err.code, c, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

Deno.test("each station starts and bumps its own part; the ticket follows (started by the first, ready by the last)", () => {
  const oven = advance(ticket(), "start", at(1000), { station: "oven", by: "Ada" });
  assert.equal(oven.ticket.status, "preparing");
  assert.deepEqual(oven.events.map((e) => e.key), ["kitchen.ticket_started"]);
  assert.equal(oven.ticket.startedBy, "Ada");
  const bar = advance(oven.ticket, "start", at(2000), { station: "bar", by: "Bob" });
  assert.deepEqual(bar.events, [], "already preparing: no event");
  const ovenDone = advance(bar.ticket, "complete", at(61_000), { station: "oven", by: "Ada" });
  assert.equal(ovenDone.ticket.status, "preparing");
  assert.deepEqual(ovenDone.samples, [{
    station: "oven",
    readyAtMs: at(61_000).getTime(),
    prepMs: 60_000,
    sign: 1,
  }]);
  const barDone = advance(ovenDone.ticket, "complete", at(32_000 + 30_000), { station: "bar", by: "Bob" });
  assert.equal(barDone.ticket.status, "ready");
  assert.deepEqual(barDone.events.map((e) => [e.key, "by" in e.payload ? e.payload.by : ""]), [[
    "kitchen.ticket_ready",
    "Bob",
  ]]);
  assert.throws(
    () => advance(barDone.ticket, "complete", at(70_000), { station: "bar" }),
    code("illegal_transition", /at bar is ready/),
  );
  assert.throws(
    () => advance(ticket(), "start", T0, { station: "grill" }),
    code("not_found", /station "grill"/),
  );
});

Deno.test("a whole-ticket bump readies every part not ready yet, each a prep sample", () => {
  const started = advance(ticket(), "start", at(1000), { station: "oven" }).ticket;
  const done = advance(started, "complete", at(11_000), { by: "Ada" });
  assert.equal(done.ticket.status, "ready");
  assert.deepEqual(done.samples.map((s) => [s.station, s.prepMs]), [["oven", 10_000], ["bar", 10_000]]);
});

Deno.test("undo takes back the last start or bump within the window, announced as ticket_reopened by whom", () => {
  const started = advance(ticket(), "start", at(0), { by: "Ada" }).ticket;
  const ready = advance(started, "complete", at(60_000), { by: "Ada" }).ticket;
  const back = undo(ready, at(60_000 + UNDO), UNDO, { by: "Bob" });
  assert.equal(back.ticket.status, "preparing");
  assert.deepEqual(back.events, [{
    key: "kitchen.ticket_reopened",
    payload: { orderId: "o-1", reopenedAt: at(60_000 + UNDO), status: "preparing", by: "Bob" },
  }]);
  assert.deepEqual(back.samples.map((s) => [s.station, s.prepMs, s.sign]), [["oven", 60_000, -1], [
    "bar",
    60_000,
    -1,
  ]]);
  assert.equal(back.ticket.readyAtMs, undefined);
  assert.throws(
    () => undo(back.ticket, at(60_000 + UNDO), UNDO),
    code("illegal_transition", /nothing to undo/),
    "one undo per move",
  );
  const restarted = undo(started, at(5000), UNDO, { by: "Ada" });
  assert.equal(restarted.ticket.status, "queued");
  assert.deepEqual(restarted.events.map((e) => e.key === "kitchen.ticket_reopened" && e.payload.status), [
    "queued",
  ]);
  assert.equal(restarted.ticket.startedAtMs, undefined);
});

Deno.test("undo after the window is refused with window_expired, changing nothing", () => {
  const ready = advance(advance(ticket(), "start", at(0)).ticket, "complete", at(60_000)).ticket;
  assert.throws(
    () => undo(ready, at(60_000 + UNDO + 1), UNDO),
    code("window_expired", /bump of order o-1 was 10 s ago; it can only be undone within 10 s/),
  );
  const ovenReady =
    advance(advance(ticket(), "start", at(0), { station: "oven" }).ticket, "complete", at(1000), {
      station: "oven",
    }).ticket;
  assert.throws(
    () => undo(ovenReady, at(1000 + UNDO + 1), UNDO, { station: "oven" }),
    code("window_expired"),
  );
  assert.equal(
    undo(ovenReady, at(1000 + UNDO), UNDO, { station: "oven" }).ticket.stations?.[0]?.status,
    "preparing",
  );
});

Deno.test("recall brings a bumped ticket back to preparing within the recall window, never after the hand-over", () => {
  const ready = advance(advance(ticket(), "start", at(0)).ticket, "complete", at(60_000)).ticket;
  const back = recall(ready, at(60_000 + 20 * 60_000), RECALL, { by: "Ada" });
  assert.equal(back.ticket.status, "preparing");
  assert.deepEqual(back.ticket.stations?.map((p) => p.status), ["preparing", "preparing"]);
  assert.equal(back.events[0]?.key, "kitchen.ticket_reopened");
  assert.throws(() => recall(ready, at(60_000 + RECALL + 1), RECALL), code("window_expired", /last 30 min/));
  assert.throws(
    () => recall(back.ticket, at(0), RECALL),
    code("illegal_transition", /is preparing, cannot recall/),
  );
  const handed = handOver(ready, at(70_000))!;
  assert.throws(() => recall(handed, at(71_000), RECALL), code("illegal_transition", /handed over/));
  assert.throws(() => undo(handed, at(61_000), UNDO), code("illegal_transition", /handed over/));
  assert.equal(handOver(handed, at(80_000)), null, "noted once");
});

Deno.test("a cancelled ticket refuses every move and is cancelled once", () => {
  const cancelled = cancelTicket(advance(ticket(), "start", at(0)).ticket, at(1000))!;
  assert.equal(cancelled.status, "cancelled");
  assert.equal(cancelled.cancelledAtMs, at(1000).getTime());
  assert.equal(cancelTicket(cancelled, at(2000)), null);
  assert.throws(
    () => advance(cancelled, "complete", at(3000)),
    code("illegal_transition", /cancelled \(order refunded\)/),
  );
  assert.throws(() => undo(cancelled, at(3000), UNDO), code("illegal_transition"));
});
