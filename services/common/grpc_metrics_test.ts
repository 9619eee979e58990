/**
 * gRPC RED metrics: the server records every unary call by service, method and status code (from
 * `grpc_server.ts`'s call wrapper), and `rpc()` records the client side the same way.
 */
import assert from "node:assert/strict";
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from "@grpc/grpc-js";
import { type GetItemResponse, StockServiceClient, StockServiceService } from "./gen/oms/stock/v1/stock.ts";
import { connect, rpc } from "./grpc_client.ts";
import { startGrpcServer } from "./grpc_server.ts";
import { TEST_SERVICE_TOKEN } from "./auth/testing.ts";
import type { Instruments } from "./metrics/instruments.ts";
import { setInstruments } from "./metrics/record.ts";

Deno.test("served and called unary RPCs are recorded by service, method and status code", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const server: string[] = [];
  const client: string[] = [];
  const line = (a: Record<string, unknown>) =>
    `${a["rpc.service"]}/${a["rpc.method"]} ${a["rpc.grpc.status_code"]}`;
  setInstruments({
    rpcServerDuration: { record: (_ms: number, a: Record<string, unknown>) => server.push(line(a)) },
    rpcClientDuration: { record: (_ms: number, a: Record<string, unknown>) => client.push(line(a)) },
  } as unknown as Instruments);
  const implementation: UntypedServiceImplementation = {
    getItem: (call: ServerUnaryCall<{ id: string }, unknown>, cb: sendUnaryData<GetItemResponse>) =>
      call.request.id === "1" ? cb(null, { item: undefined }) : cb({ code: 5, details: "Unknown item" }),
  };
  const grpc = await startGrpcServer("127.0.0.1", 0, [
    { definition: StockServiceService, name: "oms.stock.v1.StockService", implementation },
  ], { serviceToken: TEST_SERVICE_TOKEN });
  const stock = connect(StockServiceClient, `127.0.0.1:${grpc.port}`, TEST_SERVICE_TOKEN);
  try {
    await rpc(stock, "getItem", { id: "1" });
    await assert.rejects(rpc(stock, "getItem", { id: "2" }));
  } finally {
    setInstruments(undefined);
    stock.close();
    await grpc.stop();
  }
  const expected = ["oms.stock.v1.StockService/GetItem 0", "oms.stock.v1.StockService/GetItem 5"];
  assert.deepEqual(server, expected);
  assert.deepEqual(client, expected);
});
