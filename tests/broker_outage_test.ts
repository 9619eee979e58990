/**
 * A broker outage longer than the reservation TTL does not oversell (issue 7, build item 2).
 *
 * The system's processes reach RabbitMQ through a TCP proxy that the test cuts: a real broker outage
 * as the services see it, for this system only (the shared broker keeps serving other tests). While it
 * is cut for several TTLs, ten customers order and pay the last ten units of an item; their
 * `payment.succeeded` (hence `order.paid`) cannot travel, so stock sees reservations open long past
 * the TTL. Stock's sweeper asks orders about them and keeps them (the orders can still pay); it
 * releases, during the same outage, only what is gone: a reservation no order was ever stored for, and
 * a cancelled order's. Ten more buyers find nothing left. When the broker comes back, the ten paid
 * orders are sold, and exactly the item's ten units leave the shelf.
 */
import assert from "node:assert/strict";
import { RpcError } from "../services/common/errors.ts";
import { rpc } from "../services/common/grpc_client.ts";
import { type Order, OrderStatus } from "../services/common/gen/oms/orders/v1/orders.ts";
import { LocalOutcome } from "../services/common/gen/oms/payments/v1/payments.ts";
import { ReservationStatus } from "../services/common/gen/oms/stock/v1/stock.ts";
import { testAmqpUrl } from "../services/common/bus/testing.ts";
import { eventually, startSystem, type System } from "./system.ts";
import { startTcpProxy } from "./tcp_proxy.ts";

const TTL_MS = 1500;
/** The menu item with exactly ten units (Tiramisu in the demo menu). */
const LAST_TEN = "8";

async function reservationStatus(sys: System, orderId: string): Promise<ReservationStatus | undefined> {
  return (await rpc(sys.stock, "getReservation", { orderId })).reservation?.status;
}

async function item(sys: System, id: string) {
  const { item } = await rpc(sys.stock, "getItem", { id });
  assert.ok(item, `item ${id}`);
  return item;
}

async function orderStatus(sys: System, orderId: string): Promise<OrderStatus | undefined> {
  return (await rpc(sys.orders, "getOrder", { orderId, customerId: "", admin: true })).order?.status;
}

async function buy(sys: System, customerId: string, itemId: string): Promise<Order> {
  const { order } = await rpc(sys.orders, "createOrder", {
    customerId,
    items: [{ itemId, quantity: 1 }],
    idempotencyKey: "",
    details: undefined,
  });
  assert.ok(order, `an order for ${customerId}`);
  return order;
}

async function pay(sys: System, order: Order): Promise<void> {
  const sessionId = order.paymentLink.match(/\/pay\/([^/?#]+)/)?.[1];
  assert.ok(sessionId, `order ${order.id} has a local checkout link, got "${order.paymentLink}"`);
  await rpc(sys.payments, "completeLocalCheckout", { sessionId, outcome: LocalOutcome.LOCAL_OUTCOME_PAY });
}

Deno.test("a broker outage longer than the reservation TTL while the last 10 units are bought and paid sells exactly 10, never more", async () => {
  const broker = new URL(testAmqpUrl());
  const proxy = startTcpProxy({ hostname: broker.hostname, port: Number(broker.port || 5672) });
  const sys = await startSystem({
    brokerAddr: `127.0.0.1:${proxy.port}`,
    without: ["web"],
    envFor: { stock: { STOCK_RESERVATION_TTL_MS: String(TTL_MS), STOCK_SWEEP_INTERVAL_MS: "100" } },
  });
  try {
    const start = await item(sys, LAST_TEN);
    assert.deepEqual([start.available, start.reserved, start.sold], [10, 0, 0], "the item has 10 units");
    const other = await item(sys, "1");

    proxy.cut();
    // orders reserved and died before storing the order: no order will ever claim this one
    const orphan = crypto.randomUUID();
    await rpc(sys.stock, "reserveItems", { orderId: orphan, items: [{ itemId: "1", quantity: 1 }] });
    // an order cancelled during the outage: its order.cancelled cannot reach stock
    const cancelled = await buy(sys, "changed-mind", "1");
    await rpc(sys.orders, "cancelOrder", {
      orderId: cancelled.id,
      customerId: "changed-mind",
      admin: false,
      reason: "",
    });

    const paid: Order[] = [];
    for (let n = 0; n < 10; n++) {
      const order = await buy(sys, `buyer-${n}`, LAST_TEN);
      await pay(sys, order);
      paid.push(order);
    }

    // the sweeper asks orders during the outage: what is gone is released ...
    await eventually(
      async () =>
        (await reservationStatus(sys, orphan)) === ReservationStatus.RESERVATION_STATUS_RELEASED &&
        (await reservationStatus(sys, cancelled.id)) === ReservationStatus.RESERVATION_STATUS_RELEASED,
      "the orphaned and the cancelled reservations released while the broker is down",
      20 * TTL_MS,
    );
    // ... and the paid orders' reservations are kept, well past their TTL
    await new Promise((r) => setTimeout(r, 2 * TTL_MS));
    assert.ok(proxy.isCut);
    for (const order of paid) {
      assert.equal(await reservationStatus(sys, order.id), ReservationStatus.RESERVATION_STATUS_RESERVED);
      assert.notEqual(
        await orderStatus(sys, order.id),
        OrderStatus.ORDER_STATUS_PAID,
        "the outage is real: payment.succeeded has not reached orders",
      );
    }
    const held = await item(sys, LAST_TEN);
    assert.deepEqual([held.available, held.reserved, held.sold], [0, 10, 0], "all 10 units held");
    const freed = await item(sys, "1");
    assert.deepEqual([freed.available, freed.reserved], [other.available, other.reserved], "item 1 freed");

    // ten more buyers: nothing is left to sell them
    for (let n = 0; n < 10; n++) {
      const err = await buy(sys, `late-${n}`, LAST_TEN).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof RpcError && err.code === "out_of_stock", `late buyer ${n} refused: ${err}`);
    }

    proxy.restore();
    await eventually(
      async () => {
        for (const order of paid) {
          if ((await reservationStatus(sys, order.id)) !== ReservationStatus.RESERVATION_STATUS_SOLD) {
            return false;
          }
        }
        return true;
      },
      "every paid order's reservation sold once the broker is back",
      60_000,
    );
    for (const order of paid) assert.equal(await orderStatus(sys, order.id), OrderStatus.ORDER_STATUS_PAID);
    assert.equal(await orderStatus(sys, cancelled.id), OrderStatus.ORDER_STATUS_CANCELLED);

    // the late events (order.created of the cancelled order, its order.cancelled) change nothing
    const { orders } = await rpc(sys.orders, "listOrders", {
      status: OrderStatus.ORDER_STATUS_UNSPECIFIED,
      pageSize: 100,
      cursor: "",
    });
    assert.equal(orders.length, 11, "10 paid orders and the cancelled one; the late buyers got none");
    const end = await item(sys, LAST_TEN);
    assert.deepEqual([end.available, end.reserved, end.sold], [0, 0, 10], "exactly the 10 units sold");
    const last = await item(sys, "1");
    assert.deepEqual([last.available, last.reserved, last.sold], [
      other.available,
      other.reserved,
      other.sold,
    ]);
    for (const service of ["orders", "stock", "payments", "kitchen"] as const) {
      const { deadLetters } = await rpc(sys.deadLetters(service), "listDeadLetters", { limit: 10 });
      assert.deepEqual(
        deadLetters.map((d) => `${d.routingKey}: ${d.reason}`),
        [],
        `${service} parked nothing`,
      );
    }
  } finally {
    await sys.stop();
    await proxy.close();
  }
});
