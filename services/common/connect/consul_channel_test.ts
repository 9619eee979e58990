/**
 * Connect through Consul end to end: real stock services register their Connect port (as the
 * `connect_port` meta) through the real npm:consul client in a Consul stand-in; a client with a
 * `consul://...?transport=connect` target spreads its calls over their Connect ports.
 */
import assert from "node:assert/strict";
import { eventually, type TestBus, testBusConfig } from "../bus/testing.ts";
import { consulTarget } from "../config.ts";
import { TEST_WATCH_WAIT, testDiscovery } from "../discovery/testing/discovery_config.ts";
import { RpcError } from "../errors.ts";
import { StockServiceClient } from "../gen/oms/stock/v1/stock.ts";
import { connect, rpc } from "../grpc_client.ts";
import { createLogger } from "../log.ts";
import { start as startStock, type StockHandle } from "../../stock/service.ts";
import { setResolverLogger } from "../discovery/consul_resolver.ts";
import { ConsulStandIn } from "../discovery/testing/consul_stand_in.ts";
import { spread } from "../discovery/testing/spread.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";
import { ConsulConnectChannel } from "./consul_channel.ts";

function stock(consulUrl: string, bus: TestBus): Promise<StockHandle> {
  return startStock({
    host: "127.0.0.1",
    port: 0,
    connectPort: 0,
    kvPath: ":memory:",
    common: { ...bus.config, discovery: testDiscovery(consulUrl) },
  }, createLogger("stock", "error"));
}

/** The Connect port stock instance `h` advertised. */
function connectPortOf(consul: ConsulStandIn, h: StockHandle): number {
  const s = consul.services().find((x) => x.Port === h.port);
  assert.ok(s?.Meta.connect_port, `no connect_port advertised for ${h.port}`);
  return Number(s.Meta.connect_port);
}

Deno.test("through Consul, Connect calls go round-robin to every instance's advertised Connect port, and leave a stopped one", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const bus = await testBusConfig();
  const a = await stock(consul.url, bus);
  const b = await stock(consul.url, bus);
  const target = consulTarget("stock", {
    consulUrl: consul.url,
    watchWait: TEST_WATCH_WAIT,
    transport: "connect",
  });
  assert.match(target, /[?&]transport=connect/);
  const client = connect(StockServiceClient, target, TEST_SERVICE_TOKEN);
  try {
    assert.ok(client.getChannel() instanceof ConsulConnectChannel);
    await eventually(() => consul.passing("stock").length === 2, "both instances passing their checks");
    const ports = [connectPortOf(consul, a), connectPortOf(consul, b)];
    assert.ok(!ports.includes(a.port) && !ports.includes(b.port), "the Connect ports are not the gRPC ones");
    // an instance serving Connect is checked over HTTP on it (no HTTP/2 connection for Consul to close)
    for (const [h, port] of [[a, ports[0]!], [b, ports[1]!]] as const) {
      const check = consul.check(consul.services().find((x) => x.Port === h.port)!.ID)!;
      assert.equal(check.HTTP, `http://127.0.0.1:${port}/readyz`);
      assert.equal(check.Method, "GET");
      assert.equal(check.GRPC, "", "no gRPC check");
      assert.equal(check.Status, "passing");
      assert.match(check.Output, /: 200 Output: SERVING/);
    }
    await eventually(async () => (await spread(client, 4)).size === 2, "calls reaching both instances");
    const counts = await spread(client, 10);
    assert.deepEqual([...counts.keys()].sort(), [...ports].sort());
    assert.equal(counts.get(ports[0]!), 5, `round robin: ${JSON.stringify([...counts])}`);
    // A stops: it deregisters first, and calls move to B without one failing
    await a.stop();
    await eventually(async () => !(await spread(client, 4)).has(ports[0]!), "calls leaving A");
    for (let i = 0; i < 10; i++) await rpc(client, "listItems", {});
  } finally {
    client.close();
    await a.stop().catch(() => {});
    await b.stop();
    await consul.stop();
    await bus.cleanup();
  }
});

Deno.test("with no instance in Consul, a Connect call fails unavailable naming the service", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const client = connect(
    StockServiceClient,
    consulTarget("stock", { consulUrl: consul.url, watchWait: TEST_WATCH_WAIT, transport: "connect" }),
    TEST_SERVICE_TOKEN,
  );
  try {
    const err = await rpc(client, "listItems", {}, { timeoutMs: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RpcError, String(err));
    assert.equal(err.code, "unavailable");
    assert.match(err.message, /No healthy stock instances in Consul/);
  } finally {
    client.close();
    await consul.stop();
  }
});
