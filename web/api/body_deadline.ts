/**
 * Request bodies are read against a deadline: a middleware gives every request that has a body a
 * stream that fails with 408 `request_timeout` (and `Connection: close`) when the whole body has not
 * arrived within `timeoutMs` of the request's start. Every reader (`body.ts`, admin forms, the pay
 * form) reads `c.req.raw`, so one middleware covers them all; a client that sends headers and then
 * trickles or stalls its body gets its answer and loses the connection instead of holding it forever.
 *
 * It wraps the body the way Hono's own `bodyLimit` middleware does (`c.req.raw = new Request(...)`).
 *
 * Closing the connection: `Deno.serve` (2.9.6, its own HTTP/1.1 server) keeps a connection open
 * while the request body is unfinished, even after a `Connection: close` answer. So the 408's body
 * is sent as a stream that, after the JSON, fails with {@linkcode CONNECTION_CLOSED}, which makes the
 * server drop the connection; `start()` passes that error to `Deno.serve`'s `onError`, which ignores
 * it ({@linkcode isConnectionClosed}). Known limit: while a read of the request body is still pending
 * inside Deno (the usual case for a stalled client), Deno keeps the socket until that read ends —
 * the client has its 408 and the handler, timers and buffers are released, but the idle socket stays
 * until the client or the OS closes it. Put a proxy with a body timeout in front for slowloris.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

/** The error that ends a 408's body stream so that the server drops the connection. */
export const CONNECTION_CLOSED: Error = Object.freeze(
  new Error("Connection closed after a request body timed out"),
);

/** True for {@linkcode CONNECTION_CLOSED} (expected, nothing to log). */
export function isConnectionClosed(err: unknown): boolean {
  return err === CONNECTION_CLOSED;
}

/** `res` with a body that fails after its last byte, so the connection is dropped once it is sent. */
export function closingConnection(res: Response): Response {
  const source = res.body?.getReader();
  // highWaterMark 0: pull runs only for a waiting read, so each chunk is handed over before the
  // error (an error drops chunks still queued).
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = source ? await source.read() : { done: true as const, value: undefined };
      if (chunk.done) controller.error(CONNECTION_CLOSED);
      else controller.enqueue(chunk.value);
    },
  }, { highWaterMark: 0 });
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  headers.set("Connection", "close");
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

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
    let fired = false;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        fired = true;
        reject(bodyTimeout(timeoutMs));
      }, timeoutMs);
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
    if (fired && c.res.status === 408) {
      c.res = closingConnection(c.res);
      c.res.headers.delete("content-length"); // Hono's setter copies the old answer's headers back
    }
  };
}
