/**
 * The stock service: catalog, stock levels and all-or-nothing reservations per order.
 *
 * @module
 */
export { loadConfig, type StockConfig } from "./config.ts";
export { start, type StockHandle } from "./service.ts";
export type { StockItem } from "./domain/item.ts";
export type { ReservationState, ReservedLine, StockReservation } from "./domain/reservation.ts";
export { MENU, MENU_CURRENCY, type MenuItem } from "./domain/menu.ts";
