/**
 * Request bodies are read against a deadline: a request that has a body must deliver all of it within
 * `timeoutMs` of the request's start, or its reader fails with 408 `request_timeout` (and
 * `Connection: close`).
 *
 * The middleware only starts the clock ({@linkcode bodyDeadline}); the gateway's body readers
 * (`body.ts`'s `readBodyBytes`, the admin's `readForm` and `readUploadForm`) read through
 * {@linkcode readChunk} / {@linkcode readWithin}, which race each read against the clock and mark the
 * body read to its end ({@linkcode bodyComplete}). The request itself is left as it came: it used to
 * get a wrapped body stream and a copied `Request`, which cost ~50 µs of CPU per request with a body
 * (a throwaway bench, `Deno.serve` + `fetch` in one process, 8 in flight, a 100-byte JSON body read
 * with `readJsonBody`, medians of 12 alternating rounds: 48-50 µs more than no middleware at all, where
 * ~100 µs is the whole request, client and server); the clock alone costs 15-18 µs.
 *
 * Closing the connection: `Deno.serve` waits for the rest of an unfinished body forever, so a request
 * whose body was not read to its end — timed out, refused (413) or not read at all — gets
 * `Connection: close` and its connection is ended once the answer has been sent, through the
 * connection guard `start()` puts in front of `Deno.serve` (`../connection_guard.ts`). A client
 * that stalls its body therefore gets its 408 and then EOF, instead of holding a socket. A reader that
 * does not go through these helpers (e.g. `c.req.raw.text()`) is not raced; when the deadline passes
 * while such a reader holds the body, the connection is ended at once, so the read fails (EOF mid-body)
 * instead of waiting for good, and its request is answered with whatever that failure maps to. Without
 * the guard (`app.request()` in tests) only the header is set.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { connectionCloser, connectionEnder } from "../connection_guard.ts";
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

/** The clock of one request's body. */
interface Deadline {
  /** Rejects with {@linkcode Deadline.error} when the deadline passes. */
  expired: Promise<never>;
  /** Set once the deadline has passed. */
  error?: ApiError;
  /** A helper took the body: it races every read and answers 408 itself. */
  raced: boolean;
  /** The body was read to its end. */
  complete: boolean;
}

const deadlines = new WeakMap<Request, Deadline>();

/**
 * The next chunk from `reader` of `req`'s body, or the deadline's 408 when it passes first (the reader
 * is then cancelled with that error). Without a deadline (no middleware): `reader.read()`.
 */
export async function readChunk(
  req: Request,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const deadline = deadlines.get(req);
  if (!deadline) return await reader.read();
  deadline.raced = true;
  try {
    return await Promise.race([reader.read(), deadline.expired]);
  } catch (err) {
    if (err === deadline.error) reader.cancel(err).catch(() => {});
    throw err;
  }
}

/**
 * `read`, a read of `req`'s whole body by other means (e.g. `req.formData()`), against the deadline:
 * its result, or the deadline's 408 when that passes first. A result marks the body complete.
 */
export async function readWithin<T>(req: Request, read: Promise<T>): Promise<T> {
  const deadline = deadlines.get(req);
  if (!deadline) return await read;
  read.catch(() => {}); // it may fail after the deadline won
  deadline.raced = true;
  const value = await Promise.race([read, deadline.expired]);
  deadline.complete = true;
  return value;
}

/** Marks `req`'s body as read to its end (its connection is kept). */
export function bodyComplete(req: Request): void {
  const deadline = deadlines.get(req);
  if (deadline) deadline.complete = true;
}

/** The middleware: bodies must arrive in full within `timeoutMs` of the request's start. */
export function bodyDeadline(timeoutMs: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    const body = raw.body;
    if (!body) return await next();
    const { promise: expired, reject } = Promise.withResolvers<never>();
    expired.catch(() => {}); // only a reader that is still waiting cares
    const deadline: Deadline = { expired, raced: false, complete: false };
    deadlines.set(raw, deadline);
    const timer = setTimeout(() => {
      if (deadline.complete) return;
      reject(deadline.error = bodyTimeout(timeoutMs));
      // someone reads the body without racing it: end the connection so that the read fails now
      if (!deadline.raced && body.locked) connectionEnder(c.env)?.();
    }, timeoutMs);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
    if (deadline.complete) return;
    // Not read to its end: drop the rest (Deno.serve ignores EOF while a body stream is held) and
    // end the connection after the answer.
    if (!body.locked) body.cancel().catch(() => {});
    try {
      c.res.headers.set("Connection", "close");
    } catch {
      // immutable headers: the connection is ended all the same
    }
    connectionCloser(c.env)?.();
  };
}
