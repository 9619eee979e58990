import assert from "node:assert/strict";
import { Hono } from "hono";
import { ConfigError } from "../services/common/config.ts";
import { toApiError } from "./api/errors.ts";
import { customerCookie } from "./customer.ts";
import { authorizeCustomer, type CustomerAuth, customerAuthFromEnv } from "./customer_auth.ts";
import { issueToken } from "./customer_token.ts";

const SECRET = "x".repeat(48);
const ALICE = "c-aaaaaaaaaaaaaaaaaaaaaa";
const BOB = "c-bbbbbbbbbbbbbbbbbbbbbb";

function app(open: boolean) {
  const auth: CustomerAuth = { secret: SECRET, randomSecret: false, open };
  const a = new Hono();
  a.get("/c/:id", async (c) => {
    await authorizeCustomer(c, auth, c.req.param("id"));
    return c.json({ ok: true });
  });
  a.onError((err, c) => {
    const e = toApiError(err);
    return c.json(e.toJSON(), e.status, e.headers);
  });
  return a;
}

const bearer = async (id: string, secret = SECRET) => ({
  authorization: `Bearer ${await issueToken(id, secret)}`,
});
const cookie = async (id: string) => ({ cookie: (await customerCookie(id, SECRET, false)).split(";")[0]! });

async function code(res: Response): Promise<string> {
  return (await res.json() as { error?: { code: string } }).error?.code ?? "ok";
}

Deno.test("the path's customer with their token or cookie is let in", async () => {
  const a = app(false);
  assert.equal((await a.request(`/c/${ALICE}`, { headers: await bearer(ALICE) })).status, 200);
  assert.equal((await a.request(`/c/${ALICE}`, { headers: await cookie(ALICE) })).status, 200);
  assert.equal((await a.request(`/c/legacy-2`, { headers: await bearer("legacy-2") })).status, 200);
});

Deno.test("no proof is 401 unauthenticated with WWW-Authenticate", async () => {
  const res = await app(false).request(`/c/${ALICE}`);
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
  assert.equal(await code(res), "unauthenticated");
});

Deno.test("a bad token is 401 invalid_token, even with a valid cookie and even in open mode", async () => {
  for (const open of [false, true]) {
    for (
      const authorization of [
        "Bearer nope",
        "Basic YWxpY2U6eA==",
        `Bearer ${await issueToken(ALICE, "y".repeat(48))}`,
        `Bearer`,
      ]
    ) {
      const res = await app(open).request(`/c/${ALICE}`, {
        headers: { authorization, ...await cookie(ALICE) },
      });
      assert.equal(res.status, 401, `${open} ${authorization}`);
      assert.equal(await code(res), "invalid_token");
    }
  }
});

Deno.test("another customer's token or cookie is 403 forbidden; the token wins over the cookie", async () => {
  const a = app(false);
  for (
    const headers of [await bearer(BOB), await cookie(BOB), { ...await bearer(BOB), ...await cookie(ALICE) }]
  ) {
    const res = await a.request(`/c/${ALICE}`, { headers });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(await code(res), "forbidden");
  }
});

Deno.test("open mode (dev) lets a request without proof act as the path's customer", async () => {
  const a = app(true);
  assert.equal((await a.request(`/c/${ALICE}`)).status, 200);
  assert.equal((await a.request(`/c/2`)).status, 200);
});

Deno.test("WEB_OPEN_CUSTOMER_API is off unless set true; a bad value names the variable", () => {
  assert.equal(customerAuthFromEnv({}).open, false);
  assert.equal(customerAuthFromEnv({ WEB_OPEN_CUSTOMER_API: "false" }).open, false);
  assert.equal(customerAuthFromEnv({ WEB_OPEN_CUSTOMER_API: "true" }).open, true);
  assert.throws(
    () => customerAuthFromEnv({ WEB_OPEN_CUSTOMER_API: "maybe" }),
    (e) =>
      e instanceof ConfigError && /WEB_OPEN_CUSTOMER_API must be true or false, got "maybe"/.test(e.message),
  );
});

Deno.test("the secret comes from WEB_COOKIE_SECRET (random when unset)", () => {
  assert.deepEqual(customerAuthFromEnv({ WEB_COOKIE_SECRET: SECRET }), {
    secret: SECRET,
    randomSecret: false,
    open: false,
  });
  const r = customerAuthFromEnv({});
  assert.equal(r.randomSecret, true);
  assert.ok(r.secret.length >= 32);
});
