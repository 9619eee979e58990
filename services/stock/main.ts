/**
 * Process entry of the stock service.
 *
 * @module
 */
import { createLogger } from "../common/log.ts";
import { runService } from "../common/service_main.ts";
import { loadConfig } from "./config.ts";
import { start } from "./service.ts";

if (import.meta.main) {
  const log = createLogger("stock");
  await runService("stock", log, () => loadConfig(), (config) => start(config, log));
}
