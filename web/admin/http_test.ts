import assert from "node:assert/strict";
import { readForm, safeNext, sessionCookie, sessionIdOf } from "./http.ts";

Deno.test("safeNext keeps admin paths and turns anything else into /admin", () => {
  assert.equal(safeNext("/admin/stock"), "/admin/stock");
  assert.equal(safeNext("/admin?status=paid&q=x"), "/admin?status=paid&q=x");
  assert.equal(safeNext("/admin/orders/abc"), "/admin/orders/abc");
  for (
    const bad of [
      null,
      "",
      "https://evil.example/admin",
      "//evil.example",
      "/adminx",
      "/",
      "/admin/login",
      "/admin\\evil",
    ]
  ) {
    assert.equal(safeNext(bad), "/admin", String(bad));
  }
});

Deno.test("the session cookie is HttpOnly, SameSite=Strict and scoped to /admin; Secure over https", () => {
  assert.equal(
    sessionCookie("abc", 60, false),
    "oms_admin=abc; Max-Age=60; Path=/admin; HttpOnly; SameSite=Strict",
  );
  assert.match(sessionCookie("abc", 60, true), /; Secure$/);
  const req = new Request("http://x/admin", { headers: { cookie: "oms_customer=c-1.sig; oms_admin=abc" } });
  assert.equal(sessionIdOf(req), "abc");
  assert.equal(sessionIdOf(new Request("http://x/admin")), null);
});

Deno.test("readForm reads URL-encoded forms and refuses other types and oversized bodies", async () => {
  const ok = new Request("http://x/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
    body: "a=1&b=%3Cx%3E",
  });
  const form = await readForm(ok);
  assert.equal(form.get("b"), "<x>");
  await assert.rejects(
    readForm(
      new Request("http://x/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    ),
    /URL-encoded/,
  );
  await assert.rejects(
    readForm(
      new Request("http://x/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=" + "x".repeat(20_000),
      }),
    ),
    /larger than/,
  );
});
