import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientInfo, peerAddress, resolveClient } from "./client_info.ts";
import { ipMatcher } from "./ip_matcher.ts";

const none = { trustedProxies: ipMatcher([]) };
const proxies = { trustedProxies: ipMatcher(["10.0.0.1", "172.16.0.0/12"]) };

function req(headers: Record<string, string> = {}, url = "http://shop.test/") {
  return new Request(url, { headers });
}

Deno.test("from an untrusted peer, X-Forwarded-For and X-Forwarded-Proto are ignored", () => {
  const c = resolveClient(
    req({ "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" }),
    "5.6.7.8",
    none,
  );
  assert.deepEqual(c, { address: "5.6.7.8", peer: "5.6.7.8", secure: false });
});

Deno.test("from a trusted proxy, the client is the rightmost hop that is not itself a trusted proxy", () => {
  const via = (xff: string) => resolveClient(req({ "x-forwarded-for": xff }), "10.0.0.1", proxies).address;
  assert.equal(via("1.2.3.4"), "1.2.3.4");
  assert.equal(via("6.6.6.6, 1.2.3.4"), "1.2.3.4", "a client-written first hop is not believed");
  assert.equal(via("6.6.6.6, 1.2.3.4, 172.20.0.9"), "1.2.3.4", "an inner trusted proxy is skipped");
  assert.equal(via("garbage, 1.2.3.4"), "1.2.3.4");
  assert.equal(via("1.2.3.4, garbage"), "10.0.0.1", "a malformed hop stops the walk at the proxy");
  assert.equal(via(""), "10.0.0.1", "no header: the proxy itself");
  assert.equal(via("::ffff:9.9.9.9"), "9.9.9.9", "addresses are normalised");
});

Deno.test("HTTPS: a trusted proxy's X-Forwarded-Proto, an https PUBLIC_URL, or an https request URL", () => {
  assert.equal(resolveClient(req({ "x-forwarded-proto": "https" }), "10.0.0.1", proxies).secure, true);
  assert.equal(resolveClient(req({ "x-forwarded-proto": "http" }), "10.0.0.1", proxies).secure, false);
  assert.equal(resolveClient(req(), "5.6.7.8", { ...none, publicUrl: "https://shop.example" }).secure, true);
  assert.equal(resolveClient(req(), "5.6.7.8", { ...none, publicUrl: "http://shop.example" }).secure, false);
  assert.equal(resolveClient(req({}, "https://shop.test/"), "5.6.7.8", none).secure, true);
});

Deno.test("peerAddress reads Deno.serve's remoteAddr, normalised; unknown without one", () => {
  assert.equal(peerAddress({ remoteAddr: { hostname: "::ffff:127.0.0.1" } }), "127.0.0.1");
  assert.equal(peerAddress(undefined), "unknown");
});

Deno.test("the middleware puts the client in c.var.client", async () => {
  const app = new Hono();
  app.use(clientInfo(proxies));
  app.get("/", (c) => c.json(c.get("client")));
  const res = await app.request("/", { headers: { "x-forwarded-for": "1.2.3.4" } }, {
    remoteAddr: { hostname: "10.0.0.1" },
  });
  assert.deepEqual(await res.json(), { address: "1.2.3.4", peer: "10.0.0.1", secure: false });
});
