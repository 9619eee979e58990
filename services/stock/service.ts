/**
 * Starting and stopping the stock service (the shared lifecycle is `common/service_runtime.ts`): seeds
 * the catalog, consumes order events, serves gRPC and runs the sweeper of unconfirmed reservations,
 * which asks orders (a client that connects lazily: stock starts, and keeps every reservation, while
 * orders is down).
 *
 * @module
 */
import { withStockFailureFlags } from "./failure_flags.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { closeClient } from "../common/exiting.ts";
import { connect } from "../common/grpc_client.ts";
import { OrdersServiceClient } from "../common/gen/oms/orders/v1/orders.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { startServiceRuntime } from "../common/service_runtime.ts";
import {
  DEFAULT_ORDERS_TIMEOUT_MS,
  DEFAULT_RESERVATION_TTL_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  type StockConfig,
} from "./config.ts";
import { DEFAULT_PORTS } from "../common/config.ts";
import { stockEventHandlers } from "./event_handlers.ts";
import { stockService } from "./grpc_handlers.ts";
import { grpcOrderDirectory } from "./order_directory.ts";
import { seedCatalog, upgradeCatalog } from "./store.ts";
import { startSweeper } from "./sweeper.ts";
import { unitOfWork } from "../common/unit_of_work.ts";

/**
 * Attempts per use case before giving up on conflicts: every buyer of an item writes the same item
 * key, so a popular item sees many conflicting commits at once (each attempt waits a jittered while).
 */
const STOCK_MAX_ATTEMPTS = 100;

/** A running stock service. */
export interface StockHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
}

/**
 * Starts stock: opens its KV store, seeds the demo menu into an empty catalog, starts messaging
 * (consuming `order.paid` and `order.cancelled`), serves gRPC, starts the sweeper of
 * unconfirmed reservations (asking orders at `config.ordersAddr`) and reports SERVING.
 */
export async function start(
  config: StockConfig,
  log: Logger = createLogger("stock"),
): Promise<StockHandle> {
  const { port, kv, stop } = await startServiceRuntime({
    name: "stock",
    config,
    log,
    prepare: async ({ kv, kick }) => {
      if (await seedCatalog(kv)) log.info("demo menu seeded");
      const upgrade = await upgradeCatalog(kv);
      if (upgrade.filled.length + upgrade.added.length > 0) log.info("demo menu upgraded", { ...upgrade });
      return {
        uow: unitOfWork({ kv, kick, log, maxAttempts: STOCK_MAX_ATTEMPTS }),
        orders: connect(
          OrdersServiceClient,
          config.ordersAddr ?? `127.0.0.1:${DEFAULT_PORTS.orders}`,
          config.common.serviceToken,
        ),
      };
    },
    handlers: () => stockEventHandlers(log),
    services: ({ kv, prepared: { uow } }) => [
      withStockFailureFlags(stockService(kv, uow, log, new StaffClaims(config.common.serviceToken))),
    ],
    workers: ({ kv, prepared: { orders, uow } }) => [startSweeper({
      kv,
      uow,
      log,
      orders: grpcOrderDirectory(orders, config.ordersTimeoutMs ?? DEFAULT_ORDERS_TIMEOUT_MS),
      ttlMs: config.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
      intervalMs: config.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    })],
    release: ({ orders }) => closeClient(orders),
  });
  return { port, kv, stop };
}
