/**
 * The kitchen service: one ticket per paid order, queued by payment time, prepared and made ready by
 * staff or the auto-prep timer.
 *
 * @module
 */
export { type KitchenConfig, loadConfig } from "./config.ts";
export { type KitchenHandle, start } from "./service.ts";
export type { KitchenTicket, TicketAction, TicketState } from "./domain/ticket.ts";
