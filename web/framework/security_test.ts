import assert from "node:assert/strict";
import { Hono } from "hono";
import { CONTENT_SECURITY_POLICY, pageSecurityHeaders } from "./security.ts";

function app(): Hono {
  const app = new Hono();
  app.use(pageSecurityHeaders);
  app.get("/", (c) => c.html("<p>hi</p>"));
  app.get("/own", (c) => c.html("<p>own</p>", 200, { "Content-Security-Policy": "default-src 'none'" }));
  return app;
}

Deno.test("pages get exactly today's CSP (no inline script or style, no nonce) and the framing, sniffing, referrer and opener rules", async () => {
  const res = await app().request("/");
  const h = (name: string) => res.headers.get(name);
  assert.equal(h("content-security-policy"), CONTENT_SECURITY_POLICY);
  assert.equal(
    h("content-security-policy"),
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  assert.doesNotMatch(h("content-security-policy")!, /unsafe|nonce|\*/);
  assert.equal(h("x-content-type-options"), "nosniff");
  assert.equal(h("x-frame-options"), "DENY");
  assert.equal(h("referrer-policy"), "same-origin");
  assert.equal(h("cross-origin-opener-policy"), "same-origin");
  assert.equal(h("cross-origin-resource-policy"), "same-origin");
  assert.equal(h("strict-transport-security"), null, "HSTS is the gateway's, by scheme");
});

Deno.test("a page's own CSP is kept", async () => {
  const res = await app().request("/own");
  assert.equal(res.headers.get("content-security-policy"), "default-src 'none'");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
});
