/**
 * Starting and stopping the stock service (the shared lifecycle is `common/service_runtime.ts`): seeds
 * the catalog, consumes order events, serves gRPC and runs the sweeper of unconfirmed reservations.
 *
 * @module
 */
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { startServiceRuntime } from "../common/service_runtime.ts";
import { DEFAULT_RESERVATION_TTL_MS, DEFAULT_SWEEP_INTERVAL_MS, type StockConfig } from "./config.ts";
import { stockEventHandlers } from "./event_handlers.ts";
import { stockService } from "./grpc_handlers.ts";
import { seedCatalog } from "./store.ts";
import { startSweeper } from "./sweeper.ts";

/** A running stock service. */
export interface StockHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
}

/**
 * Starts stock: opens its KV store, seeds the demo menu into an empty catalog, starts messaging
 * (consuming `order.created`, `order.paid` and `order.cancelled`), serves gRPC, starts the sweeper of
 * unconfirmed reservations and reports SERVING.
 */
export async function start(
  config: StockConfig,
  log: Logger = createLogger("stock"),
): Promise<StockHandle> {
  const { port, kv, stop } = await startServiceRuntime({
    name: "stock",
    config,
    log,
    prepare: async ({ kv }) => {
      if (await seedCatalog(kv)) log.info("demo menu seeded");
    },
    handlers: () => stockEventHandlers(log),
    services: ({ kv }) => [stockService(kv, log)],
    workers: ({ kv }) => [startSweeper({
      kv,
      log,
      ttlMs: config.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
      intervalMs: config.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    })],
  });
  return { port, kv, stop };
}
