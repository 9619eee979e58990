import assert from "node:assert/strict";
import { ConfigError } from "../config.ts";
import { metricsEndpoints } from "./endpoints.ts";

Deno.test("no metrics variables: no endpoints", () => {
  assert.deepEqual(metricsEndpoints({}), {});
  assert.deepEqual(metricsEndpoints({ ORDERS_METRICS_PORT: "", ORDERS_METRICS_ADDR: "" }), {});
});

Deno.test("a port alone means the process on this host; an address wins over the port", () => {
  assert.deepEqual(
    metricsEndpoints({
      ORDERS_METRICS_PORT: "9464",
      STOCK_METRICS_PORT: "9465",
      STOCK_METRICS_ADDR: "stock:9464",
      PAYMENTS_METRICS_ADDR: "[::1]:9466",
      WEB_METRICS_PORT: "9468",
    }),
    {
      orders: "http://127.0.0.1:9464/metrics",
      stock: "http://stock:9464/metrics",
      payments: "http://[::1]:9466/metrics",
      web: "http://127.0.0.1:9468/metrics",
    },
  );
});

Deno.test("a malformed address or port is a ConfigError naming the variable and the value", () => {
  for (
    const [name, value] of [
      ["KITCHEN_METRICS_ADDR", "kitchen"],
      ["KITCHEN_METRICS_ADDR", "http://kitchen:9464"],
      ["KITCHEN_METRICS_ADDR", "kitchen:0"],
      ["KITCHEN_METRICS_ADDR", "kitchen:70000"],
      ["KITCHEN_METRICS_PORT", "abc"],
      ["KITCHEN_METRICS_PORT", "70000"],
    ] as const
  ) {
    assert.throws(
      () => metricsEndpoints({ [name]: value }),
      (e: unknown) => e instanceof ConfigError && e.variable === name && e.message.includes(value),
      `${name}=${value}`,
    );
  }
});
