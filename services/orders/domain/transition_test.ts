import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { newOrder, type Order, ORDER_STATUSES, type OrderStatus } from "./order.ts";
import { transition } from "./transition.ts";

const T0 = new Date("2025-01-01T10:00:00Z");
const T1 = new Date("2025-01-01T10:05:00Z");

function orderIn(status: OrderStatus): Order {
  const o = newOrder({
    id: "o-1",
    customerId: "c-1",
    items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    at: T0,
    cause: "customer",
    traceId: "",
  });
  return { ...o, status };
}

// L = legal, i = ignored (already there or past it), X = illegal. Rows: from; columns: to, in ORDER_STATUSES order
// (pending, waiting_payment, paid, preparing, ready, completed, cancelled, refunded).
const MATRIX: Record<OrderStatus, string> = {
  pending: "iLLXXXLX",
  waiting_payment: "iiLXXXLX",
  paid: "iiiLXXXL",
  preparing: "iiiiLXXL",
  ready: "iiiiiLXL",
  completed: "iiiiiiXL",
  cancelled: "iiXXXXiX",
  refunded: "iiiiiiXi",
};

for (const from of ORDER_STATUSES) {
  ORDER_STATUSES.forEach((to, i) => {
    const kind = MATRIX[from][i];
    const name = kind === "L"
      ? `transition ${from} -> ${to} is legal and appends a timeline entry`
      : kind === "i"
      ? `transition ${from} -> ${to} is ignored as a repeated or late request`
      : `transition ${from} -> ${to} is an illegal_transition error`;
    Deno.test(name, () => {
      const order = orderIn(from);
      const by = { cause: "test", at: T1, traceId: "0af7651916cd43dd8448eb211c80319c" };
      if (kind === "L") {
        const r = transition(order, to, by);
        assert.ok(r.order);
        assert.equal(r.order.status, to);
        assert.equal(r.order.updatedAt, T1);
        assert.deepEqual(r.order.timeline.at(-1), { status: to, at: T1, cause: "test", traceId: by.traceId });
        assert.equal(r.order.timeline.length, order.timeline.length + 1);
        assert.equal(order.status, from, "the input order is not modified");
      } else if (kind === "i") {
        const r = transition(order, to, by);
        assert.equal(r.order, undefined);
        assert.match(r.ignored!, /Order o-1 is/);
      } else {
        assert.throws(() => transition(order, to, by), (err: unknown) => {
          assert.ok(err instanceof DomainError);
          assert.equal(err.code, "illegal_transition");
          assert.match(err.message, /^Order o-1 is /);
          return true;
        });
      }
    });
  });
}

Deno.test("cancelling a paid order names the status and the rule", () => {
  assert.throws(
    () => transition(orderIn("paid"), "cancelled", { cause: "customer", at: T1, traceId: "" }),
    new DomainError(
      "illegal_transition",
      "Order o-1 is paid; only pending or unpaid orders can be cancelled",
    ),
  );
});

Deno.test("a transition can set the payment link with the status", () => {
  const r = transition(orderIn("pending"), "waiting_payment", {
    cause: "payments.create_link",
    at: T1,
    traceId: "",
  }, {
    paymentLink: "https://pay.example/s/1",
  });
  assert.equal(r.order?.paymentLink, "https://pay.example/s/1");
  assert.equal(r.order?.status, "waiting_payment");
});

Deno.test("the happy path builds a full timeline", () => {
  let order = orderIn("pending");
  const steps: OrderStatus[] = ["waiting_payment", "paid", "preparing", "ready", "completed"];
  steps.forEach((to, i) => {
    const r = transition(order, to, {
      cause: `step-${i}`,
      at: new Date(T0.getTime() + i * 1000),
      traceId: "",
    });
    order = r.order!;
  });
  assert.deepEqual(order.timeline.map((t) => t.status), ["pending", ...steps]);
  assert.deepEqual(order.timeline.map((t) => t.cause), ["customer", ...steps.map((_, i) => `step-${i}`)]);
});
