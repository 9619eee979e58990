/**
 * The live hub of a web process: one {@linkcode Upstream} per service (orders: every order, as staff;
 * kitchen: every ticket; stock: every menu item staff change), shared by every SSE client of this
 * process: order pages, "my orders", the admin dashboard, the kitchen board and the storefront menu. {@linkcode liveHub} makes it once per gateway (per `AppDeps`).
 * The streams are opened through the orders, kitchen and stock facades (`web/gateway/`), as {@linkcode LIVE_STAFF}.
 *
 * @module
 */
import type { StaffIdentity } from "../../services/common/auth/staff_claim.ts";
import type { Order, WatchOrdersResponse } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { customerViewOf } from "../../services/common/order_audience.ts";
import type { WatchTicketsResponse } from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import type { WatchItemsResponse } from "../../services/common/gen/oms/stock/v1/stock.ts";
import type { AppDeps } from "../api/deps.ts";
import { staffGateway } from "../gateway/mod.ts";
import { observeOrderCreations } from "../gateway/order_creations.ts";
import { Upstream } from "./upstream.ts";

/** The staff identity of web's own watch of every order. */
export const LIVE_STAFF: StaffIdentity = { sub: "web-live-views", role: "manager" };

/**
 * How many orders' latest change the orders upstream remembers, so an order page that opens shows it
 * without a `GetOrder`. Each is a decoded `WatchOrdersResponse`: about 3.1 KB of JS heap for a
 * five-step order of three lines (709 bytes on the wire), so 1,024 hold ~3 MB. Under `deno task bench`
 * (~130 orders/s, each page opened within a second or two of its order's last change) that is the last
 * ~8 s of orders, and every page found its order; 4,096 held ~13 MB of web's heap for no more hits.
 */
export const RECENT_ORDERS = 1024;

/**
 * How long each upstream stays open after its last view closed (`UpstreamOptions.lingerMs`). Under
 * steady traffic order pages open and close all the time; without it the orders watch was reopened
 * whenever none happened to be open (17 times in 12 s of `deno task bench`), each time from now and
 * forgetting the orders it remembered, so most pages read their order with `GetOrder` after all.
 */
export const LIVE_LINGER_MS = 30_000;

/**
 * `order`, as the orders upstream passed it on (watched as staff), in the view of `customerId`
 * (`customerViewOf`), or undefined when it is not theirs: what every customer's page and stream shows.
 */
export function customersOrder(order: Order | undefined, customerId: string): Order | undefined {
  return order?.customerId === customerId ? customerViewOf(order) : undefined;
}

/** The shared upstreams. */
export interface LiveHub {
  /**
   * Every order change; keys `order:<id>` and `customer:<id>`; `latest("order:<id>")` is the order's
   * latest change the open stream passed on, if it was one of the last {@linkcode RECENT_ORDERS}, or
   * the order as web's own `CreateOrder` answered it while the stream was open (`Upstream.witness`).
   */
  orders: Upstream<WatchOrdersResponse>;
  /** Every ticket change; key `ticket:<orderId>`. */
  tickets: Upstream<WatchTicketsResponse>;
  /** Every change staff make to a menu item (edit, 86, restock); key `item:<id>`. */
  items: Upstream<WatchItemsResponse>;
  /** Closes the streams. */
  close(): void;
}

const hubs = new WeakMap<AppDeps, LiveHub>();

/** The hub of the gateway built on `deps` (made on first use). */
export function liveHub(deps: AppDeps): LiveHub {
  let hub = hubs.get(deps);
  if (hub) return hub;
  const gateway = staffGateway(deps, LIVE_STAFF);
  const orders = new Upstream<WatchOrdersResponse>({
    name: "orders",
    log: deps.log,
    lingerMs: LIVE_LINGER_MS,
    open: (cursor) => gateway.orders.watch({ cursor, orderId: "", customerId: "" }),
    keysOf: (m) => m.order ? [`order:${m.order.id}`, `customer:${m.order.customerId}`] : [],
    remember: { keyOf: (m) => m.order ? `order:${m.order.id}` : undefined, maxEntries: RECENT_ORDERS },
  });
  // an order web creates is remembered as its call answered it, when the open watch follows it anyway
  const stopObserving = observeOrderCreations(deps.clients.orders, {
    begin() {
      const witnessed = orders.witness();
      return (order) => witnessed({ cursor: "", order, status: order.status, at: order.updatedAt });
    },
  });
  const tickets = new Upstream<WatchTicketsResponse>({
    name: "kitchen",
    log: deps.log,
    lingerMs: LIVE_LINGER_MS,
    open: (cursor) => gateway.kitchen.watchTickets({ cursor }),
    keysOf: (m) => m.ticket ? [`ticket:${m.ticket.orderId}`] : [],
  });
  const items = new Upstream<WatchItemsResponse>({
    name: "stock",
    log: deps.log,
    lingerMs: LIVE_LINGER_MS,
    open: (cursor) => gateway.stock.watchItems({ cursor }),
    keysOf: (m) => m.item ? [`item:${m.item.id}`] : [],
  });
  hub = {
    orders,
    tickets,
    items,
    close() {
      stopObserving();
      orders.close();
      tickets.close();
      items.close();
    },
  };
  hubs.set(deps, hub);
  return hub;
}

/** Closes the hub of `deps` if one was made. */
export function closeLiveHub(deps: AppDeps): void {
  hubs.get(deps)?.close();
}
