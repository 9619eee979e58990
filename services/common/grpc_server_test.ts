import assert from "node:assert/strict";
import {
  credentials,
  Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
  status as GrpcStatus,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { HealthClient } from "./gen/grpc/health/v1/health.ts";
import { type GetItemResponse, StockServiceClient, StockServiceService } from "./gen/oms/stock/v1/stock.ts";
import { connect, rpc } from "./grpc_client.ts";
import { startGrpcServer } from "./grpc_server.ts";
import { ServingStatus } from "./health.ts";
import { TEST_SERVICE_TOKEN } from "./auth/testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "a draining server reports NOT_SERVING and refuses new calls while an in-flight call still finishes",
  opts,
  async () => {
    const entered = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const slow: UntypedServiceImplementation = {
      getItem: async (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<GetItemResponse>) => {
        entered.resolve();
        await release.promise;
        cb(null, { item: undefined });
      },
    };
    const server = await startGrpcServer("127.0.0.1", 0, [
      { definition: StockServiceService, name: "oms.stock.v1.StockService", implementation: slow },
    ], { serviceToken: TEST_SERVICE_TOKEN });
    const addr = `127.0.0.1:${server.port}`;
    const health = new HealthClient(addr, credentials.createInsecure());
    const stock = connect(StockServiceClient, addr, TEST_SERVICE_TOKEN);
    try {
      assert.equal(
        (await rpc(health, "check", { service: "" })).status,
        ServingStatus.NOT_SERVING,
        "starting",
      );
      server.health.setAll(ServingStatus.SERVING);

      const seen: ServingStatus[] = [];
      const watch = health.watch({ service: "oms.stock.v1.StockService" });
      const watchEnded = new Promise<void>((resolve) => {
        watch.on("data", (m: { status: ServingStatus }) => seen.push(m.status));
        watch.on("end", () => resolve());
        watch.on("error", () => resolve());
      });
      while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(seen, [ServingStatus.SERVING]);

      let inFlightDone = false;
      const inFlight = rpc(stock, "getItem", { id: "1" }, { timeoutMs: 10_000 }).then((r) => {
        inFlightDone = true;
        return r;
      });
      await entered.promise;

      let stopped = false;
      const stopping = server.stop(5000).then(() => stopped = true);
      await watchEnded;
      assert.deepEqual(
        seen,
        [ServingStatus.SERVING, ServingStatus.NOT_SERVING],
        "watchers saw the drain start",
      );
      assert.equal(inFlightDone, false, "the in-flight call is still running while NOT_SERVING");
      assert.equal(stopped, false, "stop waits for the in-flight call");

      const fresh = connect(StockServiceClient, addr, TEST_SERVICE_TOKEN);
      await assert.rejects(
        rpc(fresh, "getItem", { id: "1" }, { timeoutMs: 1000 }),
        "no new calls while draining",
      );
      fresh.close();

      release.resolve();
      assert.deepEqual(await inFlight, { item: undefined }, "the in-flight call finished normally");
      await stopping;
      assert.equal(stopped, true);
    } finally {
      release.resolve();
      health.close();
      stock.close();
      await server.stop(100);
    }
  },
);

Deno.test("stop() forces the shutdown after its grace period when a call never finishes", opts, async () => {
  const never: UntypedServiceImplementation = {
    getItem: (_call: ServerUnaryCall<unknown, unknown>, _cb: sendUnaryData<GetItemResponse>) => {},
  };
  const server = await startGrpcServer("127.0.0.1", 0, [
    { definition: StockServiceService, name: "oms.stock.v1.StockService", implementation: never },
  ], { serviceToken: TEST_SERVICE_TOKEN });
  const stock = connect(StockServiceClient, `127.0.0.1:${server.port}`, TEST_SERVICE_TOKEN);
  try {
    const stuck = rpc(stock, "getItem", { id: "1" }, { timeoutMs: 10_000 }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    await server.stop(300);
    const ms = performance.now() - started;
    assert.ok(ms >= 250 && ms < 2000, `stop returned after the grace period (${Math.round(ms)} ms)`);
    assert.ok(await stuck instanceof Error, "the stuck call was cut off");
  } finally {
    stock.close();
  }
});

/** The gRPC status code a call failed with (through `rpc`'s RpcError and its cause). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return GrpcStatus.OK;
  } catch (err) {
    const cause = (err as { cause?: Partial<ServiceError> }).cause;
    assert.ok(cause && typeof cause.code === "number", `a gRPC failure, got ${err}`);
    return cause.code;
  }
}

Deno.test(
  "a service answers only calls with the service token (UNAUTHENTICATED before its handler runs); health needs none",
  opts,
  async () => {
    let handled = 0;
    const impl: UntypedServiceImplementation = {
      getItem: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<GetItemResponse>) => {
        handled++;
        cb(null, { item: undefined });
      },
    };
    const server = await startGrpcServer("127.0.0.1", 0, [
      { definition: StockServiceService, name: "oms.stock.v1.StockService", implementation: impl },
    ], { serviceToken: TEST_SERVICE_TOKEN });
    server.health.setAll(ServingStatus.SERVING);
    const addr = `127.0.0.1:${server.port}`;
    const bare = new StockServiceClient(addr, credentials.createInsecure());
    const wrong = connect(StockServiceClient, addr, `${TEST_SERVICE_TOKEN}-not-this-one`);
    const right = connect(StockServiceClient, addr, TEST_SERVICE_TOKEN);
    const health = new HealthClient(addr, credentials.createInsecure());
    try {
      assert.equal(await statusOf(rpc(bare, "getItem", { id: "1" })), GrpcStatus.UNAUTHENTICATED, "no token");
      assert.equal(
        await statusOf(rpc(wrong, "getItem", { id: "1" })),
        GrpcStatus.UNAUTHENTICATED,
        "wrong token",
      );
      const forged = new Metadata();
      forged.set("authorization", "Bearer ");
      assert.equal(
        await statusOf(rpc(bare, "getItem", { id: "1" }, { metadata: forged })),
        GrpcStatus.UNAUTHENTICATED,
        "empty bearer",
      );
      assert.equal(handled, 0, "the handler never ran for a refused call");
      assert.deepEqual(await rpc(right, "getItem", { id: "1" }), { item: undefined });
      assert.equal(handled, 1);
      assert.equal(
        (await rpc(health, "check", { service: "" })).status,
        ServingStatus.SERVING,
        "health, no token",
      );
    } finally {
      for (const c of [bare, wrong, right, health]) c.close();
      await server.stop(100);
    }
  },
);
