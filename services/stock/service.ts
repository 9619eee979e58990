/**
 * Starting and stopping the stock service: store, catalog seed, messaging, gRPC, health.
 *
 * @module
 */
import { startMessaging } from "../common/bus/messaging.ts";
import { registerService } from "../common/discovery/registration.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { ServingStatus } from "../common/health.ts";
import { openStore } from "../common/kv.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
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
 * (consuming `order.created`, `order.paid` and `order.cancelled`) and the sweeper of unconfirmed
 * reservations, serves gRPC and reports SERVING.
 */
export async function start(
  config: StockConfig,
  log: Logger = createLogger("stock"),
): Promise<StockHandle> {
  const kv = await openStore(config.kvPath);
  try {
    if (await seedCatalog(kv)) log.info("demo menu seeded");
    const messaging = await startMessaging({
      service: "stock",
      kv,
      config: config.common,
      log,
      handlers: stockEventHandlers(log),
    });
    const sweeper = startSweeper({
      kv,
      log,
      ttlMs: config.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
      intervalMs: config.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    });
    try {
      const grpc = await startGrpcServer(config.host, config.port, [
        stockService(kv, log),
        messaging.deadLettersService,
      ]);
      grpc.health.setAll(ServingStatus.SERVING);
      const registration = registerService(config.common.discovery, {
        name: "stock",
        host: config.host,
        port: grpc.port,
        log,
      });
      return {
        port: grpc.port,
        kv,
        async stop() {
          await registration.stop(); // first, so clients move their traffic before we drain
          grpc.health.setAll(ServingStatus.NOT_SERVING);
          await grpc.stop();
          await sweeper.stop();
          await messaging.stop();
          kv.close();
        },
      };
    } catch (err) {
      await sweeper.stop();
      await messaging.stop();
      throw err;
    }
  } catch (err) {
    kv.close();
    throw err;
  }
}
