/**
 * Events are facts only their owner can state, across real processes on the real RabbitMQ: forged
 * `payment.succeeded`, `order.paid` and `order.created`, published with the broker administrator's
 * credentials (guest) or with another service's user, are refused by the broker or parked, and change no
 * order, ticket, checkout or stock.
 */
import assert from "node:assert/strict";
import amqp from "amqplib";
import { rpc } from "../services/common/grpc_client.ts";
import { publishRaw } from "../services/common/bus/testing.ts";
import { encodeEvent } from "../services/common/events.ts";
import { ORIGINAL_USER_HEADER } from "../services/common/bus/owner.ts";
import { OrderStatus } from "../services/common/gen/oms/orders/v1/orders.ts";
import { eventually, startSystem, type System } from "./system.ts";

type Consumer = "orders" | "stock" | "payments" | "kitchen";

async function parked(sys: System, service: Consumer, messageId: string) {
  return await eventually(async () => {
    const { deadLetters } = await rpc(sys.deadLetters(service), "listDeadLetters", { limit: 500 });
    return deadLetters.find((d) => d.messageId === messageId);
  }, `${messageId} parked by ${service}`);
}

async function snapshot(sys: System, orderId: string, ghosts: string[]) {
  const order = (await rpc(sys.orders, "getOrder", { orderId, customerId: "forger-victim", admin: false }))
    .order!;
  const payment = (await rpc(sys.payments, "getPayment", { orderId })).payment!;
  const ghostPayments = await Promise.all(
    ghosts.map((g) =>
      rpc(sys.payments, "getPayment", { orderId: g }).then((r) => r.payment, () => undefined)
    ),
  );
  const tickets = (await rpc(sys.kitchen, "listTickets", { status: 0 })).tickets.map((t) => t.orderId);
  const item = (await rpc(sys.stock, "getItem", { id: "1" })).item!;
  return {
    status: order.status,
    timeline: order.timeline.length,
    payment: { status: payment.status, sessionId: payment.sessionId },
    ghostPayments,
    tickets,
    stock: { available: item.available, reserved: item.reserved, sold: item.sold },
  };
}

Deno.test("forged payment.succeeded, order.paid and order.created from guest or another service's user are refused or parked and change nothing", async () => {
  const sys = await startSystem();
  const { config } = sys.bus;
  const prefix = config.brokerUserPrefix!;
  try {
    const { order } = await rpc(sys.orders, "createOrder", {
      customerId: "forger-victim",
      items: [{ itemId: "1", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    });
    const orderId = order!.id;
    await eventually(async () => {
      const o =
        (await rpc(sys.orders, "getOrder", { orderId, customerId: "forger-victim", admin: false })).order;
      return o?.status === OrderStatus.ORDER_STATUS_WAITING_PAYMENT;
    }, "the real order waiting for payment");
    // the real order's order.created, as orders would have sent it (held and taken back: never sent)
    const created = JSON.parse(encodeEvent("order.created", {
      orderId,
      customerId: order!.customerId,
      items: order!.items,
      total: order!.total,
      createdAt: order!.createdAt,
      number: order!.number,
      details: undefined,
    }));
    const ghostPaid = `ghost-paid-${crypto.randomUUID()}`;
    const ghostCreated = `ghost-created-${crypto.randomUUID()}`;
    const before = await snapshot(sys, orderId, [ghostPaid, ghostCreated]);

    const succeeded = JSON.stringify({
      orderId,
      sessionId: before.payment.sessionId,
      providerEventId: "forged",
      paidAt: new Date().toISOString(),
    });
    const paid = JSON.stringify({ ...created, orderId: ghostPaid, paidAt: new Date().toISOString() });
    const createdGhost = JSON.stringify({ ...created, orderId: ghostCreated });

    // another service's user: the broker's topic permissions refuse the publish
    for (
      const [key, body] of [["payment.succeeded", succeeded], ["order.paid", paid], [
        "order.created",
        createdGhost,
      ]]
    ) {
      await assert.rejects(
        () => publishRaw(config, key!, body!, { as: "kitchen", messageId: crypto.randomUUID() }),
        /ACCESS_REFUSED|closed/i,
        `kitchen's user publishing ${key}`,
      );
    }
    // another service's user claiming the owner's user_id: the broker refuses it too
    await assert.rejects(
      () =>
        publishRaw(config, "kitchen.ticket_ready", succeeded, {
          as: "kitchen",
          userId: `${prefix}payments`,
          messageId: crypto.randomUUID(),
        }),
      /PRECONDITION_FAILED|user_id|closed/i,
    );

    // the administrator (guest): the broker lets it publish anything, the consumers park it
    await publishRaw(config, "payment.succeeded", succeeded, { as: "admin", messageId: "forged-succeeded" });
    await publishRaw(config, "payment.succeeded", succeeded, {
      as: "admin",
      userId: false,
      messageId: "forged-succeeded-anonymous",
    });
    await publishRaw(config, "order.paid", paid, { as: "admin", messageId: "forged-paid" });
    await publishRaw(config, "order.created", createdGhost, { as: "admin", messageId: "forged-created" });
    // straight into orders' queue, posing as orders' own retry of a payments fact
    const conn = await amqp.connect(config.amqpUrl);
    try {
      const ch = await conn.createConfirmChannel();
      ch.sendToQueue(`${config.queuePrefix}.orders`, Buffer.from(succeeded), {
        messageId: "forged-retry",
        userId: "guest",
        headers: { "x-oms-routing-key": "payment.succeeded", [ORIGINAL_USER_HEADER]: `${prefix}payments` },
      });
      await ch.waitForConfirms();
    } finally {
      await conn.close();
    }

    for (const id of ["forged-succeeded", "forged-retry"]) {
      const d = await parked(sys, "orders", id);
      assert.match(d.reason, new RegExp(`may only come from broker user "${prefix}payments".*"guest"`));
      assert.equal(d.attempts, 1, "parked at once");
    }
    assert.match((await parked(sys, "orders", "forged-succeeded-anonymous")).reason, /set no user_id/);
    assert.match((await parked(sys, "kitchen", "forged-paid")).reason, /"guest"/);
    assert.match((await parked(sys, "stock", "forged-paid")).reason, /"guest"/);
    assert.match((await parked(sys, "payments", "forged-created")).reason, /"guest"/);
    // (stock does not consume order.created: topology.ts)

    // a replayed forgery is still a forgery: orders re-sends it as itself, carrying the original user
    const forged = await parked(sys, "orders", "forged-succeeded");
    await rpc(sys.deadLetters("orders"), "replayDeadLetter", { id: forged.id });
    const again = await parked(sys, "orders", "forged-succeeded");
    assert.match(again.reason, /"guest"/);

    assert.deepEqual(await snapshot(sys, orderId, [ghostPaid, ghostCreated]), before);
    assert.equal(before.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT);
    assert.deepEqual(before.ghostPayments, [undefined, undefined]);
    assert.ok(!before.tickets.includes(orderId) && !before.tickets.includes(ghostPaid));
  } finally {
    await sys.stop();
  }
});
