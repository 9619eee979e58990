/**
 * Serving a change feed as a gRPC server stream: {@linkcode serveChanges} follows the feed from the
 * request's cursor (`watch.ts`), turns each change the caller may see into a message, writes it with
 * back-pressure, and stops when the caller cancels. A bad or expired cursor ends the stream with
 * INVALID_ARGUMENT (field "cursor"); the caller then starts over from the current state.
 *
 * @module
 */
import type { ServerWritableStream } from "@grpc/grpc-js";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { RpcError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { cursorFromNow, decodeCursor, encodeCursor } from "./cursor.ts";
import type { Change } from "./read.ts";
import { SETTLE_MS } from "./record.ts";
import { watchChanges } from "./watch.ts";

/** What {@linkcode serveChanges} needs. */
export interface ServeChangesOptions<M> {
  /** The service's store. */
  kv: Deno.Kv;
  /** The feed (e.g. "orders"). */
  feed: string;
  /** Where to resume ("" from now). */
  cursor: string;
  log: Logger;
  /** The message for a change, or null when the caller may not see it. */
  toMessage(change: Change, cursor: string): Promise<M | null>;
  /** See `SETTLE_MS`. */
  settleMs?: number;
}

/** Writes the feed's changes to `call` until the caller cancels or the server stops the call. */
export async function serveChanges<Req, M>(
  call: ServerWritableStream<Req, M>,
  opts: ServeChangesOptions<M>,
): Promise<void> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  call.on("cancelled", stop);
  call.on("close", stop);
  call.on("error", stop);
  call.on("finish", stop);
  try {
    const settleMs = opts.settleMs ?? SETTLE_MS;
    const from = opts.cursor ? decodeCursor(opts.cursor) : cursorFromNow(Date.now(), settleMs);
    for await (const change of watchChanges(opts.kv, opts.feed, from, { signal: ac.signal, settleMs })) {
      const msg = await opts.toMessage(change, encodeCursor(change.cursor));
      if (!msg || ac.signal.aborted) continue;
      if (!call.write(msg)) await drained(call, ac.signal);
    }
  } catch (err) {
    if (ac.signal.aborted) return;
    if (err instanceof RpcError) call.emit("error", err.toServiceError());
    else {
      opts.log.error("change stream failed", { feed: opts.feed, err });
      call.emit("error", { code: GrpcStatus.INTERNAL, details: "Internal error" });
    }
    return;
  } finally {
    call.off("cancelled", stop);
    call.off("close", stop);
    call.off("error", stop);
    call.off("finish", stop);
  }
}

function drained(call: { once(e: "drain", f: () => void): unknown }, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    call.once("drain", resolve);
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
