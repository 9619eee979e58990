/**
 * Whether this process is on its way out (the process entry's SIGTERM/SIGINT handler says so before it
 * stops the service), and what changes then.
 *
 * Deno 2.9.6 can abort a whole process inside nghttp2 when one of its HTTP/2 sessions receives a GOAWAY
 * frame after it has carried calls (denoland/deno#36788: `find_stream_on_goaway_func: Assertion
 * 'stream->closed_next == NULL' failed`, or a bare SIGSEGV / `free(): invalid pointer`). grpc-js sends
 * a GOAWAY whenever a server shuts down gracefully (`tryShutdown`) and whenever a client is closed, so a
 * process that drained politely would crash its peers: stopping stock could take orders and web down
 * with it. So an exiting process sends none: its gRPC server stops listening and answers new calls
 * UNAVAILABLE while the calls in flight finish, its clients stay open, and the process exit closes the
 * sockets (a plain TCP close, which peers survive and reconnect after). Processes that stop a service
 * and go on running (tests) keep the ordinary graceful shutdown.
 *
 * @module
 */

let exiting = false;
const exitController = new AbortController();

/** Marks the process as exiting; call right before the final `stop()` of a process entry. */
export function markExiting(): void {
  exiting = true;
  exitController.abort(new Error("The process is stopping"));
}

/** Aborted once {@linkcode markExiting} is called (a start-up still waiting for the broker gives up). */
export function exitSignal(): AbortSignal {
  return exitController.signal;
}

/** True once {@linkcode markExiting} was called. */
export function isExiting(): boolean {
  return exiting;
}

/** Closes a gRPC client, except in an exiting process (the exit closes its connection without a GOAWAY). */
export function closeClient(client: { close(): void }): void {
  if (!exiting) client.close();
}
