/**
 * The gRPC floor: one unary call through the project's helpers (`connect` with the service token,
 * `rpc`, `startGrpcServer` checking it), client and server in this process (left open: see below).
 *
 * @module
 */
import type { sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import { generateServiceToken } from "../../../services/common/auth/service_token.ts";
import { connect, rpc } from "../../../services/common/grpc_client.ts";
import { startGrpcServer } from "../../../services/common/grpc_server.ts";
import {
  type Item,
  StockServiceClient,
  StockServiceService,
} from "../../../services/common/gen/oms/stock/v1/stock.ts";
import { measureCpuPerOp, type PrimitiveCost } from "./measure.ts";

const ITEM: Item = {
  id: "1",
  name: "Margherita",
  description: "Tomato, mozzarella, basil",
  price: { currency: "EUR", amount: 900 },
  available: 100,
  reserved: 2,
  sold: 40,
  category: "Pizzas",
  tags: ["vegetarian"],
  allergens: ["gluten", "milk"],
  image: "/menu/margherita.svg",
  position: 10,
  updatedAt: undefined,
};

/** CPU ms of one unary call (client + server) over `ops` calls, `lanes` in flight. */
export async function grpcFloor(ops: number, lanes = 1): Promise<PrimitiveCost> {
  const token = generateServiceToken();
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: StockServiceService,
    name: "oms.stock.v1.StockService",
    implementation: {
      getItem: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) =>
        cb(null, { item: ITEM }),
    },
  }], { serviceToken: token });
  const client = connect(StockServiceClient, `127.0.0.1:${server.port}`, token);
  // Client and server stay open: closing either sends an HTTP/2 GOAWAY, which Deno 2.9.6 can abort the
  // process on (services/common/exiting.ts); the floor runs in its own process, which exits after.
  return await measureCpuPerOp(() => rpc(client, "getItem", { id: "1" }), {
    ops,
    warmup: Math.min(500, ops),
    lanes,
  });
}
