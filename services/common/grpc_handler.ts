/**
 * Adapts async functions to grpc-js unary handlers: the returned value is the response, a thrown
 * {@linkcode DomainError} (an `RpcError` included) becomes its gRPC status and detail, anything else is logged as INTERNAL.
 *
 * Each call runs inside a SERVER span (see `tracing/grpc.ts`) continuing the caller's `traceparent` from
 * the metadata; the span is active for everything the handler awaits, so its gRPC calls, outbox events
 * and log lines join the trace. With tracing off no span is made and no context entered: the handler is
 * simply called.
 *
 * @module
 */
import {
  type handleUnaryCall,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
  status as GrpcStatus,
} from "@grpc/grpc-js";
import { context, trace } from "@opentelemetry/api";
import { DomainError, toRpcError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { endRpcSpan, startServerSpan } from "./tracing/grpc.ts";
import { recordError, tracingEnabled } from "./tracing/spans.ts";

/** Wraps `fn` as a grpc-js unary handler. */
export function unary<Req, Res>(
  log: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    // (tolerates the bare `{ request }` objects some tests call handlers with)
    const path = typeof call.getPath === "function" ? call.getPath() : "unknown/unknown";
    if (!tracingEnabled()) return untraced(log, path, fn, call, callback);
    const span = startServerSpan(path, call.metadata);
    const ctx = trace.setSpan(context.active(), span);
    context.with(ctx, () => fn(call.request, call)).then(
      (res) => {
        endRpcSpan(span, "server", GrpcStatus.OK);
        callback(null, res);
      },
      (err: unknown) => {
        let failure: Partial<ServiceError>;
        if (err instanceof DomainError) {
          failure = toRpcError(err).toServiceError();
        } else {
          context.with(ctx, () => log.error("rpc failed", { path, err }));
          recordError(span, err);
          failure = { code: GrpcStatus.INTERNAL, details: "Internal error" };
        }
        endRpcSpan(span, "server", failure.code ?? GrpcStatus.UNKNOWN, failure.details);
        callback(failure);
      },
    );
  };
}

/** `unary()`'s call with tracing off: the same outcomes, without a span or a context. */
function untraced<Req, Res>(
  log: Logger,
  path: string,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
  call: ServerUnaryCall<Req, Res>,
  callback: sendUnaryData<Res>,
): void {
  fn(call.request, call).then(
    (res) => callback(null, res),
    (err: unknown) => {
      if (err instanceof DomainError) return callback(toRpcError(err).toServiceError());
      log.error("rpc failed", { path, err });
      callback({ code: GrpcStatus.INTERNAL, details: "Internal error" });
    },
  );
}
