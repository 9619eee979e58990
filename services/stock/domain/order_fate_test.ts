import assert from "node:assert/strict";
import { decideReservation, type OrderState } from "./order_fate.ts";

Deno.test("an order that can still pay, or has paid, keeps its reservation (confirmed, no more asking)", () => {
  const alive: OrderState[] = [
    "pending",
    "waiting_payment",
    "paid",
    "preparing",
    "ready",
    "completed",
    "refunded",
  ];
  for (const state of alive) {
    assert.deepEqual(decideReservation({ exists: true, state }), { action: "confirm" }, state);
  }
  assert.deepEqual(decideReservation({ exists: true, state: "unknown" }), { action: "confirm" });
});

Deno.test("a cancelled (or expired, which orders records as cancelled) order's reservation is released", () => {
  assert.deepEqual(decideReservation({ exists: true, state: "cancelled" }), {
    action: "release",
    because: "cancelled",
  });
});

Deno.test("an order orders confirms never existed: its reservation is released", () => {
  assert.deepEqual(decideReservation({ exists: false }), { action: "release", because: "no_order" });
});

Deno.test("orders unreachable or silent about the order: the reservation is kept and asked about again", () => {
  assert.deepEqual(decideReservation(undefined), { action: "keep" });
});
