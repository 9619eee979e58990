/**
 * The gateway's trace middleware: every request runs in an HTTP SERVER span (OpenTelemetry HTTP
 * conventions: `http.request.method`, `url.path`, `http.route`, `http.response.status_code`) that
 * continues a valid incoming `traceparent`, or starts the trace. The span's `traceparent` is kept on
 * the request (`c.get("traceparent")`, sent on every gRPC call) and echoed in the response; the span is
 * active while the request is handled, so gRPC client spans and log lines join it.
 *
 * With tracing off nothing is recorded, no span or context is made, and the behaviour is as before: an
 * incoming valid traceparent is used, else a new one is made.
 *
 * The `request` log line is at debug level on the hot path: it is written at info/warn only for a slow
 * request or a failed one (see `request_log.ts`), so a busy shop's log holds what needs attention.
 *
 * @module
 */
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "../services/common/log.ts";
import {
  canonicalTraceparent,
  contextFromTraceparent,
  isTraceparent,
  newTraceparent,
  traceIdOf,
  traceparentOfContext,
} from "../services/common/trace.ts";
import { recordError, tracer, tracingEnabled } from "../services/common/tracing/spans.ts";
import type { AppEnv } from "./api/deps.ts";
import { requestLogLevel, SLOW_REQUEST_MS } from "./request_log.ts";

/** Options of {@linkcode traceMiddleware}. */
export interface TraceMiddlewareOptions {
  /** A request taking longer than this (ms) is logged at warn level (default {@linkcode SLOW_REQUEST_MS}). */
  slowMs?: number;
}

/**
 * The middleware; `log` gets one `request` line per request (with the trace and span ids), at the level
 * `requestLogLevel` picks: debug unless the request was slow or failed.
 */
export function traceMiddleware(
  log: Logger,
  options: TraceMiddlewareOptions = {},
): MiddlewareHandler<AppEnv> {
  const slowMs = options.slowMs ?? SLOW_REQUEST_MS;
  return async (c, next) => {
    const header = c.req.header("traceparent");
    if (!tracingEnabled()) return await untraced(c, next, log, slowMs, header);
    const incoming = isTraceparent(header) ? header : undefined;
    const parent = contextFromTraceparent(incoming);
    const method = c.req.method;
    const url = new URL(c.req.url);
    const span = tracer().startSpan(method, {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": method,
        "url.path": c.req.path,
        "url.scheme": url.protocol.replace(/:$/, ""),
        "server.address": url.hostname,
        ...(url.port ? { "server.port": Number(url.port) } : {}),
        ...(c.req.header("user-agent") ? { "user_agent.original": c.req.header("user-agent") } : {}),
      },
    }, parent);
    const ctx = trace.setSpan(parent, span);
    const traceparent = traceparentOfContext(ctx) ?? incoming ?? newTraceparent();
    c.set("traceparent", traceparent);
    const started = performance.now();
    await context.with(ctx, async () => {
      try {
        await next();
      } finally {
        const status = c.res.status;
        const route = httpRoute(c);
        if (route) {
          span.setAttribute("http.route", route);
          span.updateName(`${method} ${route}`);
        }
        span.setAttribute("http.response.status_code", status);
        if (c.error) recordError(span, c.error);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
        span.end();
      }
      c.res.headers.set("traceparent", traceparent);
      logRequest(c, log, slowMs, started, traceparent);
    });
  };
}

type Ctx = Parameters<MiddlewareHandler<AppEnv>>[0];

/** The middleware's work with tracing off: the traceparent only (the incoming one, else a new one). */
async function untraced(
  c: Ctx,
  next: () => Promise<void>,
  log: Logger,
  slowMs: number,
  header: string | undefined,
): Promise<void> {
  const traceparent = canonicalTraceparent(header) ?? newTraceparent();
  c.set("traceparent", traceparent);
  const started = performance.now();
  await next();
  c.res.headers.set("traceparent", traceparent);
  logRequest(c, log, slowMs, started, traceparent);
}

/** The `request` line, at the level `requestLogLevel` picks. */
function logRequest(c: Ctx, log: Logger, slowMs: number, started: number, traceparent: string): void {
  const ms = Math.round(performance.now() - started);
  const status = c.res.status;
  log[requestLogLevel(status, ms, slowMs)]("request", {
    method: c.req.method,
    path: c.req.path,
    status,
    ms,
    ...(ms > slowMs ? { slow: true } : {}),
    traceId: traceIdOf(traceparent),
  });
}

/** The route template that answered (`/api/customers/:customerId/orders`), not a middleware's `/*`. */
function httpRoute(c: Ctx): string | undefined {
  const handlers = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return handlers.at(-1)?.path;
}
