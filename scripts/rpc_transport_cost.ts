/**
 * Measures what one call costs over each of OMS's two transports: one server (`startGrpcServer` with a
 * Connect port) with a trivial `GetItem` and a `WatchOrders` stream, clients made by `connect()` for its gRPC
 * address and for its Connect address, in this process (client + server CPU, user + system), rounds
 * alternating between the two. Unary: `calls` calls, 16 in flight, through `rpc()`. Stream: one
 * `WatchOrders` delivering `messages` small messages written 4 per event-loop turn. Prints one line per round and transport.
 *
 * `deno run -A scripts/rpc_transport_cost.ts [calls=5000] [rounds=3] [messages=20000]`
 *
 * @module
 */
import process from "node:process";
import { setImmediate } from "node:timers";
import { Metadata, type sendUnaryData, type ServerWritableStream } from "@grpc/grpc-js";
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { startGrpcServer } from "../services/common/grpc_server.ts";
import {
  OrdersServiceClient,
  OrdersServiceService,
  OrderStatus,
  type WatchOrdersResponse,
} from "../services/common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient, StockServiceService } from "../services/common/gen/oms/stock/v1/stock.ts";

const calls = Number(Deno.args[0] ?? 5000);
const rounds = Number(Deno.args[1] ?? 3);
const messages = Number(Deno.args[2] ?? 20_000);
const token = generateServiceToken();
/** A watch message without its order: a cursor, a status and a time. */
const MESSAGE: WatchOrdersResponse = {
  cursor: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  order: undefined,
  status: OrderStatus.ORDER_STATUS_PAID,
  at: new Date(),
};

const server = await startGrpcServer("127.0.0.1", 0, [
  {
    definition: StockServiceService,
    name: "oms.stock.v1.StockService",
    implementation: {
      getItem: (_call: unknown, cb: sendUnaryData<unknown>) => cb(null, { item: undefined }),
    },
  },
  {
    // a stand-in watch: `messages` small messages, 4 per turn, then the end
    definition: OrdersServiceService,
    name: "oms.orders.v1.OrdersService",
    implementation: {
      watchOrders: async (call: ServerWritableStream<unknown, WatchOrdersResponse>) => {
        for (let i = 0; i < messages; i += 4) {
          for (let j = 0; j < 4; j++) call.write(MESSAGE);
          await new Promise((r) => setImmediate(r));
        }
        call.end();
      },
    },
  },
], { serviceToken: token, connectPort: 0 });

const targets = { grpc: `127.0.0.1:${server.port}`, connect: `http://127.0.0.1:${server.connectPort}` };
const stock = {
  grpc: connect(StockServiceClient, targets.grpc, token),
  connect: connect(StockServiceClient, targets.connect, token),
};
const orders = {
  grpc: connect(OrdersServiceClient, targets.grpc, token),
  connect: connect(OrdersServiceClient, targets.connect, token),
};

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function unary(client: StockServiceClient, n: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next++ < n) await rpc(client, "getItem", { id: "1" });
  };
  const before = cpuUs();
  await Promise.all(Array.from({ length: 16 }, lane));
  return (cpuUs() - before) / n / 1000;
}

async function stream(client: OrdersServiceClient): Promise<number> {
  const before = cpuUs();
  const got = await new Promise<number>((resolve, reject) => {
    let n = 0;
    const s = client.watchOrders({ cursor: "", orderId: "", customerId: "" }, new Metadata());
    s.on("data", () => n++);
    s.on("error", reject);
    s.on("status", () => resolve(n));
  });
  if (got !== messages) throw new Error(`the watch delivered ${got} of ${messages} messages`);
  return (cpuUs() - before) / messages;
}

for (const t of ["grpc", "connect"] as const) await unary(stock[t], 500); // warm-up
for (let round = 1; round <= rounds; round++) {
  for (const t of ["grpc", "connect"] as const) {
    const perCall = await unary(stock[t], calls);
    const perMessage = await stream(orders[t]);
    console.log(
      `round ${round} ${t.padEnd(7)} unary ${perCall.toFixed(3)} CPU-ms per call; ` +
        `stream ${perMessage.toFixed(1)} CPU-µs per message`,
    );
  }
}
// clients and server stay open: closing a gRPC channel sends a GOAWAY, which Deno 2.9.6 can abort the
// process on (services/common/exiting.ts); the process exits here
Deno.exit(0);
