/**
 * Contracts integrators can discover: a running stock process (its own process, as deployed) answers
 * gRPC server reflection, and a client that has no proto file of OMS (`reflection_client.ts`) lists
 * its services and calls `StockService.ListItems` with messages built only from the descriptors
 * reflection sent. Reflection asks for the service credential like every service but health.
 */
import assert from "node:assert/strict";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { type TestBus, testBusConfig } from "../services/common/bus/testing.ts";
import { serviceBusEnv } from "../services/common/bus/testing.ts";
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import { freePort, ServiceProcess, waitForGrpcHealth } from "../scripts/launcher.ts";
import { callDynamic, ReflectionClient } from "./reflection_client.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** VmRSS of process `pid` in MB (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 102.4) / 10;
}

Deno.test(
  "a client with no proto files lists a running stock's services and calls ListItems through reflection",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "oms-reflection-" });
    let bus: TestBus | undefined;
    let proc: ServiceProcess | undefined;
    const clients: ReflectionClient[] = [];
    try {
      bus = await testBusConfig(dir);
      const token = generateServiceToken();
      const port = freePort();
      const addr = `127.0.0.1:${port}`;
      const env: Record<string, string> = {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "/root",
        DATA_DIR: dir,
        STOCK_GRPC_PORT: String(port),
        OMS_SERVICE_TOKEN: token,
        LOG_LEVEL: "warn",
        ...serviceBusEnv(bus, "stock"),
      };
      const denoDir = Deno.env.get("DENO_DIR");
      if (denoDir) env.DENO_DIR = denoDir;
      proc = new ServiceProcess("stock", env);
      proc.start();
      await waitForGrpcHealth(addr, 30_000).catch((err) => {
        throw new Error(`${err}\n${proc?.tail()}`);
      });

      const stranger = new ReflectionClient(addr);
      clients.push(stranger);
      await assert.rejects(
        stranger.listServices(),
        (err: { code?: number }) => err.code === GrpcStatus.UNAUTHENTICATED,
        "reflection without the service credential is refused",
      );

      const before = await rssMb(proc.pid!);
      const started = performance.now();
      const v1 = new ReflectionClient(addr, token);
      clients.push(v1);
      const names = (await v1.listServices()).sort();
      const firstCallMs = Math.round(performance.now() - started);
      const after = await rssMb(proc.pid!);
      console.log(
        `stock RSS ${before} MB before the first reflection call, ${after} MB after (${firstCallMs} ms)`,
      );
      assert.deepEqual(names, [
        "grpc.health.v1.Health",
        "oms.deadletters.v1.DeadLettersService",
        "oms.stock.v1.StockService",
      ]);

      const alpha = new ReflectionClient(addr, token, "v1alpha");
      clients.push(alpha);
      assert.deepEqual((await alpha.listServices()).sort(), names, "v1alpha (older grpcurl) lists the same");

      const registry = await v1.registryFor("oms.stock.v1.StockService");
      const stock = registry.getService("oms.stock.v1.StockService");
      assert.ok(stock?.methods.some((m) => m.name === "ReserveItems"), "the whole service is described");
      const reply = await callDynamic(addr, token, registry, "oms.stock.v1.StockService", "ListItems");
      const items = (reply as { items?: { id?: string; name?: string; price?: unknown }[] }).items ?? [];
      assert.ok(items.length > 0, `the seeded menu through reflection: ${JSON.stringify(reply)}`);
      for (const item of items) {
        assert.ok(item.id && item.name, `each item has an id and a name: ${JSON.stringify(item)}`);
        assert.ok(item.price, `nested messages (oms.types.v1.Money) decode too: ${JSON.stringify(item)}`);
      }
    } finally {
      for (const c of clients) c.close();
      if (proc) await proc.stop();
      await bus?.cleanup();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
