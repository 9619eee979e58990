/**
 * One server-streaming call of a facade (a watch): the method is called with the metadata of the
 * request's call options (trace context, and for staff a signed staff claim) and no deadline, since a
 * watch lives as long as its viewers. Aborting `signal` cancels the call. The stream's failures arrive
 * as its `error` event (a gRPC `ServiceError`: its code tells a refused cursor from a lost connection).
 *
 * @module
 */
import { type ClientReadableStream, Metadata } from "@grpc/grpc-js";
import type { CallOptsSource } from "./call.ts";

/** A generated client's server-streaming method. */
export type StreamMethod<Req, Res> = (req: Req, metadata: Metadata) => ClientReadableStream<Res>;

/** Calls `method` with `req` and the metadata from `opts`; cancelled when `signal` aborts. */
export function openStream<Req, Res>(
  method: StreamMethod<Req, Res>,
  req: Req,
  opts: CallOptsSource,
  signal?: AbortSignal,
): ClientReadableStream<Res> {
  const stream = method(req, opts().metadata ?? new Metadata());
  if (signal) {
    const cancel = () => stream.cancel();
    if (signal.aborted) cancel();
    else {
      signal.addEventListener("abort", cancel, { once: true });
      const forget = () => signal.removeEventListener("abort", cancel);
      stream.once("close", forget);
    }
  }
  return stream;
}
