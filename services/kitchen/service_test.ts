import assert from "node:assert/strict";
import { rpc } from "../common/grpc_client.ts";
import { traceIdOf, traceMetadata } from "../common/trace.ts";
import { TicketStatus, type WatchTicketsResponse } from "../common/gen/oms/kitchen/v1/kitchen.ts";
import { publishPaid, rejectsWith, TRACE, waitForTicket, withKitchen } from "./service_testing.ts";

Deno.test("order.paid opens one ticket even when it arrives twice", async () => {
  await withKitchen({}, async ({ client, config }) => {
    const paidAt = new Date("2025-01-01T12:00:00Z");
    const id = crypto.randomUUID();
    await publishPaid(config, "o-1", paidAt, id);
    await publishPaid(config, "o-1", paidAt, id); // redelivery of the same message
    await publishPaid(config, "o-1", new Date(), crypto.randomUUID()); // the fact published again
    await publishPaid(config, "marker", new Date());
    await waitForTicket(client, "marker");
    const { tickets } = await rpc(client, "listTickets", { status: TicketStatus.TICKET_STATUS_UNSPECIFIED });
    assert.deepEqual(tickets.map((t) => t.orderId), ["o-1", "marker"]);
    const t = tickets[0]!;
    assert.equal(t.status, TicketStatus.TICKET_STATUS_QUEUED);
    assert.deepEqual(t.paidAt, paidAt);
    assert.equal(t.items[0]?.quantity, 2);
  });
});

Deno.test("order.paid's number and details reach the ticket in GetTicket, ListTickets and WatchTickets, never a phone or email", async () => {
  await withKitchen({}, async ({ client, config }) => {
    const pickupAt = new Date("2025-01-01T12:30:00Z");
    const watch = client.watchTickets({ cursor: "" });
    const watched = new Promise<WatchTicketsResponse>((resolve, reject) => {
      watch.on("data", (m: WatchTicketsResponse) => resolve(m));
      watch.on("error", reject);
    });
    try {
      // a producer that (against the rule) sent a phone and email: the kitchen drops them
      await publishPaid(config, "o-7", new Date("2025-01-01T12:00:00Z"), undefined, {
        number: 1042,
        details: { name: "Ada", phone: "0170123456", email: "ada@example.org", note: "No onions", pickupAt },
      });
      const expected = { name: "Ada", phone: "", email: "", note: "No onions", pickupAt };
      const ticket = await waitForTicket(client, "o-7");
      assert.equal(ticket.orderNumber, 1042);
      assert.deepEqual(ticket.details, expected);
      const { tickets } = await rpc(client, "listTickets", {
        status: TicketStatus.TICKET_STATUS_UNSPECIFIED,
      });
      assert.deepEqual([tickets[0]?.orderNumber, tickets[0]?.details], [1042, expected]);
      const change = await watched;
      assert.equal(change.ticket?.orderNumber, 1042);
      assert.deepEqual(change.ticket?.details, expected);
      // an order without number or details (from before they existed) shows 0 and none
      await publishPaid(config, "o-old", new Date("2025-01-01T12:01:00Z"));
      const old = await waitForTicket(client, "o-old");
      assert.deepEqual([old.orderNumber, old.details], [0, undefined]);
    } finally {
      watch.cancel();
    }
  });
});

Deno.test("ListTickets returns the queue oldest payment first, filtered by status", async () => {
  await withKitchen({}, async ({ client, config }) => {
    const base = Date.parse("2025-01-01T12:00:00Z");
    await publishPaid(config, "third", new Date(base + 3000));
    await publishPaid(config, "first", new Date(base + 1000));
    await publishPaid(config, "second", new Date(base + 2000));
    await waitForTicket(client, "second");
    const all = await rpc(client, "listTickets", { status: TicketStatus.TICKET_STATUS_UNSPECIFIED });
    assert.deepEqual(all.tickets.map((t) => t.orderId), ["first", "second", "third"]);
    await rpc(client, "startTicket", { orderId: "second" });
    const queued = await rpc(client, "listTickets", { status: TicketStatus.TICKET_STATUS_QUEUED });
    assert.deepEqual(queued.tickets.map((t) => t.orderId), ["first", "third"]);
    const preparing = await rpc(client, "listTickets", { status: TicketStatus.TICKET_STATUS_PREPARING });
    assert.deepEqual(preparing.tickets.map((t) => t.orderId), ["second"]);
  });
});

Deno.test("StartTicket and CompleteTicket emit kitchen.ticket_started and kitchen.ticket_ready", async () => {
  await withKitchen({}, async ({ client, config, observer }) => {
    await publishPaid(config, "o-1", new Date());
    await waitForTicket(client, "o-1");
    const started = await rpc(client, "startTicket", { orderId: "o-1" }, { metadata: traceMetadata(TRACE) });
    assert.equal(started.ticket?.status, TicketStatus.TICKET_STATUS_PREPARING);
    assert.ok(started.ticket?.startedAt instanceof Date);
    const ready = await rpc(client, "completeTicket", { orderId: "o-1" });
    assert.equal(ready.ticket?.status, TicketStatus.TICKET_STATUS_READY);
    await observer.waitFor(
      (events) => events.some((e) => e.routingKey === "kitchen.ticket_ready"),
      "kitchen.ticket_ready",
    );
    assert.deepEqual(observer.events.map((e) => e.routingKey), [
      "kitchen.ticket_started",
      "kitchen.ticket_ready",
    ]);
    const [s, r] = observer.events;
    // who moved it is the verified staff claim's name
    assert.deepEqual(s!.body, {
      orderId: "o-1",
      startedAt: started.ticket?.startedAt?.toISOString(),
      by: "test-staff",
    });
    assert.deepEqual(r!.body, {
      orderId: "o-1",
      readyAt: ready.ticket?.readyAt?.toISOString(),
      by: "test-staff",
    });
    assert.deepEqual([ready.ticket?.startedBy, ready.ticket?.readyBy], ["test-staff", "test-staff"]);
    assert.equal(s!.traceparent, TRACE);
    // without trace metadata the event continues the trace of the order.paid message
    assert.equal(traceIdOf(r!.traceparent), traceIdOf(TRACE));
  });
});

Deno.test("illegal ticket transitions are rejected and unknown tickets are not found", async () => {
  await withKitchen({}, async ({ client, config, observer }) => {
    await publishPaid(config, "o-1", new Date());
    await waitForTicket(client, "o-1");
    let err = await rejectsWith(rpc(client, "completeTicket", { orderId: "o-1" }), "illegal_transition");
    assert.equal(err.message, "Ticket for order o-1 is queued, cannot complete");
    await rpc(client, "startTicket", { orderId: "o-1" });
    await rpc(client, "completeTicket", { orderId: "o-1" });
    err = await rejectsWith(rpc(client, "startTicket", { orderId: "o-1" }), "illegal_transition");
    assert.equal(err.message, "Ticket for order o-1 is ready, cannot start");
    err = await rejectsWith(rpc(client, "startTicket", { orderId: "nope" }), "not_found");
    assert.equal(err.message, "No kitchen ticket for order nope");
    await rejectsWith(rpc(client, "getTicket", { orderId: "nope" }), "not_found");
    await rejectsWith(rpc(client, "getTicket", { orderId: "" }), "invalid_argument");
    await observer.waitFor((events) => events.length >= 2, "two events");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(observer.events.length, 2);
  });
});

Deno.test("auto-prep moves a paid order's ticket to ready and announces both steps", async () => {
  await withKitchen({ autoPrep: true, prepMs: 50 }, async ({ client, config, observer }) => {
    await publishPaid(config, "o-1", new Date());
    await observer.waitFor(
      (events) => events.some((e) => e.routingKey === "kitchen.ticket_ready"),
      "kitchen.ticket_ready",
    );
    assert.deepEqual(observer.events.map((e) => e.routingKey), [
      "kitchen.ticket_started",
      "kitchen.ticket_ready",
    ]);
    const { ticket } = await rpc(client, "getTicket", { orderId: "o-1" });
    assert.equal(ticket?.status, TicketStatus.TICKET_STATUS_READY);
  });
});
