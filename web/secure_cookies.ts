/**
 * `Secure` on every cookie the site sets when the client reached it over HTTPS (an https
 * `PUBLIC_URL`, or a trusted proxy's `X-Forwarded-Proto: https`; see `client_info.ts`). Behind a TLS
 * proxy the request URL says `http:`, so cookie code cannot tell by itself; this middleware makes
 * the customer cookie and the admin's session and device cookies `Secure` in one place.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { clientOf } from "./client_info.ts";

/** `cookie` with the `Secure` attribute (unchanged when it has it). */
export function withSecure(cookie: string): string {
  return /;\s*secure\s*(;|$)/i.test(cookie) ? cookie : `${cookie}; Secure`;
}

/** The middleware (needs `clientInfo` before it). */
export function secureCookies(): MiddlewareHandler {
  return async (c: Context, next) => {
    await next();
    if (!clientOf(c).secure) return;
    const cookies = c.res.headers.getSetCookie();
    if (cookies.every((k) => withSecure(k) === k)) return;
    const rewrite = (headers: Headers) => {
      headers.delete("Set-Cookie");
      for (const k of cookies) headers.append("Set-Cookie", withSecure(k));
    };
    try {
      rewrite(c.res.headers);
    } catch {
      // immutable headers: Hono's setter copies the response into one whose headers can change
      c.res = new Response(c.res.body, c.res);
      rewrite(c.res.headers);
    }
  };
}
