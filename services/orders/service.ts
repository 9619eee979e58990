/**
 * Starting and stopping the orders service (the shared lifecycle is `common/service_runtime.ts`):
 * clients of stock and payments, consumes payment and kitchen events, serves gRPC.
 *
 * @module
 */
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { closeClient } from "../common/exiting.ts";
import { connect } from "../common/grpc_client.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { startServiceRuntime } from "../common/service_runtime.ts";
import { OrdersServiceService } from "../common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import type { OrdersConfig } from "./config.ts";
import { orderEventHandlers } from "./event_handlers.ts";
import { ordersServer } from "./grpc_handlers.ts";

/** A running orders service. */
export interface OrdersHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
  /** Wakes the outbox relay. */
  kick(): void;
}

/**
 * Starts orders: opens its KV store, connects to stock and payments, starts messaging (consuming
 * payment and kitchen events, relaying its outbox), serves gRPC and reports SERVING.
 */
export async function start(
  config: OrdersConfig,
  log: Logger = createLogger("orders"),
): Promise<OrdersHandle> {
  const { port, kv, messaging, stop } = await startServiceRuntime({
    name: "orders",
    config,
    log,
    prepare: () => ({
      stock: connect(StockServiceClient, config.stockAddr, config.common.serviceToken),
      payments: connect(PaymentsServiceClient, config.paymentsAddr, config.common.serviceToken),
    }),
    handlers: () => orderEventHandlers({ log }),
    services: ({ kv, kick, prepared: { stock, payments } }) => [{
      definition: OrdersServiceService,
      name: "oms.orders.v1.OrdersService",
      implementation: ordersServer({
        kv,
        stock,
        payments,
        log,
        kick,
        stockTimeoutMs: config.stockTimeoutMs,
        paymentsTimeoutMs: config.paymentsTimeoutMs,
        staffClaims: new StaffClaims(config.common.serviceToken),
      }),
    }],
    release: ({ stock, payments }) => {
      closeClient(stock);
      closeClient(payments);
    },
  });
  return { port, kv, kick: () => messaging.kick(), stop };
}
