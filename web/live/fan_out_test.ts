/**
 * The live order page end to end: many SSE clients on one order share one upstream watch.
 */
import assert from "node:assert/strict";
import { credentials, InterceptingCall, type Interceptor, Metadata } from "@grpc/grpc-js";
import { serviceTokenInterceptor } from "../../services/common/auth/service_credential.ts";
import { TEST_STAFF } from "../../services/common/auth/testing.ts";
import { CLIENT_OPTIONS, rpc } from "../../services/common/grpc_client.ts";
import { OrdersServiceClient } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { OrderJson } from "../api/order_json.ts";
import { pagesApp, startPagesSystem } from "../pages_testing.ts";
import { postJson } from "../testing.ts";
import { closeLiveHub, liveHub } from "./hub.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/**
 * An orders client that counts its calls by method; with `watchDelayMs`, each message of a
 * `WatchOrders` stream reaches web that much later (in order), as from a watch lagging behind.
 */
function countingOrdersClient(addr: string, token: string, watchDelayMs = 0) {
  const calls = new Map<string, number>();
  const counter: Interceptor = (options, next) => {
    const method = options.method_definition.path.split("/").pop()!;
    calls.set(method, (calls.get(method) ?? 0) + 1);
    if (method !== "WatchOrders" || watchDelayMs === 0) return new InterceptingCall(next(options));
    return new InterceptingCall(next(options), {
      start(metadata, _listener, start) {
        start(metadata, {
          onReceiveMessage: (message, deliver) => setTimeout(() => deliver(message), watchDelayMs),
        });
      },
    });
  };
  const client = new OrdersServiceClient(addr, credentials.createInsecure(), {
    ...CLIENT_OPTIONS,
    interceptors: [serviceTokenInterceptor(token), counter],
  });
  return { client, calls };
}

/** The `order` events of an SSE response until it ends. */
async function statusesUntilEnd(res: Response): Promise<string[]> {
  const text = await res.text();
  return text.split("\n\n").filter((b) => b.startsWith("event: order")).map((b) =>
    (JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as OrderJson).status
  );
}

/**
 * Runs `fn` on the pages app over the real system, its orders client counting calls, with a browser
 * that has visited the menu and a way to place an order as it; stops everything after.
 */
async function withCountedPages(
  fn: (ctx: {
    sys: Awaited<ReturnType<typeof startPagesSystem>>;
    app: Awaited<ReturnType<typeof pagesApp>>["app"];
    deps: Awaited<ReturnType<typeof startPagesSystem>>["deps"];
    calls: Map<string, number>;
    b: ReturnType<Awaited<ReturnType<typeof startPagesSystem>>["browser"]>;
    place: () => Promise<OrderJson>;
  }) => Promise<void>,
  watchDelayMs = 0,
): Promise<void> {
  const sys = await startPagesSystem();
  const counted = countingOrdersClient(sys.config.ordersAddr, sys.config.serviceToken, watchDelayMs);
  const deps = { ...sys.deps, clients: { ...sys.deps.clients, orders: counted.client } };
  try {
    const { app } = await pagesApp(deps);
    const b = sys.browser();
    await (await b.get("/")).body?.cancel();
    const place = async () =>
      await (await b.get(
        `/api/customers/${b.customerId()}/orders`,
        postJson({ items: [{ id: "1", quantity: 1 }] }),
      )).json() as OrderJson;
    await fn({ sys, app, deps, calls: counted.calls, b, place });
  } finally {
    closeLiveHub(deps);
    counted.client.close();
    await sys.stop();
  }
}

Deno.test(
  "200 SSE clients on one order page all see each transition, over one upstream watch stream",
  opts,
  async () => {
    await withCountedPages(async ({ sys, app, calls, b, place }) => {
      const order = await place();
      assert.equal(order.status, "waiting_payment");

      const streams = await Promise.all(
        Array.from(
          { length: 200 },
          () => app.request(`/orders/${order.id}/events`, { headers: { cookie: b.cookie } }),
        ),
      );
      assert.ok(streams.every((r) => r.status === 200));
      const seen = streams.map(statusesUntilEnd);

      // paid (through payments' event), then refunded by staff: a final status ends every stream
      const payPath = new URL(order.paymentLink).pathname;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await b.get(payPath)).text())?.[1] ?? "";
      const pay = await b.get(payPath, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, outcome: "pay" }).toString(),
      });
      assert.equal(pay.status, 303);
      const staff = sys.deps.staffClaims.attach(new Metadata(), TEST_STAFF);
      for (let i = 0;; i++) {
        const { order: now } = await rpc(sys.deps.clients.orders, "getOrder", {
          orderId: order.id,
          customerId: "",
          admin: true,
        }, { metadata: staff });
        if (now?.status === 3) break; // ORDER_STATUS_PAID
        assert.ok(i < 200, "the order gets paid");
        await new Promise((r) => setTimeout(r, 25));
      }
      await rpc(sys.deps.clients.orders, "refundOrder", { orderId: order.id, reason: "test" }, {
        metadata: staff,
      });

      const all = await Promise.all(seen);
      // a change that keeps the status (the refund recorded in flight before payments confirms it, a
      // note) comes through with the same status again: compare the transitions
      const transitions = (s: string[]) => s.filter((x, i) => x !== s[i - 1]);
      for (const statuses of all) {
        assert.deepEqual(transitions(statuses), ["waiting_payment", "paid", "refunded"]);
      }
      assert.equal(calls.get("WatchOrders"), 1, "one upstream stream for 200 clients");
      assert.equal(calls.get("GetOrder"), 200, "one read per client when it connects, no polling");
    });
  },
);

Deno.test(
  "an order placed while the watch is open: its page shows the latest change the watch passed on, with no GetOrder",
  opts,
  async () => {
    await withCountedPages(async ({ sys, app, deps, calls, b, place }) => {
      // a first page opens the shared watch
      const first = await place();
      const firstStream = await app.request(`/orders/${first.id}/events`, { headers: { cookie: b.cookie } });
      const firstSeen = statusesUntilEnd(firstStream);
      assert.equal(calls.get("GetOrder"), 1, "the first order predates the watch: read once");

      const order = await place();
      const hub = liveHub(deps);
      for (let i = 0; hub.orders.latest(`order:${order.id}`)?.order?.status !== 2; i++) {
        assert.ok(i < 200, "the watch passes the new order on"); // 2 = ORDER_STATUS_WAITING_PAYMENT
        await new Promise((r) => setTimeout(r, 25));
      }
      const streams = await Promise.all(
        Array.from(
          { length: 20 },
          () => app.request(`/orders/${order.id}/events`, { headers: { cookie: b.cookie } }),
        ),
      );
      const seen = streams.map(statusesUntilEnd);
      // somebody else's page of that order: gone, from what the watch said, still without a call
      const other = sys.browser();
      await (await other.get("/")).body?.cancel();
      const stranger =
        await (await app.request(`/orders/${order.id}/events`, { headers: { cookie: other.cookie } }))
          .text();
      assert.match(stranger, /^event: gone$/m);
      assert.doesNotMatch(stranger, /event: order/);

      for (const o of [order, first]) {
        const res = await b.get(`/api/customers/${b.customerId()}/orders/${o.id}/cancel`, { method: "POST" });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      for (const statuses of await Promise.all(seen)) {
        assert.deepEqual(statuses, ["waiting_payment", "cancelled"]);
      }
      assert.deepEqual(await firstSeen, ["waiting_payment", "cancelled"]);
      assert.equal(
        calls.get("GetOrder"),
        1,
        "no read for the 21 pages of the order the watch passed on",
      );
      assert.equal(calls.get("WatchOrders"), 1);
    });
  },
);

Deno.test(
  "an order web creates while the watch is open: its page shows it at once, with no GetOrder, however far the watch lags",
  opts,
  async () => {
    const lagMs = 1500;
    await withCountedPages(async ({ app, deps, calls, b, place }) => {
      const first = await place();
      const firstSeen = statusesUntilEnd(
        await app.request(`/orders/${first.id}/events`, { headers: { cookie: b.cookie } }),
      );
      const hub = liveHub(deps);
      for (let i = 0; hub.orders.latest(`order:${first.id}`) === undefined; i++) {
        assert.ok(i < 400, "the watch passes the first order on"); // it follows from a cursor from then on
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(calls.get("GetOrder"), 1, "the first order predates the watch: read once");

      // placed through this app, whose orders client the hub's watch and observer are on
      const order = await (await app.request(
        `/api/customers/${b.customerId()}/orders`,
        postJson({ items: [{ id: "1", quantity: 1 }] }, { cookie: b.cookie }),
      )).json() as OrderJson;
      assert.equal(
        hub.orders.latest(`order:${order.id}`)?.order?.status,
        2, // ORDER_STATUS_WAITING_PAYMENT
        "remembered as CreateOrder answered it, before the lagging watch passes it on",
      );
      const seen = Array.from({ length: 5 }, async () =>
        statusesUntilEnd(
          await app.request(`/orders/${order.id}/events`, { headers: { cookie: b.cookie } }),
        ));
      const res = await b.get(`/api/customers/${b.customerId()}/orders/${order.id}/cancel`, {
        method: "POST",
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      const firstCancel = await b.get(`/api/customers/${b.customerId()}/orders/${first.id}/cancel`, {
        method: "POST",
      });
      await firstCancel.body?.cancel();
      for (const statuses of await Promise.all(seen)) {
        assert.deepEqual(statuses, ["waiting_payment", "cancelled"], "the watch still brings what follows");
      }
      assert.deepEqual(await firstSeen, ["waiting_payment", "cancelled"]);
      assert.equal(calls.get("GetOrder"), 1, "no read for the pages of the order web created");
      assert.equal(calls.get("WatchOrders"), 1);
    }, lagMs);
  },
);

Deno.test(
  "the server-rendered page of an order the watch passed on needs no GetOrder, shows its customer's view, and is not found for anyone else",
  opts,
  async () => {
    await withCountedPages(async ({ sys, app, deps, calls, b, place }) => {
      // a page's stream keeps the shared watch open
      const first = await place();
      const stream = await app.request(`/orders/${first.id}/events`, { headers: { cookie: b.cookie } });
      const firstSeen = statusesUntilEnd(stream);
      const order = await place();
      const staff = sys.deps.staffClaims.attach(new Metadata(), TEST_STAFF);
      await rpc(sys.deps.clients.orders, "addOrderNote", {
        orderId: order.id,
        text: "Internal: regular, knows the owner",
        visibleToCustomer: false,
      }, { metadata: staff });
      const hub = liveHub(deps);
      for (let i = 0; (hub.orders.latest(`order:${order.id}`)?.order?.notes.length ?? 0) === 0; i++) {
        assert.ok(i < 200, "the watch passes the note on");
        await new Promise((r) => setTimeout(r, 25));
      }
      const reads = calls.get("GetOrder") ?? 0;

      const page = await app.request(`/orders/${order.id}`, { headers: { cookie: b.cookie } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, new RegExp(`#${order.number}`));
      assert.doesNotMatch(html, /regular, knows the owner/, "the customer's view: no internal note");
      const other = sys.browser();
      await (await other.get("/")).body?.cancel();
      const stranger = await app.request(`/orders/${order.id}`, { headers: { cookie: other.cookie } });
      assert.equal(stranger.status, 404);
      await stranger.body?.cancel();
      assert.equal(calls.get("GetOrder") ?? 0, reads, "neither page read the order");

      const cancel = await b.get(`/api/customers/${b.customerId()}/orders/${first.id}/cancel`, {
        method: "POST",
      });
      await cancel.body?.cancel();
      await firstSeen;
    });
  },
);
