import assert from "node:assert/strict";
import { memoryBroker } from "./bus/messaging.ts";
import { commonConfig } from "./config.ts";
import { HealthCheckResponse_ServingStatus, HealthClient } from "./gen/grpc/health/v1/health.ts";
import { connect, rpc } from "./grpc_client.ts";
import { createLogger } from "./log.ts";
import { type RuntimeConfig, type ServiceRuntimeOptions, startServiceRuntime } from "./service_runtime.ts";
import { TEST_SERVICE_TOKEN } from "./auth/testing.ts";

const log = createLogger("runtime-test", "error");

/** A config on the in-memory bus (own exchange), a memory store and any free port. */
function testConfig(port = 0): RuntimeConfig {
  const id = crypto.randomUUID().slice(0, 8);
  return {
    host: "127.0.0.1",
    port,
    kvPath: ":memory:",
    common: commonConfig({
      OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
      AMQP_URL: "memory",
      OMS_EXCHANGE: `runtime.${id}`,
      OMS_QUEUE_PREFIX: `rt-${id}`,
    }),
  };
}

/** Whether a consumer is attached to `service`'s queue on the config's memory broker. */
function consuming(config: RuntimeConfig, service: string): boolean {
  const queue = memoryBroker(config.common.exchange).queues.get(`${config.common.queuePrefix}.${service}`);
  return queue?.consumer !== undefined;
}

/** The overall health status served on `port`. */
async function healthOf(port: number): Promise<HealthCheckResponse_ServingStatus> {
  const client = connect(HealthClient, `127.0.0.1:${port}`, TEST_SERVICE_TOKEN);
  try {
    return (await rpc(client, "check", { service: "" })).status;
  } finally {
    client.close();
  }
}

/** Options for a "kitchen" (it consumes `order.paid`) that records each step in `steps`. */
function recording(config: RuntimeConfig, steps: string[]): ServiceRuntimeOptions<{ kv: Deno.Kv }> {
  return {
    name: "kitchen",
    config,
    log,
    prepare: ({ kv }) => {
      steps.push("prepare");
      return { kv };
    },
    handlers: () => {
      steps.push("handlers");
      return { "order.paid": () => Promise.resolve() };
    },
    services: () => {
      steps.push("services");
      return [];
    },
    release: async ({ kv }) => {
      await kv.get(["still", "open"]);
      steps.push(`release (consuming: ${consuming(config, "kitchen")})`);
    },
  };
}

Deno.test("the runtime starts in order and stops workers after NOT_SERVING, before gRPC, messaging and KV", async () => {
  const config = testConfig();
  const steps: string[] = [];
  let port = 0;
  const worker = (name: string) => ({
    async stop() {
      const status = HealthCheckResponse_ServingStatus[await healthOf(port)];
      steps.push(`${name} stopped (health: ${status}, consuming: ${consuming(config, "kitchen")})`);
    },
  });
  const runtime = await startServiceRuntime({
    ...recording(config, steps),
    workers: () => {
      steps.push("workers");
      return [worker("a"), worker("b")];
    },
  });
  port = runtime.port;
  assert.equal(await healthOf(port), HealthCheckResponse_ServingStatus.SERVING);
  assert.equal(consuming(config, "kitchen"), true);
  assert.equal(runtime.prepared.kv, runtime.kv);

  await runtime.stop();
  assert.deepEqual(steps, [
    "prepare",
    "handlers",
    "services",
    "workers",
    "a stopped (health: NOT_SERVING, consuming: true)",
    "b stopped (health: NOT_SERVING, consuming: true)",
    "release (consuming: true)",
  ]);
  assert.equal(consuming(config, "kitchen"), false, "messaging stopped");
  await assert.rejects(() => runtime.kv.get(["x"]), "the store is closed");
  await assert.rejects(() => healthOf(port), "gRPC no longer answers");
});

Deno.test("a start whose gRPC port is taken releases, stops messaging, closes KV and throws the bind error", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const config = testConfig(taken.addr.port);
    const steps: string[] = [];
    let kv: Deno.Kv | undefined;
    const options = recording(config, steps);
    await assert.rejects(() =>
      startServiceRuntime({
        ...options,
        prepare: (ctx) => {
          kv = ctx.kv;
          return options.prepare!(ctx);
        },
        workers: () => {
          steps.push("workers");
          return [];
        },
      }), /No address added/);
    assert.deepEqual(steps, ["prepare", "handlers", "services", "release (consuming: true)"]);
    assert.equal(consuming(config, "kitchen"), false, "messaging stopped");
    await assert.rejects(() => kv!.get(["x"]), "the store is closed");
  } finally {
    taken.close();
  }
});

Deno.test("a start whose prepare step fails closes KV and starts no messaging", async () => {
  const config = testConfig();
  const steps: string[] = [];
  let kv: Deno.Kv | undefined;
  await assert.rejects(
    () =>
      startServiceRuntime({
        ...recording(config, steps),
        prepare: (ctx) => {
          kv = ctx.kv;
          throw new Error("Catalog seed failed");
        },
      }),
    /Catalog seed failed/,
  );
  assert.deepEqual(steps, []);
  assert.equal(consuming(config, "kitchen"), false);
  await assert.rejects(() => kv!.get(["x"]), "the store is closed");
});
