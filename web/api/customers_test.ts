import assert from "node:assert/strict";
import { Hono } from "hono";
import { customerCookie } from "../customer.ts";
import type { CustomerAuth } from "../customer_auth.ts";
import { issueToken, verifyToken } from "../customer_token.ts";
import { customersRoutes, type CustomerTokenJson } from "./customers.ts";
import { toApiError } from "./errors.ts";

const auth: CustomerAuth = { secret: "k".repeat(40), randomSecret: false, open: false };

function app() {
  const a = new Hono();
  a.route("/", customersRoutes({ customerAuth: auth }));
  a.onError((err, c) => {
    const e = toApiError(err);
    return c.json(e.toJSON(), e.status);
  });
  return a;
}

Deno.test("POST /api/customers without proof makes a new customer and a token that proves it", async () => {
  const a = app();
  const res = await a.request("/api/customers", { method: "POST" });
  assert.equal(res.status, 201);
  const body = await res.json() as CustomerTokenJson;
  assert.match(body.customerId, /^c-[A-Za-z0-9_-]{22}$/);
  assert.equal(res.headers.get("location"), `/api/customers/${body.customerId}/orders`);
  assert.equal(await verifyToken(body.token, auth.secret), body.customerId);
  const again = await (await a.request("/api/customers", { method: "POST" })).json() as CustomerTokenJson;
  assert.notEqual(again.customerId, body.customerId, "every call without proof is a new customer");
});

Deno.test("POST /api/customers with a token or the cookie renews the token of that same customer", async () => {
  const a = app();
  const id = "c-zzzzzzzzzzzzzzzzzzzzzz";
  const cookie = (await customerCookie(id, auth.secret, false)).split(";")[0]!;
  const proofs: Record<string, string>[] = [
    { authorization: `Bearer ${await issueToken(id, auth.secret)}` },
    {
      cookie,
    },
  ];
  for (const headers of proofs) {
    const res = await a.request("/api/customers", { method: "POST", headers });
    assert.equal(res.status, 200);
    const body = await res.json() as CustomerTokenJson;
    assert.equal(body.customerId, id);
    assert.equal(await verifyToken(body.token, auth.secret), id);
  }
});

Deno.test("POST /api/customers with a bad token is 401, not a new customer", async () => {
  const res = await app().request("/api/customers", {
    method: "POST",
    headers: { authorization: "Bearer x" },
  });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, "invalid_token");
});
