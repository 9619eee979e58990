/**
 * Test fixture (test code only): a real gRPC server process whose `Stock.ListItems` never answers.
 * It prints its port, then `called` when a call arrives, so a test can kill it mid-call.
 *
 * @module
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { StockServiceService } from "../../../services/common/gen/oms/stock/v1/stock.ts";

const server = new Server();
const never = () => console.log("called");
server.addService(StockServiceService, { listItems: never } as never);
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(`port ${port}`);
});
