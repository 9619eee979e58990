import assert from "node:assert/strict";
import { Hono } from "hono";
import { refuseCrossSite } from "./cross_site.ts";
import { toApiError } from "./errors.ts";

function app(publicUrl?: string) {
  let reached = 0;
  const a = new Hono();
  a.use("/api/*", refuseCrossSite({ publicUrl }));
  a.all("/api/thing", (c) => {
    reached++;
    return c.json({ ok: true });
  });
  a.onError((err, c) => {
    const e = toApiError(err);
    return c.json(e.toJSON(), e.status);
  });
  return { a, reached: () => reached };
}

const URL_ = "http://shop.test:8080/api/thing";

Deno.test("cross-site and foreign-origin POSTs are refused 403 before the handler, whatever the content type", async () => {
  const cases: Record<string, string>[] = [
    { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
    { "sec-fetch-site": "cross-site", "content-type": "application/json" },
    { "sec-fetch-site": "same-site", "content-type": "application/json" },
    { origin: "https://evil.example", "content-type": "text/plain" },
    { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    { origin: "https://evil.example", "content-type": "application/json" },
    { origin: "http://shop.test:9999" },
    { origin: "null", "content-type": "text/plain" },
    { origin: "https://evil.example", "sec-fetch-site": "same-origin" },
  ];
  const { a, reached } = app();
  for (const headers of cases) {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await a.request(URL_, { method, headers, body: method === "DELETE" ? undefined : "x" });
      assert.equal(res.status, 403, `${method} ${JSON.stringify(headers)}`);
      const { error } = await res.json();
      assert.equal(error.code, "cross_site");
      assert.ok(["Origin", "Sec-Fetch-Site"].includes(error.field));
    }
  }
  assert.equal(reached(), 0, "no refused request reached the handler");
});

Deno.test("same-origin browsers, the public URL's origin and header-less API clients pass", async () => {
  const { a, reached } = app("https://shop.example");
  const passing: Record<string, string>[] = [
    {}, // curl with a bearer token, no content type
    { "content-type": "application/json" },
    { "sec-fetch-site": "same-origin", origin: "http://shop.test:8080" },
    { "sec-fetch-site": "none" },
    { origin: "http://shop.test:8080", "content-type": "text/plain" },
    { origin: "https://shop.test:8080" }, // same host behind a TLS proxy
    { origin: "https://shop.example", "sec-fetch-site": "same-origin" }, // the public URL
  ];
  for (const headers of passing) {
    const res = await a.request(URL_, { method: "POST", headers });
    assert.equal(res.status, 200, JSON.stringify(headers));
  }
  assert.equal(reached(), passing.length);
});

Deno.test("reads are never refused for their origin", async () => {
  const { a } = app();
  for (const method of ["GET", "HEAD", "OPTIONS"]) {
    const res = await a.request(URL_, {
      method,
      headers: { "sec-fetch-site": "cross-site", origin: "https://x.y" },
    });
    assert.equal(res.status, 200, method);
  }
});
