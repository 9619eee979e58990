/**
 * Process entry of the orders service.
 *
 * @module
 */
import { createLogger } from "../common/log.ts";
import { runService } from "../common/service_main.ts";
import { refuseMemoryBusAlone } from "../common/bus/memory_bus_alone.ts";
import { loadConfig } from "./config.ts";
import { start } from "./service.ts";

if (import.meta.main) {
  const log = createLogger("orders");
  await runService(
    "orders",
    log,
    () => refuseMemoryBusAlone("orders", () => loadConfig()),
    (config) => start(config, log),
  );
}
