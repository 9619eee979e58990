/**
 * The gateway's error model: every failure is answered as JSON
 * `{"error": {"code", "message", "field"?, "items"?}}` with the HTTP status that fits it.
 * {@linkcode ApiError} is thrown by the gateway's own checks; {@linkcode RpcError}s from the services
 * are mapped here too, so a route handler only has to throw.
 *
 * A service that is down, or fails in the middle of a call (connection dropped, stream reset,
 * deadline passed), is answered 503 with `retryable: true` and `Retry-After`: the outcome of the call
 * is unknown, and retrying is safe because order creation is idempotent per `Idempotency-Key` (and
 * every other call either reads or is idempotent by itself).
 *
 * @module
 */
import type { ServiceError } from "@grpc/grpc-js";
import { ERROR_METADATA_KEY, RpcError } from "../../services/common/errors.ts";
import type { Shortage } from "../../services/common/gen/oms/types/v1/types.ts";

/** The codes the gateway itself answers with (besides the services' {@linkcode RpcError} codes). */
export type GatewayCode =
  | "invalid_json"
  | "invalid_argument"
  | "payload_too_large"
  | "unsupported_media_type"
  | "not_found"
  | "method_not_allowed"
  | "request_timeout"
  | "too_many_requests"
  | "unavailable"
  | "internal";

/** HTTP status codes the gateway answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 408 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** One item that could not be reserved in full, as shown to the client. */
export interface ShortItemJson {
  /** Catalog item id. */
  id: string;
  /** Item name. */
  name: string;
  /** Units asked for. */
  requested: number;
  /** Units left. */
  available: number;
}

/** The `error` member of every error response. */
export interface ErrorJson {
  /** Machine-readable code, e.g. `out_of_stock`. */
  code: string;
  /** Sentence-case message naming the offending value. */
  message: string;
  /** The request field at fault (e.g. `items[0].quantity`); omitted when not about one field. */
  field?: string;
  /** The short items, only for `out_of_stock`. */
  items?: ShortItemJson[];
  /** True when the same request may simply be sent again (after `Retry-After`). */
  retryable?: boolean;
}

/** Options of {@linkcode ApiError}. */
export interface ApiErrorOptions {
  /** The request field at fault. */
  field?: string;
  /** Short items (for `out_of_stock`). */
  items?: ShortItemJson[];
  /** Extra response headers (e.g. `Allow`, `Retry-After`). */
  headers?: Record<string, string>;
  /** The underlying error. */
  cause?: unknown;
  /** The same request may be sent again. */
  retryable?: boolean;
}

/** An error the gateway answers with `status` and a JSON body. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: ErrorStatus;
  /** Machine-readable code. */
  readonly code: string;
  /** The field at fault, or "". */
  readonly field: string;
  /** Short items, for `out_of_stock`. */
  readonly items: ShortItemJson[] | undefined;
  /** Extra response headers. */
  readonly headers: Record<string, string>;
  /** True when the request may be sent again. */
  readonly retryable: boolean;

  /** Creates the error; `message` is shown to clients. */
  constructor(status: ErrorStatus, code: string, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = options.field ?? "";
    this.items = options.items;
    this.headers = options.headers ?? {};
    this.retryable = options.retryable ?? false;
  }

  /** The JSON body of the response. */
  toJSON(): { error: ErrorJson } {
    const error: ErrorJson = { code: this.code, message: this.message };
    if (this.field) error.field = this.field;
    if (this.items) error.items = this.items;
    if (this.retryable) error.retryable = true;
    return { error };
  }
}

/** Shortages as the client sees them. */
export function shortItems(shortages: Shortage[]): ShortItemJson[] {
  return shortages.map((s) => ({
    id: s.itemId,
    name: s.name,
    requested: s.requested,
    available: s.available,
  }));
}

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = "5";

/**
 * Maps an error from a service call to the answer the client gets. `service` names the peer so an
 * `unavailable` answer says which one is down. Internal failures never leak their details.
 */
export function fromRpcError(err: RpcError, service: string): ApiError {
  const opts = { field: err.field, cause: err };
  switch (err.code) {
    case "invalid_argument":
      return new ApiError(422, err.code, err.message, opts);
    case "unknown_item":
      return new ApiError(422, err.code, err.message, opts);
    case "not_found":
      return new ApiError(404, err.code, err.message, opts);
    case "out_of_stock":
      return new ApiError(409, err.code, err.message, { ...opts, items: shortItems(err.shortages) });
    case "illegal_transition":
    case "already_exists":
      return new ApiError(409, err.code, err.message, opts);
    case "permission_denied":
      return new ApiError(403, err.code, err.message, opts);
    case "unavailable":
      // A peer that answered "unavailable" itself says what is down (e.g. a service behind it); a
      // peer that did not answer at all, or broke off mid-call, is named here.
      return unavailable(
        answeredByPeer(err)
          ? err.message
          : `The ${service} service is unavailable or failed during the call. Retrying is safe: ` +
            "send the same request again (with the same Idempotency-Key) shortly",
        err,
      );
    case "internal":
      return internalError(err);
  }
}

/** 503 `unavailable`, retryable, with `Retry-After`. */
export function unavailable(message: string, cause?: unknown): ApiError {
  return new ApiError(503, "unavailable", message, {
    cause,
    retryable: true,
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
  });
}

/** True when `err` was sent by the peer as a structured error (not a failed connection or deadline). */
function answeredByPeer(err: RpcError): boolean {
  const cause = err.cause as Partial<ServiceError> | undefined;
  return (cause?.metadata?.get(ERROR_METADATA_KEY).length ?? 0) > 0;
}

/** The one answer for anything unexpected: 500 without details (the cause is logged, not shown). */
export function internalError(cause?: unknown): ApiError {
  return new ApiError(500, "internal", "Internal error", { cause });
}

/** Converts anything thrown in a handler to an {@linkcode ApiError}. */
export function toApiError(err: unknown, service = "upstream"): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof RpcError) return fromRpcError(err, service);
  return internalError(err);
}
