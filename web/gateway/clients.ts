/**
 * The gRPC clients behind web's gateway facades: one per service, each carrying the service credential
 * (see `connect`). Only `web/gateway/` uses them; everything else in web talks to the facades.
 *
 * Services hosted on another's port ride on that service's channel: the dead letters of each
 * consuming service (`dead_letters.ts`), and staff, hosted by orders ({@linkcode staffClientOf},
 * made in `staff.ts`), so staff follows `ORDERS_ADDR` or orders' discovered address.
 *
 * @module
 */
import { connect } from "../../services/common/grpc_client.ts";
import { KitchenServiceClient } from "../../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { OrdersServiceClient } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { PaymentsServiceClient } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { StockServiceClient } from "../../services/common/gen/oms/stock/v1/stock.ts";

export { staffClientOf } from "./staff.ts";

/** gRPC clients of the services behind the gateway. */
export interface Clients {
  /** Orders service. */
  orders: OrdersServiceClient;
  /** Stock service (catalog). */
  stock: StockServiceClient;
  /** Payments service. */
  payments: PaymentsServiceClient;
  /** Kitchen service (used by the admin pages). */
  kitchen: KitchenServiceClient;
}

/** The names the gateway uses for its peers in messages. */
export type PeerName = "orders" | "stock" | "payments" | "kitchen";

/** The services' addresses and the deployment's service credential. */
export interface ClientsConfig {
  /** `host:port` or `consul://...` of orders. */
  ordersAddr: string;
  /** Address of stock. */
  stockAddr: string;
  /** Address of payments. */
  paymentsAddr: string;
  /** Address of kitchen. */
  kitchenAddr: string;
  /** The service token every call carries. */
  serviceToken: string;
}

/** Connects clients to the configured services (connections are made lazily on first call). */
export function connectClients(config: ClientsConfig): Clients {
  return {
    orders: connect(OrdersServiceClient, config.ordersAddr, config.serviceToken),
    stock: connect(StockServiceClient, config.stockAddr, config.serviceToken),
    payments: connect(PaymentsServiceClient, config.paymentsAddr, config.serviceToken),
    kitchen: connect(KitchenServiceClient, config.kitchenAddr, config.serviceToken),
  };
}
