/**
 * The customer API needs proof of the path's customer: another customer's orders cannot be read,
 * listed or cancelled without their proof, cross-site requests change nothing, tokens from
 * `POST /api/customers` work, and dev's open mode (WEB_OPEN_CUSTOMER_API) answers without proof.
 */
import assert from "node:assert/strict";
import { customerCookie } from "../customer.ts";
import { issueToken } from "../customer_token.ts";
import { createApp } from "../server.ts";
import { errorOf, postJson, proofFor, startSystem, TEST_CUSTOMER_AUTH, type TestSystem } from "../testing.ts";
import type { CustomerTokenJson } from "./customers.ts";
import type { OrderJson } from "./order_json.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const VICTIM = "c-victimvictimvictimvict";
const MALLORY = "c-mallorymallorymallorym";
const victimPath = `/api/customers/${VICTIM}/orders`;

async function cookieOf(customerId: string): Promise<Record<string, string>> {
  return { cookie: (await customerCookie(customerId, TEST_CUSTOMER_AUTH.secret, false)).split(";")[0]! };
}

async function victimOrder(sys: TestSystem): Promise<OrderJson> {
  const res = await sys.request(
    victimPath,
    postJson({ items: [{ id: "2", quantity: 1 }] }, await proofFor(VICTIM)),
  );
  assert.equal(res.status, 201);
  return await res.json() as OrderJson;
}

async function unchanged(sys: TestSystem, order: OrderJson): Promise<void> {
  const res = await sys.request(`${victimPath}/${order.id}`, { headers: await proofFor(VICTIM) });
  assert.equal(res.status, 200);
  assert.equal((await res.json() as OrderJson).status, "waiting_payment", "the victim's order is untouched");
  const list = await (await sys.request(victimPath, { headers: await proofFor(VICTIM) })).json();
  assert.deepEqual(list.orders.map((o: OrderJson) => o.id), [order.id], "no order was added");
}

Deno.test(
  "another customer's orders cannot be read, listed or cancelled without their proof",
  opts,
  async (t) => {
    const sys = await startSystem();
    try {
      const order = await victimOrder(sys);
      const forged = {
        authorization: `Bearer ${await issueToken(VICTIM, "another-secret-of-40-characters-xxxxxxxx")}`,
      };
      const attempts: { name: string; headers: Record<string, string>; status: number; code: string }[] = [
        { name: "no proof", headers: {}, status: 401, code: "unauthenticated" },
        { name: "a token signed with another secret", headers: forged, status: 401, code: "invalid_token" },
        {
          name: "a garbage bearer",
          headers: { authorization: "Bearer abc" },
          status: 401,
          code: "invalid_token",
        },
        {
          name: "another customer's token",
          headers: await proofFor(MALLORY),
          status: 403,
          code: "forbidden",
        },
        {
          name: "another customer's cookie",
          headers: await cookieOf(MALLORY),
          status: 403,
          code: "forbidden",
        },
      ];
      for (const a of attempts) {
        await t.step(`${a.name} -> ${a.status} ${a.code} on list, read, cancel and place`, async () => {
          const requests: [string, RequestInit][] = [
            [victimPath, { headers: a.headers }],
            [`${victimPath}/${order.id}`, { headers: a.headers }],
            [`${victimPath}/${order.id}/cancel`, { method: "POST", headers: a.headers }],
            [victimPath, postJson({ items: [{ id: "1", quantity: 1 }] }, a.headers)],
          ];
          for (const [path, init] of requests) {
            const res = await sys.request(path, init);
            assert.equal(res.status, a.status, `${init.method ?? "GET"} ${path}`);
            const err = await errorOf(res);
            assert.equal(err.code, a.code);
            assert.ok(!JSON.stringify(err).includes(order.id), "the answer does not reveal the order");
            if (a.status === 401) assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
          }
          await unchanged(sys, order);
        });
      }
      await t.step(
        "the attacker's own path with the victim's order id is 404, as a missing order",
        async () => {
          const mallory = await proofFor(MALLORY);
          const path = `/api/customers/${MALLORY}/orders/${order.id}`;
          const read = await sys.request(path, { headers: mallory });
          const missing = await sys.request(`/api/customers/${MALLORY}/orders/${crypto.randomUUID()}`, {
            headers: mallory,
          });
          assert.equal(read.status, 404);
          assert.equal(missing.status, 404);
          assert.equal((await errorOf(read)).code, (await errorOf(missing)).code);
          const cancel = await sys.request(`${path}/cancel`, { method: "POST", headers: mallory });
          assert.equal(cancel.status, 404);
          const list = await (await sys.request(`/api/customers/${MALLORY}/orders`, { headers: mallory }))
            .json();
          assert.deepEqual(list.orders, []);
          await unchanged(sys, order);
        },
      );
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a cross-site POST is refused 403 and changes nothing, even with the victim's cookie",
  opts,
  async (t) => {
    const sys = await startSystem();
    try {
      const order = await victimOrder(sys);
      const cookie = await cookieOf(VICTIM);
      const variants: Record<string, string>[] = [
        { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
        { origin: "https://evil.example", "content-type": "text/plain" },
        { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
        { origin: "null", "content-type": "text/plain" },
        {
          "sec-fetch-site": "cross-site",
          origin: "https://evil.example",
          "content-type": "application/json",
        },
      ];
      for (const headers of variants) {
        await t.step(JSON.stringify(headers), async () => {
          const all = { ...headers, ...cookie };
          const body = JSON.stringify({ items: [{ id: "1", quantity: 1 }] });
          for (
            const [path, init] of [
              [`${victimPath}/${order.id}/cancel`, { method: "POST", headers: all, body: "x" }],
              [victimPath, { method: "POST", headers: all, body }],
              ["/api/customers", { method: "POST", headers: all }],
            ] as [string, RequestInit][]
          ) {
            const res = await sys.request(path, init);
            assert.equal(res.status, 403, path);
            assert.equal((await errorOf(res)).code, "cross_site");
          }
          await unchanged(sys, order);
        });
      }
      await t.step("the same cancel from the shop's own page goes through", async () => {
        const res = await sys.request(`${victimPath}/${order.id}/cancel`, {
          method: "POST",
          headers: { ...cookie, "sec-fetch-site": "same-origin", origin: "http://localhost" },
        });
        assert.equal(res.status, 200);
        assert.equal((await res.json() as OrderJson).status, "cancelled");
      });
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a token from POST /api/customers places, lists, reads and cancels that customer's orders",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const issued = await sys.request("/api/customers", { method: "POST" });
      assert.equal(issued.status, 201);
      const { customerId, token } = await issued.json() as CustomerTokenJson;
      const auth = { authorization: `Bearer ${token}` };
      const orders = `/api/customers/${customerId}/orders`;
      const placed = await sys.request(orders, postJson({ items: [{ id: "3", quantity: 1 }] }, auth));
      assert.equal(placed.status, 201);
      const order = await placed.json() as OrderJson;
      assert.equal(order.customerId, customerId);
      assert.ok(!order.paymentLink.includes(customerId), "the payment link carries no customer id");
      const list = await (await sys.request(orders, { headers: auth })).json();
      assert.deepEqual(list.orders.map((o: OrderJson) => o.id), [order.id]);
      assert.equal((await sys.request(`${orders}/${order.id}`, { headers: auth })).status, 200);
      // curl-style: no Origin, no Sec-Fetch-Site, no content type
      const cancel = await sys.request(`${orders}/${order.id}/cancel`, { method: "POST", headers: auth });
      assert.equal(cancel.status, 200);
      assert.equal((await cancel.json() as OrderJson).status, "cancelled");
      // the token does not open anyone else's orders
      assert.equal((await sys.request(victimPath, { headers: auth })).status, 403);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "dev's open mode (WEB_OPEN_CUSTOMER_API) serves the path's customer without proof",
  opts,
  async () => {
    const sys = await startSystem();
    try {
      const open = createApp({ ...sys.deps, customerAuth: { ...TEST_CUSTOMER_AUTH, open: true } });
      const placed = await open.request("/api/customers/2/orders", postJson({ ID: 1, Quantity: 2 }));
      assert.equal(placed.status, 201);
      const order = await placed.json() as OrderJson;
      assert.equal(order.customerId, "2");
      const list = await (await open.request("/api/customers/2/orders")).json();
      assert.deepEqual(list.orders.map((o: OrderJson) => o.id), [order.id]);
      // the same request without the flag needs proof
      assert.equal((await sys.request("/api/customers/2/orders")).status, 401);
      // cross-site is refused in open mode too
      const cross = await open.request(`/api/customers/2/orders/${order.id}/cancel`, {
        method: "POST",
        headers: { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      });
      assert.equal(cross.status, 403);
    } finally {
      await sys.stop();
    }
  },
);
