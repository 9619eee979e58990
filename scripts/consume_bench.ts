/**
 * Consume benchmark of the bus: N `order.paid` messages wait in the kitchen queue (real RabbitMQ); the
 * kitchen consumer starts, and each handler reads its ticket, checks it, stores it and enqueues one
 * `kitchen.ticket_started` event, which the outbox relay publishes. Measured from the consumer's start
 * until every message is processed and the outbox is empty: KV commits per message (all, and the
 * consumer's own), outbox scans, and
 * this process's CPU-ms per message (`process.cpuUsage`, so the broker's share is not included), and
 * the socket writes per message (node:net `_write`/`_writev` calls, each one native write), and the
 * broker's CPU-ms per message (its `beam.smp` from `/proc`: a shared broker counts whatever else it
 * serves meanwhile).
 *
 * Usage: `deno run -A scripts/consume_bench.ts [messages=2000] [kv path, default a temp file]`
 *
 * @module
 */
import net from "node:net";
import process from "node:process";
import amqp from "amqplib";
import { createLogger } from "../services/common/log.ts";
import { connectTransport, startMessaging } from "../services/common/bus/messaging.ts";
import { enqueueEvent, OUTBOX_PREFIX } from "../services/common/bus/outbox.ts";
import { ignoringOtherBindings, testBusConfig } from "../services/common/bus/testing.ts";
import { queuesOf } from "../services/common/topology.ts";
import { findBrokerPid, tryProcUsage } from "./bench/procfs.ts";

const n = Number(Deno.args[0] ?? 2000);
const log = createLogger("bench", "error");

let commits = 0;
let scans = 0;
const commit = Deno.AtomicOperation.prototype.commit;
Deno.AtomicOperation.prototype.commit = function (this: Deno.AtomicOperation) {
  commits++;
  return commit.call(this);
};
const list = Deno.Kv.prototype.list;
Deno.Kv.prototype.list = function <T>(
  this: Deno.Kv,
  selector: Deno.KvListSelector,
  options?: Deno.KvListOptions,
) {
  if ("prefix" in selector && selector.prefix[0] === OUTBOX_PREFIX[0]) scans++;
  return list.call(this, selector, options) as Deno.KvListIterator<T>;
};

// each `_write` or `_writev` of a socket is one native write (syscall)
let socketWrites = 0;
const proto = net.Socket.prototype as unknown as Record<"_write" | "_writev", (...a: unknown[]) => unknown>;
for (const name of ["_write", "_writev"] as const) {
  const original = proto[name];
  proto[name] = function (this: unknown, ...args: unknown[]) {
    socketWrites++;
    return original.apply(this, args);
  };
}

const bus = await testBusConfig();
// a KV file, as the services use (":memory:" as a second argument to compare)
const dir = await Deno.makeTempDir();
const kv = await Deno.openKv(Deno.args[1] ?? `${dir}/kitchen.kv`);
try {
  const admin = await connectTransport(bus.config, log);
  await admin.declareTopology(queuesOf(bus.config.queuePrefix));
  await admin.close();

  const conn = await amqp.connect(bus.urls.orders);
  const ch = await conn.createConfirmChannel();
  for (let i = 0; i < n; i++) {
    ch.publish(
      bus.config.exchange,
      "order.paid",
      Buffer.from(JSON.stringify({ orderId: `o-${i}`, customerId: "c", items: [] })),
      { persistent: true, messageId: `m-${i}`, userId: new URL(bus.urls.orders).username },
    );
  }
  await ch.waitForConfirms();
  await conn.close();

  commits = 0;
  scans = 0;
  socketWrites = 0;
  const brokerPid = findBrokerPid(Number(new URL(bus.urls.kitchen).port || 5672));
  const broker0 = brokerPid ? tryProcUsage(brokerPid) : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const m = await startMessaging({
    service: "kitchen",
    kv,
    config: bus.config,
    log,
    handlers: ignoringOtherBindings("kitchen", {
      "order.paid": async (ev, ctx) => {
        const key = ["tickets", ev.orderId];
        const entry = await ctx.kv.get(key);
        ctx.op.check(entry).set(key, { orderId: ev.orderId, status: "preparing" });
        enqueueEvent(ctx.op, "kitchen.ticket_started", { orderId: ev.orderId, startedAt: new Date() });
      },
    }),
  });
  while (m.consumer!.stats.processed < n || m.relay.published < n) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const writes = socketWrites;
  const broker1 = brokerPid ? tryProcUsage(brokerPid) : undefined;
  const brokerCpuMs = broker0 && broker1 ? (broker1.cpuS - broker0.cpuS) * 1000 : undefined;
  await m.stop();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({
    messages: n,
    commitsPerMessage: +(commits / n).toFixed(3),
    consumerCommitsPerMessage: +(m.consumer!.commits / n).toFixed(3),
    outboxScans: scans,
    cpuMsPerMessage: +(cpuMs / n).toFixed(3),
    socketWritesPerMessage: +(writes / n).toFixed(3),
    ...(brokerCpuMs !== undefined ? { brokerCpuMsPerMessage: +(brokerCpuMs / n).toFixed(3) } : {}),
    messagesPerSecond: Math.round(n / (ms / 1000)),
  }));
} finally {
  kv.close();
  await bus.cleanup();
  await Deno.remove(dir, { recursive: true });
}
