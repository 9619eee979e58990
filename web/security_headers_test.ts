import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientInfo } from "./client_info.ts";
import { ipMatcher } from "./ip_matcher.ts";
import { type AppOptions, createApp } from "./server.ts";
import { API_CSP, HSTS, securityHeaders } from "./security_headers.ts";
import { depsWithoutServices } from "./testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function gateway(options: AppOptions = {}) {
  const { deps, close } = depsWithoutServices({ RPC_TIMEOUT_MS: "1000" });
  return { app: createApp(deps, options), close };
}

Deno.test(
  "every /api answer (ok, 404, 405, 503) carries the security headers and Cache-Control: no-store",
  opts,
  async () => {
    const { app, close } = gateway();
    try {
      const answers = [
        await app.request("/healthz"),
        await app.request("/api/nope"),
        await app.request("/api/products", { method: "DELETE" }),
        await app.request("/api/products"),
      ];
      assert.deepEqual(answers.map((r) => r.status), [200, 404, 405, 503]);
      for (const res of answers) {
        const h = (name: string) => res.headers.get(name);
        const where = `${res.status} ${res.url}`;
        assert.equal(h("cache-control"), "no-store", where);
        assert.equal(h("x-content-type-options"), "nosniff", where);
        assert.equal(h("x-frame-options"), "DENY", where);
        assert.equal(h("referrer-policy"), "same-origin", where);
        assert.equal(h("content-security-policy"), API_CSP, where);
        assert.equal(h("cross-origin-resource-policy"), "same-origin", where);
        assert.equal(h("strict-transport-security"), null, `${where}: no HSTS over plain HTTP`);
        await res.body?.cancel();
      }
    } finally {
      close();
    }
  },
);

Deno.test(
  "HSTS is sent when PUBLIC_URL is https, or a trusted proxy says X-Forwarded-Proto: https",
  opts,
  async () => {
    const https = gateway({ publicUrl: "https://shop.example" });
    const proxied = gateway({ trustedProxies: ["10.0.0.0/8"] });
    try {
      assert.equal((await https.app.request("/healthz")).headers.get("strict-transport-security"), HSTS);
      const via = (peer: string) =>
        proxied.app.request("/healthz", { headers: { "x-forwarded-proto": "https" } }, {
          remoteAddr: { hostname: peer },
        });
      assert.equal((await via("10.1.2.3")).headers.get("strict-transport-security"), HSTS);
      assert.equal((await via("192.0.2.1")).headers.get("strict-transport-security"), null, "untrusted peer");
    } finally {
      https.close();
      proxied.close();
    }
  },
);

Deno.test("a page's own CSP and framing rules are kept; the missing headers are added", async () => {
  const app = new Hono();
  app.use(clientInfo({ trustedProxies: ipMatcher([]) }));
  app.use(securityHeaders());
  app.get("/page", (c) => c.html("<p>hi</p>", 200, { "Content-Security-Policy": "default-src 'self'" }));
  const res = await app.request("/page");
  assert.equal(res.headers.get("content-security-policy"), "default-src 'self'");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("cache-control"), null, "pages choose their own caching");
});

Deno.test("an API answer gets its headers on the handler's own Response (not a rebuilt copy); a fetched one's still get them", async () => {
  const app = new Hono();
  let made: Response | undefined;
  let seen: Response | undefined;
  app.use(async (c, next) => {
    await next();
    seen = c.res;
  });
  app.use(clientInfo({ trustedProxies: ipMatcher([]) }));
  app.use(securityHeaders());
  app.get(
    "/api/thing",
    () => made = new Response('{"ok":true}', { headers: { "content-type": "application/json" } }),
  );
  // a redirect's headers cannot change (as a fetched answer's): Hono rebuilds it to set them
  app.get("/api/fixed", () => Response.redirect("http://example.test/elsewhere", 302));
  const res = await app.request("/api/thing");
  assert.equal(seen, made, "the same Response, its body never turned into a stream");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("content-security-policy"), API_CSP);
  assert.equal(await res.text(), '{"ok":true}');
  const fixed = await app.request("/api/fixed");
  assert.equal(fixed.status, 302);
  assert.equal(fixed.headers.get("cache-control"), "no-store");
  assert.equal(fixed.headers.get("content-security-policy"), API_CSP);
});
