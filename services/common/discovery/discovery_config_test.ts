import assert from "node:assert/strict";
import { experimental } from "@grpc/grpc-js";
import { commonConfig, ConfigError, consulTarget, discoveryConfig, serviceAddr } from "../config.ts";
import { loadConfig as loadOrdersConfig } from "../../orders/config.ts";
import { endpointsOf, parseConsulTarget } from "./consul_resolver.ts";
import { advertisedAddress } from "./registration.ts";
import { backoffMs } from "./backoff.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";

Deno.test("without CONSUL_HTTP_ADDR peers keep their static addresses and nothing registers", () => {
  assert.equal(discoveryConfig({}), undefined);
  assert.equal(commonConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN }).discovery, undefined);
  assert.equal(serviceAddr("stock", {}), "127.0.0.1:50052");
  assert.equal(serviceAddr("stock", { STOCK_ADDR: "stock:9000" }), "stock:9000");
});

Deno.test("with CONSUL_HTTP_ADDR peers resolve through Consul unless an _ADDR pins them", () => {
  const env = {
    CONSUL_HTTP_ADDR: "consul:8500",
    PAYMENTS_ADDR: "10.0.0.7:50053",
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
  };
  const orders = loadOrdersConfig(env);
  assert.equal(orders.stockAddr, "consul://consul:8500/stock");
  assert.equal(orders.paymentsAddr, "10.0.0.7:50053");
  assert.equal(orders.common.discovery?.consulUrl, "http://consul:8500");
});

Deno.test("CONSUL_HTTP_ADDR takes host:port or a URL, like Consul's own tools, and the defaults are sane", () => {
  assert.deepEqual(discoveryConfig({ CONSUL_HTTP_ADDR: "http://127.0.0.1:8500" }), {
    consulUrl: "http://127.0.0.1:8500",
    version: "0.1.0",
    checkInterval: "3s",
    checkTimeout: "2s",
    deregisterCriticalAfter: "1m",
    syncIntervalMs: 10_000,
    watchWait: "30s",
  });
  assert.equal(
    discoveryConfig({ CONSUL_HTTP_ADDR: "consul:8501", CONSUL_HTTP_SSL: "true" })?.consulUrl,
    "https://consul:8501",
  );
  const d = discoveryConfig({
    CONSUL_HTTP_ADDR: "https://consul.internal",
    SERVICE_ADVERTISE_ADDR: "10.1.2.3",
    SERVICE_VERSION: "1.4.2",
    CONSUL_WATCH_WAIT: "1m",
  })!;
  assert.equal(d.advertiseAddr, "10.1.2.3");
  assert.equal(d.version, "1.4.2");
  assert.equal(consulTarget("stock", d), "consul://consul.internal/stock?https=1&wait=1m");
  const viaConnect = discoveryConfig({ CONSUL_HTTP_ADDR: "consul:8500", CONSUL_RPC_TRANSPORT: "connect" })!;
  assert.equal(consulTarget("stock", viaConnect), "consul://consul:8500/stock?transport=connect");
  assert.throws(
    () => discoveryConfig({ CONSUL_HTTP_ADDR: "consul:8500", CONSUL_RPC_TRANSPORT: "http3" }),
    (e: unknown) => e instanceof ConfigError && e.variable === "CONSUL_RPC_TRANSPORT",
  );
});

Deno.test("bad discovery settings are refused naming the variable and value", () => {
  assert.throws(
    () => discoveryConfig({ CONSUL_HTTP_ADDR: "ftp://x:1" }),
    (e: unknown) =>
      e instanceof ConfigError && e.variable === "CONSUL_HTTP_ADDR" && /"ftp:\/\/x:1"/.test(e.message),
  );
  assert.throws(
    () => discoveryConfig({ CONSUL_HTTP_ADDR: "c:8500", CONSUL_CHECK_INTERVAL: "3" }),
    (e: unknown) =>
      e instanceof ConfigError && e.variable === "CONSUL_CHECK_INTERVAL" && /got "3"/.test(e.message),
  );
  assert.throws(() => discoveryConfig({ CONSUL_HTTP_ADDR: "c:8500", CONSUL_WATCH_WAIT: "0s" }), ConfigError);
  assert.throws(
    () => discoveryConfig({ CONSUL_HTTP_ADDR: "c:8500", SERVICE_ADVERTISE_ADDR: "a b" }),
    (e: unknown) => e instanceof ConfigError && e.variable === "SERVICE_ADVERTISE_ADDR",
  );
});

Deno.test("a consul target names the agent and the service; a malformed one is refused clearly", () => {
  const uri = (s: string) => {
    const m = s.match(/^(?:([A-Za-z0-9+.-]+):)?(?:\/\/([^/]*)\/)?(.+)$/)!;
    return { scheme: m[1], authority: m[2], path: m[3]! };
  };
  assert.deepEqual(parseConsulTarget(uri("consul://127.0.0.1:8500/stock")), {
    consulUrl: "http://127.0.0.1:8500",
    service: "stock",
    wait: "30s",
    transport: "grpc",
  });
  assert.deepEqual(parseConsulTarget(uri("consul://c:8501/payments?https=1&wait=5s&transport=connect")), {
    consulUrl: "https://c:8501",
    service: "payments",
    wait: "5s",
    transport: "connect",
  });
  assert.throws(
    () => parseConsulTarget(uri("consul://c:8500/stock?transport=h3")),
    /transport must be grpc or connect/,
  );
  assert.throws(
    () => parseConsulTarget(uri("consul:///stock")),
    /consul:\/\/<agent host:port>\/<service>, got "consul:\/\/\/stock"/,
  );
  assert.equal(experimental.uriToString(uri("consul://c:8500/stock")), "consul://c:8500/stock");
});

Deno.test("with the Connect transport, instances are their advertised connect_port; one without is left out", () => {
  const eps = endpointsOf([
    {
      Node: { Address: "10.0.0.1" },
      Service: { Address: "10.0.0.9", Port: 50052, Meta: { connect_port: "50062" } },
    },
    { Node: { Address: "10.0.0.2" }, Service: { Address: "", Port: 50052, Meta: { version: "1" } } },
    { Node: { Address: "10.0.0.3" }, Service: { Address: "", Port: 50052, Meta: { connect_port: "99999" } } },
  ], "connect");
  assert.deepEqual(eps, [{ addresses: [{ host: "10.0.0.9", port: 50062 }] }]);
});

Deno.test("instances come from the service address, else the node address, once each", () => {
  const eps = endpointsOf([
    { Node: { Address: "10.0.0.1" }, Service: { Address: "10.0.0.9", Port: 50052 } },
    { Node: { Address: "10.0.0.2" }, Service: { Address: "", Port: 50052 } },
    { Node: { Address: "10.0.0.2" }, Service: { Address: "", Port: 50052 } },
    { Node: { Address: "10.0.0.3" }, Service: { Address: "x" } },
  ]);
  assert.deepEqual(eps, [
    { addresses: [{ host: "10.0.0.9", port: 50052 }] },
    { addresses: [{ host: "10.0.0.2", port: 50052 }] },
  ]);
  assert.deepEqual(endpointsOf(null), []);
});

Deno.test("the advertised address is SERVICE_ADVERTISE_ADDR, else a specific bound host, else the hostname", () => {
  assert.equal(advertisedAddress({ advertiseAddr: "10.1.2.3" }, "0.0.0.0"), "10.1.2.3");
  assert.equal(advertisedAddress({}, "127.0.0.1"), "127.0.0.1");
  assert.equal(advertisedAddress({}, "0.0.0.0"), Deno.hostname());
  assert.equal(advertisedAddress({}, "::"), Deno.hostname());
});

Deno.test("retry delays double up to the cap, with jitter between half and all of each", () => {
  for (let i = 0; i < 50; i++) {
    const d1 = backoffMs(1), d3 = backoffMs(3), d20 = backoffMs(20);
    assert.ok(d1 >= 250 && d1 <= 500);
    assert.ok(d3 >= 1000 && d3 <= 2000);
    assert.ok(d20 >= 15_000 && d20 <= 30_000);
  }
});
