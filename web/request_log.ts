/**
 * The level of the gateway's per-request log line. A request that went well is routine and logged at
 * debug (`LOG_LEVEL=debug` shows every request); what needs attention stays visible at the default level,
 * at warn: a server error (5xx; an exception behind it is also logged at error, as `request failed`) and a
 * slow request (over `WEB_SLOW_REQUEST_MS`, default 500 ms). Client errors (4xx) are the API working as
 * designed (a 404, a 409 for missing stock) and stay at debug.
 *
 * @module
 */
import type { LogLevel } from "../services/common/log.ts";

/** Requests slower than this many milliseconds are logged at warn by default. */
export const SLOW_REQUEST_MS = 500;

/** The level of the `request` line of a request answered `status` after `ms` milliseconds. */
export function requestLogLevel(
  status: number,
  ms: number,
  slowMs: number = SLOW_REQUEST_MS,
): Extract<LogLevel, "debug" | "warn"> {
  return status >= 500 || ms > slowMs ? "warn" : "debug";
}
