/**
 * Process entry of the gateway: loads config (a clear message and exit 2 when invalid), serves, and
 * stops cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { runService } from "../services/common/service_main.ts";
import { createLogger } from "../services/common/log.ts";
import { loadConfig } from "./config.ts";
import { start } from "./server.ts";

if (import.meta.main) {
  const log = createLogger("web");
  await runService("web", log, () => loadConfig(), (config) => start(config, log));
}
