/**
 * The kitchen facade (staff): the tickets, moving one (or one station's part) along (queued ->
 * preparing -> ready), undoing the last move, recalling a bumped ticket, the prep-time averages per
 * station, and watching ticket changes (a server stream, see `stream.ts`). Who moved a ticket is the
 * staff claim every call carries, never an argument.
 *
 * @module
 */
import type { ClientReadableStream } from "@grpc/grpc-js";
import {
  type KitchenServiceClient,
  type StationStats,
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

  /** Starts preparing the ticket of `orderId`, or only `station`'s part (queued -> preparing). */
  async start(orderId: string, station = ""): Promise<Ticket> {
    return present((await this.#call("startTicket", { orderId, station })).ticket, "ticket");
  }

  /** Marks the ticket of `orderId`, or only `station`'s part, ready (preparing -> ready). */
  async complete(orderId: string, station = ""): Promise<Ticket> {
    return present((await this.#call("completeTicket", { orderId, station })).ticket, "ticket");
  }

  /** Undoes the last start or bump of the ticket of `orderId` (or of `station`'s part) within the undo window. */
  async undo(orderId: string, station = ""): Promise<Ticket> {
    return present((await this.#call("undoTicket", { orderId, station })).ticket, "ticket");
  }

  /** Brings the bumped ticket of `orderId` (or `station`'s part) back to preparing, within the recall window. */
  async recall(orderId: string, station = ""): Promise<Ticket> {
    return present((await this.#call("recallTicket", { orderId, station })).ticket, "ticket");
  }

  /** Average prep time per station of the parts bumped since `since`. */
  async stats(since: Date): Promise<StationStats[]> {
    return (await this.#call("getKitchenStats", { since })).stations;
  }
}
