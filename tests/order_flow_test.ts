/**
 * The order lifecycle across real processes (orders, stock, payments, kitchen, web) on the real
 * RabbitMQ, with the local payment provider.
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { EventObserver, publishRaw } from "../services/common/bus/testing.ts";
import { eventually, startSystem, type System } from "./system.ts";

async function item(sys: System, id: string) {
  return (await rpc(sys.stock, "getItem", { id })).item!;
}

async function order(sys: System, customer: string, id: string) {
  const res = await sys.api(
    "GET",
    `/api/customers/${customer}/orders/${id}`,
    undefined,
    await sys.proof(customer),
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

function sessionOf(link: string): string {
  const m = link.match(/\/pay\/([^/?#]+)/);
  assert.ok(m, `local payment link ${link} names a session`);
  return m[1]!;
}

Deno.test("the seed's curl places an order with a payment link; paying it walks paid, preparing, ready, completed and sells stock once", async () => {
  const sys = await startSystem();
  try {
    const before = await item(sys, "1");
    const created = await sys.api(
      "POST",
      "/api/customers/2/orders",
      { ID: 1, Quantity: 2 },
      await sys.proof("2"),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const o = created.body;
    assert.equal(o.status, "waiting_payment");
    assert.equal(o.customerId, "2");
    assert.match(o.paymentLink, /\/pay\//);
    assert.equal(o.items[0].quantity, 2);
    assert.equal(o.total.amount, before.price!.amount * 2);
    const reserved = await item(sys, "1");
    assert.equal(reserved.available, before.available - 2);
    assert.equal(reserved.reserved, before.reserved + 2);

    const paid = await sys.api("POST", `/api/payments/local/${sessionOf(o.paymentLink)}`, { outcome: "pay" });
    assert.ok(paid.status < 400, JSON.stringify(paid.body));
    await eventually(async () => (await order(sys, "2", o.id)).status === "paid", "order paid");
    const ticket = await eventually(
      async () => (await rpc(sys.kitchen, "getTicket", { orderId: o.id }).catch(() => undefined))?.ticket,
      "kitchen ticket",
    );
    assert.equal(ticket.items[0]!.quantity, 2);
    await eventually(async () => (await item(sys, "1")).sold === before.sold + 2, "stock sold");

    await rpc(sys.kitchen, "startTicket", { orderId: o.id });
    await eventually(async () => (await order(sys, "2", o.id)).status === "preparing", "order preparing");
    await rpc(sys.kitchen, "completeTicket", { orderId: o.id });
    await eventually(async () => (await order(sys, "2", o.id)).status === "ready", "order ready");
    await rpc(sys.orders, "advanceOrder", { orderId: o.id });
    const done = await order(sys, "2", o.id);
    assert.equal(done.status, "completed");
    assert.deepEqual(
      done.timeline.map((t: { status: string }) => t.status),
      ["pending", "waiting_payment", "paid", "preparing", "ready", "completed"],
    );

    const after = await item(sys, "1");
    assert.equal(after.sold, before.sold + 2, "sold exactly once");
    assert.equal(after.reserved, before.reserved);
    assert.equal(after.available, before.available - 2);
  } finally {
    await sys.stop();
  }
});

Deno.test("an order for more than is in stock gets 409 naming the item; nothing is reserved and no order is stored", async () => {
  const sys = await startSystem();
  try {
    const before = await item(sys, "2");
    const res = await sys.api("POST", "/api/customers/c-409/orders", {
      items: [{ id: "1", quantity: 1 }, { id: "2", quantity: before.available + 1 }],
    }, await sys.proof("c-409"));
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.error.code, "out_of_stock");
    assert.match(res.body.error.message, new RegExp(before.name));
    assert.deepEqual(await item(sys, "2"), before);
    assert.equal((await item(sys, "1")).reserved, 0, "the line that fitted was not reserved either");
    const list = await sys.api("GET", "/api/customers/c-409/orders", undefined, await sys.proof("c-409"));
    assert.equal(list.status, 200);
    assert.equal(list.body.orders.length, 0);
  } finally {
    await sys.stop();
  }
});

Deno.test("50 concurrent orders for an item with 20 in stock: exactly 20 succeed and stock ends at 0", async () => {
  const sys = await startSystem();
  try {
    const start = await item(sys, "3");
    assert.ok(start.available >= 20, "the demo menu has at least 20 of item 3");
    if (start.available > 20) {
      const res = await sys.api("POST", "/api/customers/setup/orders", {
        items: [{ id: "3", quantity: start.available - 20 }],
      }, await sys.proof("setup"));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    assert.equal((await item(sys, "3")).available, 20);
    const results = await Promise.all(
      Array.from(
        { length: 50 },
        async (_, i) =>
          await sys.api(
            "POST",
            `/api/customers/rush-${i}/orders`,
            { ID: "3", Quantity: 1 },
            await sys.proof(`rush-${i}`),
          ),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 20, `statuses: ${statuses.join(",")}`);
    assert.equal(statuses.filter((s) => s === 409).length, 30);
    const end = await item(sys, "3");
    assert.equal(end.available, 0);
    assert.equal(end.reserved, start.reserved + start.available);
  } finally {
    await sys.stop();
  }
});

Deno.test("a payment that expires and an order the customer cancels both release their reservations", async () => {
  const sys = await startSystem();
  try {
    const before = await item(sys, "4");
    const a =
      (await sys.api("POST", "/api/customers/exp/orders", { ID: 4, Quantity: 3 }, await sys.proof("exp")))
        .body;
    const b =
      (await sys.api("POST", "/api/customers/can/orders", { ID: 4, Quantity: 2 }, await sys.proof("can")))
        .body;
    assert.equal((await item(sys, "4")).available, before.available - 5);

    const expired = await sys.api("POST", `/api/payments/local/${sessionOf(a.paymentLink)}`, {
      outcome: "expire",
    });
    assert.ok(expired.status < 400, JSON.stringify(expired.body));
    const cancelled = await sys.api(
      "POST",
      `/api/customers/can/orders/${b.id}/cancel`,
      undefined,
      await sys.proof(`can`),
    );
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, "cancelled");

    await eventually(
      async () => (await order(sys, "exp", a.id)).status === "cancelled",
      "expired order cancelled",
    );
    await eventually(async () => (await item(sys, "4")).available === before.available, "stock released");
    const after = await item(sys, "4");
    assert.equal(after.reserved, before.reserved);
    assert.equal(after.sold, before.sold);
  } finally {
    await sys.stop();
  }
});

Deno.test("with payments down the order is accepted as pending; once payments starts the link appears, made once", async () => {
  const sys = await startSystem({ without: ["payments"] });
  try {
    const res = await sys.api(
      "POST",
      "/api/customers/slow/orders",
      { ID: 5, Quantity: 1 },
      await sys.proof("slow"),
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, "pending");
    assert.ok(!res.body.paymentLink);

    await sys.start("payments");
    const o = await eventually(async () => {
      const cur = await order(sys, "slow", res.body.id);
      return cur.status === "waiting_payment" && cur.paymentLink ? cur : undefined;
    }, "link created from order.created");
    const payment = (await rpc(sys.payments, "getPayment", { orderId: o.id })).payment!;
    assert.equal(payment.url, o.paymentLink);
    assert.equal(sessionOf(o.paymentLink), payment.sessionId, "one checkout session, the one stored");
  } finally {
    await sys.stop();
  }
});

Deno.test("a malformed message is parked and orders goes on; a parked event is replayed from dead letters", async () => {
  const sys = await startSystem();
  try {
    await publishRaw(sys.bus.config, "payment.succeeded", "{this is not json", { messageId: "poison-1" });
    const parked = await eventually(async () => {
      const r = await rpc(sys.deadLetters("orders"), "listDeadLetters", { limit: 10 });
      return r.deadLetters.find((d) => d.messageId === "poison-1");
    }, "poison message parked");
    assert.match(parked.reason, /JSON/);

    // orders still works after the poison message
    const o =
      (await sys.api("POST", "/api/customers/dl/orders", { ID: 6, Quantity: 1 }, await sys.proof("dl"))).body;
    await sys.api("POST", `/api/payments/local/${sessionOf(o.paymentLink)}`, { outcome: "pay" });
    await eventually(
      async () => (await order(sys, "dl", o.id)).status === "paid",
      "order paid after the poison",
    );

    // a ticket_ready that comes before the ticket started is retried, then parked
    await publishRaw(
      sys.bus.config,
      "kitchen.ticket_ready",
      JSON.stringify({ orderId: o.id, readyAt: new Date().toISOString() }),
      {
        messageId: "early-ready-1",
      },
    );
    const early = await eventually(async () => {
      const r = await rpc(sys.deadLetters("orders"), "listDeadLetters", { limit: 10 });
      return r.deadLetters.find((d) => d.messageId === "early-ready-1");
    }, "early ticket_ready parked after retries");
    assert.equal(early.attempts, 3);
    assert.equal((await order(sys, "dl", o.id)).status, "paid");

    await eventually(
      async () => (await rpc(sys.kitchen, "getTicket", { orderId: o.id }).catch(() => undefined))?.ticket,
      "ticket",
    );
    await rpc(sys.kitchen, "startTicket", { orderId: o.id });
    await eventually(async () => (await order(sys, "dl", o.id)).status === "preparing", "preparing");
    await rpc(sys.deadLetters("orders"), "replayDeadLetter", { id: early.id });
    await eventually(async () => (await order(sys, "dl", o.id)).status === "ready", "replayed event applied");
    const left = await rpc(sys.deadLetters("orders"), "listDeadLetters", { limit: 10 });
    assert.ok(!left.deadLetters.some((d) => d.id === early.id), "replayed letter removed");
    await rpc(sys.deadLetters("orders"), "discardDeadLetter", { id: parked.id });
    assert.equal(
      (await rpc(sys.deadLetters("orders"), "listDeadLetters", { limit: 10 })).deadLetters.length,
      0,
    );
  } finally {
    await sys.stop();
  }
});

Deno.test("orders killed with SIGKILL after storing an order that has no link yet: its held order.created is published after restart and payments makes the link", async () => {
  const sys = await startSystem({
    without: ["payments"],
    envFor: { orders: { OMS_RELAY_START_DELAY_MS: "600000" } },
  });
  const observer = await EventObserver.start(sys.bus.config, "order.*");
  try {
    const res = await sys.api(
      "POST",
      "/api/customers/crash/orders",
      { ID: 7, Quantity: 1 },
      await sys.proof("crash"),
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, "pending");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(observer.of("order.created", res.body.id).length, 0, "not published before the crash");
    await sys.procs.orders.stop("SIGKILL");
    await sys.start("payments");
    await sys.start("orders", { OMS_RELAY_START_DELAY_MS: "0" });
    await observer.waitFor(
      (e) => e.some((x) => x.routingKey === "order.created" && x.body.orderId === res.body.id),
      "order.created after restart",
      20_000,
    );
    // payments made the link from it, and the order is intact
    await eventually(
      async () => (await order(sys, "crash", res.body.id)).status === "waiting_payment" || undefined,
      "link attached",
    );
  } finally {
    await observer.close();
    await sys.stop();
  }
});

Deno.test("the same order.paid delivered twice makes one ticket and sells stock once", async () => {
  const sys = await startSystem();
  const observer = await EventObserver.start(sys.bus.config, "order.paid");
  try {
    const before = await item(sys, "8");
    const o =
      (await sys.api("POST", "/api/customers/twice/orders", { ID: 8, Quantity: 2 }, await sys.proof("twice")))
        .body;
    await sys.api("POST", `/api/payments/local/${sessionOf(o.paymentLink)}`, { outcome: "pay" });
    await observer.waitFor((e) => e.length === 1, "order.paid");
    const ev = observer.events[0]!;
    await eventually(async () => (await item(sys, "8")).sold === before.sold + 2, "sold");
    await publishRaw(sys.bus.config, "order.paid", JSON.stringify(ev.body), { messageId: ev.messageId });
    await publishRaw(sys.bus.config, "order.paid", JSON.stringify(ev.body), {
      messageId: `${ev.messageId}-copy`,
    });
    await observer.waitFor((e) => e.length === 3, "the redeliveries went out");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await item(sys, "8")).sold, before.sold + 2, "still sold once");
    const tickets = (await rpc(sys.kitchen, "listTickets", { status: 0 })).tickets.filter((t) =>
      t.orderId === o.id
    );
    assert.equal(tickets.length, 1);
  } finally {
    await observer.close();
    await sys.stop();
  }
});
