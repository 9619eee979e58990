import assert from "node:assert/strict";
import { connect } from "../../services/common/grpc_client.ts";
import { type GrpcServerHandle, startGrpcServer } from "../../services/common/grpc_server.ts";
import { ServingStatus } from "../../services/common/health.ts";
import { createLogger } from "../../services/common/log.ts";
import { KitchenServiceClient } from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { OrdersServiceClient } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { PaymentsServiceClient } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { StockServiceClient } from "../../services/common/gen/oms/stock/v1/stock.ts";
import { createApp } from "../server.ts";
import type { AppDeps } from "./deps.ts";
import { READY_PEERS } from "./health.ts";
import { TEST_SERVICE_TOKEN } from "../../services/common/auth/testing.ts";
import { StaffClaims } from "../../services/common/auth/staff_claim.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** Four health-only gRPC servers standing in for the services, and the gateway app over them. */
async function fixture() {
  const servers = {} as Record<(typeof READY_PEERS)[number], GrpcServerHandle>;
  for (const peer of READY_PEERS) {
    servers[peer] = await startGrpcServer("127.0.0.1", 0, [], { serviceToken: TEST_SERVICE_TOKEN });
  }
  const addr = (p: keyof typeof servers) => `127.0.0.1:${servers[p].port}`;
  const deps: AppDeps = {
    clients: {
      orders: connect(OrdersServiceClient, addr("orders"), TEST_SERVICE_TOKEN),
      stock: connect(StockServiceClient, addr("stock"), TEST_SERVICE_TOKEN),
      payments: connect(PaymentsServiceClient, addr("payments"), TEST_SERVICE_TOKEN),
      kitchen: connect(KitchenServiceClient, addr("kitchen"), TEST_SERVICE_TOKEN),
    },
    log: createLogger("test", "error"),
    maxBodyBytes: 16384,
    webhookMaxBodyBytes: 262144,
    rpcTimeoutMs: 5000,
    staffClaims: new StaffClaims(TEST_SERVICE_TOKEN),
  };
  const app = createApp(deps);
  return {
    servers,
    app,
    async stop() {
      for (const c of Object.values(deps.clients)) c.close();
      for (const s of Object.values(servers)) await s.stop(100);
    },
  };
}

Deno.test(
  "GET /readyz is 200 only when orders, stock, payments and kitchen all answer SERVING",
  opts,
  async () => {
    const f = await fixture();
    try {
      const starting = await f.app.request("/readyz");
      assert.equal(starting.status, 503, "every service starts NOT_SERVING");
      assert.deepEqual((await starting.json()).notReady, ["orders", "stock", "payments", "kitchen"]);

      for (const s of Object.values(f.servers)) s.health.setAll(ServingStatus.SERVING);
      const ready = await f.app.request("/readyz");
      assert.equal(ready.status, 200);
      assert.equal(ready.headers.get("cache-control"), "no-store");
      assert.deepEqual(await ready.json(), {
        status: "ready",
        notReady: [],
        services: {
          orders: { status: "SERVING" },
          stock: { status: "SERVING" },
          payments: { status: "SERVING" },
          kitchen: { status: "SERVING" },
        },
      });
    } finally {
      await f.stop();
    }
  },
);

Deno.test(
  "GET /readyz is 503 naming a draining and an unreachable service within the deadline; /healthz stays 200",
  opts,
  async () => {
    const f = await fixture();
    try {
      for (const s of Object.values(f.servers)) s.health.setAll(ServingStatus.SERVING);
      f.servers.payments.health.setAll(ServingStatus.NOT_SERVING); // draining
      await f.servers.kitchen.stop(100); // gone

      const started = performance.now();
      const res = await f.app.request("/readyz");
      const ms = performance.now() - started;
      assert.equal(res.status, 503);
      const body = await res.json();
      assert.equal(body.status, "not_ready");
      assert.deepEqual(body.notReady, ["payments", "kitchen"]);
      assert.deepEqual(body.services.payments, { status: "NOT_SERVING", detail: "answered NOT_SERVING" });
      assert.equal(body.services.kitchen.status, "UNREACHABLE");
      assert.match(body.services.kitchen.detail, /\S/);
      assert.deepEqual(body.services.orders, { status: "SERVING" });
      assert.ok(ms < 2500, `answered within the 2 s deadline (took ${Math.round(ms)} ms)`);

      const alive = await f.app.request("/healthz");
      assert.equal(alive.status, 200, "the process is alive even when its dependencies are not");
    } finally {
      await f.stop();
    }
  },
);

Deno.test(
  "GET /readyz follows a running service that turns NOT_SERVING (broker down) and back: 503 naming it, then 200",
  opts,
  async () => {
    const f = await fixture();
    try {
      for (const s of Object.values(f.servers)) s.health.setAll(ServingStatus.SERVING);
      assert.equal((await f.app.request("/readyz")).status, 200);

      f.servers.stock.health.setAll(ServingStatus.NOT_SERVING); // its broker connection dropped
      const down = await f.app.request("/readyz");
      assert.equal(down.status, 503);
      assert.equal(down.headers.get("cache-control"), "no-store");
      const body = await down.json();
      assert.deepEqual(body.notReady, ["stock"]);
      assert.deepEqual(body.services.stock, { status: "NOT_SERVING", detail: "answered NOT_SERVING" });

      f.servers.stock.health.setAll(ServingStatus.SERVING); // reconnected
      assert.equal((await f.app.request("/readyz")).status, 200);
    } finally {
      await f.stop();
    }
  },
);
