/**
 * Dead-letter clients of the four consuming services. Each service serves
 * `oms.deadletters.v1.DeadLettersService` on its own gRPC port, so these clients share the channel of
 * the service's main client (no new connection, and closing the main client closes them too).
 *
 * @module
 */
import { DeadLettersServiceClient } from "../../services/common/gen/oms/deadletters/v1/deadletters.ts";
import { connectOnChannelOf } from "../../services/common/grpc_client.ts";
import type { Clients, PeerName } from "../api/deps.ts";

/** The consuming services, in the order the dead-letters page shows them. */
export const CONSUMERS: readonly PeerName[] = ["orders", "stock", "payments", "kitchen"];

/** A dead-letters client per consuming service. */
export type DeadLetterClients = Record<PeerName, DeadLettersServiceClient>;

const made = new WeakMap<Clients, DeadLetterClients>();

/** The dead-letter clients riding on `clients`' channels (made once per `clients`). */
export function deadLetterClients(clients: Clients): DeadLetterClients {
  let out = made.get(clients);
  if (!out) {
    // same channel and same service credential as the main client
    const of = (peer: PeerName) => connectOnChannelOf(DeadLettersServiceClient, clients[peer]);
    out = { orders: of("orders"), stock: of("stock"), payments: of("payments"), kitchen: of("kitchen") };
    made.set(clients, out);
  }
  return out;
}
