import assert from "node:assert/strict";
import { Hono } from "hono";
import { compression } from "./compression.ts";
import { conditionalGet } from "./conditional_get.ts";

function app(): Hono {
  const app = new Hono();
  app.use(compression());
  app.use(conditionalGet());
  let n = 0;
  app.get("/page", (c) => c.html("<p>menu</p>".repeat(200), 200, { "Cache-Control": "private, no-cache" }));
  app.get("/counter", (c) => c.html(`<p>${++n}</p>`));
  app.get("/tagged", (c) => c.text("x", 200, { ETag: '"v1"' }));
  app.get("/api/products", (c) => c.json([{ id: "1" }]));
  app.get("/gone", (c) => c.html("<p>missing</p>", 404));
  app.post("/form", (c) => c.html("<p>done</p>"));
  return app;
}

Deno.test("a page gets a strong ETag of its body; If-None-Match with it answers 304 without a body", async () => {
  const a = app();
  const first = await a.request("/page");
  const etag = first.headers.get("etag");
  assert.match(etag ?? "", /^"[0-9a-f]{40}"$/);
  await first.body?.cancel();
  const again = await a.request("/page", { headers: { "if-none-match": etag! } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  assert.equal(again.headers.get("etag"), etag);
  assert.equal(again.headers.get("cache-control"), "private, no-cache");
});

Deno.test("the gzipped page's weak ETag revalidates too, and a changed page answers 200", async () => {
  const a = app();
  const zipped = await a.request("/page", { headers: { "accept-encoding": "gzip" } });
  assert.equal(zipped.headers.get("content-encoding"), "gzip");
  const weak = zipped.headers.get("etag")!;
  assert.match(weak, /^W\/"[0-9a-f]{40}"$/);
  await zipped.body?.cancel();
  const again = await a.request("/page", { headers: { "accept-encoding": "gzip", "if-none-match": weak } });
  assert.equal(again.status, 304);
  const one = await a.request("/counter");
  const changed = await a.request("/counter", { headers: { "if-none-match": one.headers.get("etag")! } });
  assert.equal(changed.status, 200);
  assert.equal(await changed.text(), "<p>2</p>");
});

Deno.test("a handler's own ETag is kept; the JSON API, errors and POSTs get none", async () => {
  const a = app();
  assert.equal((await a.request("/tagged", { headers: { "if-none-match": '"v1"' } })).status, 304);
  for (const [path, init] of [["/api/products", {}], ["/gone", {}], ["/form", { method: "POST" }]] as const) {
    const res = await a.request(path, init);
    assert.equal(res.headers.get("etag"), null, path);
    await res.body?.cancel();
  }
});
