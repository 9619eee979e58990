/**
 * The dead-letters facade (staff): each consuming service serves `oms.deadletters.v1.DeadLettersService`
 * on its own gRPC port, so its client rides on the channel of the service's main client (no new
 * connection; closing the main client closes it too) with the same credential.
 *
 * @module
 */
import {
  type DeadLetter,
  DeadLettersServiceClient,
} from "../../services/common/gen/oms/deadletters/v1/deadletters.ts";
import { connectOnChannelOf } from "../../services/common/grpc_client.ts";
import { caller, type CallOptsSource } from "./call.ts";
import type { Clients, PeerName } from "./clients.ts";

/** The consuming services, in the order the dead-letters page shows them. */
export const CONSUMERS: readonly PeerName[] = ["orders", "stock", "payments", "kitchen"];

/** True for a consuming service's name. */
export function isConsumer(name: string): name is PeerName {
  return (CONSUMERS as readonly string[]).includes(name);
}

/** A dead-letters client per consuming service. */
type DeadLetterClients = Record<PeerName, DeadLettersServiceClient>;

const made = new WeakMap<Clients, DeadLetterClients>();

function clientsOf(clients: Clients): DeadLetterClients {
  let out = made.get(clients);
  if (!out) {
    const of = (peer: PeerName) => connectOnChannelOf(DeadLettersServiceClient, clients[peer]);
    out = { orders: of("orders"), stock: of("stock"), payments: of("payments"), kitchen: of("kitchen") };
    made.set(clients, out);
  }
  return out;
}

/** What one service has parked. */
export interface DeadLetterList {
  /** Parked messages, oldest id first. */
  letters: DeadLetter[];
  /** True when more are parked than listed. */
  more: boolean;
}

/** The consuming services' dead letters, for one request. */
export class DeadLettersGateway {
  readonly #clients: Clients;
  readonly #opts: CallOptsSource;

  /** A facade over the dead-letter services on `clients`' channels, with the options from `opts`. */
  constructor(clients: Clients, opts: CallOptsSource) {
    this.#clients = clients;
    this.#opts = opts;
  }

  #call(service: PeerName) {
    return caller(service, clientsOf(this.#clients)[service], this.#opts);
  }

  /** Up to `limit` of the messages `service` has parked. */
  async list(service: PeerName, limit: number): Promise<DeadLetterList> {
    const res = await this.#call(service)("listDeadLetters", { limit });
    return { letters: res.deadLetters, more: res.more };
  }

  /** Sends the parked message `id` back to `service`'s queue. */
  async replay(service: PeerName, id: string): Promise<void> {
    await this.#call(service)("replayDeadLetter", { id });
  }

  /** Deletes the parked message `id` of `service`. */
  async discard(service: PeerName, id: string): Promise<void> {
    await this.#call(service)("discardDeadLetter", { id });
  }
}
