/**
 * Measures the CPU cost of one unary gRPC call through the shared helpers (`connect`, `rpc`,
 * `startGrpcServer`): client and server in this process, a trivial handler, N sequential calls after a
 * warm-up; prints process CPU (user + system) and wall time per call. Rounds alternate between a client
 * made by `connect` (credential set by its interceptor) and a bare client that sends the same
 * `authorization` metadata by hand (no interceptor), so the interceptor's share shows; then it times
 * the server's token check and the staff claim's sign and verify on their own.
 *
 * `deno run -A scripts/grpc_call_cost.ts [calls=2000] [rounds=5]`
 *
 * @module
 */
import process from "node:process";
import { credentials, Metadata, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import { bearer, ServiceTokenCheck } from "../services/common/auth/service_credential.ts";
import { StaffClaims } from "../services/common/auth/staff_claim.ts";
import { CLIENT_OPTIONS, connect, rpc } from "../services/common/grpc_client.ts";
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
const addr = `127.0.0.1:${server.port}`;
const viaConnect = connect(StockServiceClient, addr, serviceToken);
const bare = new StockServiceClient(addr, credentials.createInsecure(), CLIENT_OPTIONS);

async function run(
  client: StockServiceClient,
  byHand: boolean,
  n: number,
): Promise<{ cpu: number; wall: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const metadata = new Metadata();
    if (byHand) metadata.set("authorization", bearer(serviceToken));
    await rpc(client, "getItem", { id: "1" }, { metadata });
  }
  const wall = (performance.now() - t0) * 1000 / n;
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / n, wall };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");

await run(viaConnect, false, 500); // warm-up (JIT, connections)
await run(bare, true, 500);
const a: { cpu: number; wall: number }[] = [];
const b: { cpu: number; wall: number }[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(await run(viaConnect, false, calls));
  b.push(await run(bare, true, calls));
}
console.log(`${rounds} rounds of ${calls} unary calls each (client and server in one process), alternating`);
for (const [name, xs] of [["connect (interceptor) ", a], ["bare + metadata by hand", b]] as const) {
  console.log(
    `${name}  CPU µs/call median ${median(xs.map((x) => x.cpu)).toFixed(1)} [${fmt(xs.map((x) => x.cpu))}]` +
      `  wall µs/call median ${median(xs.map((x) => x.wall)).toFixed(1)}`,
  );
}

/** Mean CPU nanoseconds of `fn` over `n` runs. */
function nsPer(n: number, fn: () => unknown): number {
  for (let i = 0; i < 1000; i++) fn();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) * 1000 / n;
}
const check = new ServiceTokenCheck(serviceToken);
const good = new Metadata();
good.set("authorization", bearer(serviceToken));
const claims = new StaffClaims(serviceToken);
const claim = claims.sign({ sub: "admin", role: "owner" });
console.log(`server token check: ${nsPer(200_000, () => check.accepts(good)).toFixed(0)} ns`);
const who = { sub: "admin", role: "owner" } as const;
console.log(`staff claim sign, new:          ${nsPer(20_000, () => claims.sign(who)).toFixed(0)} ns`);
console.log(
  `staff claim attach, reused:     ${nsPer(200_000, () => claims.attach(new Metadata(), who)).toFixed(0)} ns`,
);
console.log(`staff claim verify, remembered: ${nsPer(200_000, () => claims.verify(claim)).toFixed(0)} ns`);
console.log(
  `staff claim verify, new:        ${
    nsPer(20_000, () => new StaffClaims(serviceToken).verify(claim)).toFixed(0)
  } ns (with key derivation)`,
);
viaConnect.close();
bare.close();
await server.stop(100);
Deno.exit(0);
