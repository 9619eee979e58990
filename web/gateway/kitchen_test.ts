import assert from "node:assert/strict";
import { OrderAction, OrderStatus } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { TicketStatus } from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import type { Ticket } from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import type { Gateway } from "./mod.ts";
import { LocalOutcome } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { orderIn, paidOrder, rejectsWith, startGatewaySystem, TEST_OPTS } from "./testing.ts";

/** The ticket of `orderId`, once kitchen has opened it from `order.paid` (asked until it is there). */
async function ticketOf(gw: Gateway, orderId: string): Promise<Ticket> {
  for (;;) {
    const ticket = (await gw.kitchen.tickets()).find((t) => t.orderId === orderId);
    if (ticket) return ticket;
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test(
  "kitchen facade: a paid order's ticket is listed, started and completed (and the order handed over); a missing one is 404",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem({ kitchen: true });
    try {
      const order = await paidOrder(sys.customer);

      const queued = await ticketOf(sys.staff, order.id);
      assert.equal(queued.status, TicketStatus.TICKET_STATUS_QUEUED);
      assert.deepEqual(queued.items.map((l) => [l.itemId, l.quantity]), [["1", 1]]);

      const started = await sys.staff.kitchen.start(order.id);
      assert.equal(started.status, TicketStatus.TICKET_STATUS_PREPARING);
      const ready = await sys.staff.kitchen.complete(order.id);
      assert.equal(ready.status, TicketStatus.TICKET_STATUS_READY);
      await rejectsWith(sys.staff.kitchen.start(order.id), 409, "illegal_transition");

      await rejectsWith(sys.staff.kitchen.start(crypto.randomUUID()), 404, "not_found");

      // orders follows the ticket to ready; staff hand it over through the orders facade
      const readyOrder = await orderIn(sys.staff, order.id, OrderStatus.ORDER_STATUS_READY);
      // a ready order is handed over or refunded; a completed one can still be refunded
      assert.deepEqual(readyOrder.allowedActions, [
        OrderAction.ORDER_ACTION_COMPLETE,
        OrderAction.ORDER_ACTION_REFUND,
      ]);
      const completed = await sys.staff.orders.complete(order.id);
      assert.deepEqual([completed.status, completed.allowedActions], [
        OrderStatus.ORDER_STATUS_COMPLETED,
        [OrderAction.ORDER_ACTION_REFUND],
      ]);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("kitchen facade: kitchen down is a retryable 503 naming kitchen", TEST_OPTS, async () => {
  const sys = await startGatewaySystem();
  try {
    const e = await rejectsWith(sys.staff.kitchen.tickets(), 503, "unavailable");
    assert.match(e.message, /^The kitchen service is unavailable/);
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "kitchen facade: staff watch the tickets; a paid order's new ticket arrives on the stream",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem({ kitchen: true });
    const ac = new AbortController();
    try {
      const watch = sys.staff.kitchen.watchTickets({ cursor: "" }, ac.signal);
      const first = new Promise<string>((resolve, reject) => {
        watch.on("data", (m: { ticket?: Ticket }) => resolve(m.ticket?.orderId ?? ""));
        watch.on("error", reject);
      });
      const order = await paidOrder(sys.customer);
      assert.equal(await first, order.id);
    } finally {
      ac.abort();
      await sys.stop();
    }
  },
);

Deno.test(
  "kitchen facade: stations travel from the catalog through the reservation and the order into the ticket; undo, recall and stats go through",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem({ kitchen: true });
    try {
      const order = await sys.customer.orders.create("alice", [
        { itemId: "1", quantity: 1 },
        { itemId: "9", quantity: 2 },
        { itemId: "7", quantity: 1 },
      ], "");
      const sessionId = order.paymentLink.split("/").at(-1) ?? "";
      await sys.customer.payments.completeLocalCheckout(sessionId, LocalOutcome.LOCAL_OUTCOME_PAY);
      assert.deepEqual(order.items.map((l) => [l.itemId, l.station]), [["1", "oven"], ["9", "bar"], [
        "7",
        "cold",
      ]]);
      const ticket = await ticketOf(sys.staff, order.id);
      assert.deepEqual(ticket.items.map((l) => [l.itemId, l.station]), [["1", "oven"], ["9", "bar"], [
        "7",
        "cold",
      ]]);
      assert.deepEqual(ticket.stations.map((p) => p.station), ["oven", "bar", "cold"]);

      const started = await sys.staff.kitchen.start(order.id, "bar");
      assert.deepEqual(started.stations.map((p) => p.status), [
        TicketStatus.TICKET_STATUS_QUEUED,
        TicketStatus.TICKET_STATUS_PREPARING,
        TicketStatus.TICKET_STATUS_QUEUED,
      ]);
      assert.equal(started.startedBy, "admin", "the staff claim's name (web signs it), not a request field");
      const bumped = await sys.staff.kitchen.complete(order.id, "bar");
      assert.ok(bumped.stations[1]!.recallUntil instanceof Date);
      const undone = await sys.staff.kitchen.undo(order.id, "bar");
      assert.equal(undone.stations[1]!.status, TicketStatus.TICKET_STATUS_PREPARING);
      await rejectsWith(sys.staff.kitchen.recall(order.id, "bar"), 409, "illegal_transition");
      await sys.staff.kitchen.complete(order.id, "bar");
      const stats = await sys.staff.kitchen.stats(new Date(Date.now() - 3_600_000));
      assert.deepEqual(stats.map((s) => [s.station, s.count]), [["bar", 1]]);
    } finally {
      await sys.stop();
    }
  },
);
