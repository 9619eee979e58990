/**
 * Replicas on remote stores (issue 11, item 6): every service's `<SERVICE>_KV_PATH` is a KV Connect URL
 * (a stand-in per service, `tests/kv_connect/`, spoken to by Deno's own KV client in each process), and
 * orders and stock run twice. Two chains share the stores: web A -> orders 1 -> stock 1 and
 * web B -> orders 2 -> stock 2; both orders and both stock processes also compete on their queues.
 * Through both chains: the happy path, one order for one idempotency key, and the 50-buyer race.
 */
import assert from "node:assert/strict";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { StockServiceClient } from "../services/common/gen/oms/stock/v1/stock.ts";
import { TEST_STAFF } from "../services/common/auth/testing.ts";
import { type KvConnectStandIn, startKvConnectStandIn } from "./kv_connect/stand_in.ts";
import { freePort } from "../scripts/launcher.ts";
import { type ApiResponse, eventually, startSystem, type System } from "./system.ts";

const SERVICES = ["orders", "stock", "payments", "kitchen"] as const;

/** A JSON request to the gateway at `base`. */
async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Places an order at `base` as `customer`. */
function placeOrder(base: string, customer: string, body: unknown, headers: Record<string, string>) {
  return call(base, "POST", `/api/customers/${customer}/orders`, body, headers);
}

function sessionOf(link: string): string {
  const m = link.match(/\/pay\/([^/?#]+)/);
  assert.ok(m, `local payment link ${link} names a session`);
  return m[1]!;
}

Deno.test("two orders and two stock processes on KV Connect stores: happy path, idempotent create, the 50-buyer race", async (t) => {
  const token = `kv-${crypto.randomUUID()}`;
  const servers: KvConnectStandIn[] = [];
  let sys: System | undefined;
  const stock2Clients: StockServiceClient[] = [];
  try {
    for (const _ of SERVICES) servers.push(await startKvConnectStandIn({ accessToken: token }));
    const kvEnv = Object.fromEntries(SERVICES.map((s, i) => [`${s.toUpperCase()}_KV_PATH`, servers[i]!.url]));
    // deadlines for a busy CI machine: the race is about who gets a unit, never about a timeout (a
    // request that timed out after stock reserved would hold a unit until the sweeper frees it)
    const deadlines = { STOCK_TIMEOUT_MS: "30000", RPC_TIMEOUT_MS: "30000" };
    sys = await startSystem({ env: { ...kvEnv, ...deadlines, DENO_KV_ACCESS_TOKEN: token } });
    // the second chain's ports are known before it starts, so its three processes start together
    const [stock2Port, orders2Port] = [freePort(), freePort()];
    const [stock2, orders2, web2] = await Promise.all([
      sys.replica("stock", { STOCK_GRPC_PORT: String(stock2Port) }),
      sys.replica("orders", { ORDERS_GRPC_PORT: String(orders2Port), STOCK_ADDR: `127.0.0.1:${stock2Port}` }),
      sys.replica("web", { ORDERS_ADDR: `127.0.0.1:${orders2Port}`, STOCK_ADDR: `127.0.0.1:${stock2Port}` }),
    ]);
    assert.equal(stock2.port, stock2Port);
    assert.equal(orders2.port, orders2Port);
    const webs = [sys.url, web2.url];
    const s = sys;
    const stockB = connect(StockServiceClient, stock2.addr, s.serviceToken, { staff: TEST_STAFF });
    stock2Clients.push(stockB);
    const item = async (id: string, via: StockServiceClient = s.stock) =>
      (await rpc(via, "getItem", { id })).item!;
    const order = async (base: string, customer: string, id: string) => {
      const res = await call(
        base,
        "GET",
        `/api/customers/${customer}/orders/${id}`,
        undefined,
        await s.proof(customer),
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };

    await t.step(
      "happy path: ordered through web A, paid, prepared and completed, seen alike through web B",
      async () => {
        const before = await item("1");
        const created = await call(
          webs[0]!,
          "POST",
          "/api/customers/2/orders",
          { ID: 1, Quantity: 2 },
          await s.proof("2"),
        );
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const o = created.body;
        assert.equal(o.status, "waiting_payment");
        const reserved = await item("1", stockB); // the other stock replica reads the same store
        assert.equal(reserved.available, before.available - 2);
        assert.equal(reserved.reserved, before.reserved + 2);

        const paid = await call(webs[1]!, "POST", `/api/payments/local/${sessionOf(o.paymentLink)}`, {
          outcome: "pay",
        });
        assert.ok(paid.status < 400, JSON.stringify(paid.body));
        await eventually(async () => (await order(webs[1]!, "2", o.id)).status === "paid", "order paid");
        await eventually(
          async () => (await rpc(s.kitchen, "getTicket", { orderId: o.id }).catch(() => undefined))?.ticket,
          "kitchen ticket",
        );
        await eventually(async () => (await item("1", stockB)).sold === before.sold + 2, "stock sold");
        await rpc(s.kitchen, "startTicket", { orderId: o.id });
        await eventually(
          async () => (await order(webs[0]!, "2", o.id)).status === "preparing",
          "order preparing",
        );
        await rpc(s.kitchen, "completeTicket", { orderId: o.id });
        await eventually(async () => (await order(webs[1]!, "2", o.id)).status === "ready", "order ready");
        await rpc(s.orders, "advanceOrder", { orderId: o.id });
        const done = await order(webs[1]!, "2", o.id);
        assert.deepEqual(
          done.timeline.map((x: { status: string }) => x.status),
          ["pending", "waiting_payment", "paid", "preparing", "ready", "completed"],
        );
        const after = await item("1");
        assert.equal(after.sold, before.sold + 2, "sold exactly once");
        assert.equal(after.reserved, before.reserved);
      },
    );

    await t.step("one idempotency key sent 8 times at once through both chains makes one order", async () => {
      const before = await item("2");
      const proof = await s.proof("idem-1");
      const headers = { ...proof, "Idempotency-Key": "checkout-remote-1" };
      const results = await Promise.all(
        Array.from(
          { length: 8 },
          (_, i) => placeOrder(webs[i % 2]!, "idem-1", { ID: "2", Quantity: 1 }, headers),
        ),
      );
      for (const r of results) assert.ok(r.status === 201 || r.status === 202, JSON.stringify(r.body));
      const ids = new Set(results.map((r) => r.body.id));
      assert.equal(ids.size, 1, `one order id for one key: ${[...ids].join(", ")}`);
      const list = await call(webs[1]!, "GET", "/api/customers/idem-1/orders", undefined, proof);
      assert.equal(list.body.orders.length, 1, "one order stored");
      const after = await item("2", stockB);
      assert.equal(after.reserved, before.reserved + 1, "reserved once");
    });

    await t.step(
      "50 buyers through both chains for 20 left: exactly 20 succeed, stock ends at 0 on both replicas",
      async () => {
        const start = await item("3");
        if (start.available > 20) {
          const res = await call(webs[0]!, "POST", "/api/customers/setup/orders", {
            items: [{ id: "3", quantity: start.available - 20 }],
          }, await s.proof("setup"));
          assert.equal(res.status, 201, JSON.stringify(res.body));
        }
        assert.equal((await item("3", stockB)).available, 20);
        // each chain places an order of another item first: until now only one chain has run CreateOrder
        // through its stock, and a chain meeting the rush with code not yet compiled can lose every race
        // on a loaded machine (20 + 0), which says nothing about the race itself
        for (const [i, web] of webs.entries()) {
          const warm = await placeOrder(
            web,
            `warm-${i}`,
            { ID: "4", Quantity: 1 },
            await s.proof(`warm-${i}`),
          );
          assert.ok(warm.status === 201 || warm.status === 202, JSON.stringify(warm.body));
        }
        // each buyer sends one request: every buyer ends with an order or none
        const results = await Promise.all(
          Array.from(
            { length: 50 },
            async (_, i) =>
              placeOrder(webs[i % 2]!, `rush-${i}`, { ID: "3", Quantity: 1 }, {
                ...await s.proof(`rush-${i}`),
                "Idempotency-Key": `rush-${i}`,
              }),
          ),
        );
        // 201, or 202 when payments was slow to make the link: an order either way, its unit reserved
        const ordered = (x: number) => x === 201 || x === 202;
        const statuses = results.map((r) => r.status);
        assert.equal(
          statuses.filter(ordered).length,
          20,
          `statuses: ${statuses.join(",")} `,
        );
        assert.equal(statuses.filter((x) => x === 409).length, 30);
        const won = [0, 1].map((w) => results.filter((r, i) => i % 2 === w && ordered(r.status)).length);
        assert.ok(won[0]! > 0 && won[1]! > 0, `both chains sold some (${won.join(" + ")})`);
        for (const via of [s.stock, stockB]) {
          const end = await item("3", via);
          assert.equal(end.available, 0);
          assert.equal(end.reserved, start.reserved + start.available);
        }
      },
    );
    await t.step("no process wrote the access token in its output", () => {
      for (const proc of [...Object.values(s.procs), stock2.proc, orders2.proc, web2.proc]) {
        assert.ok(!proc.lines.some((l) => l.includes(token)), `${proc.name} never logs DENO_KV_ACCESS_TOKEN`);
      }
    });
  } finally {
    for (const c of stock2Clients) c.close();
    await sys?.stop();
    for (const server of servers) await server.close();
  }
});
