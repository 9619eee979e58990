/**
 * The orders service: orders and their lifecycle, guarded by a state machine; creates orders against
 * stock and payments and follows payment and kitchen events.
 *
 * @module
 */
export { loadConfig, type OrdersConfig } from "./config.ts";
export { type OrdersHandle, start } from "./service.ts";
export { type Order, ORDER_STATUSES, type OrderStatus, type TimelineEntry } from "./domain/order.ts";
export { canTransition, transition, type TransitionResult } from "./domain/transition.ts";
export { OrdersApp, type OrdersDeps } from "./app.ts";
export { allowedActions, ORDER_ACTIONS, type OrderAction } from "./domain/actions.ts";
export { ordersServer } from "./grpc_handlers.ts";
export { orderEventHandlers } from "./event_handlers.ts";
