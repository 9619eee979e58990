/**
 * Starting and stopping the kitchen service (the shared lifecycle is `common/service_runtime.ts`):
 * wires the store, the unit of work and the use cases ({@linkcode KitchenApp}) to the gRPC and event
 * adapters and the optional auto-prep timer.
 *
 * @module
 */
import { addGaugeSource } from "../common/metrics/gauges.ts";
import { openTicketsGauge } from "./metrics.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { createLogger, type Logger } from "../common/log.ts";
import type { ServiceHandle } from "../common/service_main.ts";
import { startServiceRuntime } from "../common/service_runtime.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { KitchenApp } from "./app.ts";
import { startAutoPrep } from "./auto_prep.ts";
import type { KitchenConfig } from "./config.ts";
import { kitchenEventHandlers } from "./event_handlers.ts";
import { withKitchenFailureFlags } from "./failure_flags.ts";
import { kitchenService } from "./grpc_handlers.ts";

/** A running kitchen service. */
export interface KitchenHandle extends ServiceHandle {
  /** The service's store (for tests and tools). */
  kv: Deno.Kv;
}

/**
 * Starts kitchen: opens its KV store, starts messaging (consuming `order.paid`, `order.refunded` and `order.completed`), serves gRPC, starts
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
    prepare: ({ kv, kick }) => ({
      app: new KitchenApp({
        kv,
        uow: unitOfWork({ kv, kick, log }),
        log,
        ...(config.undoMs !== undefined ? { undoMs: config.undoMs } : {}),
        ...(config.recallMs !== undefined ? { recallMs: config.recallMs } : {}),
      }),
    }),
    handlers: ({ app }) => withKitchenFailureFlags(kitchenEventHandlers(app, log)),
    services: ({ kv, prepared: { app } }) => [
      kitchenService(app, kv, log, new StaffClaims(config.common.serviceToken)),
    ],
    workers: ({ kv, prepared: { app } }) => {
      // open tickets by status and age, read on metrics collection
      const gauge = { stop: addGaugeSource(openTicketsGauge(kv)) };
      if (!config.autoPrep) return [gauge];
      const autoPrep = startAutoPrep({ app, log, prepMs: config.prepMs });
      log.info("auto-prep on", { prepMs: config.prepMs });
      return [gauge, autoPrep];
    },
  });
  return { port, kv, stop };
}
