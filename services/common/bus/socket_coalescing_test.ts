import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import amqp from "amqplib";
import { coalesceConnectionWrites, coalesceWrites, socketOf } from "./socket_coalescing.ts";
import { testAmqpUrl } from "./testing.ts";

/** The calls a writable makes to its native side: one `_write` or `_writev` is one socket write. */
function countNativeWrites(socket: net.Socket): { writes: number; writevs: number; chunks: number } {
  const counts = { writes: 0, writevs: 0, chunks: 0 };
  const s = socket as net.Socket & {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], ...rest: unknown[]) => void;
  };
  const write = s._write;
  const writev = s._writev;
  s._write = function (...args: unknown[]) {
    counts.writes++;
    counts.chunks++;
    return write.apply(this, args);
  };
  s._writev = function (chunks: unknown[], ...rest: unknown[]) {
    counts.writevs++;
    counts.chunks += chunks.length;
    return writev.call(this, chunks, ...rest);
  };
  return counts;
}

/** A local TCP server collecting what one client sends, and that client's socket. */
async function pair(): Promise<{ socket: net.Socket; received: () => Buffer; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const server = net.createServer((s) => s.on("data", (d: Buffer) => chunks.push(d)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    close: async () => {
      socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Waits until the server has received `bytes` bytes (or fails after 5 s). */
async function receivedBytes(received: () => Buffer, bytes: number): Promise<Buffer> {
  const until = Date.now() + 5000;
  while (received().length < bytes) {
    if (Date.now() > until) throw new Error(`received ${received().length} of ${bytes} bytes`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return received();
}

/** `n` frames of 100 bytes, each filled with its index, and their concatenation. */
function frames(n: number, size = 100): { frames: Buffer[]; all: Buffer } {
  const list = Array.from({ length: n }, (_, i) => Buffer.alloc(size, i % 256));
  return { frames: list, all: Buffer.concat(list) };
}

Deno.test("the frames written in one turn reach the socket as one native write, in order, handed over within the turn", async () => {
  const { socket, received, close } = await pair();
  try {
    assert.equal(coalesceWrites(socket), true);
    const counts = countNativeWrites(socket);
    const { frames: list, all } = frames(50);
    for (const f of list) socket.write(f);
    assert.equal(counts.writes + counts.writevs, 0, "held while the turn runs");
    await Promise.resolve(); // the flush is the microtask queued at the turn's first write
    await Promise.resolve();
    assert.deepEqual(counts, { writes: 0, writevs: 1, chunks: 50 }, "one writev of the 50 frames");
    assert.equal(socket.writableCorked, 0, "uncorked at the end of the turn");
    assert.deepEqual(await receivedBytes(received, all.length), all, "every byte, in order");
  } finally {
    await close();
  }
});

Deno.test("without coalescing the same frames are one native write each (what the coalescing saves)", async () => {
  const { socket, received, close } = await pair();
  try {
    const counts = countNativeWrites(socket);
    const { frames: list, all } = frames(50);
    for (const f of list) socket.write(f);
    await receivedBytes(received, all.length);
    assert.ok(counts.writes + counts.writevs > 1, `${JSON.stringify(counts)}: more than one write`);
  } finally {
    await close();
  }
});

Deno.test("each turn is its own batch, and a single write goes as a plain write", async () => {
  const { socket, received, close } = await pair();
  try {
    coalesceWrites(socket);
    assert.equal(coalesceWrites(socket), false, "coalescing twice changes nothing");
    const counts = countNativeWrites(socket);
    const a = frames(3);
    for (const f of a.frames) socket.write(f);
    await new Promise((r) => setTimeout(r, 0));
    const b = Buffer.from("one more");
    socket.write(b);
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(counts, { writes: 1, writevs: 1, chunks: 4 });
    const all = Buffer.concat([a.all, b]);
    assert.deepEqual(await receivedBytes(received, all.length), all);
  } finally {
    await close();
  }
});

Deno.test("backpressure holds: past the high-water mark write answers false and drain follows the flush", async () => {
  const { socket, received, close } = await pair();
  try {
    coalesceWrites(socket);
    const hwm = socket.writableHighWaterMark;
    const { frames: list, all } = frames(Math.ceil((2 * hwm) / 1000) + 1, 1000);
    const answers = list.map((f) => socket.write(f));
    assert.equal(answers[0], true);
    assert.equal(answers.at(-1), false, "the stream is past its high-water mark");
    await new Promise<void>((resolve) => socket.once("drain", () => resolve()));
    assert.deepEqual(await receivedBytes(received, all.length), all, "every byte, in order");
  } finally {
    await close();
  }
});

Deno.test("a callback-style write is called back after the flush", async () => {
  const { socket, close } = await pair();
  try {
    coalesceWrites(socket);
    const done: number[] = [];
    socket.write(Buffer.from("a"), () => done.push(1));
    socket.write(Buffer.from("b"), () => done.push(2));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(done, [1, 2]);
  } finally {
    await close();
  }
});

Deno.test("ending the stream in the turn of its writes sends them first", async () => {
  const { socket, received, close } = await pair();
  try {
    coalesceWrites(socket);
    const { frames: list, all } = frames(10);
    for (const f of list) socket.write(f);
    socket.end();
    assert.deepEqual(await receivedBytes(received, all.length), all);
    await new Promise((r) => setTimeout(r, 0)); // the turn's flush finds the stream ended: nothing happens
  } finally {
    await close();
  }
});

Deno.test("amqplib's connection: publishes of one turn reach the broker in fewer socket writes, and all arrive", async () => {
  const model = await amqp.connect(testAmqpUrl());
  try {
    const socket = socketOf(model);
    assert.ok(socket instanceof net.Socket, "amqplib keeps its socket as connection.stream");
    assert.equal(coalesceConnectionWrites(model), true);
    const ch = await model.createConfirmChannel();
    const { queue } = await ch.assertQueue("", { exclusive: true });
    const counts = countNativeWrites(socket);
    const n = 100;
    for (let i = 0; i < n; i++) ch.sendToQueue(queue, Buffer.from(`m-${i}`), { messageId: `m-${i}` });
    await ch.waitForConfirms();
    assert.equal(counts.chunks, n, "one frame chunk per publish");
    assert.ok(counts.writes + counts.writevs <= 5, `${JSON.stringify(counts)}: batched`);
    const got: string[] = [];
    await ch.consume(queue, (m) => m && got.push(m.content.toString()), { noAck: true });
    const until = Date.now() + 5000;
    while (got.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got, Array.from({ length: n }, (_, i) => `m-${i}`), "all, in publish order");
    await ch.close();
  } finally {
    await model.close();
  }
});
