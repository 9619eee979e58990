import assert from "node:assert/strict";
import { credentials } from "@grpc/grpc-js";
import { OrdersServiceClient } from "../../services/common/gen/oms/orders/v1/orders.ts";
import {
  observeOrderCreations,
  type OrderCreationObserver,
  orderCreationObserverOf,
} from "./order_creations.ts";

Deno.test("an observer hears of its client's creations until stopped; stopping an old one keeps its successor", () => {
  const a = new OrdersServiceClient("127.0.0.1:1", credentials.createInsecure());
  const b = new OrdersServiceClient("127.0.0.1:1", credentials.createInsecure());
  try {
    const first: OrderCreationObserver = { begin: () => () => {} };
    const second: OrderCreationObserver = { begin: () => () => {} };
    const stopFirst = observeOrderCreations(a, first);
    assert.equal(orderCreationObserverOf(a), first);
    assert.equal(orderCreationObserverOf(b), undefined, "another client has none");
    const stopSecond = observeOrderCreations(a, second);
    stopFirst();
    assert.equal(orderCreationObserverOf(a), second, "a stale stop leaves the current observer");
    stopSecond();
    assert.equal(orderCreationObserverOf(a), undefined);
  } finally {
    a.close();
    b.close();
  }
});
