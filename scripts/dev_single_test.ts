/**
 * The dev fallback with no broker: every service and web in one process on the in-memory bus. An order
 * placed through the gateway is paid and reaches the kitchen, so the in-process bus carries the same
 * events the broker would.
 */
import assert from "node:assert/strict";
import { freePort, systemEnv } from "./launcher.ts";
import { eventually } from "../services/common/bus/testing.ts";

Deno.test({
  name: "with AMQP_URL=memory the whole system runs in one process and an order goes from placed to ready",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "oms-single-" });
    const ports = {
      orders: freePort(),
      stock: freePort(),
      payments: freePort(),
      kitchen: freePort(),
      web: freePort(),
    };
    const env = systemEnv(ports, {
      AMQP_URL: "memory",
      OMS_EXCHANGE: `single.${crypto.randomUUID()}`,
      DATA_DIR: dataDir,
      KITCHEN_AUTO_PREP: "true",
      KITCHEN_PREP_MS: "100",
      LOG_LEVEL: "error",
    });
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, Deno.env.get(k)]));
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
    const { runAllInOneProcess } = await import("./dev_single.ts");
    const stop = await runAllInOneProcess();
    try {
      const base = `http://127.0.0.1:${ports.web}`;
      const issued = await (await fetch(`${base}/api/customers`, { method: "POST" })).json();
      const auth = { authorization: `Bearer ${issued.token}` };
      const res = await fetch(`${base}/api/customers/${issued.customerId}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ ID: 1, Quantity: 1 }),
      });
      const order = await res.json();
      assert.equal(res.status, 201, JSON.stringify(order));
      const session = String(order.paymentLink).split("/pay/")[1];
      const paid = await fetch(`${base}/api/payments/local/${session}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outcome: "pay" }),
      });
      await paid.body?.cancel();
      assert.equal(paid.status, 200);
      await eventually(
        async () => {
          const r = await fetch(`${base}/api/customers/${issued.customerId}/orders/${order.id}`, {
            headers: auth,
          });
          return (await r.json()).status === "ready";
        },
        "order ready through the in-memory bus",
        15_000,
      );
    } finally {
      await stop();
      for (const [k, v] of Object.entries(saved)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
