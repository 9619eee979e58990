/**
 * Kitchen's issue 10 behaviour through its real adapters (gRPC, RabbitMQ): stations from the order's
 * lines, per-station moves, undo within the window (and its refusal after), recall, `by` from the
 * staff claim, a refunded order's ticket cancelled once, and prep-time averages per station.
 */
import assert from "node:assert/strict";
import { eventually, publishRaw } from "../common/bus/testing.ts";
import { encodeEvent } from "../common/events.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { KitchenServiceClient, TicketStatus } from "../common/gen/oms/kitchen/v1/kitchen.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";
import { CHANGE_FEED, type ChangeRecord } from "../common/change_feed/record.ts";
import { TICKET_FEED } from "./store.ts";
import { publishPaid, rejectsWith, waitForTicket, withKitchen } from "./service_testing.ts";

/** Every change record of the ticket feed. */
async function listChanges(kv: Deno.Kv): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  for await (const e of kv.list<ChangeRecord>({ prefix: [...CHANGE_FEED, TICKET_FEED] })) out.push(e.value);
  return out;
}

const pizza = {
  itemId: "1",
  name: "Margherita",
  quantity: 1,
  unitPrice: { amount: 850, currency: "EUR" },
  station: "oven",
};
const salad = {
  itemId: "7",
  name: "Caesar Salad",
  quantity: 1,
  unitPrice: { amount: 800, currency: "EUR" },
  station: "cold",
};
const lemonade = {
  itemId: "9",
  name: "Lemonade",
  quantity: 2,
  unitPrice: { amount: 350, currency: "EUR" },
  station: "bar",
};

Deno.test("the order's line stations become the ticket's station parts; each station moves its own part", async () => {
  await withKitchen({}, async ({ client, config, observer }) => {
    await publishPaid(config, "o-1", new Date(), undefined, { items: [pizza, lemonade, salad] });
    const ticket = await waitForTicket(client, "o-1");
    assert.deepEqual(ticket.items.map((l) => l.station), ["oven", "bar", "cold"]);
    assert.deepEqual(ticket.stations.map((p) => [p.station, p.status]), [
      ["oven", TicketStatus.TICKET_STATUS_QUEUED],
      ["bar", TicketStatus.TICKET_STATUS_QUEUED],
      ["cold", TicketStatus.TICKET_STATUS_QUEUED],
    ]);
    const oven = await rpc(client, "startTicket", { orderId: "o-1", station: "oven" });
    assert.equal(oven.ticket?.status, TicketStatus.TICKET_STATUS_PREPARING);
    assert.deepEqual(oven.ticket?.stations.map((p) => p.status), [
      TicketStatus.TICKET_STATUS_PREPARING,
      TicketStatus.TICKET_STATUS_QUEUED,
      TicketStatus.TICKET_STATUS_QUEUED,
    ]);
    for (const station of ["oven", "bar", "cold"]) {
      if (station !== "oven") await rpc(client, "startTicket", { orderId: "o-1", station });
      await rpc(client, "completeTicket", { orderId: "o-1", station });
    }
    const done = await rpc(client, "getTicket", { orderId: "o-1" });
    assert.equal(done.ticket?.status, TicketStatus.TICKET_STATUS_READY);
    await observer.waitFor((es) => es.some((e) => e.routingKey === "kitchen.ticket_ready"), "ready");
    assert.deepEqual(observer.events.map((e) => e.routingKey), [
      "kitchen.ticket_started",
      "kitchen.ticket_ready",
    ]);
    await rejectsWith(rpc(client, "startTicket", { orderId: "o-1", station: "grill" }), "not_found");
    await rejectsWith(
      rpc(client, "startTicket", { orderId: "o-1", station: "x".repeat(65) }),
      "invalid_argument",
    );
  });
});

Deno.test("undo within the window reopens the ticket (kitchen.ticket_reopened by the staff member); after it, FAILED_PRECONDITION window_expired", async () => {
  await withKitchen({ undoMs: 600 }, async ({ client, config, observer }) => {
    await publishPaid(config, "o-1", new Date(), undefined, { items: [pizza] });
    await waitForTicket(client, "o-1");
    await rpc(client, "startTicket", { orderId: "o-1" });
    const ready = await rpc(client, "completeTicket", { orderId: "o-1" });
    assert.ok(ready.ticket?.undoUntil instanceof Date, "the answer says until when it can be undone");
    const undone = await rpc(client, "undoTicket", { orderId: "o-1" });
    assert.equal(undone.ticket?.status, TicketStatus.TICKET_STATUS_PREPARING);
    await observer.waitFor((es) => es.some((e) => e.routingKey === "kitchen.ticket_reopened"), "reopened");
    const reopened = observer.of("kitchen.ticket_reopened", "o-1")[0]!;
    assert.equal(reopened.body.status, "preparing");
    assert.equal(reopened.body.by, "test-staff");

    await rpc(client, "completeTicket", { orderId: "o-1" });
    await new Promise((r) => setTimeout(r, 700));
    const err = await rejectsWith(rpc(client, "undoTicket", { orderId: "o-1" }), "window_expired");
    assert.equal(err.grpcStatus, 9, "FAILED_PRECONDITION");
    assert.match(err.message, /can only be undone within 1 s/);
    const still = await rpc(client, "getTicket", { orderId: "o-1" });
    assert.equal(still.ticket?.status, TicketStatus.TICKET_STATUS_READY, "nothing changed");
    // the recall list's way back still works after the undo window
    const recalled = await rpc(client, "recallTicket", { orderId: "o-1" });
    assert.equal(recalled.ticket?.status, TicketStatus.TICKET_STATUS_PREPARING);
  });
});

Deno.test("undo, recall and moves need a staff claim: PERMISSION_DENIED without one", async () => {
  await withKitchen({}, async ({ client, config }) => {
    await publishPaid(config, "o-1", new Date(), undefined, { items: [pizza] });
    await waitForTicket(client, "o-1");
    const anonymous = connect(KitchenServiceClient, client.getChannel().getTarget(), TEST_SERVICE_TOKEN);
    try {
      for (const method of ["startTicket", "undoTicket", "recallTicket"] as const) {
        await rejectsWith(rpc(anonymous, method, { orderId: "o-1" }), "permission_denied");
      }
    } finally {
      anonymous.close();
    }
  });
});

Deno.test("order.refunded cancels the ticket once, however often it is delivered; a refund before order.paid leaves no ticket to open", async () => {
  await withKitchen({}, async ({ client, config, kv }) => {
    await publishPaid(config, "o-1", new Date(), undefined, { items: [pizza] });
    await waitForTicket(client, "o-1");
    await rpc(client, "startTicket", { orderId: "o-1" });
    const refundedAt = new Date("2026-01-01T12:00:00Z");
    const body = encodeEvent("order.refunded", { orderId: "o-1", refundedAt, reason: "Customer left" });
    const messageId = crypto.randomUUID();
    await publishRaw(config.common, "order.refunded", body, { messageId });
    await publishRaw(config.common, "order.refunded", body, { messageId }); // redelivered
    await publishRaw(
      config.common,
      "order.refunded",
      encodeEvent("order.refunded", { orderId: "o-1", refundedAt: new Date() }),
      {
        messageId: crypto.randomUUID(),
      },
    ); // the fact published again
    await publishRaw(
      config.common,
      "order.refunded",
      encodeEvent("order.refunded", { orderId: "early", refundedAt }),
      {
        messageId: crypto.randomUUID(),
      },
    );
    await eventually(async () => (await rpc(client, "getTicket", { orderId: "early" })).ticket, "tombstone");
    await publishPaid(config, "early", new Date(), undefined, { items: [pizza] });
    await publishPaid(config, "marker", new Date(), undefined, { items: [pizza] });
    await waitForTicket(client, "marker");
    const { ticket } = await rpc(client, "getTicket", { orderId: "o-1" });
    assert.equal(ticket?.status, TicketStatus.TICKET_STATUS_CANCELLED);
    assert.deepEqual(ticket?.cancelledAt, refundedAt, "cancelled by the first delivery only");
    assert.equal(
      (await listChanges(kv)).filter((c) => c.id === "o-1" && c.status === "cancelled").length,
      1,
      "one cancelling commit",
    );
    await rejectsWith(rpc(client, "completeTicket", { orderId: "o-1" }), "illegal_transition");
    const early = await rpc(client, "getTicket", { orderId: "early" });
    assert.equal(
      early.ticket?.status,
      TicketStatus.TICKET_STATUS_CANCELLED,
      "a late order.paid opens nothing",
    );
    const queued = await rpc(client, "listTickets", { status: TicketStatus.TICKET_STATUS_QUEUED });
    assert.deepEqual(queued.tickets.map((t) => t.orderId), ["marker"]);
  });
});

Deno.test("GetKitchenStats averages today's prep time per station; an undone bump does not count", async () => {
  await withKitchen({}, async ({ client, config }) => {
    await publishPaid(config, "o-1", new Date(), undefined, { items: [pizza, lemonade] });
    await publishPaid(config, "o-2", new Date(), undefined, { items: [pizza] });
    await waitForTicket(client, "o-2");
    const since = new Date(Date.now() - 60_000);
    await rpc(client, "startTicket", { orderId: "o-1" });
    await rpc(client, "startTicket", { orderId: "o-2" });
    await new Promise((r) => setTimeout(r, 120));
    await rpc(client, "completeTicket", { orderId: "o-1", station: "oven" });
    await rpc(client, "completeTicket", { orderId: "o-2" });
    await rpc(client, "completeTicket", { orderId: "o-1", station: "bar" });
    await rpc(client, "undoTicket", { orderId: "o-1", station: "bar" });
    const { stations } = await rpc(client, "getKitchenStats", { since });
    assert.deepEqual(stations.map((s) => [s.station, s.count]), [["bar", 0], ["oven", 2]]);
    const oven = stations.find((s) => s.station === "oven")!;
    assert.ok(
      oven.averagePrepMs >= 100 && oven.averagePrepMs < 5000,
      `oven average ${oven.averagePrepMs} ms`,
    );
    await rejectsWith(
      rpc(client, "getKitchenStats", { since: new Date(Date.now() + 3_600_000) }),
      "invalid_argument",
    );
  });
});
