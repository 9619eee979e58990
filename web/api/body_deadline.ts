/**
 * Request bodies are read against a deadline: a middleware gives every request that has a body a
 * stream that fails with 408 `request_timeout` (and `Connection: close`) when the whole body has not
 * arrived within `timeoutMs` of the request's start. Every reader (`body.ts`, admin forms, the pay
 * form) reads `c.req.raw`, so one middleware covers them all; a client that sends headers and then
 * trickles or stalls its body gets its answer and loses the connection instead of holding it forever.
 *
 * It wraps the body the way Hono's own `bodyLimit` middleware does (`c.req.raw = new Request(...)`).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

/** The error a body read fails with once the deadline has passed. */
export function bodyTimeout(timeoutMs: number): ApiError {
  return new ApiError(
    408,
    "request_timeout",
    `The request body did not arrive within ${timeoutMs} ms; send it again in one go`,
    { headers: { Connection: "close" } },
  );
}

/** `stream` as a stream that errors with {@linkcode bodyTimeout} once `expired` settles. */
export function withDeadline(
  stream: ReadableStream<Uint8Array>,
  expired: Promise<never>,
  onDone: () => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await Promise.race([reader.read(), expired]);
        if (chunk.done) {
          onDone();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      } catch (err) {
        onDone();
        reader.cancel(err).catch(() => {});
        controller.error(err);
      }
    },
    cancel(reason) {
      onDone();
      return reader.cancel(reason);
    },
  });
}

/** The middleware: bodies must arrive in full within `timeoutMs` of the request's start. */
export function bodyDeadline(timeoutMs: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return await next();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(bodyTimeout(timeoutMs)), timeoutMs);
    });
    expired.catch(() => {}); // only a reader that is still waiting cares
    const done = () => clearTimeout(timer);
    c.req.raw = new Request(
      raw,
      { body: withDeadline(raw.body, expired, done), duplex: "half" } as RequestInit,
    );
    try {
      await next();
    } finally {
      done();
    }
  };
}
