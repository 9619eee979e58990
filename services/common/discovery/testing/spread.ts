/**
 * Test helpers: which instance answered a call, and how calls spread over instances (for discovery
 * tests over gRPC and over Connect alike: the peer is whatever the channel's call reports).
 *
 * @module
 */
import type { ServiceError } from "@grpc/grpc-js";
import type { StockServiceClient } from "../../gen/oms/stock/v1/stock.ts";

/** Calls ListItems and resolves with the peer (`127.0.0.1:<port>`) that answered. */
export function listItemsPeer(client: StockServiceClient): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = client.listItems(
      {},
      (err: ServiceError | null) => err ? reject(err) : resolve(call.getPeer()),
    );
  });
}

/** Makes `n` calls one after another and counts them by the port that answered. */
export async function spread(client: StockServiceClient, n: number): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const port = Number((await listItemsPeer(client)).split(":").pop());
    counts.set(port, (counts.get(port) ?? 0) + 1);
  }
  return counts;
}
