/**
 * An order's details and number across real processes (orders, stock, payments, kitchen, web) on the
 * real RabbitMQ: what the customer gave at checkout comes back from GetOrder, travels in order.paid
 * without the phone and email, and shows on the kitchen ticket.
 */
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { EventObserver, type ObservedEvent } from "../services/common/bus/testing.ts";
import { OrderStatus } from "../services/common/gen/oms/orders/v1/orders.ts";
import { eventually, startSystem } from "./system.ts";

// order.created carries them the same way; it is held and, with payments up, never sent (see orders'
// grpc_handlers_test, which reads the held record)
Deno.test("an order's details show in GetOrder, in order.paid without contact, and on the kitchen ticket", async () => {
  const sys = await startSystem();
  const observer = await EventObserver.start(sys.bus.config, "order.*");
  try {
    const pickupAt = new Date(Math.ceil((Date.now() + 3_600_000) / 60_000) * 60_000);
    const details = {
      name: "Ada Lovelace",
      phone: "+44 20 7946 0958",
      email: "ada@example.org",
      note: "No basil, please",
      pickupAt,
    };
    const { order } = await rpc(sys.orders, "createOrder", {
      customerId: "ada",
      items: [{ itemId: "1", quantity: 1 }],
      idempotencyKey: "checkout-1",
      details,
    });
    assert.ok(order && order.number >= 1001, `a short number, got ${order?.number}`);
    assert.deepEqual(order.details, details);
    const got = await rpc(sys.orders, "getOrder", { orderId: order.id, customerId: "ada", admin: false });
    assert.deepEqual([got.order?.number, got.order?.details], [order.number, details], "GetOrder keeps them");

    // the storefront's JSON shows them too
    const json = await sys.api(
      "GET",
      `/api/customers/ada/orders/${order.id}`,
      undefined,
      await sys.proof("ada"),
    );
    assert.equal(json.status, 200, JSON.stringify(json.body));
    assert.equal(json.body.number, order.number);
    assert.deepEqual(json.body.details, { ...details, pickupAt: pickupAt.toISOString() });

    const session = order.paymentLink.match(/\/pay\/([^/?#]+)/)?.[1];
    assert.ok(session, `a local payment link, got ${order.paymentLink}`);
    const paid = await sys.api("POST", `/api/payments/local/${session}`, { outcome: "pay" });
    assert.ok(paid.status < 400, JSON.stringify(paid.body));
    const ticket = await eventually(
      async () => (await rpc(sys.kitchen, "getTicket", { orderId: order.id }).catch(() => undefined))?.ticket,
      "kitchen ticket",
    );
    assert.equal(ticket.orderNumber, order.number);
    assert.deepEqual(ticket.details, { ...details, phone: "", email: "" }, "the kitchen gets no contact");
    await eventually(
      async () =>
        (await rpc(sys.orders, "getOrder", { orderId: order.id, customerId: "ada", admin: false })).order
            ?.status === OrderStatus.ORDER_STATUS_PAID || undefined,
      "order paid",
    );

    const expected = { name: details.name, note: details.note, pickupAt: pickupAt.toISOString() };
    for (const key of ["order.paid"]) {
      const event: ObservedEvent = await eventually(() => observer.of(key, order.id)[0], key);
      assert.equal(Number(event.body.number), order.number, `${key} carries the number`);
      assert.deepEqual(event.body.details, expected, `${key} carries name, note and pickup time only`);
      assert.ok(!JSON.stringify(event.body).includes("7946"), `${key} has no phone`);
      assert.ok(!JSON.stringify(event.body).includes("ada@example.org"), `${key} has no email`);
    }
  } finally {
    await observer.close();
    await sys.stop();
  }
});
