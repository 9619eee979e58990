/**
 * Process entry of the gateway: loads config (a clear message and exit 2 when invalid), serves, and
 * stops cleanly on SIGINT/SIGTERM. `runService` also sets up tracing when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * is set (`service.name` "web" unless `OTEL_SERVICE_NAME` says otherwise) and flushes the spans after the
 * server stopped. Never set `OTEL_DENO` for this process: Deno's built-in OpenTelemetry would take the
 * global API and the SDK would receive nothing.
 *
 * @module
 */
import { runService } from "../services/common/service_main.ts";
import { createLogger } from "../services/common/log.ts";
import { loadConfig } from "./config.ts";
import { customerAuthFromEnv } from "./customer_auth.ts";
import { start } from "./server.ts";

if (import.meta.main) {
  const log = createLogger("web");
  await runService(
    "web",
    log,
    () => ({ config: loadConfig(), customerAuth: customerAuthFromEnv() }),
    ({ config, customerAuth }) => start(config, log, customerAuth),
  );
}
