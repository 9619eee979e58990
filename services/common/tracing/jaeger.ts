/**
 * Links from OMS pages to Jaeger's trace view (`JAEGER_UI_URL`, e.g. `http://localhost:16686`).
 *
 * @module
 */

const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

/**
 * The Jaeger UI page of trace `traceId` (`<JAEGER_UI_URL>/trace/<traceId>`), or undefined when
 * `JAEGER_UI_URL` is not set (or not an http(s) URL) or `traceId` is not a valid W3C trace id (32 lowercase hex digits, not all
 * zero). `baseUrl` defaults to `JAEGER_UI_URL` from the environment.
 */
export function jaegerTraceUrl(
  traceId: string | undefined,
  baseUrl: string | undefined = Deno.env.get("JAEGER_UI_URL"),
): string | undefined {
  if (!baseUrl || !/^https?:\/\/[^/]/.test(baseUrl) || !traceId || !TRACE_ID.test(traceId)) return undefined;
  return `${baseUrl.replace(/\/+$/, "")}/trace/${traceId}`;
}
