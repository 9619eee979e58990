import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { createLogger } from "../../services/common/log.ts";
import { ALL, Upstream } from "./upstream.ts";

interface Msg {
  cursor: string;
  key: string;
}

class FakeStream extends EventEmitter {
  cancelled = false;
  cancel() {
    this.cancelled = true;
  }
}

function fixture(remember?: number) {
  const opened: { cursor: string; stream: FakeStream }[] = [];
  const up = new Upstream<Msg>({
    name: "test",
    log: createLogger("test", "error"),
    minDelayMs: 1,
    maxDelayMs: 2,
    open(cursor) {
      const stream = new FakeStream();
      opened.push({ cursor, stream });
      return stream as unknown as ClientReadableStream<Msg>;
    },
    keysOf: (m) => [m.key],
    remember: remember === undefined ? undefined : { keyOf: (m) => m.key, maxEntries: remember },
  });
  return { up, opened };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

Deno.test("many listeners share one stream, each gets the messages of its key, and the last one out closes it", () => {
  const { up, opened } = fixture();
  const got = { a: [] as string[], b: [] as string[], all: [] as string[] };
  const offs = [
    ...Array.from({ length: 50 }, () => up.subscribe("a", (m) => got.a.push(m.cursor))),
    up.subscribe("b", (m) => got.b.push(m.cursor)),
    up.subscribe(ALL, (m) => got.all.push(m.cursor)),
  ];
  assert.equal(opened.length, 1, "one stream for 52 listeners");
  opened[0]!.stream.emit("data", { cursor: "1", key: "a" });
  opened[0]!.stream.emit("data", { cursor: "2", key: "b" });
  assert.equal(got.a.length, 50);
  assert.deepEqual(got.b, ["2"]);
  assert.deepEqual(got.all, ["1", "2"]);
  for (const off of offs) off();
  assert.equal(opened[0]!.stream.cancelled, true);
});

Deno.test("a lost stream is reopened from the last cursor received, and listeners get what follows", async () => {
  const { up, opened } = fixture();
  const got: string[] = [];
  const off = up.subscribe(ALL, (m) => got.push(m.cursor));
  opened[0]!.stream.emit("data", { cursor: "c1", key: "x" });
  opened[0]!.stream.emit("error", { code: 14, details: "connection dropped" });
  await tick();
  assert.equal(opened.length, 2);
  assert.equal(opened[1]!.cursor, "c1", "resumes after the last change it saw");
  opened[1]!.stream.emit("data", { cursor: "c2", key: "x" });
  opened[1]!.stream.emit("end");
  await tick();
  assert.equal(opened[2]!.cursor, "c2", "an ended stream is resumed too");
  assert.deepEqual(got, ["c1", "c2"]);
  off();
});

Deno.test("a refused cursor starts over from now", async () => {
  const { up, opened } = fixture();
  const off = up.subscribe(ALL, () => {});
  opened[0]!.stream.emit("data", { cursor: "old", key: "x" });
  opened[0]!.stream.emit("error", { code: 3, details: "Cursor has expired" });
  await tick();
  assert.equal(opened[1]!.cursor, "");
  off();
});

Deno.test("no reconnect once nobody listens", async () => {
  const { up, opened } = fixture();
  const off = up.subscribe(ALL, () => {});
  const first = opened[0]!.stream;
  off();
  first.emit("error", { code: 1, details: "Cancelled" });
  await tick();
  assert.equal(opened.length, 1);
});

Deno.test("the latest message of each key is remembered while the stream is open, the least recently used key forgotten first", () => {
  const { up, opened } = fixture(2);
  assert.equal(up.latest("a"), undefined, "nothing before the stream opens");
  const off = up.subscribe("other", () => {});
  const s = opened[0]!.stream;
  s.emit("data", { cursor: "1", key: "a" });
  s.emit("data", { cursor: "2", key: "b" });
  s.emit("data", { cursor: "3", key: "a" });
  assert.equal(up.latest("a")?.cursor, "3", "the latest of its key, though nobody listens to it");
  s.emit("data", { cursor: "4", key: "c" });
  assert.equal(up.latest("b"), undefined, "over two keys, the least recently changed or read goes");
  assert.equal(up.latest("c")?.cursor, "4");
  off();
  assert.equal(up.latest("c"), undefined, "a closed stream serves nothing");
});

Deno.test("what was remembered is forgotten when the stream is lost, and not served until it is back", async () => {
  const { up, opened } = fixture(10);
  const off = up.subscribe(ALL, () => {});
  opened[0]!.stream.emit("data", { cursor: "c1", key: "a" });
  opened[0]!.stream.emit("error", { code: 14, details: "connection dropped" });
  assert.equal(up.latest("a"), undefined, "nothing served while the stream is down");
  await tick();
  assert.equal(opened.length, 2);
  assert.equal(up.latest("a"), undefined, "nothing from before the gap after it resumes");
  opened[1]!.stream.emit("data", { cursor: "c2", key: "a" });
  assert.equal(up.latest("a")?.cursor, "c2");
  off();
});

Deno.test("without remember nothing is kept", () => {
  const { up, opened } = fixture();
  const off = up.subscribe(ALL, () => {});
  opened[0]!.stream.emit("data", { cursor: "1", key: "a" });
  assert.equal(up.latest("a"), undefined);
  off();
});
