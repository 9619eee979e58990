/**
 * The kitchen facade (staff): the tickets, and moving one along (queued -> preparing -> ready).
 *
 * @module
 */
import {
  type KitchenServiceClient,
  type Ticket,
  TicketStatus,
} from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { type Caller, caller, type CallOptsSource, present } from "./call.ts";

/** The kitchen service, for one request. */
export class KitchenGateway {
  readonly #call: Caller<KitchenServiceClient>;

  /** A facade over `client` whose calls carry the options from `opts`. */
  constructor(client: KitchenServiceClient, opts: CallOptsSource) {
    this.#call = caller("kitchen", client, opts);
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
