/**
 * `deno task start:all`: every service and web in ONE process against RabbitMQ, for a small shop's single
 * box. Each service keeps what it has in its own process: its config, its KV file under `DATA_DIR`, its
 * gRPC port, its own broker user (see `start_all_broker.ts`); the parts call each other in-process, the
 * same handlers without a socket (`services/common/connect/in_process.ts`), while the ports still serve
 * anything outside.
 * With `AMQP_URL=memory` they share the in-process bus instead (one process, so every service is on it):
 * what `AMQP_URL=memory deno task dev` runs.
 * SIGINT/SIGTERM drains everything (web first, then orders, kitchen, payments, stock) and exits 0; an
 * invalid setting exits 2 naming it (`runService`, as every service's `main.ts`).
 *
 * Tracing, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, names the process `oms` (`OTEL_SERVICE_NAME`
 * overrides it): one process has one OpenTelemetry provider. Metrics likewise: one endpoint for the whole
 * process, on `OMS_METRICS_PORT` (the services' own `<SERVICE>_METRICS_PORT` are not read here); its
 * series tell the parts apart by their labels (`rpc_service`, `oms_service`, queue names).
 *
 * @module
 */
import { createLogger, flushLogs } from "../services/common/log.ts";
import { ConfigError } from "../services/common/config.ts";
import { runService } from "../services/common/service_main.ts";
import { loadAllConfigs, startAll } from "./all_in_one.ts";
import { brokerUserEnv } from "./start_all_broker.ts";

if (import.meta.main) {
  const log = createLogger("oms");
  try {
    const extra = await brokerUserEnv(Deno.env.toObject(), (msg) => log.info(msg));
    for (const [name, value] of Object.entries(extra)) Deno.env.set(name, value);
  } catch (err) {
    flushLogs();
    console.error(
      `oms: ${err instanceof ConfigError ? "invalid configuration: " : ""}${(err as Error).message}`,
    );
    Deno.exit(2);
  }
  await runService("oms", log, loadAllConfigs, startAll);
}
