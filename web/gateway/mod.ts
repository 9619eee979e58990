/**
 * Web's gateway layer: one facade per service (orders, stock, payments, kitchen, the consuming
 * services' dead letters, and staff, which the orders process hosts), the only code in web that calls gRPC. Each facade has typed methods
 * (`orders.get(customerId, orderId)`, `stock.list()`, ...), maps every failure to the gateway's
 * `ApiError` in one place (`errors.ts`) and sends the request's call options, also built in one place
 * (`call_options.ts`): trace context, deadline and, for staff, a signed staff claim.
 *
 * Routes get the facades for the request they serve with {@linkcode gatewayFor}; web's own calls made
 * outside any request (the live views' shared watches) use {@linkcode staffGateway}.
 *
 * @module
 */
import type { Context } from "hono";
import type { StaffIdentity } from "../../services/common/auth/staff_claim.ts";
import { newTraceparent } from "../../services/common/trace.ts";
import { type AppDeps, type AppEnv, callOpts } from "../api/deps.ts";
import type { CallOptsSource } from "./call.ts";
import { callOptions } from "./call_options.ts";
import { catalogCacheOf } from "./catalog_cache.ts";
import type { Clients } from "./clients.ts";
import { DeadLettersGateway } from "./dead_letters.ts";
import { KitchenGateway } from "./kitchen.ts";
import { OrdersGateway } from "./orders.ts";
import { PaymentsGateway } from "./payments.ts";
import { StaffGateway } from "./staff.ts";
import { StockGateway } from "./stock.ts";

export { DeadLettersGateway, KitchenGateway, OrdersGateway, PaymentsGateway, StaffGateway, StockGateway };

/** The facades of every service, bound to one request's call options. */
export interface Gateway {
  /** Orders. */
  orders: OrdersGateway;
  /** Stock. */
  stock: StockGateway;
  /** Payments. */
  payments: PaymentsGateway;
  /** Kitchen. */
  kitchen: KitchenGateway;
  /** The consuming services' dead letters. */
  deadLetters: DeadLettersGateway;
  /** Staff accounts, sessions and the login throttle (hosted by orders). */
  staff: StaffGateway;
}

/** The facades over `clients`, each call with options from `opts`. */
export function createGateway(clients: Clients, opts: CallOptsSource): Gateway {
  let staff: StaffGateway | undefined;
  return {
    // an order created or cancelled through web changes stock: the shared catalog is read again
    orders: new OrdersGateway(clients.orders, opts, () => catalogCacheOf(clients.stock).invalidate()),
    stock: new StockGateway(clients.stock, opts),
    payments: new PaymentsGateway(clients.payments, opts),
    kitchen: new KitchenGateway(clients.kitchen, opts),
    deadLetters: new DeadLettersGateway(clients, opts),
    // made on first use: only admin requests need it, and its client rides on the orders channel
    get staff() {
      return staff ??= new StaffGateway(clients, opts);
    },
  };
}

/** The facades for the request `c`: its trace context, the deadline, and its staff member if any. */
export function gatewayFor(c: Context<AppEnv>, deps: AppDeps): Gateway {
  return createGateway(deps.clients, () => callOpts(c, deps));
}

/**
 * The facades for web's own calls as `staff` (no request behind them): each call gets a new trace
 * context, the deadline and a claim freshly signed for `staff`, built like a staff request's.
 */
export function staffGateway(deps: AppDeps, staff: StaffIdentity): Gateway {
  return createGateway(deps.clients, () => callOptions({ traceparent: newTraceparent(), staff }, deps));
}
