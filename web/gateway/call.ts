/**
 * One gRPC call of a facade: `rpc()` with the options of the request being served, its failure turned
 * into the gateway's `ApiError` naming the peer (`errors.ts`). Facades call nothing else.
 *
 * @module
 */
import type { Client } from "@grpc/grpc-js";
import { type CallOpts, rpc } from "../../services/common/grpc_client.ts";
import { internalError } from "../api/api_error.ts";
import { upstreamError } from "./errors.ts";

/** Makes the options of each call (fresh per call, so each call's deadline starts when it does). */
export type CallOptsSource = () => CallOpts;

/** A caller bound to one peer and one request's options. */
export interface Caller<C extends Client> {
  /** Calls `method` with `req`; rejects with an `ApiError`. */
  <K extends keyof C & string>(method: K, req: Parameters<typeof rpc<C, K>>[2]): ReturnType<typeof rpc<C, K>>;
}

/** A caller of `client` (the peer `peer`) with the options from `opts`. */
export function caller<C extends Client>(peer: string, client: C, opts: CallOptsSource): Caller<C> {
  return async (method, req) => {
    try {
      return await rpc(client, method, req, opts());
    } catch (err) {
      throw upstreamError(err, peer);
    }
  };
}

/** `value`, or a 500 when the peer answered without it (`what` names it for the log). */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw internalError(new Error(`the answer had no ${what}`));
  return value;
}
