import assert from "node:assert/strict";
import { DomainError } from "./domain_error.ts";
import { createLogger } from "./log.ts";
import { OUTBOX_PREFIX } from "./bus/outbox.ts";
import { startMessaging } from "./bus/messaging.ts";
import { EventObserver, eventually, testBusConfig } from "./bus/testing.ts";
import type { OutboxRecord } from "./bus/types.ts";
import { ConflictError, consumerTx, type Tx, unitOfWork } from "./unit_of_work.ts";
import { notifyAfterCommit } from "./change_feed/notifier.ts";
import { countCommits } from "./kv_testing.ts";

const log = createLogger("test", "error");
const KEY = ["counter"];

async function outbox(kv: Deno.Kv): Promise<OutboxRecord[]> {
  const out: OutboxRecord[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) out.push(e.value);
  return out;
}

/** Reads the counter, adds one guarded by its versionstamp, and announces it as `order.completed`. */
async function increment(tx: Tx, orderId = "o-1"): Promise<number> {
  const e = await tx.kv.get<number>(KEY);
  const next = (e.value ?? 0) + 1;
  tx.op.check(e).set(KEY, next);
  tx.emit("order.completed", { orderId, completedAt: new Date(0) });
  return next;
}

function kicks(): { kick: (records?: OutboxRecord[]) => void; calls: OutboxRecord[][] } {
  const calls: OutboxRecord[][] = [];
  return { kick: (records) => calls.push(records ?? []), calls };
}

Deno.test("run commits the state change and its event in one commit, then runs afterCommit and kicks with the records", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const k = kicks();
    const order: string[] = [];
    const uow = unitOfWork({ kv, kick: (r) => (order.push("kick"), k.kick(r)), log });
    const result = await uow.run(async (tx) => {
      const n = await increment(tx);
      tx.afterCommit(() => order.push("afterCommit"));
      return n;
    }, "increment");
    assert.equal(result, 1);
    assert.equal((await kv.get(KEY)).value, 1);
    const records = await outbox(kv);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.routingKey, "order.completed");
    assert.deepEqual(
      k.calls.map((c) => c.map((r) => r.id)),
      [[records[0]!.id]],
      "kicked once with the record",
    );
    assert.deepEqual(order, ["afterCommit", "kick"]);
  } finally {
    kv.close();
  }
});

Deno.test("a forced conflict re-runs the work on fresh reads; state and event commit once, neither change is lost", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const k = kicks();
    const uow = unitOfWork({ kv, kick: k.kick, log });
    let runs = 0;
    const result = await uow.run(async (tx) => {
      runs++;
      const n = await increment(tx);
      if (runs === 1) await kv.set(KEY, 100); // another writer commits between our read and our commit
      return n;
    }, "increment");
    assert.equal(runs, 2, "the work ran again after the conflict");
    assert.equal(result, 101);
    assert.equal((await kv.get(KEY)).value, 101, "built on the other writer's value");
    assert.equal((await outbox(kv)).length, 1, "the event of the failed attempt was never committed");
    assert.equal(k.calls.length, 1);
  } finally {
    kv.close();
  }
});

Deno.test("runs in flight together are committed in groups, yet none of 30 concurrent increments is lost and each event commits once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const k = kicks();
    const commits = countCommits(kv);
    const uow = unitOfWork({ kv, kick: k.kick, log, maxAttempts: 100 });
    const ids = Array.from({ length: 30 }, (_, i) => `o-${i}`);
    await Promise.all(ids.map((id) =>
      uow.run(async (tx) => {
        await increment(tx, id);
        tx.op.set(["done", id], true); // a key of its own, as an order's record
      }, "increment")
    ));
    assert.equal((await kv.get(KEY)).value, 30, "every increment counted");
    const records = await outbox(kv);
    assert.deepEqual(
      records.map((r) => (JSON.parse(r.body) as { orderId: string }).orderId).sort(),
      [...ids].sort(),
    );
    assert.equal(k.calls.flat().length, 30, "each event handed to the relay once");

    // runs that touch different keys share commits
    const before = commits.ok;
    await Promise.all(
      ids.map((id) => uow.run((tx) => Promise.resolve(void tx.op.set(["own", id], id)), "own")),
    );
    for (const id of ids) assert.equal((await kv.get(["own", id])).value, id);
    assert.ok(commits.ok - before < ids.length / 2, `30 runs in ${commits.ok - before} commits`);
  } finally {
    kv.close();
  }
});

Deno.test("a change record's settled callback runs after a failed attempt too, its signal only after the commit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const uow = unitOfWork({ kv, kick: () => {}, log });
    const seen: string[] = [];
    let runs = 0;
    await uow.run(async (tx) => {
      runs++;
      await increment(tx);
      notifyAfterCommit(tx.op, `feed-${crypto.randomUUID()}`, () => seen.push(`signal ${runs}`), () => {
        seen.push(`settled ${runs}`);
      });
      if (runs === 1) await kv.set(KEY, 100);
    }, "increment");
    assert.deepEqual(seen, ["settled 1", "settled 2", "signal 2"]);
  } finally {
    kv.close();
  }
});

Deno.test("a failed rule commits neither state nor event, runs no afterCommit, kicks nothing, and throws the rule's error", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const k = kicks();
    let after = 0;
    const uow = unitOfWork({ kv, kick: k.kick, log });
    await assert.rejects(
      uow.run(async (tx) => {
        await increment(tx);
        tx.afterCommit(() => after++);
        throw new DomainError("illegal_transition", "Order o-1 is paid; only ready orders can be completed");
      }),
      (err) => err instanceof DomainError && err.code === "illegal_transition",
    );
    assert.equal((await kv.get(KEY)).versionstamp, null);
    assert.deepEqual(await outbox(kv), []);
    assert.equal(after, 0);
    assert.equal(k.calls.length, 0);
  } finally {
    kv.close();
  }
});

Deno.test("work that changed nothing is not committed and wakes nobody", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(KEY, 7);
    const before = (await kv.get(KEY)).versionstamp;
    const k = kicks();
    let after = 0;
    const uow = unitOfWork({ kv, kick: k.kick, log });
    const value = await uow.run(async (tx) => {
      const e = await tx.kv.get<number>(KEY);
      tx.op.check(e);
      tx.afterCommit(() => after++);
      return e.value;
    });
    assert.equal(value, 7);
    assert.equal((await kv.get(KEY)).versionstamp, before);
    assert.equal(after, 0);
    assert.equal(k.calls.length, 0);
  } finally {
    kv.close();
  }
});

Deno.test("conflicts on every attempt stop after maxAttempts with an error naming the use case; nothing commits", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const k = kicks();
    const uow = unitOfWork({ kv, kick: k.kick, log, maxAttempts: 3 });
    let runs = 0;
    await assert.rejects(
      uow.run(async (tx) => {
        runs++;
        await increment(tx);
        await kv.set(["other"], runs); // not what the work wrote...
        await kv.set(KEY, -runs); // ...but what it read changes every time
      }, "cancelOrder"),
      (err) =>
        err instanceof ConflictError && err.code === "unavailable" && err.useCase === "cancelOrder" &&
        /cancelOrder gave up after 3 attempts/.test(err.message),
    );
    assert.equal(runs, 3);
    assert.deepEqual(await outbox(kv), []);
    assert.equal(k.calls.length, 0);
  } finally {
    kv.close();
  }
});

Deno.test("consumerTx adds state and events to the consumer's operation; afterCommit runs only once it commits", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const op = kv.atomic();
    let after = 0;
    const tx = consumerTx({ kv, op });
    await increment(tx);
    tx.afterCommit(() => after++);
    assert.equal(after, 0);
    assert.deepEqual(await outbox(kv), [], "nothing committed before the consumer commits");
    assert.ok((await op.commit()).ok);
    assert.equal(after, 1);
    assert.equal((await kv.get(KEY)).value, 1);
    assert.equal((await outbox(kv)).length, 1);

    const hooked: (() => void)[] = [];
    const withHook = consumerTx({ kv, op: kv.atomic(), afterCommit: (fn) => hooked.push(fn) });
    withHook.afterCommit(() => after++);
    assert.equal(hooked.length, 1, "a consumer's own afterCommit hook is used when it offers one");
  } finally {
    kv.close();
  }
});

Deno.test("a crash between commit and publish loses nothing: the relay of the next start publishes the event over RabbitMQ", async () => {
  const dir = await Deno.makeTempDir({ prefix: "uow-crash-" });
  const path = `${dir}/store.kv`;
  const bus = await testBusConfig();
  const observer = await EventObserver.start(bus.config, "order.completed");
  try {
    // first life: the commit happens, then the process dies before any relay runs (the kick goes nowhere)
    const first = await Deno.openKv(path);
    await unitOfWork({ kv: first, kick: () => {}, log }).run((tx) => increment(tx, "o-crash"));
    first.close();

    // second life: messaging starts on the same store and its relay finds the record
    const kv = await Deno.openKv(path);
    const messaging = await startMessaging({ service: "orders", kv, config: bus.config, log });
    try {
      const seen = await eventually(
        () => observer.events.find((e) => e.body.orderId === "o-crash"),
        "order.completed of the committed change",
      );
      assert.equal(seen.routingKey, "order.completed");
      await eventually(async () => (await outbox(kv)).length === 0, "the outbox to empty");
      assert.equal(observer.events.filter((e) => e.body.orderId === "o-crash").length, 1);
    } finally {
      await messaging.stop();
      kv.close();
    }
  } finally {
    await observer.close();
    await bus.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an event held until a time is committed under its fixed id but not handed to the relay; another commit can take it back", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const k = kicks();
    const uow = unitOfWork({ kv, kick: k.kick, log });
    const notBefore = Date.now() + 60_000;
    await uow.run(async (tx) => {
      await increment(tx);
      tx.emit("order.completed", { orderId: "o-2", completedAt: new Date(0) }, { id: "held-o-2", notBefore });
    }, "increment");
    const records = await outbox(kv);
    assert.deepEqual(records.map((r) => [r.id === "held-o-2", r.notBefore]).sort(), [
      [false, undefined],
      [true, notBefore],
    ]);
    assert.deepEqual(k.calls.map((c) => c.length), [1], "only the event due now is handed over");
    assert.notEqual(k.calls[0]![0]!.id, "held-o-2");
    await uow.run((tx) => Promise.resolve(void tx.op.delete([...OUTBOX_PREFIX, "held-o-2"])), "takeBack");
    assert.deepEqual((await outbox(kv)).map((r) => r.id).filter((id) => id === "held-o-2"), []);
  } finally {
    kv.close();
  }
});
