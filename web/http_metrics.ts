/**
 * HTTP server metrics of the gateway: one `http.server.request.duration` sample per request, labelled
 * with the method, the route template that answered (`/api/customers/:customerId/orders`, never the
 * raw path, so label values stay bounded; none when no route matched) and the status. Outermost
 * middleware, so the duration covers every other one. With metrics off it only calls `next()`.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { metricsEnabled, recordHttp } from "../services/common/metrics/record.ts";
import type { AppEnv } from "./api/deps.ts";

/** The middleware. */
export function httpMetrics(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!metricsEnabled()) return await next();
    const started = performance.now();
    try {
      await next();
    } finally {
      recordHttp(c.req.method, routeOf(c), c.res.status, (performance.now() - started) / 1000);
    }
  };
}

/** The route template of the handler that answered (not a middleware's `/*`), or "". */
export function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return handlers.at(-1)?.path ?? "";
}
