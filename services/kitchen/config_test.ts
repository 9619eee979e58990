import assert from "node:assert/strict";
import { ConfigError } from "../common/config.ts";
import { loadConfig } from "./config.ts";
import { TEST_SERVICE_TOKEN } from "../common/auth/testing.ts";

Deno.test("kitchen config defaults: port 50054, auto-prep off, 3 s prep, KV under DATA_DIR", () => {
  const c = loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, DATA_DIR: "/tmp/oms" });
  assert.equal(c.port, 50054);
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.autoPrep, false);
  assert.equal(c.prepMs, 3000);
  assert.equal(c.kvPath, "/tmp/oms/kitchen.kv");
  assert.equal(c.undoMs, 10_000, "undo for 10 s");
  assert.equal(c.recallMs, 30 * 60_000, "recall for 30 min");
});

Deno.test("kitchen config reads the undo and recall windows and refuses a bad one", () => {
  const c = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    KITCHEN_UNDO_SECONDS: "5",
    KITCHEN_RECALL_MINUTES: "15",
  });
  assert.deepEqual([c.undoMs, c.recallMs], [5000, 15 * 60_000]);
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, KITCHEN_UNDO_SECONDS: "0" }),
    /KITCHEN_UNDO_SECONDS/,
  );
});

Deno.test("kitchen config reads its variables and names a bad one", () => {
  const c = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    KITCHEN_GRPC_PORT: "6000",
    KITCHEN_AUTO_PREP: "true",
    KITCHEN_PREP_MS: "500",
    KITCHEN_KV_PATH: ":memory:",
  });
  assert.deepEqual([c.port, c.autoPrep, c.prepMs, c.kvPath], [6000, true, 500, ":memory:"]);
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, KITCHEN_AUTO_PREP: "maybe" }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.variable, "KITCHEN_AUTO_PREP");
      return true;
    },
  );
  assert.throws(
    () => loadConfig({ OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN, KITCHEN_PREP_MS: "-1" }),
    /KITCHEN_PREP_MS/,
  );
});

Deno.test("kitchen config lists every bad variable at once, shared ones included, and never shows the token", () => {
  assert.throws(
    () =>
      loadConfig({
        OMS_SERVICE_TOKEN: "too-short-secret",
        KITCHEN_PREP_MS: "-1",
        KITCHEN_AUTO_PREP: "maybe",
        AMQP_URL: "http://broker",
        CONSUL_CHECK_INTERVAL: "3",
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems.map((p) => p.variable).sort(), [
        "AMQP_URL",
        "CONSUL_CHECK_INTERVAL",
        "KITCHEN_AUTO_PREP",
        "KITCHEN_PREP_MS",
        "OMS_SERVICE_TOKEN",
      ]);
      assert.match(err.message, /^5 problems in the environment:\n/);
      assert.match(err.message, /KITCHEN_PREP_MS must be an integer from 0 to 3600000, got "-1"/);
      assert.ok(!err.message.includes("too-short-secret"), "a secret's value is never shown");
      return true;
    },
  );
});
