import assert from "node:assert/strict";
import { Hono } from "hono";
import { formOrigin } from "./form_origin.ts";

function app(publicUrl?: string): Hono {
  const app = new Hono();
  app.use(formOrigin({ publicUrl, refused: (c) => c.text("refused", 403) }));
  app.post("/form", (c) => c.text("done"));
  app.get("/form", (c) => c.text("page"));
  return app;
}

const form = "application/x-www-form-urlencoded";

async function status(a: Hono, headers: Record<string, string>, method = "POST"): Promise<number> {
  const res = await a.request("http://shop.test/form", {
    method,
    headers,
    body: method === "POST" ? "a=1" : undefined,
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("form posts from this site pass; cross-site fetch metadata and foreign or null origins are refused", async () => {
  const a = app();
  assert.equal(await status(a, { "content-type": form }), 200, "no browser headers: the form token decides");
  assert.equal(
    await status(a, { "content-type": form, "sec-fetch-site": "same-origin", origin: "http://shop.test" }),
    200,
  );
  assert.equal(await status(a, { "content-type": form, "sec-fetch-site": "none" }), 200, "typed by the user");
  assert.equal(
    await status(a, { "content-type": form, origin: "https://shop.test" }),
    200,
    "TLS proxy: scheme aside",
  );
  assert.equal(await status(a, { "content-type": form, "sec-fetch-site": "cross-site" }), 403);
  assert.equal(await status(a, { "content-type": form, "sec-fetch-site": "same-site" }), 403);
  assert.equal(await status(a, { "content-type": form, origin: "http://evil.test" }), 403);
  assert.equal(await status(a, { "content-type": form, origin: "null" }), 403);
  assert.equal(
    await status(a, { "content-type": form, origin: "http://evil.test", "sec-fetch-site": "cross-site" }),
    403,
  );
  for (const type of ["multipart/form-data; boundary=x", "text/plain"]) {
    assert.equal(await status(a, { "content-type": type, origin: "http://evil.test" }), 403, type);
  }
  assert.equal(
    await status(a, { origin: "http://evil.test", "sec-fetch-site": "cross-site" }, "GET"),
    200,
    "GET changes nothing",
  );
});

Deno.test("the origin of PUBLIC_URL is this site too", async () => {
  const a = app("https://pizza.example");
  assert.equal(await status(a, { "content-type": form, origin: "https://pizza.example" }), 200);
  assert.equal(await status(a, { "content-type": form, origin: "https://other.example" }), 403);
});
