/**
 * The payments process: `deno task start:payments`.
 *
 * @module
 */
import { createLogger } from "../common/log.ts";
import { runService } from "../common/service_main.ts";
import { refuseMemoryBusAlone } from "../common/bus/memory_bus_alone.ts";
import { loadConfig } from "./config.ts";
import { start } from "./service.ts";

if (import.meta.main) {
  await runService(
    "payments",
    createLogger("payments"),
    () => refuseMemoryBusAlone("payments", () => loadConfig()),
    start,
  );
}
