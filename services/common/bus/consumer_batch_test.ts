/**
 * Batch consumption: deliveries that arrive together are applied in one commit, with every per-message
 * guarantee kept. Most tests hand the consumer a burst of deliveries in one turn through a stand-in
 * transport, so the batch is known exactly; the last ones run against the real RabbitMQ.
 */
import assert from "node:assert/strict";
import { MalformedEventError } from "../events.ts";
import type { Logger } from "../log.ts";
import { Consumer } from "./consumer.ts";
import { listDeadLetters } from "./dead_letters.ts";
import { withReadAhead } from "./read_ahead.ts";
import { startMessaging } from "./messaging.ts";
import { enqueueEvent, OUTBOX_PREFIX } from "./outbox.ts";
import { EventObserver, eventually, ignoringOtherBindings, publishRaw, testBusConfig } from "./testing.ts";
import type { OnMessage, Settlement, Transport, WireMessage } from "./transport.ts";
import type { EventHandler, EventHandlers, OutboxRecord } from "./types.ts";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const encoder = new TextEncoder();

/** A transport that hands a burst of deliveries to the consumer in one turn, as one socket read does. */
class BurstTransport {
  #onMessage: OnMessage | undefined;
  readonly retried: WireMessage[] = [];

  /** Delivers `messages` in one turn; resolves with each one's settlement, in order. */
  deliver(messages: WireMessage[]): Promise<Settlement[]> {
    return Promise.all(
      messages.map((m) =>
        new Promise<Settlement>((resolve) => this.#onMessage!(m, (how = "ack") => resolve(how)))
      ),
    );
  }

  asTransport(): Transport {
    return {
      consume: (_q: string, _b: string[], onMessage: OnMessage) => {
        this.#onMessage = onMessage;
        return Promise.resolve();
      },
      retryLater: (_q: string, m: WireMessage) => {
        this.retried.push(m);
        return Promise.resolve();
      },
      stopConsuming: () => Promise.resolve(),
    } as unknown as Transport;
  }
}

/** An `order.paid` delivery stated by orders (its owner). */
function paid(id: string, orderId: string, extra: Record<string, unknown> = {}): WireMessage {
  return {
    id,
    routingKey: "order.paid",
    body: encoder.encode(JSON.stringify({ orderId, customerId: "c", items: [], ...extra })),
    attempt: 1,
    userId: "oms-orders",
  };
}

async function kitchenConsumer(
  handlers: EventHandlers,
  retryDelaysMs = [10],
  wrap: (kv: Deno.Kv) => Deno.Kv = (kv) => kv,
) {
  const kv = await Deno.openKv(":memory:");
  const burst = new BurstTransport();
  const handed: OutboxRecord[][] = [];
  const consumer = new Consumer({
    service: "kitchen",
    queue: "q.kitchen",
    kv: wrap(kv),
    transport: burst.asTransport(),
    handlers,
    retryDelaysMs,
    log: quiet,
    onCommitted: (records) => handed.push(records),
  });
  await consumer.start();
  return { kv, burst, consumer, handed };
}

/** Stores a ticket per order and enqueues `kitchen.ticket_started`, as the kitchen does. */
const ticketHandler: EventHandlers = {
  "order.paid": async (ev, ctx) => {
    if (ev.orderId === "poison") throw new MalformedEventError("order poison can never be cooked");
    const key = ["tickets", ev.orderId];
    const entry = await ctx.kv.get(key);
    ctx.op.check(entry).set(key, { orderId: ev.orderId });
    enqueueEvent(ctx.op, "kitchen.ticket_started", { orderId: ev.orderId, startedAt: new Date() });
  },
};

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  return (await Array.fromAsync(kv.list({ prefix }))).length;
}

Deno.test("a batch with a poison message and a malformed one parks those two and applies the rest in one commit", async () => {
  const { kv, burst, consumer, handed } = await kitchenConsumer(ticketHandler);
  try {
    const messages = Array.from({ length: 14 }, (_, i) => paid(`m-${i}`, `o-${i}`));
    messages.splice(5, 0, paid("poison-1", "poison"));
    messages.splice(9, 0, { ...paid("bad-1", "x"), body: encoder.encode("{not json") });
    const settled = await burst.deliver(messages);
    assert.ok(settled.every((s) => s === "ack"), "every delivery acknowledged");
    assert.deepEqual(consumer.stats, { processed: 14, duplicate: 0, retry: 0, parked: 2, rejected: 0 });
    assert.equal(consumer.commits, 1, "the 14 good deliveries were applied in one commit");
    assert.equal(await count(kv, ["tickets"]), 14);
    assert.equal(await count(kv, ["inbox"]), 14);
    assert.equal(await count(kv, OUTBOX_PREFIX), 14);
    assert.equal(handed.length, 1);
    assert.equal(handed[0]!.length, 14, "the commit's outbox records go to the relay");
    assert.deepEqual((await listDeadLetters(kv)).map((d) => d.messageId).sort(), ["bad-1", "poison-1"]);
  } finally {
    kv.close();
  }
});

Deno.test("a delivery whose write breaks Deno KV's value limit fails alone: the rest of its batch is applied", async () => {
  const { kv, burst, consumer } = await kitchenConsumer({
    "order.paid": (ev, ctx) => {
      // a 70 KB value is over the 64 KiB limit: the commit of any batch holding it throws
      ctx.op.set(["tickets", ev.orderId], ev.orderId === "huge" ? "x".repeat(70_000) : "ok");
      return Promise.resolve();
    },
  });
  try {
    const messages = Array.from({ length: 8 }, (_, i) => paid(`m-${i}`, `o-${i}`));
    messages.splice(3, 0, paid("huge-1", "huge"));
    await burst.deliver(messages);
    assert.equal(consumer.stats.processed, 8);
    assert.equal(consumer.stats.retry, 1, "the failing one takes its own retry path");
    assert.equal(burst.retried[0]!.id, "huge-1");
    assert.equal(await count(kv, ["tickets"]), 8);
    assert.equal((await kv.get(["inbox", "huge-1"])).versionstamp, null, "not marked as processed");
  } finally {
    kv.close();
  }
});

Deno.test("a redelivered batch changes nothing; the same id twice in one batch is applied once", async () => {
  let calls = 0;
  const { kv, burst, consumer } = await kitchenConsumer({
    "order.paid": async (ev, ctx) => {
      calls++;
      await ticketHandler["order.paid"]!(ev, ctx);
    },
  });
  try {
    const messages = Array.from({ length: 10 }, (_, i) => paid(`m-${i}`, `o-${i}`));
    await burst.deliver([...messages, paid("m-0", "o-0")]);
    assert.equal(consumer.stats.processed, 10);
    assert.equal(consumer.stats.duplicate, 1, "the second m-0 in the same batch");
    const snapshot = await Array.fromAsync(kv.list({ prefix: [] }));
    const commits = consumer.commits;

    const settled = await burst.deliver(messages);
    assert.ok(settled.every((s) => s === "ack"));
    assert.equal(consumer.stats.duplicate, 11);
    assert.equal(consumer.commits, commits, "no commit for a batch of duplicates");
    assert.equal(calls, 10, "no handler ran again");
    assert.deepEqual(await Array.fromAsync(kv.list({ prefix: [] })), snapshot, "the store is unchanged");
  } finally {
    kv.close();
  }
});

Deno.test("a batch over Deno KV's mutation count is cut before committing, and one over its total size is split", async () => {
  const { kv, burst, consumer } = await kitchenConsumer({
    "order.paid": (ev, ctx) => {
      if (ev.orderId.startsWith("wide")) {
        // 100 keys + the inbox mark: 16 such deliveries are 1,616 mutations, over the 1,000 allowed
        for (let i = 0; i < 100; i++) ctx.op.set(["lines", ev.orderId, i], i);
      } else {
        // 60 KB each: 16 of them are over the 800 KiB a commit may write (only the commit can tell)
        ctx.op.set(["photos", ev.orderId], new Uint8Array(60_000));
      }
      return Promise.resolve();
    },
  });
  try {
    await burst.deliver(Array.from({ length: 16 }, (_, i) => paid(`w-${i}`, `wide-${i}`)));
    assert.equal(consumer.stats.processed, 16);
    assert.equal(await count(kv, ["lines"]), 1600);
    assert.equal(consumer.commits, 2, "9 + 7 deliveries: each commit within 1,000 mutations");

    await burst.deliver(Array.from({ length: 16 }, (_, i) => paid(`p-${i}`, `photo-${i}`)));
    assert.equal(consumer.stats.processed, 32);
    assert.equal(consumer.stats.retry, 0);
    assert.equal(await count(kv, ["photos"]), 16);
    assert.equal(consumer.commits, 4, "the 960 KB batch failed whole and landed as two halves");
  } finally {
    kv.close();
  }
});

Deno.test("two deliveries about one order in one batch both apply: the second runs after the first commits", async () => {
  const { kv, burst, consumer } = await kitchenConsumer({
    "order.paid": async (ev, ctx) => {
      // read-modify-write of the order's history, guarded by its versionstamp
      const key = ["history", ev.orderId];
      const entry = await ctx.kv.get<string[]>(key);
      ctx.op.check(entry).set(key, [...(entry.value ?? []), ctx.messageId]);
    },
  });
  try {
    await burst.deliver([paid("a-1", "o-1"), paid("b-1", "o-2"), paid("a-2", "o-1"), paid("b-2", "o-3")]);
    assert.equal(consumer.stats.processed, 4);
    assert.deepEqual((await kv.get(["history", "o-1"])).value, ["a-1", "a-2"], "no update lost");
    assert.deepEqual((await kv.get(["history", "o-2"])).value, ["b-1"]);
    assert.deepEqual((await kv.get(["history", "o-3"])).value, ["b-2"]);
    assert.equal(consumer.commits, 2, "split where the same order comes again: [a-1, b-1] then [a-2, b-2]");
  } finally {
    kv.close();
  }
});

Deno.test("a batch whose checks fail (a concurrent writer) is redone one delivery at a time, with or without read-ahead", async () => {
  for (const readAhead of [false, true]) {
    let raced = false;
    const handler: EventHandler<"order.paid"> = async (ev, ctx) => {
      const key = ["count", ev.orderId];
      const entry = await ctx.kv.get<number>(key); // with read-ahead: from the snapshot read before any ran
      if (!raced && ev.orderId === "o-2") {
        raced = true;
        await kv.set(key, 100); // another replica wrote it after this read
      }
      ctx.op.check(entry).set(key, (entry.value ?? 0) + 1);
    };
    const { kv, burst, consumer } = await kitchenConsumer({
      "order.paid": readAhead ? withReadAhead(handler, (ev) => [["count", ev.orderId]]) : handler,
    });
    try {
      await burst.deliver([paid("m-1", "o-1"), paid("m-2", "o-2"), paid("m-3", "o-3")]);
      assert.equal(consumer.stats.processed, 3);
      assert.equal(
        (await kv.get(["count", "o-2"])).value,
        101,
        "re-read and applied on top of the other write",
      );
      assert.equal((await kv.get(["count", "o-1"])).value, 1);
      assert.equal(consumer.commits, 3, "the failed batch, redone one by one");
    } finally {
      kv.close();
    }
  }
});

Deno.test("real RabbitMQ: a backlog with one poison message is applied in fewer commits than deliveries, the poison parked", async () => {
  const bus = await testBusConfig();
  const kv = await Deno.openKv(":memory:");
  const observer = await EventObserver.start(bus.config);
  // publish the backlog first, so deliveries arrive as fast as the prefetch window allows
  const declare = await startMessaging({ service: "kitchen", kv, config: bus.config, log: quiet });
  await declare.stop();
  try {
    for (let i = 0; i < 40; i++) {
      const orderId = i === 17 ? "poison" : `o-${i}`;
      await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId }), { messageId: `m-${i}` });
    }
    const m = await startMessaging({
      service: "kitchen",
      kv,
      config: bus.config,
      log: quiet,
      handlers: ignoringOtherBindings("kitchen", ticketHandler),
    });
    try {
      const c = m.consumer!;
      await eventually(() => c.stats.processed === 39 && c.stats.parked === 1, "all handled", 20_000);
      assert.equal(await count(kv, ["tickets"]), 39);
      assert.ok(c.commits < 39, `${c.commits} commits for 39 applied deliveries`);
      assert.equal((await listDeadLetters(kv))[0]!.messageId, "m-17");
      await observer.waitFor(
        (events) => events.filter((e) => e.routingKey === "kitchen.ticket_started").length === 39,
        "every ticket_started published",
      );
      await eventually(async () => await count(kv, OUTBOX_PREFIX) === 0, "outbox emptied");
    } finally {
      await m.stop();
    }
  } finally {
    await observer.close();
    kv.close();
    await bus.cleanup();
  }
});

Deno.test("real RabbitMQ: a consumer started on the same store again after a crash drops the redelivered batch", async () => {
  const bus = await testBusConfig();
  const kv = await Deno.openKv(":memory:");
  let calls = 0;
  const handlers: EventHandlers = ignoringOtherBindings("kitchen", {
    "order.paid": async (ev, ctx) => {
      calls++;
      await ticketHandler["order.paid"]!(ev, ctx);
    },
  });
  try {
    const first = await startMessaging({ service: "kitchen", kv, config: bus.config, log: quiet, handlers });
    for (let i = 0; i < 10; i++) {
      await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: `o-${i}` }), {
        messageId: `m-${i}`,
      });
    }
    await eventually(() => first.consumer!.stats.processed === 10, "first pass");
    await first.stop();
    const before = await Array.fromAsync(kv.list({ prefix: ["tickets"] }));
    // the broker redelivers the same ids (as after a crash between commit and ack)
    const second = await startMessaging({ service: "kitchen", kv, config: bus.config, log: quiet, handlers });
    try {
      for (let i = 0; i < 10; i++) {
        await publishRaw(bus.config, "order.paid", JSON.stringify({ orderId: `o-${i}` }), {
          messageId: `m-${i}`,
        });
      }
      await eventually(() => second.consumer!.stats.duplicate === 10, "redelivery dropped");
      assert.equal(second.consumer!.stats.processed, 0);
      assert.equal(second.consumer!.commits, 0);
      assert.equal(calls, 10);
      assert.deepEqual(await Array.fromAsync(kv.list({ prefix: ["tickets"] })), before);
    } finally {
      await second.stop();
    }
  } finally {
    kv.close();
    await bus.cleanup();
  }
});

Deno.test("afterCommit callbacks run once each, after the batch commits, and never for a handler that failed", async () => {
  const ran: string[] = [];
  const { kv, burst } = await kitchenConsumer({
    "order.paid": (ev, ctx) => {
      if (ev.orderId === "bad") throw new MalformedEventError("bad order");
      ctx.op.set(["seen", ev.orderId], true);
      ctx.afterCommit?.(() => ran.push(ev.orderId));
      return Promise.resolve();
    },
  });
  try {
    const settled = await burst.deliver([paid("m1", "a"), paid("m2", "bad"), paid("m3", "b")]);
    assert.deepEqual(settled, ["ack", "ack", "ack"]);
    assert.deepEqual(ran.sort(), ["a", "b"]);
    assert.equal((await kv.get(["seen", "a"])).value, true, "the callback ran after the change committed");
  } finally {
    kv.close();
  }
});

/** `kv`, noting the keys of each `get` and of each `getMany` call. */
function countingReads(kv: Deno.Kv, reads: { get: Deno.KvKey[]; getMany: Deno.KvKey[][] }): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "get") {
        return (key: Deno.KvKey, o?: { consistency?: Deno.KvConsistencyLevel }) => {
          reads.get.push(key);
          return target.get(key, o);
        };
      }
      if (prop === "getMany") {
        return (keys: Deno.KvKey[], o?: { consistency?: Deno.KvConsistencyLevel }) => {
          reads.getMany.push(keys);
          return target.getMany(keys, o);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("a batch's inbox is read with getMany, at most 10 keys a call, not one get per delivery", async () => {
  const reads = { get: [] as Deno.KvKey[], getMany: [] as Deno.KvKey[][] };
  const { kv, burst, consumer } = await kitchenConsumer(
    ticketHandler,
    [10],
    (kv) => countingReads(kv, reads),
  );
  const inboxReads = () => ({
    gets: reads.get.filter((k) => k[0] === "inbox").length,
    getManySizes: reads.getMany.filter((ks) => ks.every((k) => k[0] === "inbox")).map((ks) => ks.length),
  });
  try {
    const messages = Array.from({ length: 16 }, (_, i) => paid(`m-${i}`, `o-${i}`));
    await burst.deliver(messages);
    assert.equal(consumer.stats.processed, 16);
    assert.equal(consumer.commits, 1);
    assert.deepEqual(inboxReads(), { gets: 0, getManySizes: [10, 6] });

    reads.get.length = reads.getMany.length = 0;
    await burst.deliver(messages);
    assert.equal(consumer.stats.duplicate, 16, "the redelivered batch is recognised from the same reads");
    assert.deepEqual(inboxReads(), { gets: 0, getManySizes: [10, 6] });
    assert.equal(await count(kv, ["tickets"]), 16);
  } finally {
    kv.close();
  }
});

Deno.test("a delivery whose handler says its effect is already in the store is acknowledged without a commit or an inbox mark", async () => {
  const runs = new Map<string, number>();
  const { kv, burst, consumer } = await kitchenConsumer({
    "order.paid": (e, ctx) => {
      runs.set(e.orderId, (runs.get(e.orderId) ?? 0) + 1);
      if (e.orderId.startsWith("known")) return Promise.resolve(ctx.alreadyApplied?.());
      ctx.op.set(["tickets", e.orderId], 1);
      // saying so while changing something is not honoured: the change commits as usual
      if (e.orderId.startsWith("changed")) ctx.alreadyApplied?.();
      return Promise.resolve();
    },
  });
  try {
    const settled = await burst.deliver([
      paid("m1", "new-1"),
      paid("m2", "known-1"),
      paid("m3", "changed-1"),
    ]);
    assert.deepEqual(settled, ["ack", "ack", "ack"]);
    assert.equal(consumer.commits, 1, "one commit, for the two that changed something");
    assert.equal(
      (await kv.get(["inbox", "m2"])).versionstamp,
      null,
      "no inbox mark for the one already applied",
    );
    assert.notEqual((await kv.get(["inbox", "m1"])).versionstamp, null);
    assert.notEqual((await kv.get(["inbox", "m3"])).versionstamp, null);
    assert.notEqual((await kv.get(["tickets", "changed-1"])).versionstamp, null);
    assert.equal(consumer.stats.processed, 3);

    // a redelivery of it runs its handler again (which finds the same), still without a commit
    assert.deepEqual(await burst.deliver([paid("m2", "known-1")]), ["ack"]);
    assert.equal(runs.get("known-1"), 2);
    assert.equal(consumer.commits, 1);
    // a redelivery of one that committed is a duplicate, its handler not run again
    assert.deepEqual(await burst.deliver([paid("m1", "new-1")]), ["ack"]);
    assert.equal(runs.get("new-1"), 1);
  } finally {
    await consumer.stop();
    kv.close();
  }
});

Deno.test("an event of a retired binding is acknowledged with no effect; from a wrong publisher, or without the retirement, it is parked", async () => {
  const created = (id: string, userId: string): WireMessage => ({
    id,
    routingKey: "order.created",
    body: encoder.encode(JSON.stringify({ orderId: "o-1" })),
    attempt: 1,
    userId,
  });
  for (const retired of [true, false]) {
    const kv = await Deno.openKv(":memory:");
    const burst = new BurstTransport();
    const consumer = new Consumer({
      service: "kitchen",
      queue: "q.kitchen",
      kv,
      transport: burst.asTransport(),
      handlers: { "order.paid": () => Promise.resolve() },
      ...(retired ? { retiredKeys: ["order.created"] } : {}),
      retryDelaysMs: [10],
      log: quiet,
    });
    await consumer.start();
    try {
      assert.deepEqual(await burst.deliver([created("c-1", "oms-orders"), created("c-2", "guest")]), [
        "ack",
        "ack",
      ]);
      const parked = (await listDeadLetters(kv)).map((d) => d.messageId).sort();
      assert.deepEqual(parked, retired ? ["c-2"] : ["c-1", "c-2"]);
      assert.equal(consumer.commits, 0);
    } finally {
      await consumer.stop();
      kv.close();
    }
  }
});

Deno.test("a batch's read-ahead keys are read together, each handler's first read served from them; a key written earlier in the batch is read again", async () => {
  const reads = { get: [] as Deno.KvKey[], getMany: [] as Deno.KvKey[][] };
  const seen: Record<string, number[]> = {};
  const { kv, burst, consumer } = await kitchenConsumer(
    {
      "order.paid": withReadAhead<"order.paid">(async (ev, ctx) => {
        // read-modify-write of the order's counter and its marker, guarded by their versionstamps
        const [count, marker] = await ctx.kv.getMany<[number, string]>([["count", ev.orderId], [
          "marker",
          ev.orderId,
        ]]);
        (seen[ev.orderId] ??= []).push(count.value ?? 0);
        ctx.op.check(count, marker).set(["count", ev.orderId], (count.value ?? 0) + 1);
      }, (ev) => [["count", ev.orderId], ["marker", ev.orderId]]),
    },
    [10],
    (kv) => countingReads(kv, reads),
  );
  const ofOrders = () => reads.getMany.filter((ks) => ks.every((k) => k[0] !== "inbox"));
  try {
    await kv.set(["count", "o-0"], 41);
    const messages = Array.from({ length: 12 }, (_, i) => paid(`m-${i}`, `o-${i}`));
    await burst.deliver(messages);
    assert.equal(consumer.stats.processed, 12);
    assert.equal(consumer.commits, 1);
    assert.deepEqual(
      ofOrders().map((ks) => ks.length),
      [10, 10, 4],
      "24 keys in three reads, not a read per delivery",
    );
    assert.deepEqual(seen["o-0"], [41], "the value as stored");
    assert.equal((await kv.get(["count", "o-0"])).value, 42);

    // the same order twice in a batch: the second runs after the first commits, on what it wrote
    reads.getMany.length = 0;
    await burst.deliver([paid("n-1", "o-0"), paid("n-2", "o-1"), paid("n-3", "o-0")]);
    // n-3 ran once into the batch (42, before n-1 committed: refused) and again after that commit
    assert.deepEqual(seen["o-0"], [41, 42, 42, 43], "no update lost, nothing served stale");
    assert.equal((await kv.get(["count", "o-0"])).value, 44);
    assert.equal(consumer.commits, 3, "[n-1, n-2] then [n-3]");
    assert.deepEqual(
      ofOrders().map((ks) => ks.length),
      [4, 2, 2],
      "read ahead together (o-0 once), then n-3's own reads: its entry was served to n-1",
    );
  } finally {
    kv.close();
  }
});

Deno.test("a delivery that arrives alone reads its inbox entry and its handler's first keys in one getMany", async () => {
  const reads = { get: [] as Deno.KvKey[], getMany: [] as Deno.KvKey[][] };
  const { kv, burst, consumer } = await kitchenConsumer(
    {
      "order.paid": withReadAhead<"order.paid">(async (ev, ctx) => {
        const [count, marker] = await ctx.kv.getMany<[number, string]>([["count", ev.orderId], [
          "marker",
          ev.orderId,
        ]]);
        ctx.op.check(count, marker).set(["count", ev.orderId], (count.value ?? 0) + 1);
      }, (ev) => [["count", ev.orderId], ["marker", ev.orderId]]),
    },
    [10],
    (kv) => countingReads(kv, reads),
  );
  try {
    await kv.set(["count", "o-1"], 41);
    await burst.deliver([paid("m-1", "o-1")]);
    assert.equal(consumer.stats.processed, 1);
    assert.equal((await kv.get(["count", "o-1"])).value, 42);
    assert.deepEqual(reads.getMany, [[["inbox", "m-1"], ["count", "o-1"], ["marker", "o-1"]]], "one read");
    assert.deepEqual(reads.get, []);

    reads.getMany.length = 0;
    await burst.deliver([paid("m-1", "o-1")]);
    assert.equal(consumer.stats.duplicate, 1, "the redelivery is recognised from the same read");
    assert.equal((await kv.get(["count", "o-1"])).value, 42);
    assert.equal(reads.getMany.length, 1);
  } finally {
    kv.close();
  }
});
