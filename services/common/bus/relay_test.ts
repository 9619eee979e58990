import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { enqueueEvent, OUTBOX_PREFIX } from "./outbox.ts";
import { OutboxRelay } from "./relay.ts";
import { eventually } from "./testing.ts";
import type { Transport, WireMessage } from "./transport.ts";
import type { OutboxRecord } from "./types.ts";

const log = createLogger("test", "error");

function record(id: string): OutboxRecord {
  return { id, routingKey: "order.paid", body: "{}", occurredAt: new Date().toISOString() };
}

const cancelled = (orderId: string) => ({ orderId, reason: "test", cancelledAt: new Date() });

async function outboxIds(kv: Deno.Kv): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) ids.push(e.value.id);
  return ids;
}

/** A transport that records publishes (or never confirms them, when `hang`). */
function fakeTransport(hang = false): { transport: Transport; published: WireMessage[] } {
  const published: WireMessage[] = [];
  const transport = {
    publish(m: WireMessage) {
      if (hang) return new Promise<void>(() => {});
      published.push(m);
      return Promise.resolve();
    },
  } as unknown as Transport;
  return { transport, published };
}

Deno.test("stop() publishes what was committed after the relay's last pass, so a drained process leaves an empty outbox", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  // a long interval and no kick: only the final flush can publish the second record
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000 });
  try {
    await kv.set([...OUTBOX_PREFIX, "a"], record("a"));
    relay.start();
    for (let i = 0; i < 50 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.map((m) => m.id), ["a"]);

    await kv.set([...OUTBOX_PREFIX, "b"], record("b")); // e.g. the last in-flight message's commit
    await relay.stop();
    assert.deepEqual(published.map((m) => m.id), ["a", "b"]);
    assert.deepEqual(await outboxIds(kv), []);
  } finally {
    kv.close();
  }
});

Deno.test("stop() gives up on the final flush after its bound and leaves the record in the outbox for the next start", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport } = fakeTransport(true);
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000, startDelayMs: 60_000 });
  try {
    relay.start();
    await kv.set([...OUTBOX_PREFIX, "c"], record("c"));
    const started = performance.now();
    await relay.stop(200);
    const ms = performance.now() - started;
    assert.ok(ms >= 150 && ms < 1500, `stop took ${Math.round(ms)} ms`);
    assert.deepEqual(await outboxIds(kv), ["c"], "unconfirmed records stay in the outbox");
  } finally {
    kv.close();
  }
});

Deno.test("records handed over by kick(records) are published and deleted without a scan of the outbox", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000 });
  try {
    relay.start();
    for (let i = 0; i < 50 && relay.scans === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const scans = relay.scans;
    assert.equal(scans, 1, "the start-up scan (an empty outbox)");
    const op = kv.atomic();
    const records = ["h1", "h2"].map((id) => enqueueEvent(op, "order.cancelled", cancelled(id), { id }));
    await op.commit();
    relay.kick(records);
    for (let i = 0; i < 100 && relay.published < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.map((m) => m.id), ["h1", "h2"]);
    for (let i = 0; i < 100 && relay.deleteCommits === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await outboxIds(kv), [], "deleted after the confirms");
    assert.equal(relay.scans, scans, "no scan");

    relay.kick([]); // a commit without events wakes nothing
    relay.kick(records); // handed again (e.g. a scan published them first): not published twice
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(published.length, 2);
    assert.equal(relay.scans, scans);
  } finally {
    await relay.stop();
    kv.close();
  }
});

Deno.test("the periodic scan publishes records nobody handed over (a crashed process's), and kick() scans at once", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 100 });
  try {
    relay.start();
    for (let i = 0; i < 50 && relay.scans === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20)); // the start-up scan has found the outbox empty
    assert.equal(relay.scans, 1);
    await kv.set([...OUTBOX_PREFIX, "orphan"], record("orphan")); // committed, never handed over
    for (let i = 0; i < 200 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.map((m) => m.id), ["orphan"]);
    assert.ok(relay.scans >= 2, "found by a later, periodic scan");
    assert.deepEqual(await outboxIds(kv), []);
  } finally {
    await relay.stop();
  }
  const slow = new OutboxRelay({ kv, transport, log, intervalMs: 60_000 });
  try {
    slow.start();
    for (let i = 0; i < 50 && slow.scans === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await kv.set([...OUTBOX_PREFIX, "kicked"], record("kicked"));
    slow.kick();
    for (let i = 0; i < 100 && published.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(published.map((m) => m.id), ["orphan", "kicked"]);
  } finally {
    await slow.stop();
    kv.close();
  }
});

Deno.test("a held record is left in the outbox until its time, then the periodic scan publishes it; one taken back never goes", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 20, batchSize: 1 });
  try {
    // batch size 1: a held record first in key order does not keep the scan from the ones after it
    const now = Date.now();
    await kv.set([...OUTBOX_PREFIX, "a-held"], { ...record("a-held"), notBefore: now + 300 });
    await kv.set([...OUTBOX_PREFIX, "b-taken-back"], { ...record("b-taken-back"), notBefore: now + 300 });
    await kv.set([...OUTBOX_PREFIX, "c-now"], record("c-now"));
    assert.equal(await relay.flush(), 1);
    assert.deepEqual(published.map((m) => m.id), ["c-now"], "only what is due");
    relay.start();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(published.map((m) => m.id), ["c-now"], "held while its time has not come");
    await kv.delete([...OUTBOX_PREFIX, "b-taken-back"]); // a commit took it back
    await eventually(() => published.length >= 2, "the held record published once its time came");
    assert.deepEqual(published.map((m) => m.id), ["c-now", "a-held"]);
    assert.ok(Date.now() >= now + 300, "not before its time");
    // deleted by the scan's own delete commit, which may still be on its way when the publish is seen
    await eventually(async () => (await outboxIds(kv)).length === 0, "the published record deleted");
    assert.deepEqual(published.map((m) => m.id), ["c-now", "a-held"], "the taken-back one never went");
  } finally {
    await relay.stop();
    kv.close();
  }
});

/** Commits one outbox record per id, each in a commit of its own, and hands each to `relay`. */
async function commitEach(kv: Deno.Kv, relay: OutboxRelay, ids: string[]): Promise<void> {
  for (const id of ids) {
    const op = kv.atomic();
    const rec = enqueueEvent(op, "order.cancelled", cancelled(id), { id });
    await op.commit();
    relay.kick([rec]);
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("records published one pass at a time are deleted together, in one commit, once deleteDelayMs has passed", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000, deleteDelayMs: 1500 });
  try {
    relay.start();
    await eventually(() => relay.scans === 1, "the start-up scan");
    const ids = ["d1", "d2", "d3", "d4", "d5"];
    await commitEach(kv, relay, ids);
    await eventually(() => relay.published === 5, "five publishes");
    assert.deepEqual(published.map((m) => m.id), ids, "each published as it was handed");
    assert.equal(relay.deleteCommits, 0, "not deleted yet: the delay has not passed");
    assert.deepEqual(await outboxIds(kv), ids);
    await eventually(() => relay.deleteCommits > 0, "the delete");
    assert.equal(relay.deleteCommits, 1, "one commit deleted all five");
    assert.deepEqual(await outboxIds(kv), []);
    assert.equal(published.length, 5, "nothing published twice");
    assert.equal(relay.scans, 1, "no scan");
  } finally {
    await relay.stop();
    kv.close();
  }
});

Deno.test("a scan while published records wait to be deleted does not publish them again, and deletes them", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000, deleteDelayMs: 60_000 });
  try {
    relay.start();
    await eventually(() => relay.scans === 1, "the start-up scan");
    await commitEach(kv, relay, ["s1", "s2"]);
    await eventually(() => relay.published === 2, "two publishes");
    assert.deepEqual(await outboxIds(kv), ["s1", "s2"], "waiting to be deleted");
    await kv.set([...OUTBOX_PREFIX, "s3"], record("s3")); // committed, never handed over
    relay.kick(); // a scan
    await eventually(() => relay.scans === 2 && relay.deleteCommits === 1, "the scan and its delete");
    assert.deepEqual(published.map((m) => m.id), ["s1", "s2", "s3"], "s1 and s2 not published again");
    assert.deepEqual(await outboxIds(kv), []);
  } finally {
    await relay.stop();
    kv.close();
  }
});

Deno.test("stop() deletes the published records that wait to be, whatever their delay", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport, published } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000, deleteDelayMs: 60_000 });
  relay.start();
  try {
    await eventually(() => relay.scans === 1, "the start-up scan");
    await commitEach(kv, relay, ["t1", "t2", "t3"]);
    await eventually(() => relay.published === 3, "three publishes");
    assert.deepEqual(await outboxIds(kv), ["t1", "t2", "t3"]);
  } finally {
    await relay.stop();
  }
  assert.deepEqual(await outboxIds(kv), [], "a drained process leaves an empty outbox");
  assert.equal(published.length, 3, "the final flush published nothing again");
  kv.close();
});

Deno.test("with deleteDelayMs 0 each pass deletes what it published in its own commit", async () => {
  const kv = await Deno.openKv(":memory:");
  const { transport } = fakeTransport();
  const relay = new OutboxRelay({ kv, transport, log, intervalMs: 60_000, deleteDelayMs: 0 });
  try {
    relay.start();
    await eventually(() => relay.scans === 1, "the start-up scan");
    await commitEach(kv, relay, ["z1"]);
    await eventually(() => relay.published === 1, "the publish");
    assert.equal(relay.deleteCommits, 1, "deleted by the pass that published it");
    assert.deepEqual(await outboxIds(kv), []);
  } finally {
    await relay.stop();
    kv.close();
  }
});
