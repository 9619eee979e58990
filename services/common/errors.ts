/**
 * Errors that cross service boundaries. An {@linkcode RpcError} thrown in a gRPC handler reaches the
 * caller with a matching gRPC status and a typed {@linkcode ErrorDetail} in trailing metadata, so the
 * gateway can answer with the right HTTP status, field and message.
 *
 * @module
 */
import { Metadata, type ServiceError, status as GrpcStatus } from "@grpc/grpc-js";
import { ErrorDetail, type Shortage } from "./gen/oms/types/v1/types.ts";
import { DomainError, type ErrorCode } from "./domain_error.ts";

export { DomainError, type ErrorCode } from "./domain_error.ts";

const GRPC_BY_CODE: Record<ErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unknown_item: GrpcStatus.INVALID_ARGUMENT,
  not_found: GrpcStatus.NOT_FOUND,
  out_of_stock: GrpcStatus.FAILED_PRECONDITION,
  item_unavailable: GrpcStatus.FAILED_PRECONDITION,
  illegal_transition: GrpcStatus.FAILED_PRECONDITION,
  window_expired: GrpcStatus.FAILED_PRECONDITION,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  idempotency_key_reused: GrpcStatus.FAILED_PRECONDITION,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};

/** The metadata key that carries the encoded {@linkcode ErrorDetail}. */
export const ERROR_METADATA_KEY = "oms-error-bin";

/** Options for {@linkcode RpcError}. */
export interface RpcErrorOptions {
  /** The request field at fault, e.g. `items[0].quantity`. */
  field?: string;
  /** Items that could not be reserved (only for `out_of_stock`). */
  shortages?: Shortage[];
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A {@linkcode DomainError} as it travels over gRPC: the adapters throw it (or {@linkcode toRpcError}
 * turns a domain error into one), and the client rebuilds it from the status and detail.
 */
export class RpcError extends DomainError {
  /** Creates an error; `message` is shown to users, so write it in sentence case with the bad value. */
  constructor(code: ErrorCode, message: string, options: RpcErrorOptions = {}) {
    super(code, message, options);
    this.name = "RpcError";
  }

  /** The gRPC status this error travels as. */
  get grpcStatus(): GrpcStatus {
    return GRPC_BY_CODE[this.code];
  }

  /** Encodes this error as a grpc-js service error for a handler's callback. */
  toServiceError(): Partial<ServiceError> {
    const metadata = new Metadata();
    const detail = ErrorDetail.encode({
      code: this.code,
      message: this.message,
      field: this.field,
      shortages: this.shortages,
    }).finish();
    metadata.set(ERROR_METADATA_KEY, Buffer.from(detail));
    return { code: this.grpcStatus, details: this.message, metadata };
  }

  /** Rebuilds an error received from a gRPC call, keeping the remote code, field and shortages. */
  static fromServiceError(err: ServiceError, target: string): RpcError {
    const raw = err.metadata?.get(ERROR_METADATA_KEY)[0];
    if (raw instanceof Uint8Array) {
      try {
        const d = ErrorDetail.decode(raw);
        if (isErrorCode(d.code)) {
          return new RpcError(d.code, d.message, { field: d.field, shortages: d.shortages, cause: err });
        }
      } catch {
        // fall through to the status-based mapping
      }
    }
    if (
      err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.DEADLINE_EXCEEDED ||
      err.code === GrpcStatus.CANCELLED || brokenOff(err)
    ) {
      return new RpcError(
        "unavailable",
        `The ${target} service is unavailable (${err.details || err.message})`,
        {
          cause: err,
        },
      );
    }
    if (err.code === GrpcStatus.NOT_FOUND) return new RpcError("not_found", err.details, { cause: err });
    if (err.code === GrpcStatus.INVALID_ARGUMENT) {
      return new RpcError("invalid_argument", err.details, { cause: err });
    }
    return new RpcError("internal", `The ${target} service failed: ${err.details || err.message}`, {
      cause: err,
    });
  }
}

/** `err` as an {@linkcode RpcError} when it is a domain error (the same code, message, field). */
export function toRpcError(err: DomainError): RpcError {
  if (err instanceof RpcError) return err;
  return new RpcError(err.code, err.message, {
    field: err.field,
    shortages: err.shortages,
    cause: err.cause,
  });
}

function isErrorCode(code: string): code is ErrorCode {
  return code in GRPC_BY_CODE;
}

/**
 * True when the call broke off without the peer answering: its HTTP/2 stream was reset before a gRPC
 * status came (grpc-js reports INTERNAL "Received RST_STREAM with code N", e.g. when the peer stops or
 * crashes mid-call). Like a dropped connection, the outcome is unknown, so it is "unavailable".
 */
function brokenOff(err: ServiceError): boolean {
  return err.code === GrpcStatus.INTERNAL && /^Received RST_STREAM\b/.test(err.details ?? "");
}
