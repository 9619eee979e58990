import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("stock config defaults: port 50052 on 127.0.0.1, KV under DATA_DIR", () => {
  const c = loadConfig({ DATA_DIR: "/tmp/oms" });
  assert.deepEqual([c.host, c.port, c.kvPath], ["127.0.0.1", 50052, "/tmp/oms/stock.kv"]);
});

Deno.test("stock config reads its variables and names a bad port", () => {
  const c = loadConfig({ STOCK_GRPC_PORT: "0", GRPC_HOST: "0.0.0.0", STOCK_KV_PATH: ":memory:" });
  assert.deepEqual([c.host, c.port, c.kvPath], ["0.0.0.0", 0, ":memory:"]);
  assert.throws(() => loadConfig({ STOCK_GRPC_PORT: "70000" }), /STOCK_GRPC_PORT/);
});
