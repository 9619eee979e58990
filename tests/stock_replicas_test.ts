/**
 * Replicas on one host: a second stock process on the KV file a running one holds refuses to start
 * with a clear message and a non-zero exit, before it takes any work; the first keeps serving.
 * (Replicas share a store through a KV Connect URL; see README, "Scaling".)
 */
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import assert from "node:assert/strict";
import { rpc } from "../services/common/grpc_client.ts";
import { ReservationStatus } from "../services/common/gen/oms/stock/v1/stock.ts";
import { freePort } from "../scripts/launcher.ts";
import { startSystem } from "./system.ts";

Deno.test("a second stock process on the same KV file exits with a clear message; the first keeps serving", async () => {
  const dir = await Deno.makeTempDir({ prefix: "oms-replicas-" });
  const kvPath = `${dir}/stock.kv`;
  const sys = await startSystem({
    without: ["payments", "kitchen", "orders", "web"],
    envFor: { stock: { STOCK_KV_PATH: kvPath } },
  });
  try {
    const port = freePort();
    const second = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "services/stock/main.ts"],
      cwd: new URL("..", import.meta.url).pathname,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "/root",
        ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
        STOCK_KV_PATH: kvPath,
        STOCK_GRPC_PORT: String(port),
        AMQP_URL: sys.bus.urls.stock!,
        OMS_BROKER_USER_PREFIX: sys.bus.config.brokerUserPrefix!,
        OMS_SERVICE_TOKEN: generateServiceToken(),
        OMS_ENV: "development",
        OMS_EXCHANGE: sys.bus.config.exchange,
        OMS_QUEUE_PREFIX: sys.bus.config.queuePrefix,
      },
      clearEnv: true,
      stdin: "null",
      signal: AbortSignal.timeout(60_000), // killed if it ever hung instead of refusing
    }).output();
    const stderr = new TextDecoder().decode(second.stderr);
    assert.equal(second.code, 2, `the second process exits non-zero at once\n${stderr}`);
    assert.match(
      stderr,
      new RegExp(
        `stock: refusing to start: Another process already uses the store ${kvPath} \\(pid \\d+\\)\\. ` +
          `Run one process per KV file, or give replicas a KV Connect URL \\(STOCK_KV_PATH=https://<kv server>\\)`,
      ),
    );

    const orderId = crypto.randomUUID();
    const { reservation } = await rpc(sys.stock, "reserveItems", {
      orderId,
      items: [{ itemId: "1", quantity: 1 }],
    });
    assert.equal(reservation?.status, ReservationStatus.RESERVATION_STATUS_RESERVED, "the first one serves");
    assert.ok(sys.procs.stock.running, "and is still running");
  } finally {
    await sys.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
