import assert from "node:assert/strict";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { RpcError } from "../common/errors.ts";
import { firedCounts, resetFiredCounts } from "../common/flags/fired.ts";
import { useFlagValues } from "../common/flags/testing.ts";
import { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { ServingStatus } from "../common/health.ts";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { checkGrpcHealth } from "../../scripts/grpc_health.ts";
import {
  STOCK_CANCELLED_MSG,
  STOCK_UNAVAILABLE_MSG,
  stockFlagEffects,
  withStockFailureFlags,
} from "./failure_flags.ts";
import { stockService } from "./grpc_handlers.ts";
import { seedCatalog } from "./store.ts";

const log = createLogger("stock", "error");

async function withStock(fn: (client: StockServiceClient, addr: string) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  await seedCatalog(kv);
  const served = stockService(
    kv,
    unitOfWork({ kv, kick: () => {}, log }),
    log,
    new StaffClaims(TEST_SERVICE_TOKEN),
  );
  const server = await startGrpcServer("127.0.0.1", 0, [withStockFailureFlags(served)], {
    serviceToken: TEST_SERVICE_TOKEN,
  });
  server.health.setAll(ServingStatus.SERVING);
  const addr = `127.0.0.1:${server.port}`;
  const client = connect(StockServiceClient, addr, TEST_SERVICE_TOKEN);
  try {
    await fn(client, addr);
  } finally {
    client.close();
    await server.stop(100);
    kv.close();
  }
}

Deno.test("stockUnavailable answers every stock call UNAVAILABLE naming the flag, while health still answers SERVING", async () => {
  resetFiredCounts();
  await withStock(async (client, addr) => {
    const flags = useFlagValues({ stockUnavailable: true });
    try {
      const err = await rpc(client, "listItems", {}).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof RpcError, String(err));
      assert.equal(err.code, "unavailable");
      assert.match(err.message, new RegExp(STOCK_UNAVAILABLE_MSG.replace(/[()]/g, "\\$&")));
      assert.equal(await checkGrpcHealth(addr), "SERVING");
      assert.equal(firedCounts().stockUnavailable, 1);
      flags.set("stockUnavailable", false);
      assert.ok((await rpc(client, "listItems", {})).items.length > 0, "served again once the flag is off");
    } finally {
      flags.restore();
    }
  });
});

Deno.test("stockSlowMs delays stock calls by its value; flags off, calls are not delayed", async () => {
  resetFiredCounts();
  await withStock(async (client) => {
    await rpc(client, "listItems", {}); // warm the connection
    const flags = useFlagValues({ stockSlowMs: 200 });
    try {
      let started = performance.now();
      await rpc(client, "listItems", {});
      assert.ok(performance.now() - started >= 195, "delayed by the flag");
      assert.equal(firedCounts().stockSlowMs, 1);
      flags.restore();
      started = performance.now();
      await rpc(client, "listItems", {});
      assert.ok(performance.now() - started < 150, "not delayed with flags off");
    } finally {
      flags.restore();
    }
  });
});

Deno.test("a call whose deadline passes during the stockSlowMs delay is answered CANCELLED without running its handler: no stock is held for an order orders gave up on", async () => {
  resetFiredCounts();
  await withStock(async (client) => {
    await rpc(client, "listItems", {}); // warm the connection
    const flags = useFlagValues({ stockSlowMs: 300 });
    try {
      const err = await rpc(client, "reserveItems", {
        orderId: "o-gave-up",
        items: [{ itemId: "1", quantity: 1 }],
      }, { timeoutMs: 80 }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof RpcError, String(err));
      assert.equal(err.code, "unavailable", "the client saw its deadline pass (mapped to unavailable)");
      assert.match(err.message, /Deadline exceeded/i);
      await new Promise((r) => setTimeout(r, 400)); // past the delay: the handler would have run by now
      flags.restore();
      const after = await rpc(client, "getReservation", { orderId: "o-gave-up" }).then(
        () => "reserved",
        (e: unknown) => e instanceof RpcError ? e.code : String(e),
      );
      assert.equal(after, "not_found", "the reservation was never made");
    } finally {
      flags.restore();
    }
  });
});

Deno.test("stockFlagEffects answers CANCELLED for a call cancelled during the delay, and lets a live call run", async () => {
  const flags = useFlagValues({ stockSlowMs: 20 });
  try {
    const cancelled = await stockFlagEffects("reserveItems", { cancelled: true });
    assert.equal(cancelled?.code, GrpcStatus.CANCELLED);
    assert.equal(cancelled?.details, STOCK_CANCELLED_MSG);
    assert.equal(await stockFlagEffects("reserveItems", { cancelled: false }), undefined);
  } finally {
    flags.restore();
  }
});
