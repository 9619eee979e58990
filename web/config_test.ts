import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";

const T = { OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN };

Deno.test("loadConfig defaults to 127.0.0.1:8080, the dev service ports and a 16 KiB body limit", () => {
  assert.deepEqual(loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN }), {
    host: "127.0.0.1",
    port: 8080,
    ordersAddr: "127.0.0.1:50051",
    stockAddr: "127.0.0.1:50052",
    paymentsAddr: "127.0.0.1:50053",
    kitchenAddr: "127.0.0.1:50054",
    maxBodyBytes: 16384,
    webhookMaxBodyBytes: 262144,
    rpcTimeoutMs: 5000,
    adminUser: "admin",
    adminPassword: null,
    trustedProxies: [],
    publicUrl: null,
    bodyTimeoutMs: 10000,
    slowRequestMs: 500,
    warnings: [],
    serviceToken: TEST_SERVICE_TOKEN,
    mediaDir: "./data/media",
  });
});

Deno.test("loadConfig reads every variable", () => {
  const c = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    WEB_HOST: "0.0.0.0",
    WEB_PORT: "9000",
    ORDERS_ADDR: "orders:50051",
    STOCK_ADDR: "stock.internal:6000",
    PAYMENTS_ADDR: "[::1]:7000",
    KITCHEN_ADDR: "dns:///kitchen:50054",
    MAX_BODY_BYTES: "1024",
    WEBHOOK_MAX_BODY_BYTES: "65536",
    RPC_TIMEOUT_MS: "250",
    WEB_TRUSTED_PROXIES: "10.0.0.1, 172.16.0.0/12,fd00::/8",
    PUBLIC_URL: "https://shop.example",
    WEB_BODY_TIMEOUT_MS: "2500",
    WEB_SLOW_REQUEST_MS: "250",
    WEB_MEDIA_DIR: "/srv/oms/photos",
  });
  assert.equal(c.host, "0.0.0.0");
  assert.equal(c.port, 9000);
  assert.equal(c.ordersAddr, "orders:50051");
  assert.equal(c.stockAddr, "stock.internal:6000");
  assert.equal(c.paymentsAddr, "[::1]:7000");
  assert.equal(c.kitchenAddr, "dns:///kitchen:50054");
  assert.equal(c.maxBodyBytes, 1024);
  assert.equal(c.webhookMaxBodyBytes, 65536);
  assert.equal(c.rpcTimeoutMs, 250);
  assert.deepEqual(c.trustedProxies, ["10.0.0.1", "172.16.0.0/12", "fd00::/8"]);
  assert.equal(c.publicUrl, "https://shop.example");
  assert.equal(c.bodyTimeoutMs, 2500);
  assert.equal(c.slowRequestMs, 250);
  assert.equal(c.mediaDir, "/srv/oms/photos");
  // a service's Connect endpoint (its methods over HTTP/1.1; the channel ignores a trailing slash)
  const connectAddrs = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ORDERS_ADDR: "http://orders:50061/",
    STOCK_ADDR: "http://[::1]:50062",
  });
  assert.equal(connectAddrs.ordersAddr, "http://orders:50061/");
  assert.equal(connectAddrs.stockAddr, "http://[::1]:50062");
  assert.equal(
    loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, DATA_DIR: "/var/oms" }).mediaDir,
    "/var/oms/media",
  );
});

Deno.test("loadConfig rejects bad values with a ConfigError naming the variable and the value", () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ WEB_PORT: "http" }, "WEB_PORT", /WEB_PORT must be an integer from 0 to 65535, got "http"/],
    [{ WEB_PORT: "70000" }, "WEB_PORT", /got "70000"/],
    [{ MAX_BODY_BYTES: "-1" }, "MAX_BODY_BYTES", /MAX_BODY_BYTES must be an integer/],
    [{ MAX_BODY_BYTES: "1.5" }, "MAX_BODY_BYTES", /got "1.5"/],
    [{ ORDERS_ADDR: "orders" }, "ORDERS_ADDR", /ORDERS_ADDR must be host:port, got "orders"/],
    [{ STOCK_ADDR: "stock:99999" }, "STOCK_ADDR", /port must be from 1 to 65535/],
    [{ STOCK_ADDR: "http://stock:99999" }, "STOCK_ADDR", /port must be from 1 to 65535/],
    [{ STOCK_ADDR: "http://stock:8052/oms" }, "STOCK_ADDR", /Connect address is http:\/\/host:port/],
    [{ STOCK_ADDR: "http://stock" }, "STOCK_ADDR", /Connect address is http:\/\/host:port/],
    [{ WEB_HOST: "bad host" }, "WEB_HOST", /WEB_HOST must be a host name or IP address/],
    [{ WEB_TRUSTED_PROXIES: "10.0.0.1,proxy.local" }, "WEB_TRUSTED_PROXIES", /"proxy.local" is not an IP/],
    [{ WEB_TRUSTED_PROXIES: "10.0.0.0/40" }, "WEB_TRUSTED_PROXIES", /"10.0.0.0\/40"/],
    [{ PUBLIC_URL: "shop.example" }, "PUBLIC_URL", /PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/],
    [{ PUBLIC_URL: "ftp://shop.example" }, "PUBLIC_URL", /got "ftp:\/\/shop.example"/],
    [{ WEB_BODY_TIMEOUT_MS: "0" }, "WEB_BODY_TIMEOUT_MS", /WEB_BODY_TIMEOUT_MS must be an integer/],
    [{ OMS_SERVICE_TOKEN: "" }, "OMS_SERVICE_TOKEN", /OMS_SERVICE_TOKEN is not set/],
    [{ OMS_SERVICE_TOKEN: "too-short" }, "OMS_SERVICE_TOKEN", /must have 32 to 512 characters, got 9/],
  ];
  for (const [env, variable, message] of cases) {
    assert.throws(() => loadConfig({ ...T, ...env }), (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError for ${JSON.stringify(env)}`);
      assert.equal(err.variable, variable);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("ADMIN_USER names the first owner: trimmed, and refused with a clear error when it cannot be a name", () => {
  assert.equal(loadConfig({ ...T, ADMIN_USER: " maria " }).adminUser, "maria");
  for (const bad of ["two words", "-dash", "x".repeat(33)]) {
    assert.throws(
      () => loadConfig({ ...T, ADMIN_USER: bad }),
      (e: ConfigError) => e.variable === "ADMIN_USER" && /must be 1 to 32 letters/.test(e.message),
    );
  }
});

Deno.test("outside development a short or placeholder ADMIN_PASSWORD stops start-up, naming the variable", () => {
  assert.equal(
    loadConfig({ ...T, ADMIN_PASSWORD: "correct horse battery" }).adminPassword,
    "correct horse battery",
  );
  assert.equal(loadConfig({ ...T, ADMIN_PASSWORD: "" }).adminPassword, null, "unset: the admin is disabled");
  const cases: [Record<string, string>, RegExp][] = [
    [{ ADMIN_PASSWORD: "short-pass1" }, /ADMIN_PASSWORD is 11 characters; use at least 12.*OMS_ENV is unset/],
    [{ ADMIN_PASSWORD: "change-me-admin-password" }, /ADMIN_PASSWORD is a placeholder/],
    [{ ADMIN_PASSWORD: "pick-a-long-one" }, /placeholder/],
    [{ ADMIN_PASSWORD: "short", OMS_ENV: "production" }, /OMS_ENV is "production"/],
    [{ ADMIN_PASSWORD: "short", OMS_ENV: "staging" }, /OMS_ENV is "staging"/],
    [{ ADMIN_PASSWORD: "x".repeat(257), OMS_ENV: "development" }, /at most 256 characters, got 257/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig({ ...T, ...env }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.variable, "ADMIN_PASSWORD");
      assert.match(e.message, message);
      return true;
    }, JSON.stringify(env));
  }
});

Deno.test("in development a short or placeholder ADMIN_PASSWORD is accepted with a warning", () => {
  const c = loadConfig({ ...T, ADMIN_PASSWORD: "change-me-admin-password", OMS_ENV: "development" });
  assert.equal(c.adminPassword, "change-me-admin-password");
  assert.match(c.warnings?.[0] ?? "", /ADMIN_PASSWORD is a placeholder.*OMS_ENV=development/);
  assert.match(
    loadConfig({ ...T, ADMIN_PASSWORD: "short", OMS_ENV: "development" }).warnings?.[0] ?? "",
    /is 5 char/,
  );
  assert.deepEqual(
    loadConfig({ ...T, ADMIN_PASSWORD: "a long enough one", OMS_ENV: "development" }).warnings,
    [],
  );
});

Deno.test("start-up lists every bad variable at once, the shop's and the cookie secret's too", () => {
  assert.throws(
    () =>
      loadConfig({
        WEB_PORT: "http",
        SHOP_TIME_ZONE: "Mars/Olympus",
        WEB_COOKIE_SECRET: "short-secret-value",
        KITCHEN_WARN_MINUTES: "30",
        LOG_LEVEL: "loud",
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems.map((p) => p.variable).sort(), [
        "KITCHEN_LATE_MINUTES",
        "LOG_LEVEL",
        "OMS_SERVICE_TOKEN",
        "SHOP_TIME_ZONE",
        "WEB_COOKIE_SECRET",
        "WEB_PORT",
      ]);
      assert.match(err.message, /^6 problems in the environment:/);
      assert.ok(!err.message.includes("short-secret-value"), "the cookie secret is never shown");
      return true;
    },
  );
});
