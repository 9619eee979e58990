import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { dueAction, type KitchenTicket, openTicket, partsOf, stationsOf } from "./ticket.ts";
import { advance } from "./moves.ts";

const applyAction = (t: KitchenTicket, action: "start" | "complete", now: Date) =>
  advance(t, action, now).ticket;

const T0 = new Date("2025-01-01T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

function ticket(): KitchenTicket {
  return openTicket({ orderId: "o-1", items: [], paidAtMs: T0.getTime() - 500 }, T0);
}

Deno.test("openTicket queues the order with its payment time", () => {
  const t = ticket();
  assert.equal(t.status, "queued");
  assert.equal(t.paidAtMs, T0.getTime() - 500);
  assert.equal(t.queuedAtMs, T0.getTime());
});

Deno.test("openTicket keeps the order's number and its name, note and pickup time, not its contact", () => {
  const pickupAt = at(900_000);
  const t = openTicket({
    orderId: "o-2",
    items: [],
    paidAtMs: T0.getTime(),
    orderNumber: 1042,
    details: { name: "Ada", phone: "0170123456", email: "ada@example.org", note: "No onions", pickupAt },
  }, T0);
  assert.equal(t.orderNumber, 1042);
  assert.deepEqual(t.details, { name: "Ada", phone: "", email: "", note: "No onions", pickupAt });
  const plain = ticket();
  assert.ok(!("orderNumber" in plain) && !("details" in plain), "nothing stored for orders without them");
});

Deno.test('a ticket gets one queued part per station of its lines, in first-line order; no station: one part ""', () => {
  const line = (itemId: string, station?: string) => ({
    itemId,
    name: itemId,
    quantity: 1,
    unitPrice: undefined,
    station,
  });
  const items = [line("1", "oven"), line("9", "bar"), line("2", "oven"), line("x"), line("7", "cold")];
  assert.deepEqual(stationsOf(items), ["oven", "bar", "cold"]);
  const t = openTicket({ orderId: "o-3", items, paidAtMs: 0 }, T0);
  assert.deepEqual(t.stations, [
    { station: "oven", status: "queued" },
    { station: "bar", status: "queued" },
    { station: "cold", status: "queued" },
  ]);
  assert.deepEqual(stationsOf([line("x"), line("y", "  ")]), [""]);
});

Deno.test("a ticket stored before stations reads as one part in its own state", () => {
  const old: KitchenTicket = {
    orderId: "o",
    items: [],
    status: "preparing",
    paidAtMs: 0,
    queuedAtMs: 0,
    startedAtMs: 5,
  };
  assert.deepEqual(partsOf(old), [{ station: "", status: "preparing", startedAtMs: 5 }]);
  assert.equal(advance(old, "complete", T0).ticket.status, "ready");
});

Deno.test("a ticket goes queued -> preparing -> ready, stamping each time", () => {
  const started = applyAction(ticket(), "start", at(1000));
  assert.equal(started.status, "preparing");
  assert.equal(started.startedAtMs, at(1000).getTime());
  const ready = applyAction(started, "complete", at(2000));
  assert.equal(ready.status, "ready");
  assert.equal(ready.readyAtMs, at(2000).getTime());
});

Deno.test("illegal transitions are rejected with the ticket's state in the message", () => {
  const ready = applyAction(applyAction(ticket(), "start", T0), "complete", T0);
  const cases: [KitchenTicket, "start" | "complete", string][] = [
    [ticket(), "complete", "Ticket for order o-1 is queued, cannot complete"],
    [applyAction(ticket(), "start", T0), "start", "Ticket for order o-1 is preparing, cannot start"],
    [ready, "start", "Ticket for order o-1 is ready, cannot start"],
    [ready, "complete", "Ticket for order o-1 is ready, cannot complete"],
  ];
  for (const [t, action, message] of cases) {
    assert.throws(() => applyAction(t, action, T0), (err: unknown) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, "illegal_transition");
      assert.equal(err.message, message);
      return true;
    });
  }
});

Deno.test("dueAction starts after prepMs queued and completes after prepMs preparing", () => {
  const t = ticket();
  assert.equal(dueAction(t, at(2999), 3000), undefined);
  assert.equal(dueAction(t, at(3000), 3000), "start");
  const started = applyAction(t, "start", at(3000));
  assert.equal(dueAction(started, at(5999), 3000), undefined);
  assert.equal(dueAction(started, at(6000), 3000), "complete");
  assert.equal(dueAction(applyAction(started, "complete", at(6000)), at(99_999), 3000), undefined);
});

Deno.test("advance returns the moved ticket with the event announcing the move", () => {
  const started = advance(ticket(), "start", at(1000));
  assert.equal(started.ticket.status, "preparing");
  assert.deepEqual(started.events, [{
    key: "kitchen.ticket_started",
    payload: { orderId: "o-1", startedAt: at(1000) },
  }], "no by when the kitchen moves it itself");
  const ready = advance(started.ticket, "complete", at(2000), { by: "Ada" });
  assert.equal(ready.ticket.status, "ready");
  assert.deepEqual(ready.events, [{
    key: "kitchen.ticket_ready",
    payload: { orderId: "o-1", readyAt: at(2000), by: "Ada" },
  }]);
  assert.equal(ready.ticket.readyBy, "Ada");
  assert.throws(() => advance(ready.ticket, "complete", at(3000)), /is ready, cannot complete/);
});
