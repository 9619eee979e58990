import assert from "node:assert/strict";
import {
  freePort,
  processArgs,
  systemEnv,
  testPortRange,
  waitForConnectHealth,
  waitReady,
} from "./launcher.ts";
import { startGrpcServer } from "../services/common/grpc_server.ts";
import { ServingStatus } from "../services/common/health.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";
import { runtimeFlags } from "./runtime_flags.ts";

Deno.test("extra deno flags go after run -A and the runtime flags, before the process's entry point", () => {
  assert.deepEqual(processArgs("orders"), [
    "run",
    "-A",
    ...runtimeFlags("orders"),
    "services/orders/main.ts",
  ]);
  assert.deepEqual(processArgs("web", ["--inspect=127.0.0.1:9229"]), [
    "run",
    "-A",
    ...runtimeFlags("web"),
    "--inspect=127.0.0.1:9229",
    "web/main.ts",
  ]);
});

Deno.test("OMS_TEST_PORTS is a range from-to within the unprivileged ports; anything else leaves ports to the kernel", () => {
  assert.deepEqual(testPortRange("10000-19999"), { from: 10000, size: 10000 });
  assert.equal(testPortRange(undefined), undefined);
  assert.equal(testPortRange("20000-10000"), undefined);
  assert.equal(testPortRange("80-9000"), undefined);
  assert.equal(testPortRange("10000-70000"), undefined);
  assert.equal(testPortRange("10000"), undefined);
});

Deno.test("with OMS_TEST_PORTS, freePort hands out that range's free ports in turn, skipping one in use", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { freePort } from "${new URL("./launcher.ts", import.meta.url).href}";
       const held = Deno.listen({ hostname: "127.0.0.1", port: 23105 });
       const ports = Array.from({ length: 40 }, () => freePort());
       console.log(JSON.stringify(ports));`,
    ],
    env: { OMS_TEST_PORTS: "23100-23129" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const ports: number[] = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.ok(ports.every((p) => p >= 23100 && p <= 23129), `in range: ${ports}`);
  assert.ok(!ports.includes(23105), "a port in use is skipped");
  // 29 free ports, handed out in turn: the first 29 are all different, then the turn starts again
  assert.equal(new Set(ports.slice(0, 29)).size, 29);
  assert.deepEqual(ports.slice(29), ports.slice(0, 11));
});

Deno.test("with Connect ports, each service serves Connect there and every peer is called over it", () => {
  const ports = { orders: 1, stock: 2, payments: 3, kitchen: 4, web: 5 };
  const env = systemEnv(ports, { STOCK_ADDR: "stock.example:7" }, undefined, {
    orders: 11,
    stock: 12,
    payments: 13,
    kitchen: 14,
  });
  assert.equal(env.ORDERS_CONNECT_PORT, "11");
  assert.equal(env.KITCHEN_CONNECT_PORT, "14");
  assert.equal(env.ORDERS_ADDR, "http://127.0.0.1:11");
  assert.equal(env.PAYMENTS_ADDR, "http://127.0.0.1:13");
  assert.equal(env.STOCK_ADDR, "stock.example:7", "what the caller set wins");
  assert.equal(env.ORDERS_GRPC_PORT, "1", "gRPC is still served");
  const plain = systemEnv(ports, {});
  assert.equal(plain.ORDERS_ADDR, "127.0.0.1:1");
  assert.equal(plain.ORDERS_CONNECT_PORT, undefined);
});

Deno.test("preferPortRange makes freePort hand out that range, unless OMS_TEST_PORTS chose one", async () => {
  const run = async (env: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { freePort, preferPortRange } from "${new URL("./launcher.ts", import.meta.url).href}";
         try {
           preferPortRange("80-90");
           console.error("no error for 80-90");
         } catch (e) {
           if (!(e instanceof RangeError)) throw e;
         }
         preferPortRange("23140-23149");
         console.log(JSON.stringify(Array.from({ length: 12 }, () => freePort())));`,
      ],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stderr), "", "80-90 is refused with a RangeError");
    return JSON.parse(new TextDecoder().decode(out.stdout)) as number[];
  };
  // "" as set here: not the range `deno task test` may give this process
  const preferred = await run({ OMS_TEST_PORTS: "" });
  assert.ok(preferred.every((p) => p >= 23140 && p <= 23149), `in the preferred range: ${preferred}`);
  const set = await run({ OMS_TEST_PORTS: "23150-23159" });
  assert.ok(set.every((p) => p >= 23150 && p <= 23159), `OMS_TEST_PORTS wins: ${set}`);
});

Deno.test("waitReady asks a service's health over its Connect port when the system serves Connect", async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [], {
    serviceToken: TEST_SERVICE_TOKEN,
    connectPort: 0,
  });
  try {
    const connectPorts = { orders: 1, stock: server.connectPort!, payments: 1, kitchen: 1 };
    // nothing listens on the gRPC port given: only a wait over Connect can succeed
    const ports = { orders: 1, stock: freePort(), payments: 1, kitchen: 1, web: 1 };
    const started = waitReady("stock", ports, 5_000, connectPorts);
    await new Promise((r) => setTimeout(r, 300));
    server.health.setAll(ServingStatus.SERVING); // NOT_SERVING until now: the wait goes on until SERVING
    await started;
    await assert.rejects(
      () => waitReady("stock", ports, 500),
      /did not report SERVING within 500 ms/,
      "without Connect ports it asks the gRPC port, where nothing listens",
    );
    server.health.setAll(ServingStatus.NOT_SERVING);
    await assert.rejects(
      () => waitForConnectHealth(`127.0.0.1:${server.connectPort}`, 500),
      new RegExp(`127\\.0\\.0\\.1:${server.connectPort} did not report SERVING within 500 ms`),
    );
  } finally {
    await server.stop();
  }
});
