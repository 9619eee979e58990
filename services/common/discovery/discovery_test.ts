/**
 * Consul discovery end to end: real stock services (gRPC, KV, RabbitMQ) register through the real
 * npm:consul client in a Consul stand-in that runs their gRPC health checks; real grpc-js clients
 * resolve them through the `consul:` resolver.
 */
import assert from "node:assert/strict";
import { eventually, serviceBusEnv, type TestBus, testBusConfig } from "../bus/testing.ts";
import { consulTarget } from "../config.ts";
import { TEST_WATCH_WAIT, testDiscovery } from "./testing/discovery_config.ts";
import { RpcError } from "../errors.ts";
import { StockServiceClient } from "../gen/oms/stock/v1/stock.ts";
import { connect, rpc } from "../grpc_client.ts";
import { createLogger, type LogFields, type Logger } from "../log.ts";
import { start as startStock, type StockHandle } from "../../stock/service.ts";
import { loadConfig as loadOrdersConfig } from "../../orders/config.ts";
import { start as startOrders } from "../../orders/service.ts";
import { loadConfig as loadWebConfig } from "../../../web/config.ts";
import { start as startWeb } from "../../../web/server.ts";
import { setResolverLogger } from "./consul_resolver.ts";
import { ConsulStandIn } from "./testing/consul_stand_in.ts";
import { listItemsPeer, spread } from "./testing/spread.ts";
import { freePort, ServiceProcess, waitForGrpcHealth } from "../../../scripts/launcher.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";

/** A logger that keeps its lines (and prints them at debug level only). */
function recordingLogger(
  name: string,
): Logger & { lines: { level: string; msg: string; fields: LogFields }[] } {
  const quiet = createLogger(name, "error");
  const lines: { level: string; msg: string; fields: LogFields }[] = [];
  const rec = (level: "debug" | "info" | "warn" | "error") => (msg: string, fields: LogFields = {}) => {
    lines.push({ level, msg, fields });
    quiet[level](msg, fields);
  };
  return { lines, debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
}

async function stock(
  consulUrl: string,
  bus: TestBus,
  log: Logger,
): Promise<StockHandle> {
  return await startStock({
    host: "127.0.0.1",
    port: 0,
    kvPath: ":memory:",
    common: { ...bus.config, discovery: testDiscovery(consulUrl) },
  }, log);
}

/**
 * A stock instance as its own process, registered through the same environment variables compose
 * sets. Stopping it with SIGTERM takes the exiting path (no HTTP/2 GOAWAY to the callers, see
 * services/common/exiting.ts), as a real instance going away does.
 */
async function stockProcess(
  consulUrl: string,
  bus: TestBus,
): Promise<{ port: number; stop(): Promise<number> }> {
  const port = freePort();
  const proc = new ServiceProcess("stock", {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/root",
    STOCK_GRPC_PORT: String(port),
    GRPC_HOST: "127.0.0.1",
    STOCK_KV_PATH: ":memory:",
    ...serviceBusEnv(bus, "stock"),
    CONSUL_HTTP_ADDR: consulUrl,
    SERVICE_VERSION: "9.9.9-test",
    OMS_SERVICE_TOKEN: bus.config.serviceToken,
    CONSUL_CHECK_INTERVAL: "200ms",
    CONSUL_CHECK_TIMEOUT: "1s",
    CONSUL_SYNC_INTERVAL_MS: "300",
    LOG_LEVEL: "error",
  });
  proc.start();
  await waitForGrpcHealth(`127.0.0.1:${port}`, 30_000);
  return { port, stop: () => proc.stop("SIGTERM") };
}

function idOf(consul: ConsulStandIn, port: number): string {
  const s = consul.services().find((x) => x.Port === port);
  assert.ok(s, `no registration for port ${port}`);
  return s.ID;
}

Deno.test("two stock instances register with a gRPC check and share calls round-robin; a stopped one deregisters and calls move to the other", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const bus = await testBusConfig();
  const a = await stockProcess(consul.url, bus);
  const b = await stock(consul.url, bus, recordingLogger("stock-b"));
  const client = connect(
    StockServiceClient,
    consulTarget("stock", { consulUrl: consul.url, watchWait: TEST_WATCH_WAIT }),
    TEST_SERVICE_TOKEN,
  );
  try {
    await eventually(() => consul.passing("stock").length === 2, "both instances passing their gRPC checks");

    // what Consul was told: unique id, address, port, version, a gRPC check without TLS on that address
    for (const h of [a, b]) {
      const s = consul.services().find((x) => x.Port === h.port)!;
      assert.match(s.ID, new RegExp(`^stock-.+-${h.port}-[0-9a-f]{8}$`));
      assert.equal(s.Service, "stock");
      assert.equal(s.Address, "127.0.0.1");
      assert.deepEqual(s.Meta, { version: "9.9.9-test" });
      const check = consul.check(s.ID)!;
      assert.equal(check.GRPC, `127.0.0.1:${h.port}`);
      assert.equal(check.GRPCUseTLS, false);
      assert.equal(check.Status, "passing");
      assert.equal(check.definition.DeregisterCriticalServiceAfter, "1m");
    }
    // once both connections are up, calls alternate between the two instances
    await eventually(async () => (await spread(client, 4)).size === 2, "calls reaching both instances");
    // the resolver keeps a blocking query open with the last index and a wait
    await eventually(
      () =>
        consul.requests.some((r) =>
          /^GET \/v1\/health\/service\/stock\?.*passing=true/.test(r) && /index=\d+/.test(r) &&
          /wait=2s/.test(r)
        ),
      `a blocking health query; saw ${consul.requests.filter((r) => r.includes("/health/"))}`,
    );
    const counts = await spread(client, 20);
    assert.deepEqual([...counts.keys()].sort(), [a.port, b.port].sort());
    assert.equal(counts.get(a.port), 10, `round robin: ${JSON.stringify([...counts])}`);
    assert.equal(counts.get(b.port), 10);

    // stop A while calls keep flowing: it leaves Consul at once and no call fails
    let failures = 0;
    let flowing = true;
    const flow = (async () => {
      while (flowing) await listItemsPeer(client).catch(() => failures++);
    })();
    const idA = idOf(consul, a.port);
    const stoppedAt = Date.now();
    assert.equal(await a.stop(), 0, "A exits cleanly on SIGTERM");
    assert.ok(!consul.services().some((s) => s.ID === idA), "A deregistered on stop");
    await eventually(async () => (await spread(client, 6)).get(a.port) === undefined, "calls leaving A");
    const moved = Date.now() - stoppedAt;
    assert.ok(moved < 3000, `traffic moved in ${moved} ms`);
    flowing = false;
    await flow;
    assert.equal(failures, 0, "no call failed while A stopped");
    assert.deepEqual([...(await spread(client, 10)).keys()], [b.port]);
  } finally {
    await a.stop().catch(() => 0);
    await b.stop();
    client.close();
    await consul.stop();
    await bus.cleanup();
  }
});

Deno.test("an instance whose check turns critical gets no calls until it passes again", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const bus = await testBusConfig();
  const a = await stock(consul.url, bus, recordingLogger("stock-a"));
  const b = await stock(consul.url, bus, recordingLogger("stock-b"));
  const client = connect(
    StockServiceClient,
    consulTarget("stock", { consulUrl: consul.url, watchWait: TEST_WATCH_WAIT }),
    TEST_SERVICE_TOKEN,
  );
  try {
    await eventually(() => consul.passing("stock").length === 2, "both instances passing");
    await eventually(async () => (await spread(client, 4)).size === 2, "calls reaching both instances");

    consul.setCritical(idOf(consul, a.port), true);
    const criticalAt = Date.now();
    await eventually(
      async () => (await spread(client, 6)).get(a.port) === undefined,
      "calls leaving the critical instance",
    );
    assert.ok(Date.now() - criticalAt < 3000);
    assert.deepEqual([...(await spread(client, 10)).keys()], [b.port]);

    consul.setCritical(idOf(consul, a.port), false);
    await eventually(
      async () => (await spread(client, 6)).size === 2,
      "calls returning to the recovered instance",
    );
  } finally {
    client.close();
    await a.stop();
    await b.stop();
    await consul.stop();
    await bus.cleanup();
  }
});

Deno.test("after the Consul agent restarts with empty state, each instance notices and registers again; calls never stop", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const bus = await testBusConfig();
  const logA = recordingLogger("stock-a");
  const a = await stock(consul.url, bus, logA);
  const b = await stock(consul.url, bus, recordingLogger("stock-b"));
  const client = connect(
    StockServiceClient,
    consulTarget("stock", { consulUrl: consul.url, watchWait: TEST_WATCH_WAIT }),
    TEST_SERVICE_TOKEN,
  );
  try {
    await eventually(() => consul.passing("stock").length === 2, "both instances passing");
    const ids = consul.services().map((s) => s.ID).sort();
    await eventually(async () => (await spread(client, 4)).size === 2, "calls reaching both instances");

    await consul.restart();
    assert.equal(consul.services().length, 0, "the restarted agent knows nothing");
    // the last known instances keep serving while Consul has nothing to say
    assert.equal((await spread(client, 6)).size, 2);

    await eventually(
      () => consul.passing("stock").length === 2,
      "both instances registered and passing again",
      8000,
    );
    assert.deepEqual(consul.services().map((s) => s.ID).sort(), ids, "same instance ids");
    assert.ok(logA.lines.some((l) => l.level === "warn" && /no longer knows this instance/.test(l.msg)));
    // the resolver follows the new agent too: critical B is seen through it
    consul.setCritical(idOf(consul, b.port), true);
    await eventually(
      async () => (await spread(client, 6)).get(b.port) === undefined,
      "calls leaving B",
      5000,
    );
  } finally {
    client.close();
    await a.stop();
    await b.stop();
    await consul.stop();
    await bus.cleanup();
  }
});

Deno.test("with Consul unreachable at start a service still starts, says so, retries with growing delays and registers once Consul is up", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  await consul.stop(); // nothing listens on its port now
  const bus = await testBusConfig();
  const log = recordingLogger("stock");
  const a = await stock(consul.url, bus, log);
  try {
    // it serves directly
    const direct = connect(StockServiceClient, `127.0.0.1:${a.port}`, TEST_SERVICE_TOKEN);
    await rpc(direct, "listItems", {});
    direct.close();

    await eventually(
      () => log.lines.filter((l) => /is unreachable/.test(l.msg)).length >= 3,
      "three failed attempts",
      8000,
    );
    const failures = log.lines.filter((l) => /is unreachable/.test(l.msg));
    assert.equal(failures[0]!.level, "warn");
    assert.match(
      failures[0]!.msg,
      new RegExp(
        `Consul at http://127.0.0.1:${consul.port} is unreachable; stock-.* is not registered yet, retrying`,
      ),
    );
    assert.match(String(failures[0]!.fields.err), /ECONNREFUSED|refused/i);
    const attempts = failures.map((l) => l.fields.attempt);
    assert.deepEqual(attempts.slice(0, 3), [1, 2, 3]);
    // doubling base delays (500, 1000, 2000 ms) with jitter between half and all of each
    const delays = failures.map((l) => Number(l.fields.retryInMs));
    assert.ok(
      delays[0]! >= 250 && delays[0]! <= 500 && delays[2]! >= 1000 && delays[2]! <= 2000,
      `delays ${delays}`,
    );

    await consul.restart();
    await eventually(() => consul.passing("stock").length === 1, "registered once Consul is up", 8000);
    assert.ok(log.lines.some((l) => l.msg === "registered in Consul" && Number(l.fields.afterFailures) >= 3));
  } finally {
    await a.stop();
    await consul.stop();
    await bus.cleanup();
  }
});

Deno.test("a client with Consul unreachable fails fast with a clear error, then finds instances once Consul answers", async () => {
  const resolverLog = recordingLogger("discovery");
  setResolverLogger(resolverLog);
  const consul = await ConsulStandIn.start();
  await consul.stop();
  const bus = await testBusConfig();
  const client = connect(
    StockServiceClient,
    consulTarget("stock", { consulUrl: consul.url, watchWait: TEST_WATCH_WAIT }),
    TEST_SERVICE_TOKEN,
  );
  let a: StockHandle | undefined;
  try {
    const err = await rpc(client, "listItems", {}, { timeoutMs: 3000 }).then(() => null, (e) => e);
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, "unavailable");
    assert.match(err.message, new RegExp(`Consul at http://127.0.0.1:${consul.port} is unreachable`));
    const warns = resolverLog.lines.filter((l) =>
      l.level === "warn" && /is unreachable; cannot resolve stock/.test(l.msg)
    );
    assert.equal(warns.length, 1, "one log line per outage, not one per retry");

    await consul.restart();
    a = await stock(consul.url, bus, recordingLogger("stock"));
    await eventually(
      () => rpc(client, "listItems", {}).then(() => true),
      "calls succeeding once Consul is up",
      8000,
    );
    assert.ok(resolverLog.lines.some((l) => l.msg === "Consul reachable again"));
  } finally {
    client.close();
    await a?.stop();
    await consul.stop();
    await bus.cleanup();
  }
});

Deno.test("with no healthy stock instance calls fail unavailable 'No healthy stock instances in Consul' and the gateway answers 503 with it", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const client = connect(
    StockServiceClient,
    consulTarget("stock", { consulUrl: consul.url, watchWait: TEST_WATCH_WAIT }),
    TEST_SERVICE_TOKEN,
  );
  const web = await startWeb(
    loadWebConfig({
      WEB_PORT: "0",
      CONSUL_HTTP_ADDR: consul.url,
      CONSUL_WATCH_WAIT: TEST_WATCH_WAIT,
      OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    }),
    createLogger("web", "error"),
  );
  try {
    const err = await rpc(client, "listItems", {}).then(() => null, (e) => e);
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, "unavailable");
    assert.equal(err.message, "No healthy stock instances in Consul");

    const res = await fetch(`http://127.0.0.1:${web.port}/api/products`);
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.error.code, "unavailable");
    assert.equal(body.error.message, "No healthy stock instances in Consul");
  } finally {
    client.close();
    await web.stop();
    await consul.stop();
  }
});

Deno.test("the gateway and orders find their peers through Consul alone: products, then an order reserved in stock", async () => {
  setResolverLogger(createLogger("discovery", "error"));
  const consul = await ConsulStandIn.start();
  const bus = await testBusConfig();
  const env = {
    CONSUL_HTTP_ADDR: consul.url,
    CONSUL_WATCH_WAIT: TEST_WATCH_WAIT,
    CONSUL_CHECK_INTERVAL: "200ms",
    ORDERS_GRPC_PORT: "0",
    ORDERS_KV_PATH: ":memory:",
    WEB_PORT: "0",
    OMS_SERVICE_TOKEN: bus.config.serviceToken,
  };
  const s = await stock(consul.url, bus, recordingLogger("stock"));
  const ordersConfig = loadOrdersConfig(env);
  assert.equal(ordersConfig.stockAddr, `consul://127.0.0.1:${consul.port}/stock?wait=${TEST_WATCH_WAIT}`);
  const orders = await startOrders(
    { ...ordersConfig, common: { ...bus.config, discovery: ordersConfig.common.discovery! } },
    createLogger("orders", "error"),
  );
  const web = await startWeb(loadWebConfig(env), createLogger("web", "error"));
  try {
    await eventually(
      () => consul.passing("stock").length === 1 && consul.passing("orders").length === 1,
      "stock and orders passing",
    );
    const products = await (await fetch(`http://127.0.0.1:${web.port}/api/products`)).json();
    const item = products.products.find((p: { available: number }) => p.available > 0);
    assert.ok(item, JSON.stringify(products));

    const issued = await (await fetch(`http://127.0.0.1:${web.port}/api/customers`, { method: "POST" }))
      .json();
    const res = await fetch(`http://127.0.0.1:${web.port}/api/customers/${issued.customerId}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${issued.token}` },
      body: JSON.stringify({ items: [{ id: item.id, quantity: 1 }] }),
    });
    const order = await res.json();
    // payments has no instance: the order is still accepted (pending), its stock reserved
    assert.ok(res.status === 201 || res.status === 202, `${res.status} ${JSON.stringify(order)}`);
    const after = await (await fetch(`http://127.0.0.1:${web.port}/api/products`)).json();
    assert.equal(after.products.find((p: { id: string }) => p.id === item.id).available, item.available - 1);
    for (const name of ["orders", "stock", "payments"]) {
      assert.ok(
        consul.requests.some((r) => r.startsWith(`GET /v1/health/service/${name}?`)),
        `${name} resolved through Consul`,
      );
    }
  } finally {
    await web.stop();
    await orders.stop();
    await s.stop();
    await consul.stop();
    await bus.cleanup();
  }
});
