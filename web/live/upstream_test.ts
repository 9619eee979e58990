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

function fixture(remember?: number, lingerMs?: number) {
  const opened: { cursor: string; stream: FakeStream }[] = [];
  const up = new Upstream<Msg>({
    name: "test",
    log: createLogger("test", "error"),
    minDelayMs: 1,
    maxDelayMs: 2,
    lingerMs,
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

Deno.test("a change witnessed while the stream delivers is remembered at once, and the stream's own messages win", () => {
  const { up, opened } = fixture(10);
  const off = up.subscribe(ALL, () => {});
  const s = opened[0]!.stream;
  s.emit("data", { cursor: "1", key: "a" });
  const seen = up.witness();
  seen({ cursor: "", key: "new" });
  assert.equal(up.latest("new")?.cursor, "", "remembered before the stream passes it on");
  s.emit("data", { cursor: "2", key: "new" });
  assert.equal(up.latest("new")?.cursor, "2", "what the stream passes on replaces it");
  up.witness()({ cursor: "", key: "new" });
  assert.equal(up.latest("new")?.cursor, "2", "a witness never replaces what the stream passed on");
  off();
});

Deno.test("nothing witnessed is remembered unless the same stream followed from a cursor when the call began", async () => {
  const { up, opened } = fixture(10);
  const off = up.subscribe(ALL, () => {});
  const early = up.witness(); // opened from now, nothing passed on: its watch may start after the commit
  opened[0]!.stream.emit("data", { cursor: "1", key: "a" });
  early({ cursor: "", key: "b" });
  assert.equal(up.latest("b"), undefined, "opened from now, nothing passed on yet, when the call began");

  const across = up.witness();
  opened[0]!.stream.emit("error", { code: 14, details: "connection dropped" });
  await tick();
  opened[1]!.stream.emit("data", { cursor: "2", key: "a" });
  across({ cursor: "", key: "c" });
  assert.equal(up.latest("c"), undefined, "the stream was lost during the call");
  off();

  const closed = fixture(10);
  closed.up.witness()({ cursor: "", key: "d" });
  assert.equal(closed.up.latest("d"), undefined, "no stream, nothing remembered");
});

Deno.test("with lingerMs the stream, and what it remembers, outlive the last listener until someone comes back", async () => {
  const { up, opened } = fixture(10, 40);
  up.subscribe("a", () => {})();
  const first = opened[0]!.stream;
  first.emit("data", { cursor: "1", key: "a" });
  assert.equal(first.cancelled, false, "still open while lingering");
  assert.equal(up.latest("a")?.cursor, "1", "and still remembering");
  const got: string[] = [];
  const off = up.subscribe("a", (m) => got.push(m.cursor));
  await tick(60);
  assert.equal(opened.length, 1, "a listener within the linger reuses the stream");
  first.emit("data", { cursor: "2", key: "a" });
  assert.deepEqual(got, ["2"]);
  off();
  await tick(60);
  assert.equal(first.cancelled, true, "closed once the linger passed with nobody back");
  assert.equal(up.latest("a"), undefined);
  up.subscribe("a", () => {})();
  assert.deepEqual(opened.map((o) => o.cursor), ["", ""], "the next listener opens a new stream from now");
  up.close();
  assert.equal(opened[1]!.stream.cancelled, true, "close() ends a lingering stream at once");
});

Deno.test("a stream lost while lingering is closed, and the next listener opens a new one from now", async () => {
  const { up, opened } = fixture(10, 1000);
  up.subscribe("a", () => {})();
  opened[0]!.stream.emit("data", { cursor: "1", key: "a" });
  opened[0]!.stream.emit("error", { code: 14, details: "connection dropped" });
  await tick(20);
  assert.equal(opened.length, 1, "no reconnect for nobody");
  assert.equal(up.latest("a"), undefined);
  const off = up.subscribe("a", () => {});
  assert.deepEqual(opened.map((o) => o.cursor), ["", ""]);
  off();
  up.close();
});
