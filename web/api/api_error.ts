/**
 * The gateway's error model: every failure is answered as JSON
 * `{"error": {"code", "message", "field"?, "items"?}}` with the HTTP status that fits it.
 * {@linkcode ApiError} is thrown by the gateway's own checks and by the service facades
 * (`web/gateway/`, which map the services' errors), so a route handler only has to throw.
 *
 * A service that is down, or fails in the middle of a call (connection dropped, stream reset,
 * deadline passed), is answered 503 with `retryable: true` and `Retry-After`: the outcome of the call
 * is unknown, and retrying is safe because order creation is idempotent per `Idempotency-Key` (and
 * every other call either reads or is idempotent by itself).
 *
 * @module
 */
import type { Shortage } from "../../services/common/gen/oms/types/v1/types.ts";

/** The codes the gateway itself answers with (besides the services' error codes). */
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

/** 503 `unavailable`, retryable, with `Retry-After`. */
export function unavailable(message: string, cause?: unknown): ApiError {
  return new ApiError(503, "unavailable", message, {
    cause,
    retryable: true,
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
  });
}

/** The one answer for anything unexpected: 500 without details (the cause is logged, not shown). */
export function internalError(cause?: unknown): ApiError {
  return new ApiError(500, "internal", "Internal error", { cause });
}
