import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { ChannelModel } from "amqplib";
import amqp from "amqplib";
import net from "node:net";
import { connectOptions, FailoverConnection } from "./failover_connection.ts";
import { coalesceConnectionWrites, socketOf } from "./socket_coalescing.ts";
import { testAmqpUrl } from "./testing.ts";

/** A stand-in for amqplib's connection: `drop()` loses it as a dead broker would. */
class FakeModel extends EventEmitter {
  closed = false;
  constructor(readonly url: string) {
    super();
  }
  createChannel() {
    return Promise.resolve({ on: this.url });
  }
  createConfirmChannel() {
    return Promise.resolve({ confirmOn: this.url });
  }
  close() {
    this.closed = true;
    this.emit("close");
    return Promise.resolve();
  }
  drop() {
    this.emit("error", new Error("Connection lost"));
    this.emit("close", new Error("Connection lost"));
  }
}

/** Brokers by URL that are up; every attempt is recorded. */
function brokers(up: Set<string>) {
  const attempts: string[] = [];
  const models: FakeModel[] = [];
  const open = (url: string) => {
    attempts.push(url);
    if (!up.has(url)) return Promise.reject(new Error(`connect ECONNREFUSED ${url}`));
    const m = new FakeModel(url);
    models.push(m);
    return Promise.resolve(m as unknown as ChannelModel);
  };
  return { attempts, models, open };
}

const fast = { initialDelayMs: 1, maxDelayMs: 4, factor: 2 };
const until = async (check: () => boolean, what: string) => {
  const end = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
};

Deno.test("the first node that answers is used, trying the list in order", async () => {
  const b = brokers(new Set(["amqp://c"]));
  const events: string[] = [];
  const conn = new FailoverConnection({
    urls: ["amqp://a", "amqp://b", "amqp://c"],
    open: b.open,
    backoff: fast,
    hooks: {
      connect: (url) => events.push(`connect ${url}`),
      reconnectScheduled: (i) => events.push(`next ${i.attempt} ${i.url} after ${i.delayMs}`),
    },
  });
  try {
    await conn.waitForConnect();
    assert.deepEqual(b.attempts, ["amqp://a", "amqp://b", "amqp://c"]);
    assert.deepEqual(events, ["next 1 amqp://b after 1", "next 2 amqp://c after 0", "connect amqp://c"]);
    assert.equal(conn.url, "amqp://c");
    assert.deepEqual(await conn.createChannel(), { on: "amqp://c" });
  } finally {
    await conn.close();
  }
});

Deno.test("a lost connection moves to the next node, round robin, running setup there; channels asked meanwhile wait for it", async () => {
  const up = new Set(["amqp://a", "amqp://b", "amqp://c"]);
  const b = brokers(up);
  const setups: string[] = [];
  const events: string[] = [];
  const conn = new FailoverConnection({
    urls: ["amqp://a", "amqp://b", "amqp://c"],
    open: b.open,
    backoff: fast,
    setup: (m) => {
      setups.push((m as unknown as FakeModel).url);
      return Promise.resolve();
    },
    hooks: {
      connect: (url) => events.push(`connect ${url}`),
      disconnect: (_e, url) => events.push(`lost ${url}`),
    },
  });
  try {
    await conn.waitForConnect();
    up.delete("amqp://a");
    b.models[0]!.drop();
    assert.equal(conn.url, undefined, "down until the next node answers");
    const channel = conn.createConfirmChannel();
    assert.deepEqual(await channel, { confirmOn: "amqp://b" });
    // b lost too: c is next; then c lost with a back: round robin wraps to a
    b.models[1]!.drop();
    await until(() => conn.url === "amqp://c", "on c");
    up.add("amqp://a");
    up.delete("amqp://b");
    b.models[2]!.drop();
    await until(() => conn.url === "amqp://a", "back on a");
    assert.deepEqual(setups, ["amqp://a", "amqp://b", "amqp://c", "amqp://a"]);
    assert.deepEqual(events, [
      "connect amqp://a",
      "lost amqp://a",
      "connect amqp://b",
      "lost amqp://b",
      "connect amqp://c",
      "lost amqp://c",
      "connect amqp://a",
    ]);
  } finally {
    await conn.close();
  }
});

Deno.test("a failing setup fails the attempt (the node's connection is closed) and the next node is tried", async () => {
  const b = brokers(new Set(["amqp://a", "amqp://b"]));
  const failed: string[] = [];
  const conn = new FailoverConnection({
    urls: ["amqp://a", "amqp://b"],
    open: b.open,
    backoff: fast,
    setup: (m) =>
      (m as unknown as FakeModel).url === "amqp://a"
        ? Promise.reject(new Error("PRECONDITION_FAILED"))
        : Promise.resolve(),
    hooks: { connectFailed: (err, url) => failed.push(`${url}: ${err.message}`) },
  });
  try {
    await conn.waitForConnect();
    assert.equal(conn.url, "amqp://b");
    assert.deepEqual(failed, ["amqp://a: PRECONDITION_FAILED"]);
    assert.equal(b.models[0]!.closed, true);
  } finally {
    await conn.close();
  }
});

Deno.test("before the first connection it gives up after initialMaxRetries; after close nothing reconnects", async () => {
  const b = brokers(new Set());
  let gaveUp: Error | undefined;
  const conn = new FailoverConnection({
    urls: ["amqp://a", "amqp://b"],
    open: b.open,
    backoff: fast,
    initialMaxRetries: 3,
    hooks: { reconnectFailed: (err) => gaveUp = err },
  });
  await assert.rejects(conn.waitForConnect(), /ECONNREFUSED amqp:\/\/b/);
  assert.deepEqual(b.attempts, ["amqp://a", "amqp://b", "amqp://a", "amqp://b"]);
  assert.match(String(gaveUp), /ECONNREFUSED/);
  await assert.rejects(conn.createChannel(), /ECONNREFUSED/);

  const up = new Set(["amqp://a"]);
  const c = brokers(up);
  const closing = new FailoverConnection({ urls: ["amqp://a"], open: c.open, backoff: fast });
  await closing.waitForConnect();
  await closing.close();
  assert.equal(c.models[0]!.closed, true);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(c.attempts, ["amqp://a"], "no reconnection after close");
  await assert.rejects(closing.createChannel(), /Connection closed/);
});

Deno.test("a connection to the real broker has its socket writes coalesced per turn", async () => {
  let opened: ChannelModel | undefined;
  const conn = new FailoverConnection({
    urls: [testAmqpUrl()],
    open: async (url, timeout) => opened = await amqp.connect(url, { timeout }),
  });
  try {
    await conn.waitForConnect();
    assert.ok(opened && socketOf(opened), "amqplib's socket is found");
    assert.equal(coalesceConnectionWrites(opened), false, "already coalescing");
  } finally {
    await conn.close();
  }
});

Deno.test("a connection to the real broker sends without Nagle's delay (TCP_NODELAY)", async () => {
  // amqplib sets the option on its node:net socket right after connecting: record what it asks for
  const calls: (boolean | undefined)[] = [];
  const original = net.Socket.prototype.setNoDelay;
  net.Socket.prototype.setNoDelay = function (this: net.Socket, noDelay?: boolean) {
    calls.push(noDelay);
    return original.call(this, noDelay);
  };
  const conn = new FailoverConnection({ urls: [testAmqpUrl()] }); // the default opener
  try {
    await conn.waitForConnect();
  } finally {
    net.Socket.prototype.setNoDelay = original;
    await conn.close();
  }
  assert.ok(calls.length > 0, "amqplib set the option");
  assert.ok(calls.every((c) => c === true), `Nagle off every time, got ${JSON.stringify(calls)}`);
  assert.deepEqual(connectOptions(1234), { timeout: 1234, noDelay: true });
});
