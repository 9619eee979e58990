import assert from "node:assert/strict";
import { OrderAction } from "../../common/gen/oms/orders/v1/orders.ts";
import { newOrder, type Order, orderToProto } from "./order.ts";

const at = new Date("2026-01-01T00:00:00Z");
const order: Order = newOrder({
  id: "o1",
  customerId: "c1",
  items: [],
  total: { amount: 0, currency: "EUR" },
  at,
  cause: "customer",
  traceId: "",
});

Deno.test("the Order message carries the actions its state allows now", () => {
  assert.deepEqual(orderToProto(order).allowedActions, [OrderAction.ORDER_ACTION_CANCEL]);
  assert.deepEqual(
    orderToProto({ ...order, status: "waiting_payment", paymentLink: "http://p/pay/1" }).allowedActions,
    [OrderAction.ORDER_ACTION_CANCEL, OrderAction.ORDER_ACTION_PAY],
  );
  assert.deepEqual(orderToProto({ ...order, status: "paid" }).allowedActions, [
    OrderAction.ORDER_ACTION_REFUND,
  ]);
  assert.deepEqual(orderToProto({ ...order, status: "ready" }).allowedActions, [
    OrderAction.ORDER_ACTION_COMPLETE,
  ]);
  assert.deepEqual(orderToProto({ ...order, status: "completed" }).allowedActions, []);
});
