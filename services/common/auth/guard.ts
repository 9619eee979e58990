/**
 * Refusing calls without the service credential before any handler runs: {@linkcode guardService}
 * wraps every method of a service implementation at registration (`grpc_server.ts` applies it to every
 * service but `grpc.health.v1.Health`), so no handler can forget the check.
 *
 * @module
 */
import {
  type Metadata,
  type sendUnaryData,
  type ServiceDefinition,
  type ServiceError,
  status as GrpcStatus,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { ServiceTokenCheck } from "./service_credential.ts";

/** The status a call without the right credential gets. */
export function unauthenticated(path: string): Partial<ServiceError> {
  return {
    code: GrpcStatus.UNAUTHENTICATED,
    details:
      `${path} needs the deployment's service credential (OMS_SERVICE_TOKEN) as "authorization: Bearer <token>"`,
  };
}

type AnyCall = { metadata: Metadata; emit(event: "error", err: Partial<ServiceError>): boolean };
type AnyHandler = (call: AnyCall, cb?: sendUnaryData<unknown>) => void;

/**
 * `implementation` with every method of `definition` refusing, with UNAUTHENTICATED, a call whose
 * metadata `check` does not accept. Unary and client-streaming calls get the status through their
 * callback; server-streaming and bidi calls through their stream's `error` event.
 */
export function guardService(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  check: ServiceTokenCheck,
): UntypedServiceImplementation {
  const guarded: UntypedServiceImplementation = { ...implementation };
  for (const [method, def] of Object.entries(definition)) {
    const handler = implementation[method] as unknown as AnyHandler | undefined;
    if (typeof handler !== "function") continue;
    const replyByCallback = !def.responseStream;
    const wrapped: AnyHandler = (call, cb) => {
      if (check.accepts(call.metadata)) return handler(call, cb);
      const status = unauthenticated(def.path);
      if (replyByCallback && cb) cb(status);
      else call.emit("error", status);
    };
    guarded[method] = wrapped as unknown as UntypedServiceImplementation[string];
  }
  return guarded;
}
