import assert from "node:assert/strict";
import { OrderAction, OrderStatus, PaymentState } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { ADMIN_STAFF } from "../api/deps.ts";
import { deadAddr } from "../testing.ts";
import { connectClients } from "./clients.ts";
import { createGateway } from "./mod.ts";
import { orderIn, paidOrder, rejectsWith, startGatewaySystem, TEST_OPTS } from "./testing.ts";

const { ORDER_ACTION_CANCEL: CANCEL, ORDER_ACTION_PAY: PAY } = OrderAction;

Deno.test(
  "orders facade: a customer creates, reads, lists and cancels their order; others get 404",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const { orders } = sys.customer;
      const order = await orders.create("alice", [{ itemId: "1", quantity: 2 }], "key-1");
      assert.equal(order.customerId, "alice");
      assert.equal(order.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT);
      assert.deepEqual(order.allowedActions, [CANCEL, PAY], "the order says what may be done now");
      const again = await orders.create("alice", [{ itemId: "1", quantity: 2 }], "key-1");
      assert.equal(again.id, order.id, "the same idempotency key gives the first order");

      assert.equal((await orders.get("alice", order.id)).id, order.id);
      const other = await rejectsWith(orders.get("bob", order.id), 404, "not_found");
      assert.match(other.message, new RegExp(order.id));

      const page = await orders.listOfCustomer("alice", { cursor: "", pageSize: 10 });
      assert.deepEqual(page.orders.map((o) => o.id), [order.id]);
      assert.equal(page.nextCursor, "");
      assert.deepEqual((await orders.listOfCustomer("bob", { cursor: "", pageSize: 10 })).orders, []);

      const cancelled = await orders.cancel("alice", order.id, "Changed my mind");
      assert.equal(cancelled.status, OrderStatus.ORDER_STATUS_CANCELLED);
      assert.deepEqual(cancelled.allowedActions, [], "a cancelled order allows nothing");
      const repeated = await orders.cancel("alice", order.id, "again");
      assert.equal(repeated.status, OrderStatus.ORDER_STATUS_CANCELLED, "a repeated cancel changes nothing");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "orders facade: create passes the details to orders and gets them back with a short number; the key reused with another body is 422",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const { orders } = sys.customer;
      const details = { name: "Ada", phone: "", email: "ada@example.org", note: "", pickupAt: undefined };
      const order = await orders.create("alice", [{ itemId: "1", quantity: 1 }], "key-d", details);
      assert.deepEqual(order.details, details);
      assert.ok(order.number >= 1001, `a short number, got ${order.number}`);
      const again = await orders.create("alice", [{ itemId: "1", quantity: 1 }], "key-d", details);
      assert.deepEqual([again.id, again.number], [order.id, order.number], "a retry: the first order");
      const reused = await rejectsWith(
        orders.create("alice", [{ itemId: "1", quantity: 1 }], "key-d", { ...details, name: "Bob" }),
        422,
        "idempotency_key_reused",
      );
      assert.match(reused.message, /was already used for a different order/);
      const invalid = await rejectsWith(
        orders.create("alice", [{ itemId: "1", quantity: 1 }], "", { ...details, email: "nope" }),
        422,
        "invalid_argument",
      );
      assert.equal(invalid.field, "details.email");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "orders facade: staff find, list, count and cancel any order; illegal moves are 409",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const { orders } = sys.staff;
      const a = await sys.customer.orders.create("alice", [{ itemId: "1", quantity: 1 }], "");
      const b = await sys.customer.orders.create("bob", [{ itemId: "2", quantity: 1 }], "");

      assert.equal((await orders.find(a.id))?.customerId, "alice", "staff read any customer's order");
      assert.equal(await orders.find(crypto.randomUUID()), null, "an unknown id is null, not an error");

      const all = await orders.list("", { cursor: "", pageSize: 10 });
      assert.deepEqual(all.orders.map((o) => o.id).sort(), [a.id, b.id].sort());
      const waiting = await orders.list("waiting_payment", { cursor: "", pageSize: 1 });
      assert.equal(waiting.orders.length, 1);
      assert.notEqual(waiting.nextCursor, "", "one per page: a second page follows");
      const before = await orders.counts();
      assert.deepEqual([before.waiting_payment, before.cancelled], [2, 0]);

      const complete = await rejectsWith(orders.complete(a.id), 409, "illegal_transition");
      assert.match(complete.message, /waiting for payment/);
      await rejectsWith(orders.refund(a.id, "Cold pizza"), 409, "illegal_transition");

      const cancelled = await orders.cancelAsStaff(a.id);
      assert.equal(cancelled.status, OrderStatus.ORDER_STATUS_CANCELLED);
      assert.equal(cancelled.timeline.at(-1)?.cause, "admin");
      const after = await orders.counts();
      assert.deepEqual([after.waiting_payment, after.cancelled], [1, 1]);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "orders facade: the services' errors arrive as ApiErrors with status, code, field and items; staff reads need the claim",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const { orders } = sys.customer;
      const unknown = await rejectsWith(
        orders.create("alice", [{ itemId: "nope", quantity: 1 }], ""),
        422,
        "unknown_item",
      );
      assert.equal(unknown.field, "items[0].id");
      const short = await rejectsWith(
        orders.create("alice", [{ itemId: "1", quantity: 999 }], ""),
        409,
        "out_of_stock",
      );
      assert.equal(short.items?.[0]?.id, "1");
      assert.equal(short.items?.[0]?.requested, 999);
      const mine = await orders.create("alice", [{ itemId: "1", quantity: 1 }], "");
      const noClaim = await rejectsWith(orders.find(mine.id), 422, "invalid_argument");
      assert.equal(
        noClaim.field,
        "customerId",
        "without a staff claim, find is a customer's call without a customer",
      );
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "orders facade: a service that does not answer is a retryable 503 naming it",
  TEST_OPTS,
  async () => {
    const clients = connectClients({
      ordersAddr: deadAddr(),
      stockAddr: deadAddr(),
      paymentsAddr: deadAddr(),
      kitchenAddr: deadAddr(),
      serviceToken: "t".repeat(32),
    });
    try {
      const gw = createGateway(clients, () => ({ timeoutMs: 1000 }));
      const e = await rejectsWith(gw.orders.get("alice", crypto.randomUUID()), 503, "unavailable");
      assert.match(e.message, /^The orders service is unavailable/);
      assert.equal(e.retryable, true);
      assert.equal(e.headers["Retry-After"], "5");
    } finally {
      for (const c of Object.values(clients)) c.close();
    }
  },
);

Deno.test("orders facade: staff refund a paid order; it then allows nothing", TEST_OPTS, async () => {
  const sys = await startGatewaySystem();
  try {
    const order = await paidOrder(sys.customer);
    const paid = await orderIn(sys.staff, order.id, OrderStatus.ORDER_STATUS_PAID);
    assert.deepEqual(paid.allowedActions, [OrderAction.ORDER_ACTION_REFUND]);
    const refunded = await sys.staff.orders.refund(order.id, "Out of dough");
    assert.deepEqual([refunded.status, refunded.allowedActions], [OrderStatus.ORDER_STATUS_REFUNDED, []]);
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "orders facade: a partial refund keeps the order paid and names the staff member; notes: the customer reads only visible ones",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const order = await paidOrder(sys.customer);
      await orderIn(sys.staff, order.id, OrderStatus.ORDER_STATUS_PAID);
      const part = await sys.staff.orders.refund(order.id, "Cold pizza", {
        amount: 100,
        currency: order.total!.currency,
      });
      assert.equal(part.status, OrderStatus.ORDER_STATUS_PAID);
      assert.equal(part.paymentState, PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
      assert.equal(part.timeline.at(-1)?.actor, ADMIN_STAFF.sub);
      assert.match(part.timeline.at(-1)!.cause, /refunded: Cold pizza$/);
      assert.equal(part.refunds[0]?.by, ADMIN_STAFF.sub);
      assert.ok(part.refunds[0]?.providerRefundId, "the provider's refund id is recorded");

      await sys.staff.orders.addNote(order.id, "Called the customer", false);
      await sys.staff.orders.addNote(order.id, "Sorry about the wait", true);
      await rejectsWith(sys.staff.orders.addNote(order.id, " ", true), 422, "invalid_argument");
      await rejectsWith(sys.customer.orders.addNote(order.id, "hi", true), 403, "permission_denied");
      const seen = await sys.customer.orders.get(order.customerId, order.id);
      assert.deepEqual(seen.notes.map((n) => [n.text, n.author]), [["Sorry about the wait", ""]]);
      assert.equal(seen.timeline.at(-1)?.actor, undefined, "customers see no staff names");
      const staffView = await sys.staff.orders.find(order.id);
      assert.deepEqual(staffView?.notes.map((n) => [n.text, n.visibleToCustomer]), [
        ["Called the customer", false],
        ["Sorry about the wait", true],
      ]);

      const rest = await sys.staff.orders.refund(order.id, "Closing early");
      assert.equal(rest.status, OrderStatus.ORDER_STATUS_REFUNDED);
      assert.deepEqual(rest.refunded, order.total);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "orders facade: staff watch every order (the claim travels on the stream); a customer's watch of every order is refused",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    const ac = new AbortController();
    try {
      const refused = await new Promise<number>((resolve) => {
        const s = sys.customer.orders.watch({ cursor: "", orderId: "", customerId: "" });
        s.on("data", () => {});
        s.on("error", (e: { code: number }) => resolve(e.code));
      });
      assert.equal(refused, 7, "PERMISSION_DENIED without a staff claim");

      const watch = sys.staff.orders.watch({ cursor: "", orderId: "", customerId: "" }, ac.signal);
      const first = new Promise<string>((resolve, reject) => {
        watch.on("data", (m: { order?: { id: string } }) => resolve(m.order?.id ?? ""));
        watch.on("error", reject);
      });
      const order = await sys.customer.orders.create("alice", [{ itemId: "1", quantity: 1 }], "");
      assert.equal(await first, order.id);
      const cancelled = new Promise<number>((resolve) =>
        watch.on("error", (e: { code: number }) => resolve(e.code))
      );
      ac.abort();
      assert.equal(await cancelled, 1, "aborting the signal cancels the stream");
    } finally {
      ac.abort();
      await sys.stop();
    }
  },
);
