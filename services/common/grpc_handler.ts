/**
 * Adapts async functions to grpc-js unary handlers: the returned value is the response, a thrown
 * {@linkcode DomainError} (an `RpcError` included) becomes its gRPC status and detail, anything else is logged as INTERNAL.
 *
 * Each call runs inside a SERVER span (see `tracing/grpc.ts`) continuing the caller's `traceparent` from
 * the metadata; the span is active for everything the handler awaits, so its gRPC calls, outbox events
 * and log lines join the trace.
 *
 * @module
 */
import {
  type handleUnaryCall,
  type ServerUnaryCall,
  type ServiceError,
  status as GrpcStatus,
} from "@grpc/grpc-js";
import { context, trace } from "@opentelemetry/api";
import { DomainError, toRpcError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { endRpcSpan, startServerSpan } from "./tracing/grpc.ts";
import { recordError } from "./tracing/spans.ts";

/** Wraps `fn` as a grpc-js unary handler. */
export function unary<Req, Res>(
  log: Logger,
  fn: (req: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    // (tolerates the bare `{ request }` objects some tests call handlers with)
    const path = typeof call.getPath === "function" ? call.getPath() : "unknown/unknown";
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
