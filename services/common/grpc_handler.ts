/**
 * Adapts async functions to grpc-js unary handlers: the returned value is the response, a thrown
 * {@linkcode RpcError} becomes its gRPC status and detail, anything else is logged as INTERNAL.
 *
 * @module
 */
import { type handleUnaryCall, type ServerUnaryCall, status as GrpcStatus } from "@grpc/grpc-js";
import { RpcError } from "./errors.ts";
import type { Logger } from "./log.ts";

/** Wraps `fn` as a grpc-js unary handler. */
export function unary<Req, Res>(
  log: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err: unknown) => {
        if (err instanceof RpcError) {
          callback(err.toServiceError());
          return;
        }
        log.error("rpc failed", { path: call.getPath(), err });
        callback({ code: GrpcStatus.INTERNAL, details: "Internal error" });
      },
    );
  };
}
