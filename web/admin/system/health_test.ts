import assert from "node:assert/strict";
import type { PeerName } from "../../gateway/clients.ts";
import { consulTargetOf, instancesOf, loadHealth } from "./health.ts";

Deno.test("consul targets are recognised; other targets are not", () => {
  assert.deepEqual(consulTargetOf("consul://consul:8500/orders"), {
    consulUrl: "http://consul:8500",
    service: "orders",
  });
  assert.deepEqual(consulTargetOf("consul://127.0.0.1:8501/stock?wait=5s&https=1"), {
    consulUrl: "https://127.0.0.1:8501",
    service: "stock",
  });
  assert.equal(consulTargetOf("dns:127.0.0.1:50051"), null);
  assert.equal(consulTargetOf("consul:///orders"), null);
});

Deno.test("an instance's status is the worst of its checks, with the failing check's output", () => {
  const list = instancesOf([
    {
      Node: { Address: "10.0.0.1" },
      Service: { ID: "orders-a", Port: 50051 },
      Checks: [{ Status: "passing" }, { Status: "passing" }],
    },
    {
      Service: { ID: "orders-b", Address: "10.0.0.2", Port: 50051 },
      Checks: [{ Status: "passing" }, { Status: "critical", Output: "gRPC health: NOT_SERVING\n" }],
    },
  ]);
  assert.deepEqual(list, [
    { id: "orders-a", address: "10.0.0.1:50051", status: "passing" },
    { id: "orders-b", address: "10.0.0.2:50051", status: "critical", detail: "gRPC health: NOT_SERVING" },
  ]);
  assert.throws(() => instancesOf({}), /not a list/);
});

Deno.test("loadHealth: the gateway's probe per service, Consul's instances when discovered through it", async () => {
  // a stand-in for a Consul agent's health API (GET /v1/health/service/<name>)
  const asked: string[] = [];
  const consul = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    asked.push(path);
    if (path !== "/v1/health/service/stock") return new Response("no", { status: 500 });
    return Response.json([
      { Service: { ID: "stock-1", Address: "10.1.0.1", Port: 7001 }, Checks: [{ Status: "passing" }] },
      {
        Service: { ID: "stock-2", Address: "10.1.0.2", Port: 7001 },
        Checks: [{ Status: "warning", Output: "slow" }],
      },
    ]);
  });
  const agent = `127.0.0.1:${consul.addr.port}`;
  try {
    const targets: Record<PeerName, string> = {
      orders: "dns:127.0.0.1:1",
      stock: `consul://${agent}/stock`,
      payments: `consul://${agent}/payments`,
      kitchen: "dns:127.0.0.1:2",
    };
    const health = await loadHealth(
      (peer) => {
        if (peer === "kitchen") return Promise.reject(new Error("boom"));
        return Promise.resolve(
          peer === "payments" ? { status: "UNREACHABLE", detail: "down" } : { status: "SERVING" },
        );
      },
      targets,
      1000,
    );
    assert.deepEqual(health.map((h) => [h.peer, h.probe.status]), [
      ["orders", "SERVING"],
      ["stock", "SERVING"],
      ["payments", "UNREACHABLE"],
      ["kitchen", "UNREACHABLE"],
    ]);
    assert.equal(health[0]!.instances, undefined);
    assert.deepEqual(health[1]!.instances?.map((i) => [i.id, i.status]), [["stock-1", "passing"], [
      "stock-2",
      "warning",
    ]]);
    assert.match(health[2]!.consulError!, /^Consul at http:\/\/127\.0\.0\.1:\d+: answered HTTP 500$/);
    assert.equal(health[3]!.probe.detail, "boom");
    assert.deepEqual(asked.sort(), ["/v1/health/service/payments", "/v1/health/service/stock"]);
  } finally {
    await consul.shutdown();
  }
});
