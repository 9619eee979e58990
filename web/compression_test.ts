import assert from "node:assert/strict";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { compression } from "./compression.ts";
import { conditionalGet } from "./conditional_get.ts";

const big = "<p>A pizza with tomato, mozzarella and basil.</p>".repeat(100);
const gzip = { headers: { "accept-encoding": "gzip, deflate, br" } };

function app(): Hono {
  const app = new Hono();
  app.use(compression());
  app.use(conditionalGet());
  app.get("/page", (c) => c.html(big));
  app.get("/small.json", (c) => c.json({ ok: true }));
  app.get("/big.json", (c) => c.json({ text: big }));
  app.get("/styles.css", (c) => c.body(big, 200, { "Content-Type": "text/css; charset=utf-8" }));
  app.get("/photo.jpg", (c) => c.body(new Uint8Array(4096).fill(7), 200, { "Content-Type": "image/jpeg" }));
  app.get("/raw", (c) => c.html(big, 200, { "Cache-Control": "no-transform" }));
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: "first", data: big });
      await stream.sleep(60_000); // never ends by itself: the client must see "first" before the end
    }));
  return app;
}

async function gunzip(res: Response): Promise<string> {
  return await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
}

Deno.test("HTML, CSS and JSON over 1 KiB are gzipped when the client accepts it, and say Vary: Accept-Encoding", async () => {
  const a = app();
  for (const path of ["/page", "/styles.css", "/big.json"]) {
    const res = await a.request(path, gzip);
    assert.equal(res.headers.get("content-encoding"), "gzip", path);
    assert.match(res.headers.get("vary") ?? "", /Accept-Encoding/, path);
    const text = await gunzip(res);
    assert.ok(text.includes(big.slice(0, 200)), path);
  }
  const plain = await a.request("/page");
  assert.equal(plain.headers.get("content-encoding"), null, "no Accept-Encoding: as it is");
  assert.equal(await plain.text(), big);
});

Deno.test("an answer built in memory is gzipped whole: the gzip's Content-Length, a weak ETag, Vary kept", async () => {
  const a = app();
  a.get("/varied", (c) => c.html(big, 200, { Vary: "Cookie" }));
  const res = await a.request("/page", gzip);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.match(res.headers.get("etag") ?? "", /^W\/"[0-9a-f]{40}"$/);
  const zipped = new Uint8Array(await res.arrayBuffer());
  assert.equal(res.headers.get("content-length"), String(zipped.byteLength));
  assert.ok(zipped.byteLength < big.length / 4, `${zipped.byteLength} bytes`);
  assert.equal(await gunzip(new Response(zipped)), big);
  const varied = await a.request("/varied", gzip);
  assert.equal(varied.headers.get("vary"), "Cookie, Accept-Encoding");
  assert.equal(await gunzip(varied), big);
  // deflate only: compressed as it streams, as before
  const deflated = await a.request("/page", { headers: { "accept-encoding": "deflate" } });
  assert.equal(deflated.headers.get("content-encoding"), "deflate");
  assert.equal(deflated.headers.get("content-length"), null);
  assert.equal(
    await new Response(deflated.body!.pipeThrough(new DecompressionStream("deflate"))).text(),
    big,
  );
});

Deno.test("not compressed: small answers, images, no-transform, HEAD", async () => {
  const a = app();
  const small = await a.request("/small.json", gzip);
  assert.equal(small.headers.get("content-encoding"), null);
  assert.equal(small.headers.get("content-length"), String(JSON.stringify({ ok: true }).length));
  assert.deepEqual(await small.json(), { ok: true });
  const photo = await a.request("/photo.jpg", gzip);
  assert.equal(photo.headers.get("content-encoding"), null);
  assert.equal((await photo.arrayBuffer()).byteLength, 4096);
  const raw = await a.request("/raw", gzip);
  assert.equal(raw.headers.get("content-encoding"), null);
  await raw.body?.cancel();
  const head = await a.request("/page", { ...gzip, method: "HEAD" });
  assert.equal(head.headers.get("content-encoding"), null);
});

Deno.test("server-sent events are neither compressed nor held: the first event arrives while the stream is open", async () => {
  const res = await app().request("/events", gzip);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.equal(res.headers.get("content-encoding"), null);
  assert.equal(res.headers.get("etag"), null);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = setTimeout(() => reader.cancel(), 5000);
  while (!seen.includes("event: first")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  clearTimeout(deadline);
  assert.match(seen, /event: first\ndata: <p>/);
  await reader.cancel();
});
