/**
 * The kitchen facade (staff): the tickets, moving one along (queued -> preparing -> ready), and
 * watching their changes (a server stream, see `stream.ts`).
 *
 * @module
 */
import type { ClientReadableStream } from "@grpc/grpc-js";
import {
  type KitchenServiceClient,
  type Ticket,
  TicketStatus,
  type WatchTicketsRequest,
  type WatchTicketsResponse,
} from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { type Caller, caller, type CallOptsSource, present } from "./call.ts";
import { openStream } from "./stream.ts";

/** The kitchen service, for one request. */
export class KitchenGateway {
  readonly #client: KitchenServiceClient;
  readonly #opts: CallOptsSource;
  readonly #call: Caller<KitchenServiceClient>;

  /** A facade over `client` whose calls carry the options from `opts`. */
  constructor(client: KitchenServiceClient, opts: CallOptsSource) {
    this.#client = client;
    this.#opts = opts;
    this.#call = caller("kitchen", client, opts);
  }

  /** Every ticket change from just after `request.cursor`, until `signal` aborts or the stream is cancelled. */
  watchTickets(
    request: WatchTicketsRequest,
    signal?: AbortSignal,
  ): ClientReadableStream<WatchTicketsResponse> {
    return openStream((r, m) => this.#client.watchTickets(r, m), request, this.#opts, signal);
  }

  /** Every ticket, oldest payment first. */
  async tickets(): Promise<Ticket[]> {
    return (await this.#call("listTickets", { status: TicketStatus.TICKET_STATUS_UNSPECIFIED })).tickets;
  }

  /** Starts preparing the ticket of `orderId` (queued -> preparing). */
  async start(orderId: string): Promise<Ticket> {
    return present((await this.#call("startTicket", { orderId })).ticket, "ticket");
  }

  /** Marks the ticket of `orderId` ready (preparing -> ready). */
  async complete(orderId: string): Promise<Ticket> {
    return present((await this.#call("completeTicket", { orderId })).ticket, "ticket");
  }
}
