import assert from "node:assert/strict";
import { readSse, type SseEvent } from "./sse.ts";

/** A body that delivers `chunks` one by one. */
function body(chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((c) => new TextEncoder().encode(c));
  return new ReadableStream({
    pull(ctl) {
      const next = bytes.shift();
      if (next) ctl.enqueue(next);
      else ctl.close();
    },
  });
}

async function all(chunks: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(body(chunks))) out.push(e);
  return out;
}

Deno.test("events are read across chunk boundaries; comments, retry and data-less events are skipped", async () => {
  const events = await all([
    "retry: 3000\n\n: keep-alive\n\nevent: or",
    'der\ndata: {"id":"a",',
    '"status":"paid"}\n',
    "\nevent: empty\n\ndata: plain\n\n",
  ]);
  assert.deepEqual(events, [
    { event: "order", data: '{"id":"a","status":"paid"}' },
    { event: "message", data: "plain" },
  ]);
});

Deno.test("CRLF and CR line ends, multi-line data and a value without its space are read as a browser does", async () => {
  const events = await all(["event:gone\r", "\ndata: a\r\ndata:b\r\r", "data: last\n"]);
  // the last event has no blank line after it: the body ended before it was dispatched
  assert.deepEqual(events, [{ event: "gone", data: "a\nb" }]);
});

Deno.test("stopping early cancels the body", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(ctl) {
      ctl.enqueue(new TextEncoder().encode("event: order\ndata: 1\n\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const e of readSse(stream)) {
    assert.equal(e.data, "1");
    break;
  }
  assert.equal(cancelled, true);
});
