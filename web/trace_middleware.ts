/**
 * The gateway's trace middleware: every request runs in an HTTP SERVER span (OpenTelemetry HTTP
 * conventions: `http.request.method`, `url.path`, `http.route`, `http.response.status_code`) that
 * continues a valid incoming `traceparent`, or starts the trace. The span's `traceparent` is kept on
 * the request (`c.get("traceparent")`, sent on every gRPC call) and echoed in the response; the span is
 * active while the request is handled, so gRPC client spans and log lines join it.
 *
 * With tracing off nothing is recorded and the behaviour is as before: an incoming valid traceparent is
 * used, else a new one is made.
 *
 * @module
 */
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "../services/common/log.ts";
import {
  contextFromTraceparent,
  isTraceparent,
  newTraceparent,
  traceIdOf,
  traceparentOfContext,
} from "../services/common/trace.ts";
import { recordError, tracer } from "../services/common/tracing/spans.ts";
import type { AppEnv } from "./api/deps.ts";

/** The middleware; `log` gets one `request` line per request (with the trace and span ids). */
export function traceMiddleware(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("traceparent");
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
      log.info("request", {
        method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        traceId: traceIdOf(traceparent),
      });
    });
  };
}

/** The route template that answered (`/api/customers/:customerId/orders`), not a middleware's `/*`. */
function httpRoute(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string | undefined {
  const handlers = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return handlers.at(-1)?.path;
}
