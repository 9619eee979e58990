/**
 * Starting and stopping the kitchen service: store, messaging, gRPC, health and the optional
 * auto-prep timer.
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
import { type AutoPrep, startAutoPrep } from "./auto_prep.ts";
import type { KitchenConfig } from "./config.ts";
import { kitchenEventHandlers } from "./event_handlers.ts";
import { kitchenService } from "./grpc_handlers.ts";

/** A running kitchen service. */
export interface KitchenHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
}

/**
 * Starts kitchen: opens its KV store, starts messaging (consuming `order.paid`), serves gRPC, starts
 * the auto-prep timer when enabled and reports SERVING.
 */
export async function start(
  config: KitchenConfig,
  log: Logger = createLogger("kitchen"),
): Promise<KitchenHandle> {
  const kv = await openStore(config.kvPath);
  try {
    const messaging = await startMessaging({
      service: "kitchen",
      kv,
      config: config.common,
      log,
      handlers: kitchenEventHandlers(log),
    });
    try {
      const kick = () => messaging.kick();
      const grpc = await startGrpcServer(config.host, config.port, [
        kitchenService(kv, log, kick),
        messaging.deadLettersService,
      ]);
      const autoPrep: AutoPrep | undefined = config.autoPrep
        ? startAutoPrep({ kv, log, prepMs: config.prepMs, onCommitted: kick })
        : undefined;
      if (autoPrep) log.info("auto-prep on", { prepMs: config.prepMs });
      grpc.health.setAll(ServingStatus.SERVING);
      const registration = registerService(config.common.discovery, {
        name: "kitchen",
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
          await autoPrep?.stop();
          await grpc.stop();
          await messaging.stop();
          kv.close();
        },
      };
    } catch (err) {
      await messaging.stop();
      throw err;
    }
  } catch (err) {
    kv.close();
    throw err;
  }
}
