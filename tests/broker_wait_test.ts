/**
 * A service process started while the broker is down does not exit: it answers NOT_SERVING and waits,
 * logging each attempt; SIGTERM during the wait stops it cleanly (exit 0); started again with the broker
 * reachable (through a proxy that comes up later) it reports SERVING.
 */
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";
import assert from "node:assert/strict";
import { BrokerProxy } from "../services/common/bus/broker_proxy.ts";
import { eventually, testBusConfig } from "../services/common/bus/testing.ts";
import {
  HealthCheckResponse_ServingStatus,
  HealthClient,
} from "../services/common/gen/grpc/health/v1/health.ts";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { freePort, ServiceProcess, systemEnv } from "../scripts/launcher.ts";

async function health(port: number): Promise<HealthCheckResponse_ServingStatus | undefined> {
  const client = connect(HealthClient, `127.0.0.1:${port}`, TEST_SERVICE_TOKEN);
  try {
    return (await rpc(client, "check", { service: "" }, { timeoutMs: 1000 })).status;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

Deno.test("kitchen started with the broker down waits NOT_SERVING, stops on SIGTERM with exit 0, and serves once the broker is up", async () => {
  const proxy = BrokerProxy.create();
  const bus = await testBusConfig();
  const dataDir = await Deno.makeTempDir({ prefix: "oms-broker-wait-" });
  const ports = {
    orders: freePort(),
    stock: freePort(),
    payments: freePort(),
    kitchen: freePort(),
    web: freePort(),
  };
  const env = systemEnv(ports, {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/root",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    DATA_DIR: dataDir,
    AMQP_URL: proxy.url(bus.urls.kitchen!),
    OMS_BROKER_USER_PREFIX: bus.config.brokerUserPrefix!,
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    OMS_EXCHANGE: bus.config.exchange,
    OMS_QUEUE_PREFIX: bus.config.queuePrefix,
    OMS_ENV: "development",
    LOG_LEVEL: "info",
    KITCHEN_AUTO_PREP: "false",
  });
  const kitchen = new ServiceProcess("kitchen", env);
  try {
    kitchen.start();
    await eventually(
      () => kitchen.lines.filter((l) => l.includes("waiting for the broker")).length >= 3,
      "three logged attempts",
      30_000,
    );
    assert.equal(await health(ports.kitchen), HealthCheckResponse_ServingStatus.NOT_SERVING);
    assert.ok(kitchen.lines.some((l) => l.includes('"nextDelayMs":400')), "the delay doubles");
    assert.equal(await kitchen.stop("SIGTERM"), 0, kitchen.lines.join("\n"));

    const waitsBefore = kitchen.lines.filter((l) => l.includes("waiting for the broker")).length;
    kitchen.start();
    await eventually(
      () => kitchen.lines.filter((l) => l.includes("waiting for the broker")).length > waitsBefore,
      "waiting again",
      30_000,
    );
    proxy.up();
    await eventually(
      async () => (await health(ports.kitchen)) === HealthCheckResponse_ServingStatus.SERVING,
      "SERVING once the broker is reachable",
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; kitchen's last lines:\n${kitchen.lines.slice(-15).join("\n")}`);
    });
  } finally {
    await kitchen.stop("SIGTERM");
    await proxy.down();
    await bus.cleanup();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
