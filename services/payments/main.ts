/**
 * The payments process: `deno task start:payments`.
 *
 * @module
 */
import { createLogger } from "../common/log.ts";
import { runService } from "../common/service_main.ts";
import { loadConfig } from "./config.ts";
import { start } from "./service.ts";

if (import.meta.main) {
  await runService("payments", createLogger("payments"), () => loadConfig(), start);
}
