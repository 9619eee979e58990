import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientInfo } from "./client_info.ts";
import { ipMatcher } from "./ip_matcher.ts";
import { secureCookies, withSecure } from "./secure_cookies.ts";

Deno.test("withSecure adds Secure once", () => {
  assert.equal(withSecure("a=1; Path=/"), "a=1; Path=/; Secure");
  assert.equal(withSecure("a=1; Secure; HttpOnly"), "a=1; Secure; HttpOnly");
  assert.equal(withSecure("a=1; secure"), "a=1; secure");
  assert.equal(withSecure("secure=1"), "secure=1; Secure", "a cookie named secure is not the attribute");
});

Deno.test("over HTTPS every Set-Cookie gets Secure, over HTTP none is changed", async () => {
  for (const publicUrl of ["https://shop.example", "http://shop.example"]) {
    const app = new Hono();
    app.use(clientInfo({ trustedProxies: ipMatcher([]), publicUrl }));
    app.use(secureCookies());
    app.get("/", (c) => {
      const headers = new Headers([["Set-Cookie", "a=1; HttpOnly"], ["Set-Cookie", "b=2; Secure"]]);
      c.header("X-Seen", "1");
      return new Response("ok", { headers });
    });
    const tls = publicUrl.startsWith("https");
    const res = await app.request("/");
    assert.deepEqual(
      res.headers.getSetCookie(),
      tls ? ["a=1; HttpOnly; Secure", "b=2; Secure"] : [
        "a=1; HttpOnly",
        "b=2; Secure",
      ],
    );
  }
});
