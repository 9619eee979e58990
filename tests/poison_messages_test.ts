/**
 * A consumer never stalls, across the real processes: 16 oversized (100 KB) messages published ahead of
 * the traffic and 16 malformed ones interleaved with 50 real orders placed and paid through the web API,
 * with every consumer at its default prefetch (16). Every order completes (paid, kitchen ticket opened,
 * stock sold); every bad message is parked at once by each service that consumes its routing key and
 * listed through DeadLettersService; every queue drains (nothing ready, nothing unacknowledged, nothing
 * rejected to a broker-side dead-letter queue); restarting a consuming service changes nothing.
 */
import assert from "node:assert/strict";
import { publishRaw } from "../services/common/bus/testing.ts";
import { rpc } from "../services/common/grpc_client.ts";
import { ReservationStatus } from "../services/common/gen/oms/stock/v1/stock.ts";
import { eventually, startSystem, type System } from "./system.ts";

const CONSUMERS = ["orders", "stock", "payments", "kitchen"] as const;
type Consumer = typeof CONSUMERS[number];
const ORDERS = 50;

/**
 * Publishes one bad message on the system's exchange, as a client of the broker would (today the test
 * account; adapt here when the broker checks the publishing user).
 */
async function publishBad(sys: System, routingKey: string, body: string, messageId: string): Promise<void> {
  await publishRaw(sys.bus.config, routingKey, body, { messageId });
}

/** Ready and unacknowledged counts of the system's queues (service and `.dead`), from the broker. */
async function queueCounts(sys: System): Promise<Map<string, { ready: number; unacked: number }>> {
  const out = await new Deno.Command("rabbitmqctl", {
    args: ["-q", "list_queues", "name", "messages_ready", "messages_unacknowledged"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const counts = new Map<string, { ready: number; unacked: number }>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const [name, ready, unacked] = line.trim().split(/\s+/);
    if (!name?.startsWith(`${sys.bus.config.queuePrefix}.`) || name.includes(".retry.")) continue;
    counts.set(name, { ready: Number(ready), unacked: Number(unacked) });
  }
  return counts;
}

/** True when every service queue and dead-letter queue of the system is empty and nothing is unacked. */
async function drained(sys: System): Promise<boolean> {
  const counts = await queueCounts(sys);
  const names = CONSUMERS.flatMap((
    s,
  ) => [`${sys.bus.config.queuePrefix}.${s}`, `${sys.bus.config.queuePrefix}.${s}.dead`]);
  return names.every((n) => counts.get(n)?.ready === 0 && counts.get(n)?.unacked === 0);
}

/** Dead-letter message ids and reasons of `service`, via its DeadLettersService. */
async function parked(sys: System, service: Consumer) {
  const res = await rpc(sys.deadLetters(service), "listDeadLetters", { limit: 500 });
  return { more: res.more, letters: res.deadLetters };
}

/** Everything the test asserts about the end state, as one comparable snapshot. */
async function snapshot(sys: System, placed: { id: string; customerId: string }[]) {
  const orders: string[] = [];
  for (const { id, customerId } of placed) {
    const o = (await rpc(sys.orders, "getOrder", { orderId: id, customerId, admin: false })).order!;
    const t = (await rpc(sys.kitchen, "getTicket", { orderId: id }).catch(() => undefined))?.ticket;
    const r = (await rpc(sys.stock, "getReservation", { orderId: id })).reservation;
    orders.push(`${id}:${o.status}:${t ? "ticket" : "no-ticket"}:${r?.status}`);
  }
  const dead: Record<string, string[]> = {};
  for (const s of CONSUMERS) dead[s] = (await parked(sys, s)).letters.map((d) => d.messageId).sort();
  return { orders, dead };
}

Deno.test("16 oversized and 16 malformed messages among 50 real orders: all 50 complete, every bad one is parked and listed, the queues drain, a restart changes nothing", async () => {
  const sys = await startSystem();
  try {
    const itemId = "1";
    await rpc(sys.stock, "restock", { itemId, quantity: ORDERS });
    const before = (await rpc(sys.stock, "getItem", { id: itemId })).item!;

    // 16 oversized order.paid first: before the fix they filled kitchen's and stock's prefetch for good
    const big = (i: number) => JSON.stringify({ orderId: `big-${i}`, pad: "x".repeat(100 * 1024) });
    for (let i = 0; i < 16; i++) await publishBad(sys, "order.paid", big(i), `big-${i}`);

    // 16 malformed, interleaved with the orders: half to orders, half to payments (order.created)
    const malformed = (i: number): [string, string] =>
      i % 2 === 0
        ? ["payment.succeeded", JSON.stringify({ orderId: "o".repeat(5000) })]
        : ["order.created", JSON.stringify({ orderId: `bad-${i}`, items: "abc" })];
    const placed: { id: string; customerId: string }[] = [];
    let bad = 0;
    for (let i = 0; i < ORDERS; i++) {
      const created = await sys.api(
        "POST",
        `/api/customers/poison-${i}/orders`,
        { items: [{ id: itemId, quantity: 1 }] },
        await sys.proof(`poison-${i}`),
      );
      assert.equal(
        created.status,
        201,
        `${JSON.stringify(created.body)}\nweb:\n${sys.procs.web.tail()}\norders:\n${sys.procs.orders.tail()}`,
      );
      const session = String(created.body.paymentLink).match(/\/pay\/([^/?#]+)/)?.[1];
      assert.ok(session, `order ${created.body.id} has a local payment link`);
      placed.push({ id: created.body.id, customerId: `poison-${i}` });
      if (i % 3 === 0 && bad < 16) {
        const [key, body] = malformed(bad);
        await publishBad(sys, key, body, `malformed-${bad++}`);
      }
      const paid = await sys.api("POST", `/api/payments/local/${session}`, { outcome: "pay" });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
    }
    assert.equal(bad, 16);

    // every order completes: paid (or further), a kitchen ticket, its reservation sold
    for (const { id } of placed) {
      await eventually(
        async () => {
          const t = (await rpc(sys.kitchen, "getTicket", { orderId: id }).catch(() => undefined))?.ticket;
          const r = (await rpc(sys.stock, "getReservation", { orderId: id })).reservation;
          return t && r?.status === ReservationStatus.RESERVATION_STATUS_SOLD;
        },
        `order ${id} ticketed and sold`,
        60_000,
      );
    }
    const after = (await rpc(sys.stock, "getItem", { id: itemId })).item!;
    assert.equal(after.sold, before.sold + ORDERS, "stock sold exactly once per order");
    assert.equal(after.reserved, before.reserved);

    // every bad message is parked by each service that consumes its routing key, and listed
    const bigIds = Array.from({ length: 16 }, (_, i) => `big-${i}`).sort();
    const toOrders = Array.from({ length: 16 }, (_, i) => i).filter((i) => i % 2 === 0).map((i) =>
      `malformed-${i}`
    );
    const toPayments = Array.from({ length: 16 }, (_, i) => i).filter((i) => i % 2 === 1)
      .map((i) => `malformed-${i}`);
    const expected: Record<Consumer, string[]> = {
      orders: toOrders.sort(),
      stock: bigIds, // stock does not consume order.created (topology.ts)
      payments: [...toPayments].sort(),
      kitchen: bigIds,
    };
    for (const service of CONSUMERS) {
      const { letters, more } = await eventually(async () => {
        const p = await parked(sys, service);
        return p.letters.length >= expected[service].length ? p : undefined;
      }, `${service} parked its bad messages`);
      assert.equal(more, false);
      assert.deepEqual(
        letters.map((d) => d.messageId).sort(),
        expected[service],
        `${service} parked exactly these`,
      );
      for (const d of letters) {
        assert.equal(d.attempts, 1, `${d.messageId} parked at once, not retried`);
        if (d.messageId.startsWith("big-")) {
          assert.equal(d.truncated, true);
          assert.ok(d.sizeBytes > 100 * 1024);
          assert.match(d.sha256, /^[0-9a-f]{64}$/);
          assert.match(d.reason, /over the limit/);
        } else {
          assert.match(d.reason, /field (orderId|items)/);
        }
      }
    }

    // the queues drain: nothing ready or unacknowledged, nothing rejected to a broker dead-letter queue
    await eventually(() => drained(sys), "every queue drained", 30_000);

    // a restart of a consuming service changes nothing
    const settled = await snapshot(sys, placed);
    await sys.procs.kitchen.stop("SIGTERM");
    await sys.start("kitchen");
    await sys.procs.stock.stop("SIGTERM");
    await sys.start("stock");
    assert.deepEqual(await snapshot(sys, placed), settled);
    assert.ok(await drained(sys), "still drained after the restarts");
  } finally {
    await sys.stop();
  }
});
