/**
 * Starting and stopping the kitchen service (the shared lifecycle is `common/service_runtime.ts`):
 * consumes `order.paid`, serves gRPC and runs the optional auto-prep timer.
 *
 * @module
 */
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { startServiceRuntime } from "../common/service_runtime.ts";
import { startAutoPrep } from "./auto_prep.ts";
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
  const { port, kv, stop } = await startServiceRuntime({
    name: "kitchen",
    config,
    log,
    handlers: () => kitchenEventHandlers(log),
    services: ({ kv, kick }) => [kitchenService(kv, log, kick)],
    workers: ({ kv, kick }) => {
      if (!config.autoPrep) return [];
      const autoPrep = startAutoPrep({ kv, log, prepMs: config.prepMs, onCommitted: kick });
      log.info("auto-prep on", { prepMs: config.prepMs });
      return [autoPrep];
    },
  });
  return { port, kv, stop };
}
