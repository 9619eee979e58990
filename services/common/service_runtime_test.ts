import assert from "node:assert/strict";
import { BrokerProxy } from "./bus/broker_proxy.ts";
import { memoryBroker } from "./bus/messaging.ts";
import { eventually, ignoringOtherBindings, testBusConfig } from "./bus/testing.ts";
import { commonConfig } from "./config.ts";
import { HealthCheckResponse_ServingStatus, HealthClient } from "./gen/grpc/health/v1/health.ts";
import { connect, rpc } from "./grpc_client.ts";
import { createLogger, type LogFields, type Logger } from "./log.ts";
import { type RuntimeConfig, type ServiceRuntimeOptions, startServiceRuntime } from "./service_runtime.ts";
import { TEST_SERVICE_TOKEN } from "./auth/testing.ts";
import { freePort } from "../../scripts/launcher.ts";

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
      return ignoringOtherBindings("kitchen", { "order.paid": () => Promise.resolve() });
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

Deno.test("a start whose gRPC port is taken releases, starts no messaging, closes KV and throws the bind error", async () => {
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
    // gRPC binds before messaging starts (so health answers while the broker is awaited)
    assert.deepEqual(steps, ["prepare", "handlers", "services", "release (consuming: false)"]);
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

/** A logger that keeps every line (message and fields) in `lines`. */
function recordingLogger(): Logger & { lines: { msg: string; fields: LogFields }[] } {
  const lines: { msg: string; fields: LogFields }[] = [];
  const keep = (msg: string, fields: LogFields = {}) => void lines.push({ msg, fields });
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

/** A free TCP port on 127.0.0.1 (so a test knows the gRPC port before start returns). */
/** A RabbitMQ config reached through `proxy`, with a free gRPC port. */
async function proxiedConfig(
  proxy: BrokerProxy,
): Promise<{ config: RuntimeConfig; cleanup: () => Promise<void> }> {
  const bus = await testBusConfig();
  const amqpUrls = Object.fromEntries(Object.entries(bus.urls).map(([s, u]) => [s, proxy.url(u)]));
  const common = { ...bus.config, amqpUrl: proxy.url(bus.config.amqpUrl), amqpUrls };
  return {
    config: { host: "127.0.0.1", port: freePort(), kvPath: ":memory:", common },
    cleanup: bus.cleanup,
  };
}

Deno.test("a service started while the broker is down answers NOT_SERVING, retries with a logged doubling delay, then serves; health follows a lost and restored connection", async () => {
  const proxy = BrokerProxy.create();
  const { config, cleanup } = await proxiedConfig(proxy);
  const logger = recordingLogger();
  const waits = () => logger.lines.filter((l) => l.msg === "waiting for the broker");
  const starting = startServiceRuntime({ ...recording(config, []), log: logger });
  let runtime: Awaited<typeof starting> | undefined;
  try {
    await eventually(() => waits().length >= 4, "four logged attempts");
    assert.equal(await healthOf(config.port), HealthCheckResponse_ServingStatus.NOT_SERVING);
    const delays = waits().map((l) => l.fields.nextDelayMs);
    assert.deepEqual(delays.slice(0, 4), [200, 400, 800, 1600], "0.2 s doubling");
    assert.deepEqual(waits().map((l) => l.fields.attempt).slice(0, 4), [1, 2, 3, 4]);

    proxy.up();
    runtime = await starting;
    assert.equal(await healthOf(config.port), HealthCheckResponse_ServingStatus.SERVING);
    assert.ok(logger.lines.some((l) => l.msg === "broker connected"));

    await proxy.down(); // the connection is lost and the broker stays unreachable
    await eventually(
      async () => (await healthOf(config.port)) === HealthCheckResponse_ServingStatus.NOT_SERVING,
      "NOT_SERVING while the broker is lost",
    );
    assert.ok(logger.lines.some((l) => l.msg === "broker connection lost, reconnecting"));
    assert.ok(!logger.lines.some((l) => l.msg === "broker connection restored"));

    proxy.up();
    await eventually(
      async () => (await healthOf(config.port)) === HealthCheckResponse_ServingStatus.SERVING,
      "SERVING once the broker is back",
    );
    assert.ok(logger.lines.some((l) => l.msg === "broker connection restored"));
    const delays2 = logger.lines.filter((l) => l.msg === "broker still unreachable, retrying")
      .map((l) => l.fields.nextDelayMs as number);
    assert.ok(delays2.every((d) => d <= 5000), `delays stay within 5 s: ${delays2.join(", ")}`);
  } finally {
    if (!runtime) {
      proxy.up();
      runtime = await starting.catch(() => undefined);
    }
    await runtime?.stop();
    await proxy.down();
    await cleanup();
  }
});

Deno.test("stopping a start that waits for the broker ends the wait, closes KV and releases the gRPC port", async () => {
  const proxy = BrokerProxy.create(); // never up
  const { config, cleanup } = await proxiedConfig(proxy);
  const logger = recordingLogger();
  const abort = new AbortController();
  let kv: Deno.Kv | undefined;
  const options = recording(config, []);
  const starting = startServiceRuntime({
    ...options,
    log: logger,
    signal: abort.signal,
    prepare: (ctx) => {
      kv = ctx.kv;
      return options.prepare!(ctx);
    },
  });
  try {
    await eventually(() => logger.lines.some((l) => l.msg === "waiting for the broker"), "a logged attempt");
    assert.equal(await healthOf(config.port), HealthCheckResponse_ServingStatus.NOT_SERVING);
    abort.abort(new Error("stop requested"));
    await assert.rejects(starting, /stop requested/);
    await assert.rejects(() => kv!.get(["x"]), "the store is closed");
    await assert.rejects(() => healthOf(config.port), "gRPC no longer answers");
    const l = Deno.listen({ hostname: "127.0.0.1", port: config.port });
    l.close(); // the port is free again
  } finally {
    await proxy.down();
    await cleanup();
  }
});
