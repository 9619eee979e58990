/**
 * Request bodies are read against a deadline: a middleware gives every request that has a body a
 * stream that fails with 408 `request_timeout` (and `Connection: close`) when the whole body has not
 * arrived within `timeoutMs` of the request's start. Every reader (`body.ts`, admin forms, the pay
 * form) reads `c.req.raw`, so one middleware covers them all.
 *
 * It wraps the body the way Hono's own `bodyLimit` middleware does (`c.req.raw = new Request(...)`),
 * but without touching the original request's `signal` (see {@linkcode withBody}).
 *
 * Closing the connection: `Deno.serve` waits for the rest of an unfinished body forever, so a request
 * whose body was not read to its end — timed out, refused (413) or not read at all — gets
 * `Connection: close` and its connection is ended once the answer has been sent, through the
 * connection guard `start()` puts in front of `Deno.serve` (`../connection_guard.ts`). A client
 * that stalls its body therefore gets its 408 and then EOF, instead of holding a socket. Without the
 * guard (`app.request()` in tests) only the header is set.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { connectionCloser } from "../connection_guard.ts";
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

/** A body read against a deadline. */
export interface DeadlineBody {
  /** The body to read. */
  body: ReadableStream<Uint8Array>;
  /** Cancels the source unless it has ended or failed (it may still be locked by a reader). */
  release(): void;
}

/**
 * `stream` as a body that errors with {@linkcode bodyTimeout} once `expired` settles; `onDone` is
 * called with true when the stream ended and with false when it failed or was cancelled.
 */
export function withDeadline(
  stream: ReadableStream<Uint8Array>,
  expired: Promise<never>,
  onDone: (complete: boolean) => void,
): DeadlineBody {
  const reader = stream.getReader();
  let settled = false;
  const settle = (complete: boolean) => {
    settled = true;
    onDone(complete);
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await Promise.race([reader.read(), expired]);
        if (chunk.done) {
          settle(true);
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      } catch (err) {
        settle(false);
        reader.cancel(err).catch(() => {});
        controller.error(err);
      }
    },
    cancel(reason) {
      settle(false);
      return reader.cancel(reason);
    },
  });
  return {
    body,
    release() {
      if (!settled) reader.cancel().catch(() => {});
    },
  };
}

/**
 * `raw` with `body` in place of its own: same URL, method and headers, and `signal` is `raw`'s, read
 * only when someone asks for it. It is not made with `new Request(raw, ...)`, which reads
 * `raw.signal`: `Deno.serve` (2.9.6, legacy abort) aborts every request whose signal was read once
 * its answer has been sent, constructing a `DOMException` each time.
 */
export function withBody(raw: Request, body: ReadableStream<Uint8Array>): Request {
  const init = { method: raw.method, headers: raw.headers, body, duplex: "half" };
  const req = new Request(raw.url, init as RequestInit);
  Object.defineProperty(req, "signal", { get: () => raw.signal, configurable: true, enumerable: true });
  return req;
}

/** The middleware: bodies must arrive in full within `timeoutMs` of the request's start. */
export function bodyDeadline(timeoutMs: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return await next();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let complete = false;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(bodyTimeout(timeoutMs)), timeoutMs);
    });
    expired.catch(() => {}); // only a reader that is still waiting cares
    const done = (ended: boolean) => {
      clearTimeout(timer);
      complete ||= ended;
    };
    const deadlined = withDeadline(raw.body, expired, done);
    c.req.raw = withBody(raw, deadlined.body);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
    if (complete) return;
    // Not read to its end: drop the rest (Deno.serve ignores EOF while a body stream is held) and
    // end the connection after the answer.
    deadlined.release();
    try {
      c.res.headers.set("Connection", "close");
    } catch {
      // immutable headers: the connection is ended all the same
    }
    connectionCloser(c.env)?.();
  };
}
