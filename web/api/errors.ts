/**
 * Everything thrown while handling a request, as the answer it gets: the gateway's error model
 * (`api_error.ts`) and {@linkcode toApiError}, the catch-all the app's error handlers use.
 *
 * @module
 */
import { upstreamError } from "../gateway/errors.ts";
import type { ApiError } from "./api_error.ts";

export * from "./api_error.ts";

/**
 * Converts anything thrown in a handler to an {@linkcode ApiError}: an `ApiError` as is, a service
 * error through the gateway's one mapping (`web/gateway/errors.ts`, naming `service`), anything else
 * 500 without details.
 */
export function toApiError(err: unknown, service = "upstream"): ApiError {
  return upstreamError(err, service);
}
