/**
 * Measures the CPU cost of one unary gRPC call through the shared helpers (`connect`, `rpc`,
 * `startGrpcServer`): client and server in this process, a trivial handler, N sequential calls after a
 * warm-up; prints process CPU (user + system) and wall time per call.
 *
 * `deno run -A scripts/grpc_call_cost.ts [calls=2000] [rounds=5]`
 *
 * @module
 */
import process from "node:process";
import type { sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { startGrpcServer } from "../services/common/grpc_server.ts";
import { StockServiceClient, StockServiceService } from "../services/common/gen/oms/stock/v1/stock.ts";

const calls = Number(Deno.args[0] ?? 2000);
const rounds = Number(Deno.args[1] ?? 5);
const serviceToken = generateServiceToken();

const server = await startGrpcServer("127.0.0.1", 0, [{
  definition: StockServiceService,
  name: "oms.stock.v1.StockService",
  implementation: {
    getItem: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => cb(null, {}),
  },
}], { serviceToken });
const client = connect(StockServiceClient, `127.0.0.1:${server.port}`, serviceToken);

async function run(n: number): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await rpc(client, "getItem", { id: "1" });
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: cpu.user + cpu.system, wallUs };
}

await run(500); // warm-up (JIT, connection)
const perCall: { cpu: number; wall: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const { cpuUs, wallUs } = await run(calls);
  perCall.push({ cpu: cpuUs / calls, wall: wallUs / calls });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(`${rounds} rounds of ${calls} unary calls (client and server in one process)`);
console.log(
  `CPU µs/call:  median ${median(perCall.map((p) => p.cpu)).toFixed(1)}  [${fmt(perCall.map((p) => p.cpu))}]`,
);
console.log(
  `wall µs/call: median ${median(perCall.map((p) => p.wall)).toFixed(1)}  [${
    fmt(perCall.map((p) => p.wall))
  }]`,
);
client.close();
await server.stop(100);
Deno.exit(0);
