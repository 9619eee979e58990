/**
 * Stock's failure flags, at its gRPC adapter: `stockSlowMs` delays every stock call, and
 * `stockUnavailable` answers every call UNAVAILABLE with a message naming the flag. A call cancelled
 * during the delay (its deadline passed, or the client gave up) is answered CANCELLED without running
 * its handler: orders has given up on it, so a reservation made now would hold stock for an order
 * that may never exist. Health (a separate
 * service on the same server) and the dead-letters service are not wrapped, so health checks and
 * operators still get through. With flags off a call pays one boolean check.
 *
 * @module
 */
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  status as GrpcStatus,
  type UntypedHandleCall,
} from "@grpc/grpc-js";
import { flagFired } from "../common/flags/fired.ts";
import { flags } from "../common/flags/flags.ts";
import type { ServedService } from "../common/grpc_server.ts";

/** The message of a call refused by `stockUnavailable`. */
export const STOCK_UNAVAILABLE_MSG = "Stock is unavailable on purpose (failure flag stockUnavailable)";

/** The message of a call cancelled while `stockSlowMs` delayed it. */
export const STOCK_CANCELLED_MSG = "Call cancelled while delayed by failure flag stockSlowMs; not run";

/** What {@linkcode stockFlagEffects} needs of a call: whether it was cancelled (grpc-js sets it). */
export interface CancellableCall {
  /** True once the client cancelled the call or its deadline passed. */
  readonly cancelled: boolean;
}

function serviceError(code: GrpcStatus, message: string): ServiceError {
  return Object.assign(new Error(message), {
    code,
    details: message,
    metadata: undefined as unknown as ServiceError["metadata"],
  }) as ServiceError;
}

/**
 * What the flags do to one call of `method` before it runs: resolves when it may run (after
 * `stockSlowMs`), or to the error it must end with (CANCELLED when `call` was cancelled during the
 * delay, `stockUnavailable`).
 */
export async function stockFlagEffects(
  method: string,
  call?: CancellableCall,
): Promise<ServiceError | undefined> {
  const ms = await flags.number("stockSlowMs");
  if (ms > 0) {
    flagFired("stockSlowMs", { method, ms });
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (call?.cancelled) return serviceError(GrpcStatus.CANCELLED, STOCK_CANCELLED_MSG);
  }
  if (await flags.bool("stockUnavailable")) {
    flagFired("stockUnavailable", { method });
    return serviceError(GrpcStatus.UNAVAILABLE, STOCK_UNAVAILABLE_MSG);
  }
  return undefined;
}

/** `served` with every unary and server-streaming handler passing through {@linkcode stockFlagEffects}. */
export function withStockFailureFlags(served: ServedService): ServedService {
  const implementation: Record<string, UntypedHandleCall> = {};
  for (const [name, handler] of Object.entries(served.implementation)) {
    const method = served.definition[name];
    if (!method || method.requestStream) {
      implementation[name] = handler;
    } else if (!method.responseStream) {
      const unary = handler as handleUnaryCall<unknown, unknown>;
      implementation[name] = ((call, callback) => {
        if (!flags.enabled) return unary(call, callback);
        stockFlagEffects(name, call).then(
          (err) => err ? callback(err) : unary(call, callback),
          (err) => callback(err),
        );
      }) as handleUnaryCall<unknown, unknown>;
    } else {
      const streaming = handler as handleServerStreamingCall<unknown, unknown>;
      implementation[name] = ((call: ServerWritableStream<unknown, unknown>) => {
        if (!flags.enabled) return streaming(call);
        stockFlagEffects(name, call).then(
          (err) => err ? call.emit("error", err) : streaming(call),
          (err) => call.emit("error", err),
        );
      }) as handleServerStreamingCall<unknown, unknown>;
    }
  }
  return { ...served, implementation };
}
