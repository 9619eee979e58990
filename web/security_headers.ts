/**
 * Security headers on every answer, with Hono's `secure-headers` middleware:
 *
 * - everywhere: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy:
 *   same-origin`, `Cross-Origin-Opener-Policy` / `-Resource-Policy: same-origin` and the rest of
 *   Hono's defaults, without replacing what a page already set (pages carry their own CSP, see
 *   `framework/security.ts`);
 * - `Strict-Transport-Security` when the client reached us over HTTPS (an https `PUBLIC_URL`, or a
 *   trusted proxy's `X-Forwarded-Proto: https`; see `client_info.ts`); never over plain HTTP, where
 *   browsers ignore it anyway;
 * - on the JSON API (`/api/*`, `/healthz`, `/readyz`): `Content-Security-Policy: default-src 'none';
 *   frame-ancestors 'none'` and `Cache-Control: no-store` (answers carry per-customer data and state
 *   that changes).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { clientOf } from "./client_info.ts";

/** The `Strict-Transport-Security` value sent over HTTPS (one year). */
export const HSTS = "max-age=31536000";

/** The Content-Security-Policy of JSON answers. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const common = {
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
  overwrite: false,
} as const;

const plain = secureHeaders({ ...common, strictTransportSecurity: false });
const tls = secureHeaders({ ...common, strictTransportSecurity: HSTS });

/** True for the JSON API's paths. */
export function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/") || path === "/healthz" || path === "/readyz";
}

/**
 * `Cache-Control: no-store` and the API's CSP (unless the answer has one), set on the answer's own
 * headers: Hono's `c.header` on a finished answer first rebuilds it from its body, which turns a body
 * held in memory into a stream that `Deno.serve` then reads chunk by chunk (on every API answer). An
 * answer whose headers cannot change (a fetched one) is rebuilt by `c.header` as before.
 */
function apiHeaders(c: Context): void {
  try {
    const headers = c.res.headers;
    headers.set("Cache-Control", "no-store");
    if (!headers.has("Content-Security-Policy")) headers.set("Content-Security-Policy", API_CSP);
  } catch {
    c.header("Cache-Control", "no-store");
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", API_CSP);
  }
}

/** The middleware (needs `clientInfo` before it for HTTPS behind proxies). */
export function securityHeaders(): MiddlewareHandler {
  return async (c: Context, next) => {
    const api = isApiPath(c.req.path);
    const headers = clientOf(c).secure ? tls : plain;
    await headers(c, async () => {
      await next();
      if (api) apiHeaders(c);
    });
  };
}
