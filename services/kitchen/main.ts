/**
 * Process entry of the kitchen service.
 *
 * @module
 */
import { createLogger } from "../common/log.ts";
import { runService } from "../common/service_main.ts";
import { loadConfig } from "./config.ts";
import { start } from "./service.ts";

if (import.meta.main) {
  const log = createLogger("kitchen");
  await runService("kitchen", log, () => loadConfig(), (config) => start(config, log));
}
