/**
 * Starting and stopping the orders service (the shared lifecycle is `common/service_runtime.ts`):
 * wires the store, the unit of work, the clients of stock and payments and the use cases
 * ({@linkcode OrdersApp}) to the gRPC and event adapters.
 *
 * @module
 */
import { addGaugeSource } from "../common/metrics/gauges.ts";
import { ordersGauge } from "./metrics.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { closeClient } from "../common/exiting.ts";
import { connect } from "../common/grpc_client.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { startServiceRuntime } from "../common/service_runtime.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { OrdersServiceService } from "../common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import { OrdersApp } from "./app.ts";
import type { OrdersConfig } from "./config.ts";
import { orderEventHandlers } from "./event_handlers.ts";
import { ordersServer } from "./grpc_handlers.ts";
import { backfillWorker } from "./backfill.ts";
import { staffService } from "../staff/service.ts";

/** A running orders service. */
export interface OrdersHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
}

/**
 * Starts orders: opens its KV store, connects to stock and payments, starts messaging (consuming
 * payment and kitchen events, relaying its outbox), serves gRPC and reports SERVING. Orders also hosts
 * the staff module (`services/staff/`: accounts, sessions, login throttle) on the same port and in the
 * same KV, keys under `["staff", ...]`: a fifth process would cost about 120 MB for a dozen rows, and
 * two processes cannot share one KV file.
 */
export async function start(
  config: OrdersConfig,
  log: Logger = createLogger("orders"),
): Promise<OrdersHandle> {
  const { port, kv, stop } = await startServiceRuntime({
    name: "orders",
    config,
    log,
    prepare: ({ kv, kick }) => {
      const stock = connect(StockServiceClient, config.stockAddr, config.common.serviceToken);
      const payments = connect(PaymentsServiceClient, config.paymentsAddr, config.common.serviceToken);
      const uow = unitOfWork({ kv, kick, log });
      const app = new OrdersApp({
        kv,
        uow,
        stock,
        payments,
        log,
        stockTimeoutMs: config.stockTimeoutMs,
        paymentsTimeoutMs: config.paymentsTimeoutMs,
      });
      const staffClaims = new StaffClaims(config.common.serviceToken);
      const staff = staffService({ ...config.staff, kv, log, staffClaims });
      return { stock, payments, app, staff, uow, staffClaims };
    },
    workers: ({ kv, prepared: { uow } }) => [
      backfillWorker({ kv, uow, log }),
      { stop: addGaugeSource(ordersGauge(kv)) }, // orders by status, read on metrics collection
    ],
    handlers: ({ app }) => orderEventHandlers(app),
    services: ({ kv, prepared: { app, staff, staffClaims } }) => [staff.service, {
      definition: OrdersServiceService,
      name: "oms.orders.v1.OrdersService",
      implementation: ordersServer({
        app,
        kv,
        staffClaims,
        log,
      }),
    }],
    release: ({ stock, payments }) => {
      closeClient(stock);
      closeClient(payments);
    },
  });
  return { port, kv, stop };
}
