import assert from "node:assert/strict";
import { commonConfig, ConfigError } from "../config.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";
import { refuseMemoryBusAlone } from "./memory_bus_alone.ts";

const common = (env: Record<string, string>) => ({
  common: commonConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, ...env }),
});

Deno.test("a service started alone refuses AMQP_URL=memory, saying why and what to run instead", () => {
  const err = (() => {
    try {
      refuseMemoryBusAlone("orders", common({ AMQP_URL: "memory" }));
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof ConfigError);
  assert.equal(err.variable, "AMQP_URL");
  assert.match(err.message, /orders started on its own would be alone on it/);
  assert.match(err.message, /a paid order would stay waiting_payment/);
  assert.match(err.message, /AMQP_URL=memory deno task dev/);
});

Deno.test("a service alone on RabbitMQ starts; its own <SERVICE>_AMQP_URL decides which bus it is on", () => {
  const rabbit = common({ AMQP_URL: "amqp://guest:guest@127.0.0.1:5672" });
  assert.equal(refuseMemoryBusAlone("stock", rabbit), rabbit);
  const own = common({ AMQP_URL: "memory", STOCK_AMQP_URL: "amqp://oms-stock:pw@127.0.0.1:5672" });
  assert.equal(refuseMemoryBusAlone("stock", own), own);
  assert.throws(() => refuseMemoryBusAlone("kitchen", own), /kitchen started on its own/);
});
