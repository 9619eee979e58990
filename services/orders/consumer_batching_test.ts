/**
 * Orders' events through the batching consumer: events about different orders share one commit even
 * though every status change bumps the same counters and figures (sums of one key add up in a commit).
 */
import assert from "node:assert/strict";
import { Consumer } from "../common/bus/consumer.ts";
import type { OnMessage, Settlement, Transport, WireMessage } from "../common/bus/transport.ts";
import { encodeEvent, type EventPayload, type RoutingKey } from "../common/events.ts";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import type { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import type { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import { OrdersApp } from "./app.ts";
import { newOrder } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import { orderEventHandlers } from "./event_handlers.ts";
import { addCreate, countOrders, getOrder } from "./store.ts";

const log = createLogger("orders", "error");
const encoder = new TextEncoder();

/** Hands the consumer every message of a burst in one turn. */
function burstTransport() {
  let onMessage: OnMessage | undefined;
  const transport = {
    consume: (_q: string, _b: string[], f: OnMessage) => {
      onMessage = f;
      return Promise.resolve();
    },
    retryLater: () => Promise.resolve(),
    stopConsuming: () => Promise.resolve(),
  } as unknown as Transport;
  const deliver = (messages: WireMessage[]) =>
    Promise.all(messages.map((m) => new Promise<Settlement>((r) => onMessage!(m, (how = "ack") => r(how)))));
  return { transport, deliver };
}

function message<K extends RoutingKey>(
  id: string,
  key: K,
  payload: EventPayload<K>,
  user: string,
): WireMessage {
  return { id, routingKey: key, body: encoder.encode(encodeEvent(key, payload)), attempt: 1, userId: user };
}

const succeeded = (id: string, orderId: string) =>
  message(id, "payment.succeeded", {
    orderId,
    sessionId: `s-${orderId}`,
    providerEventId: `e-${id}`,
    amount: { amount: 900, currency: "EUR" },
    paidAt: new Date(),
  }, "oms-payments");

const started = (id: string, orderId: string) =>
  message(id, "kitchen.ticket_started", { orderId, startedAt: new Date(), by: "" }, "oms-kitchen");

async function seedWaiting(kv: Deno.Kv, id: string): Promise<void> {
  const placed = newOrder({
    id,
    customerId: "alice",
    items: [{ itemId: "pizza", name: "Pizza", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    at: new Date(),
    cause: "customer",
    traceId: "",
  });
  const waiting = transition(placed, "waiting_payment", { cause: "seed", at: new Date(), traceId: "" })
    .order!;
  assert.ok((await addCreate(kv.atomic(), waiting).commit()).ok);
}

/** Orders' use cases over `kv`, and a consumer of their event handlers reading through `read` (default `kv`). */
function ordersConsumer(kv: Deno.Kv, read: Deno.Kv = kv) {
  const { transport, deliver } = burstTransport();
  const app = new OrdersApp({
    kv,
    uow: unitOfWork({ kv, kick: () => {}, log }),
    stock: {} as StockServiceClient,
    payments: {} as PaymentsServiceClient,
    log,
    stockTimeoutMs: 1000,
    paymentsTimeoutMs: 1000,
  });
  const consumer = new Consumer({
    service: "orders",
    queue: "q.orders",
    kv: read,
    transport,
    handlers: orderEventHandlers(app),
    retryDelaysMs: [10],
    log,
  });
  return { consumer, deliver };
}

Deno.test("status changes of different orders are applied in one commit, every count kept", async () => {
  const kv = await Deno.openKv(":memory:");
  const { consumer, deliver } = ordersConsumer(kv);
  try {
    for (const id of ["o1", "o2", "o3"]) await seedWaiting(kv, id);
    await consumer.start();
    const settled = await deliver([succeeded("m1", "o1"), succeeded("m2", "o2"), succeeded("m3", "o3")]);
    assert.deepEqual(settled, ["ack", "ack", "ack"]);
    assert.equal(consumer.stats.processed, 3);
    assert.equal(consumer.commits, 1, "the shared counters and figures do not split the batch");
    const counts = await countOrders(kv);
    assert.equal(counts.paid, 3, "every count kept");
    assert.equal(counts.waiting_payment, 0);
    // a second burst of status changes of different orders: one more commit, every count kept
    const second = await deliver([started("m4", "o1"), started("m5", "o2")]);
    assert.deepEqual(second, ["ack", "ack"]);
    assert.equal((await getOrder(kv, "o1"))?.order.status, "preparing");
    assert.equal((await getOrder(kv, "o2"))?.order.status, "preparing");
    const after = await countOrders(kv);
    assert.deepEqual([after.paid, after.preparing], [1, 2]);
    assert.equal(consumer.commits, 2, "one commit per burst");
  } finally {
    await consumer.stop();
    kv.close();
  }
});

Deno.test("a burst of events reads its orders together: one getMany per five orders, not one per event", async () => {
  const kv = await Deno.openKv(":memory:");
  const reads: Deno.KvKey[][] = [];
  const counted = new Proxy(kv, {
    get(target, prop) {
      if (prop === "getMany") {
        return (keys: Deno.KvKey[], o?: { consistency?: Deno.KvConsistencyLevel }) => {
          reads.push(keys);
          return target.getMany(keys, o);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const { consumer, deliver } = ordersConsumer(kv, counted);
  try {
    const ids = ["o1", "o2", "o3", "o4", "o5", "o6"];
    for (const id of ids) await seedWaiting(kv, id);
    await consumer.start();
    await deliver(ids.map((id, i) => succeeded(`m${i}`, id)));
    assert.equal(consumer.stats.processed, 6);
    for (const id of ids) assert.equal((await getOrder(kv, id))?.order.status, "paid");
    const orderReads = reads.filter((keys) => keys.some((k) => k[0] === "orders"));
    assert.deepEqual(orderReads.map((keys) => keys.length), [10, 2], "12 keys (order + marker) in two reads");
  } finally {
    await consumer.stop();
    kv.close();
  }
});
