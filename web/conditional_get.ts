/**
 * ETags and `304 Not Modified` for pages and static files, with Hono's `etag` middleware: a `GET` or
 * `HEAD` answered 200 gets a strong ETag (the SHA-1 of its body, unless the handler set one, as the
 * static files and photos do from their content hash), and a request whose `If-None-Match` names it
 * gets 304 with no body.
 *
 * Left alone: server-sent events (reading a stream to hash it would hold it until it ends), the JSON
 * API, and any answer marked `Cache-Control: no-store` (nothing is cached to revalidate, so hashing
 * would be wasted; a streamed download such as the orders CSV would be held whole).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { isApiPath } from "./security_headers.ts";

const tag = etag();
const idle = () => Promise.resolve();

/** The middleware (see the module doc). */
export function conditionalGet(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const method = c.req.method;
    if ((method !== "GET" && method !== "HEAD") || c.res.status !== 200 || isApiPath(c.req.path)) return;
    if (/^text\/event-stream/i.test(c.res.headers.get("content-type") ?? "")) return;
    if (/\bno-store\b/i.test(c.res.headers.get("cache-control") ?? "")) return;
    // the answer is made: run etag on it (its `next` has nothing left to do)
    await tag(c, idle);
  };
}
