/**
 * The transport-free error of domain rules and use cases. Domain code and `app.ts` throw a
 * {@linkcode DomainError}; only the adapters turn it into a wire status (`grpc_handler.ts` maps it to
 * a gRPC status through `RpcError`, see `errors.ts`).
 *
 * @module
 */

/** Machine-readable error codes shared by every service and the gateway. */
export type ErrorCode =
  | "invalid_argument"
  | "unknown_item"
  | "not_found"
  | "out_of_stock"
  | "item_unavailable"
  | "illegal_transition"
  | "window_expired"
  | "already_exists"
  | "idempotency_key_reused"
  | "permission_denied"
  | "unavailable"
  | "internal";

/** An item that could not be reserved: what was asked for and what is left. */
export interface ShortItem {
  itemId: string;
  /** The item's display name. */
  name: string;
  requested: number;
  available: number;
}

/** Options for {@linkcode DomainError}. */
export interface DomainErrorOptions {
  /** The request field at fault, e.g. `items[0].quantity`. */
  field?: string;
  /** Items that could not be reserved (for `out_of_stock` and `item_unavailable`). */
  shortages?: ShortItem[];
  /** The underlying error. */
  cause?: unknown;
}

/** A broken rule with a code, a human message and optionally the field at fault. */
export class DomainError extends Error {
  /** The machine-readable code. */
  readonly code: ErrorCode;
  /** The request field at fault, or "" when the error is not about one field. */
  readonly field: string;
  /** Short items, for `out_of_stock`. */
  readonly shortages: ShortItem[];

  /** Creates an error; `message` is shown to users, so write it in sentence case with the bad value. */
  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "DomainError";
    this.code = code;
    this.field = options.field ?? "";
    this.shortages = options.shortages ?? [];
  }
}
