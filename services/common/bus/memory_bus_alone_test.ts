import assert from "node:assert/strict";
import { ConfigError } from "../config.ts";
import { refuseMemoryBusAlone } from "./memory_bus_alone.ts";

Deno.test("a service started alone refuses AMQP_URL=memory before reading anything else, saying why and what to run instead", () => {
  let loaded = false;
  const load = () => {
    loaded = true;
    return {};
  };
  const err = (() => {
    try {
      refuseMemoryBusAlone("orders", load, { AMQP_URL: "memory" });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof ConfigError);
  assert.equal(err.variable, "AMQP_URL");
  assert.match(err.message, /orders started on its own would be alone on it/);
  assert.match(err.message, /a paid order would stay waiting_payment/);
  assert.match(err.message, /AMQP_URL=memory deno task dev/);
  assert.equal(loaded, false, "the bus is said first, before any other setting's complaint");
});

Deno.test("a service alone on RabbitMQ loads its config; its own <SERVICE>_AMQP_URL decides which bus it is on", () => {
  const config = { ok: true };
  assert.equal(refuseMemoryBusAlone("stock", () => config, { AMQP_URL: "amqp://127.0.0.1:5672" }), config);
  assert.equal(refuseMemoryBusAlone("stock", () => config, {}), config);
  const own = { AMQP_URL: "memory", STOCK_AMQP_URL: "amqp://oms-stock:pw@127.0.0.1:5672" };
  assert.equal(refuseMemoryBusAlone("stock", () => config, own), config);
  assert.throws(() => refuseMemoryBusAlone("kitchen", () => config, own), /kitchen started on its own/);
});
