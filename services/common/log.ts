/**
 * Structured logging: one JSON object per line on stderr, with the service name and, when known,
 * the trace and span ids of the active span (`trace_id`, `span_id`) so a log line can be found from a
 * trace and back. While tracing is off there is no active span and the ids are left out.
 *
 * Lines are buffered and written once per event-loop turn (see `log_writer.ts`); an error line is
 * written at once, with the lines before it.
 *
 * @module
 */
import { context, isSpanContextValid, trace } from "@opentelemetry/api";
import { writeLogLine } from "./log_writer.ts";
import { tracingEnabled } from "./tracing/enabled.ts";

export { flushLogs, redirectLogLines } from "./log_writer.ts";

/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Extra fields on a log line. */
export type LogFields = Record<string, unknown>;

/** A logger bound to one service. */
export interface Logger {
  /** Logs at debug level. */
  debug(msg: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(msg: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(msg: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(msg: string, fields?: LogFields): void;
}

/** Creates a logger for `service`; the minimum level comes from `LOG_LEVEL` (default `info`). */
export function createLogger(service: string, level: LogLevel = envLevel()): Logger {
  const write = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const line: LogFields = { time: new Date().toISOString(), level: lvl, service, msg };
    const span = tracingEnabled() ? trace.getSpanContext(context.active()) : undefined;
    if (span && isSpanContextValid(span)) {
      line.trace_id = span.traceId;
      line.span_id = span.spanId;
    }
    if (fields) {
      for (const [k, v] of Object.entries(fields)) {
        line[k] = v instanceof Error ? (v.stack ?? v.message) : v;
      }
    }
    writeLogLine(JSON.stringify(line), lvl === "error");
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}

function envLevel(): LogLevel {
  const v = Deno.env.get("LOG_LEVEL") ?? "info";
  return v in ORDER ? v as LogLevel : "info";
}
