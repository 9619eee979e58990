/**
 * The one mapping from a failed service call to the answer web gives: an {@linkcode RpcError} (the
 * service's code, message, field and short items, rebuilt from the gRPC status and its detail) becomes
 * the gateway's {@linkcode ApiError} with the HTTP status that fits, its `field` renamed as the JSON API
 * names it (`order_id` -> `orderId`, see `../api/field_name.ts`). Every facade call goes through
 * {@linkcode upstreamError}; nothing else in web maps gRPC errors.
 *
 * @module
 */
import type { ServiceError } from "@grpc/grpc-js";
import { ERROR_METADATA_KEY, RpcError } from "../../services/common/errors.ts";
import { ApiError, internalError, shortItems, unavailable } from "../api/api_error.ts";
import { camelField } from "../api/field_name.ts";

/**
 * Maps an error from a service call to the answer the client gets. `service` names the peer so an
 * `unavailable` answer says which one is down. Internal failures never leak their details.
 */
export function fromRpcError(err: RpcError, service: string): ApiError {
  const opts = { field: camelField(err.field), cause: err };
  switch (err.code) {
    case "invalid_argument":
    case "unknown_item":
    case "idempotency_key_reused":
      return new ApiError(422, err.code, err.message, opts);
    case "not_found":
      return new ApiError(404, err.code, err.message, opts);
    case "out_of_stock":
    case "item_unavailable":
      return new ApiError(409, err.code, err.message, { ...opts, items: shortItems(err.shortages) });
    case "illegal_transition":
    case "window_expired":
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

/**
 * What a failed call to `peer` is answered with: an {@linkcode ApiError} as is, an
 * {@linkcode RpcError} through {@linkcode fromRpcError}, anything else (e.g. a call on a closed
 * channel) a 500 without details.
 */
export function upstreamError(err: unknown, peer: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof RpcError) return fromRpcError(err, peer);
  return internalError(err);
}

/** True when `err` was sent by the peer as a structured error (not a failed connection or deadline). */
function answeredByPeer(err: RpcError): boolean {
  const cause = err.cause as Partial<ServiceError> | undefined;
  return (cause?.metadata?.get(ERROR_METADATA_KEY).length ?? 0) > 0;
}
