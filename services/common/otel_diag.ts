/**
 * The OpenTelemetry SDKs' own warnings and errors (a failed export, an unreachable collector) as log
 * lines: `diag`'s logger, each message at most once a minute. Tracing and metrics share the one global
 * `diag`, so their lines say which SDK is speaking only through the message itself.
 *
 * @module
 */
import type { DiagLogger } from "@opentelemetry/api";
import type { Logger } from "./log.ts";

/** How often the same SDK problem is logged at most. */
export const DIAG_EVERY_MS = 60_000;

/** A `DiagLogger` writing warnings and errors to `log` as `otel: <message>`, each at most once a minute. */
export function throttledDiag(log: Logger, now: () => number = Date.now): DiagLogger {
  const last = new Map<string, number>();
  const write = (msg: string, args: unknown[]) => {
    const t = now();
    if (t - (last.get(msg) ?? -Infinity) < DIAG_EVERY_MS) return;
    last.set(msg, t);
    const detail = args.map((a) => a instanceof Error ? a.message : String(a)).join(" ");
    log.warn(`otel: ${msg}`, detail ? { detail } : {});
  };
  const none = () => {};
  return {
    error: (m, ...a) => write(m, a),
    warn: (m, ...a) => write(m, a),
    info: none,
    debug: none,
    verbose: none,
  };
}
