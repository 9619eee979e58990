import assert from "node:assert/strict";
import { Hono } from "hono";
import { liveResponse, type LiveStream } from "./sse.ts";

/** An app whose `/` is a live response running `start`; `maxMs` as given. */
function appOf(start: (live: LiveStream) => (() => void) | Promise<() => void>, maxMs?: number): Hono {
  const app = new Hono();
  app.get("/", (c) => liveResponse(c, start, { maxMs }));
  return app;
}

Deno.test("a live response is an event stream: retry first, then events and comments in call order, ended by close", async () => {
  let stopped = 0;
  const app = appOf(async (live) => {
    live.send("order", { id: "o-1", note: "two\nlines" });
    await new Promise((r) => setTimeout(r, 5));
    live.comment("hello");
    live.send("gone", {});
    live.close();
    live.send("late", {}); // after close: dropped
    return () => stopped++;
  });
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("x-accel-buffering"), "no");
  assert.equal(res.headers.get("transfer-encoding"), null);
  assert.equal(
    await res.text(),
    'retry: 3000\n\nevent: order\ndata: {"id":"o-1","note":"two\\nlines"}\n\n: hello\n\nevent: gone\ndata: {}\n\n',
  );
  assert.equal(stopped, 1, "what start returned ran once the stream ended");
});

Deno.test("a live response stops its view when the client goes away, and ends by itself after maxMs", async () => {
  const stopped = Promise.withResolvers<void>();
  let sends = 0;
  const app = appOf((live) => {
    const timer = setInterval(() => {
      sends++;
      live.send("tick", { sends });
    }, 2);
    return () => {
      clearInterval(timer);
      stopped.resolve();
    };
  });
  const res = await app.request("/");
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
  await stopped.promise;

  const short = await appOf(() => () => {}, 30).request("/");
  const started = performance.now();
  assert.equal(await short.text(), "retry: 3000\n\n");
  assert.ok(performance.now() - started < 2000, "ended after maxMs");
});

Deno.test("an event name with a line break ends the stream instead of being sent", async () => {
  const res = await appOf((live) => {
    live.send("bad\nname", {});
    live.send("order", {});
    return () => {};
  }).request("/");
  assert.equal(await res.text(), "retry: 3000\n\n");
});
