/**
 * Process-wide tracing: {@linkcode setupTracing} is called once per process before the service starts (by
 * `runService`); {@linkcode Tracing.shutdown} flushes what is buffered and is awaited after the service
 * stopped.
 *
 * Only the small `@opentelemetry/api` is loaded by every process (spans are no-ops until a provider is
 * registered). The SDK and the OTLP exporter (`sdk.ts`) are imported dynamically, and only when an OTLP
 * endpoint is set, so a process without one never loads them.
 *
 * Never combine with Deno's built-in OpenTelemetry (`OTEL_DENO`): it takes the global API first and
 * this SDK would then receive no spans. Nothing in OMS sets `OTEL_DENO`, and setup refuses to run with it.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { tracingConfig } from "./config.ts";

/** The tracing of one process. */
export interface Tracing {
  /** True when spans are exported (an OTLP endpoint is set). */
  readonly enabled: boolean;
  /** `service.name` of this process's spans. */
  readonly serviceName: string;
  /** Where spans go, when enabled. */
  readonly tracesUrl?: string;
  /** Exports every ended span now. */
  forceFlush(): Promise<void>;
  /** Flushes, stops exporting and releases the global API (idempotent; an export failure is only logged). */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;
let starting: string | undefined;

/**
 * Sets up tracing for service `name` from `env` (see `tracingConfig` in `config.ts`). Without an endpoint
 * it resolves to a disabled handle, registers nothing and loads no SDK, so the OpenTelemetry API stays a
 * no-op. With `log`, the SDK's warnings (such as failed exports) are logged, throttled. Rejects with a
 * `ConfigError` for a bad setting, and when tracing is already set up (or being set up) in this process or
 * the global API is taken (by `OTEL_DENO`).
 */
export async function setupTracing(
  name: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
  log?: Logger,
): Promise<Tracing> {
  const config = tracingConfig(name, env);
  const tracesUrl = config.tracesUrl;
  if (!tracesUrl) {
    return {
      enabled: false,
      serviceName: config.serviceName,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
  }
  const taken = active?.serviceName ?? starting;
  if (taken !== undefined) throw new Error(`Tracing is already set up in this process for "${taken}"`);
  starting = config.serviceName;
  try {
    const { startTracingSdk } = await import("./sdk.ts");
    const handle: Tracing = startTracingSdk({ ...config, tracesUrl }, log, () => {
      if (active === handle) active = undefined;
    });
    active = handle;
    return handle;
  } finally {
    starting = undefined;
  }
}

/** The tracing set up in this process, if any. */
export function activeTracing(): Tracing | undefined {
  return active;
}
