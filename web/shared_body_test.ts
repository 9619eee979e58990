import assert from "node:assert/strict";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { compression } from "./compression.ts";
import { selectedEncoding, SharedBody } from "./shared_body.ts";

const TEXT = JSON.stringify({
  products: Array.from({ length: 40 }, (_, i) => ({ id: String(i), name: "Pizza" })),
});
const HEADERS = [
  undefined,
  "",
  "gzip",
  "gzip, deflate, br",
  "deflate",
  "br",
  "*",
  "gzip;q=0.5, deflate",
  "deflate;q=0.4, gzip;q=0.3",
  "gzip;q=0, *",
  "identity",
];

async function gunzip(res: Response): Promise<string> {
  return await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
}

Deno.test("the encoding picked is the one Hono's compress picks, for every Accept-Encoding", async () => {
  const hono = new Hono();
  hono.use(compress());
  hono.get("/", (c) => c.body(TEXT, 200, { "Content-Type": "application/json" }));
  for (const header of HEADERS) {
    const res = await hono.request("/", {
      headers: header === undefined ? {} : { "accept-encoding": header },
    });
    await res.body?.cancel();
    assert.equal(selectedEncoding(header), res.headers.get("content-encoding") ?? undefined, String(header));
  }
});

Deno.test("a shared body is gzipped once and served gzipped where compression would gzip it", async () => {
  const shared = new SharedBody(TEXT, "application/json");
  const app = new Hono();
  app.use(compression());
  app.get("/", (c) => shared.response(c));
  const first = await app.request("/", { headers: { "accept-encoding": "gzip, deflate, br" } });
  assert.equal(first.headers.get("content-encoding"), "gzip");
  assert.equal(first.headers.get("content-type"), "application/json");
  assert.match(first.headers.get("vary") ?? "", /Accept-Encoding/);
  assert.equal(first.headers.get("content-length"), String(shared.gzip().byteLength));
  assert.equal(await gunzip(first), TEXT);
  assert.equal(shared.gzip(), shared.gzip(), "made once");
  assert.equal(await gunzip(await app.request("/", { headers: { "accept-encoding": "gzip" } })), TEXT);

  const plain = await app.request("/");
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.equal(await plain.text(), TEXT);
  const deflate = await app.request("/", { headers: { "accept-encoding": "deflate" } });
  assert.equal(deflate.headers.get("content-encoding"), "deflate", "other encodings are left to compression");
  await deflate.body?.cancel();
});

Deno.test("a shared body under the threshold is never gzipped", async () => {
  const shared = new SharedBody('{"products":[]}', "application/json");
  const app = new Hono();
  app.use(compression());
  app.get("/", (c) => shared.response(c));
  const res = await app.request("/", { headers: { "accept-encoding": "gzip" } });
  assert.equal(res.headers.get("content-encoding"), null);
  assert.equal(await res.text(), '{"products":[]}');
});
