import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";

Deno.test("stock config defaults: port 50052 on 127.0.0.1, KV under DATA_DIR", () => {
  const c = loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, DATA_DIR: "/tmp/oms" });
  assert.deepEqual([c.host, c.port, c.kvPath], ["127.0.0.1", 50052, "/tmp/oms/stock.kv"]);
});

Deno.test("stock config reads its variables and names a bad port", () => {
  const c = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    STOCK_GRPC_PORT: "0",
    GRPC_HOST: "0.0.0.0",
    STOCK_KV_PATH: ":memory:",
  });
  assert.deepEqual([c.host, c.port, c.kvPath], ["0.0.0.0", 0, ":memory:"]);
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, STOCK_GRPC_PORT: "70000" }),
    /STOCK_GRPC_PORT/,
  );
});

Deno.test("stock config: unconfirmed reservations are released after 2 minutes by default, swept every 10 s", () => {
  const c = loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN });
  assert.deepEqual([c.reservationTtlMs, c.sweepIntervalMs], [120_000, 10_000]);
  const set = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    STOCK_RESERVATION_TTL_MS: "1500",
    STOCK_SWEEP_INTERVAL_MS: "50",
  });
  assert.deepEqual([set.reservationTtlMs, set.sweepIntervalMs], [1500, 50]);
});

Deno.test("stock config names a reservation TTL or sweep interval it cannot use", () => {
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, STOCK_RESERVATION_TTL_MS: "500" }),
    /STOCK_RESERVATION_TTL_MS must be an integer from 1000 to 86400000, got "500"/,
  );
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, STOCK_RESERVATION_TTL_MS: "2m" }),
    /STOCK_RESERVATION_TTL_MS/,
  );
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, STOCK_SWEEP_INTERVAL_MS: "0" }),
    /STOCK_SWEEP_INTERVAL_MS/,
  );
});

Deno.test("stock config: the sweeper asks orders at ORDERS_ADDR (Consul when discovery is on), with a deadline", () => {
  const c = loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN });
  assert.deepEqual([c.ordersAddr, c.ordersTimeoutMs], ["127.0.0.1:50051", 3000]);
  const set = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ORDERS_ADDR: "orders:50051",
    ORDERS_TIMEOUT_MS: "800",
  });
  assert.deepEqual([set.ordersAddr, set.ordersTimeoutMs], ["orders:50051", 800]);
  assert.equal(
    loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, CONSUL_HTTP_ADDR: "127.0.0.1:8500" }).ordersAddr,
    "consul://127.0.0.1:8500/orders",
  );
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, ORDERS_TIMEOUT_MS: "0" }),
    /ORDERS_TIMEOUT_MS/,
  );
});
