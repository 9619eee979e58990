import assert from "node:assert/strict";
import { OUTBOX_PREFIX } from "../common/bus/outbox.ts";
import type { EventHandler, HandlerContext, OutboxRecord } from "../common/bus/types.ts";
import { type EventPayload, MalformedEventError, type RoutingKey } from "../common/events.ts";
import { createLogger, type LogFields, type Logger, type LogLevel } from "../common/log.ts";
import { newTraceparent, traceIdOf } from "../common/trace.ts";
import { PAID_AFTER_CANCEL, REFUNDED_AFTER_CANCEL } from "./domain/note.ts";
import { newOrder, type OrderStatus } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import { EventTooEarlyError, orderEventHandlers } from "./event_handlers.ts";
import { addCreate, countOrders, getOrder } from "./store.ts";
import { changeOrder, OrdersApp } from "./app.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import type { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import type { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";

const log = createLogger("orders", "error");

/** The use cases over `kv`; the event use cases never call stock or payments. */
function appOver(kv: Deno.Kv, appLog: Logger = log): OrdersApp {
  return new OrdersApp({
    kv,
    uow: unitOfWork({ kv, kick: () => {}, log }),
    stock: {} as StockServiceClient,
    payments: {} as PaymentsServiceClient,
    log: appLog,
    stockTimeoutMs: 1000,
    paymentsTimeoutMs: 1000,
  });
}

async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orders-events-" });
  const kv = await Deno.openKv(`${dir}/orders.kv`);
  try {
    await fn(kv);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Creates order "o1" for alice and walks it to `path`'s last status. */
async function seed(kv: Deno.Kv, path: OrderStatus[] = []): Promise<void> {
  const o = newOrder({
    id: "o1",
    customerId: "alice",
    items: [{ itemId: "pizza", name: "Pizza", quantity: 2, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 1800, currency: "EUR" },
    at: new Date(1000),
    cause: "customer",
    traceId: "",
  });
  await addCreate(kv.atomic(), o).commit();
  const uow = unitOfWork({ kv, kick: () => {}, log });
  for (const to of path) {
    await uow.run((tx) =>
      changeOrder(tx, "o1", (cur) => ({
        order: transition(cur, to, { cause: "seed", at: new Date(), traceId: "" }).order!,
        events: [],
      }))
    );
  }
}

/** Runs the handler of `key` as the consumer would: into an operation it then commits. */
async function deliver<K extends RoutingKey>(
  kv: Deno.Kv,
  key: K,
  event: EventPayload<K>,
  traceparent = newTraceparent(),
  appLog: Logger = log,
): Promise<void> {
  const op = kv.atomic();
  const ctx: HandlerContext = {
    op,
    kv,
    messageId: crypto.randomUUID(),
    routingKey: key,
    attempt: 1,
    traceparent,
  };
  const handlers = orderEventHandlers(appOver(kv, appLog));
  await (handlers[key] as EventHandler<K>)(event, ctx);
  const res = await op.commit();
  assert.equal(res.ok, true, "the handler's operation commits");
}

async function outbox(kv: Deno.Kv): Promise<OutboxRecord[]> {
  const out: OutboxRecord[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) out.push(e.value);
  return out;
}

async function status(kv: Deno.Kv): Promise<OrderStatus | undefined> {
  return (await getOrder(kv, "o1"))?.order.status;
}

const succeeded = (): EventPayload<"payment.succeeded"> => ({
  orderId: "o1",
  sessionId: "s1",
  providerEventId: "evt_1",
  amount: { amount: 1800, currency: "EUR" },
  paidAt: new Date("2025-01-01T12:00:00Z"),
});

Deno.test("payment.link_created moves pending -> waiting_payment and stores the link", async () => {
  await withKv(async (kv) => {
    await seed(kv);
    await deliver(kv, "payment.link_created", {
      orderId: "o1",
      provider: "local",
      sessionId: "s1",
      url: "http://pay/s1",
      expiresAt: undefined,
    });
    const o = (await getOrder(kv, "o1"))!.order;
    assert.equal(o.status, "waiting_payment");
    assert.equal(o.paymentLink, "http://pay/s1");
    assert.equal(o.timeline.at(-1)?.cause, "payment.link_created");
    assert.equal((await outbox(kv)).length, 0, "no event announces a link");
  });
});

Deno.test("payment.succeeded pays a waiting order once, announcing order.paid with the trace", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["waiting_payment"]);
    const tp = newTraceparent();
    await deliver(kv, "payment.succeeded", succeeded(), tp);
    const o = (await getOrder(kv, "o1"))!.order;
    assert.equal(o.status, "paid");
    assert.equal(o.timeline.at(-1)?.traceId, traceIdOf(tp));
    const events = await outbox(kv);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.routingKey, "order.paid");
    assert.equal(events[0]!.traceparent, tp);
    const body = JSON.parse(events[0]!.body);
    assert.deepEqual([body.orderId, body.customerId, body.items.length, body.paidAt], [
      "o1",
      "alice",
      1,
      "2025-01-01T12:00:00.000Z",
    ]);

    const before = await getOrder(kv, "o1");
    await deliver(kv, "payment.succeeded", succeeded());
    assert.equal(
      (await getOrder(kv, "o1"))?.versionstamp,
      before?.versionstamp,
      "a duplicate changes nothing",
    );
    assert.equal((await outbox(kv)).length, 1, "and announces nothing");
  });
});

Deno.test("payment.succeeded also pays a pending order whose link event has not arrived", async () => {
  await withKv(async (kv) => {
    await seed(kv);
    await deliver(kv, "payment.succeeded", succeeded());
    assert.equal(await status(kv), "paid");
    // The late link event is then ignored.
    await deliver(kv, "payment.link_created", {
      orderId: "o1",
      provider: "local",
      sessionId: "s1",
      url: "http://pay/s1",
      expiresAt: undefined,
    });
    assert.equal(await status(kv), "paid");
  });
});

for (const key of ["payment.failed", "payment.expired"] as const) {
  Deno.test(`${key} cancels an unpaid order once, announcing order.cancelled`, async () => {
    await withKv(async (kv) => {
      await seed(kv, ["waiting_payment"]);
      const ev = { orderId: "o1", sessionId: "s1", providerEventId: "evt_2", reason: "card declined" };
      await deliver(kv, key, ev);
      assert.equal(await status(kv), "cancelled");
      await deliver(kv, key, ev);
      const events = await outbox(kv);
      assert.deepEqual(events.map((e) => e.routingKey), ["order.cancelled"]);
      assert.match(
        JSON.parse(events[0]!.body).reason,
        key === "payment.failed" ? /Payment failed/ : /expired/,
      );
      const counts = await countOrders(kv);
      assert.deepEqual([counts.waiting_payment, counts.cancelled], [0, 1]);
    });
  });
}

Deno.test("kitchen events move paid -> preparing -> ready, each once", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["paid"]);
    await deliver(kv, "kitchen.ticket_started", { orderId: "o1", startedAt: new Date() });
    assert.equal(await status(kv), "preparing");
    await deliver(kv, "kitchen.ticket_started", { orderId: "o1", startedAt: new Date() });
    await deliver(kv, "kitchen.ticket_ready", { orderId: "o1", readyAt: new Date() });
    assert.equal(await status(kv), "ready");
    await deliver(kv, "kitchen.ticket_ready", { orderId: "o1", readyAt: new Date() });
    await deliver(kv, "kitchen.ticket_started", { orderId: "o1", startedAt: new Date() });
    const o = (await getOrder(kv, "o1"))!.order;
    assert.equal(o.status, "ready");
    assert.deepEqual(o.timeline.map((t) => t.status), ["pending", "paid", "preparing", "ready"]);
  });
});

Deno.test("a state change is logged at info (state changes stay visible); an ignored repeat only at debug", async () => {
  const lines: { level: LogLevel; msg: string; fields?: LogFields }[] = [];
  const rec = (level: LogLevel) => (msg: string, fields?: LogFields) =>
    void lines.push({ level, msg, fields });
  const recorder: Logger = { debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
  await withKv(async (kv) => {
    await seed(kv, ["paid"]);
    const started = () => ({ orderId: "o1", startedAt: new Date() });
    await deliver(kv, "kitchen.ticket_started", started(), newTraceparent(), recorder);
    await deliver(kv, "kitchen.ticket_started", started(), newTraceparent(), recorder);
    assert.equal(await status(kv), "preparing");
  });
  assert.deepEqual(lines.map((l) => `${l.level} ${l.msg}`), ["info order moved", "debug event ignored"]);
  assert.equal(lines[0]!.fields?.to, "preparing");
  assert.match(String(lines[1]!.fields?.reason), /already preparing/);
});

Deno.test("kitchen.ticket_ready before ticket_started is retried, not parked", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["paid"]);
    await assert.rejects(
      deliver(kv, "kitchen.ticket_ready", { orderId: "o1", readyAt: new Date() }),
      (err: unknown) => err instanceof EventTooEarlyError && !(err instanceof MalformedEventError),
    );
    assert.equal(await status(kv), "paid");
  });
});

Deno.test("an event about an unknown order is parked as malformed", async () => {
  await withKv(async (kv) => {
    await assert.rejects(
      deliver(kv, "payment.succeeded", { ...succeeded(), orderId: "ghost" }),
      new MalformedEventError(`Unknown order "ghost"`),
    );
  });
});

Deno.test("an event that cannot apply to the order's status is parked, changing nothing", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["cancelled"]);
    await assert.rejects(
      deliver(kv, "kitchen.ticket_started", { orderId: "o1", startedAt: new Date() }),
      (err: unknown) => err instanceof MalformedEventError && /Order o1 is cancelled/.test(err.message),
    );
    assert.equal(await status(kv), "cancelled");
    assert.equal((await outbox(kv)).length, 0);
  });
});

const refunded = (): EventPayload<"payment.refunded"> => ({
  orderId: "o1",
  refundId: "re_1",
  amount: { amount: 1800, currency: "EUR" },
});

Deno.test("payment.succeeded for a cancelled order is noted once, not parked: the order stays cancelled, nothing announced", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["cancelled"]);
    const tp = newTraceparent();
    await deliver(kv, "payment.succeeded", succeeded(), tp);
    await deliver(kv, "payment.succeeded", succeeded()); // the same fact under another message id
    const o = (await getOrder(kv, "o1"))!.order;
    assert.equal(o.status, "cancelled");
    const notes = o.timeline.filter((t) => t.cause === PAID_AFTER_CANCEL);
    assert.equal(notes.length, 1);
    assert.deepEqual([notes[0]!.status, notes[0]!.traceId], ["cancelled", traceIdOf(tp)]);
    assert.equal((await outbox(kv)).length, 0, "no order.paid: the kitchen never hears of it");
    assert.equal((await countOrders(kv)).cancelled, 1);
    assert.equal((await countOrders(kv)).paid, 0);
  });
});

Deno.test("payment.refunded for a cancelled order is noted once; the status stays cancelled", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["cancelled"]);
    await deliver(kv, "payment.succeeded", succeeded());
    await deliver(kv, "payment.refunded", refunded());
    await deliver(kv, "payment.refunded", refunded());
    const o = (await getOrder(kv, "o1"))!.order;
    assert.equal(o.status, "cancelled");
    assert.deepEqual(o.timeline.map((t) => t.cause).slice(-3), [
      "seed",
      PAID_AFTER_CANCEL,
      REFUNDED_AFTER_CANCEL,
    ]);
    assert.equal((await outbox(kv)).length, 0);
  });
});

Deno.test("payment.refunded for a paid order moves it to refunded once, announcing order.refunded", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["waiting_payment", "paid"]);
    await deliver(kv, "payment.refunded", refunded());
    await deliver(kv, "payment.refunded", refunded());
    assert.equal(await status(kv), "refunded");
    assert.deepEqual((await outbox(kv)).map((r) => r.routingKey), ["order.refunded"]);
  });
});

Deno.test("kitchen.ticket_started and ticket_ready record the cook they name as the timeline's actor", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["paid"]);
    await deliver(kv, "kitchen.ticket_started", { orderId: "o1", startedAt: new Date(), by: "carla" });
    await deliver(kv, "kitchen.ticket_ready", { orderId: "o1", readyAt: new Date(), by: "" });
    const o = (await getOrder(kv, "o1"))!.order;
    assert.deepEqual(o.timeline.slice(-2).map((t) => [t.status, t.actor]), [
      ["preparing", "carla"],
      ["ready", undefined],
    ]);
  });
});

Deno.test("payment.refunded with orders' refund id records a refund the order lost track of once; a redelivery changes nothing", async () => {
  await withKv(async (kv) => {
    await seed(kv, ["paid", "preparing"]);
    const event = {
      orderId: "o1",
      refundId: "re_1",
      amount: { amount: 1800, currency: "EUR" },
      full: true,
      requestId: "r-1",
    };
    await deliver(kv, "payment.refunded", event);
    await deliver(kv, "payment.refunded", event);
    const o = (await getOrder(kv, "o1"))!.order;
    assert.equal(o.status, "refunded");
    assert.deepEqual(o.refunds?.map((r) => [r.id, r.providerRefundId]), [["r-1", "re_1"]]);
    const refunded = (await outbox(kv)).filter((e) => e.routingKey === "order.refunded");
    assert.equal(refunded.length, 1, "one order.refunded: the kitchen cancels the ticket once");
    // a late kitchen event on the refunded order is ignored, not parked
    await deliver(kv, "kitchen.ticket_ready", { orderId: "o1", readyAt: new Date() });
  });
});

Deno.test("payment.link_created for an order past pending says it is already applied; for a pending one it does not", async () => {
  await withKv(async (kv) => {
    const handlers = orderEventHandlers(appOver(kv));
    const link = {
      orderId: "o1",
      provider: "local",
      sessionId: "s1",
      url: "http://pay/s1",
      expiresAt: undefined,
    };
    const run = async () => {
      let said = 0;
      const op = kv.atomic();
      await handlers["payment.link_created"]!(link, {
        op,
        kv,
        messageId: crypto.randomUUID(),
        routingKey: "payment.link_created",
        attempt: 1,
        alreadyApplied: () => void said++,
      });
      assert.equal((await op.commit()).ok, true);
      return said;
    };
    await seed(kv);
    assert.equal(await run(), 0, "pending: the link is attached");
    assert.equal(await status(kv), "waiting_payment");
    assert.equal(
      await run(),
      1,
      "the link is there (checkout attached it, or a first copy): nothing to commit",
    );
    await deliver(kv, "payment.succeeded", succeeded());
    assert.equal(await run(), 1, "paid: never pending again");
  });
});
