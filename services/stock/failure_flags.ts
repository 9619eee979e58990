/**
 * Stock's failure flags, at its gRPC adapter: `stockSlowMs` delays every stock call, and
 * `stockUnavailable` answers every call UNAVAILABLE with a message naming the flag. Health (a separate
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

/**
 * What the flags do to one call of `method` before it runs: resolves when it may run (after
 * `stockSlowMs`), or to the error it must end with (`stockUnavailable`).
 */
export async function stockFlagEffects(method: string): Promise<ServiceError | undefined> {
  const ms = await flags.number("stockSlowMs");
  if (ms > 0) {
    flagFired("stockSlowMs", { method, ms });
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  if (await flags.bool("stockUnavailable")) {
    flagFired("stockUnavailable", { method });
    return Object.assign(new Error(STOCK_UNAVAILABLE_MSG), {
      code: GrpcStatus.UNAVAILABLE,
      details: STOCK_UNAVAILABLE_MSG,
      metadata: undefined as unknown as ServiceError["metadata"],
    }) as ServiceError;
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
        stockFlagEffects(name).then(
          (err) => err ? callback(err) : unary(call, callback),
          (err) => callback(err),
        );
      }) as handleUnaryCall<unknown, unknown>;
    } else {
      const streaming = handler as handleServerStreamingCall<unknown, unknown>;
      implementation[name] = ((call: ServerWritableStream<unknown, unknown>) => {
        if (!flags.enabled) return streaming(call);
        stockFlagEffects(name).then(
          (err) => err ? call.emit("error", err) : streaming(call),
          (err) => call.emit("error", err),
        );
      }) as handleServerStreamingCall<unknown, unknown>;
    }
  }
  return { ...served, implementation };
}
