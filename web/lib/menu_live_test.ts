import assert from "node:assert/strict";
import { createMenuLive, type LiveItem } from "./menu_live.ts";

const ITEM: LiveItem = {
  id: "8",
  name: "Tiramisu",
  description: "",
  price: { amount: 600, currency: "EUR" },
  available: 0,
  offMenu: true,
  category: "Desserts",
  tags: [],
};

Deno.test("the live menu opens one stream for every subscriber, hands each item on, and closes with the last", async () => {
  let connections = 0;
  const closed = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    connections++;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(`event: item\ndata: ${JSON.stringify(ITEM)}\n\n`));
      },
      cancel() {
        closed.resolve();
      },
    });
    req.signal.addEventListener("abort", () => closed.resolve());
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  try {
    const live = createMenuLive(`http://127.0.0.1:${server.addr.port}/menu/events`);
    const a = Promise.withResolvers<LiveItem>();
    const b = Promise.withResolvers<LiveItem>();
    const stopA = live.subscribe(a.resolve);
    const stopB = live.subscribe(b.resolve);
    assert.deepEqual(await a.promise, ITEM);
    assert.deepEqual(await b.promise, ITEM);
    assert.equal(connections, 1, "one stream for both");
    assert.deepEqual(live.get("8"), ITEM, "the latest state is kept for islands that come later");
    assert.equal(live.get("1"), undefined);
    stopA();
    stopB();
    await closed.promise;
    live.apply({ ...ITEM, offMenu: false });
    assert.equal(live.get("8")?.offMenu, false);
  } finally {
    await server.shutdown();
  }
});
