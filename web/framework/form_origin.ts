/**
 * The origin check of page forms, with Hono's `csrf` middleware, next to the form tokens (the
 * admin's `_csrf` field) and the customer cookie's `SameSite=Lax`: a POST (PUT, PATCH, DELETE) of
 * form data (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`, or no type)
 * is refused unless `Sec-Fetch-Site` is `same-origin` or `none` (typed by the user), or `Origin` is
 * this site: the request's own host, or the origin of `PUBLIC_URL` (the site's address behind a
 * proxy). `Origin: null` and `Sec-Fetch-Site: same-site` (a sibling host) are refused.
 *
 * A request with neither header is not from a browser (browsers send both on every form post) and
 * is left to the form token, so scripts and tests that post forms keep working. Other content types
 * cannot be sent cross-site without a CORS preflight, which this site never grants; the JSON API has
 * its own stricter check (`api/cross_site.ts`).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { isOwnOrigin } from "../api/cross_site.ts";

/** Options of {@linkcode formOrigin}. */
export interface FormOriginOptions {
  /** The site's public URL (`PUBLIC_URL`), whose origin is also this site. */
  publicUrl?: string | null;
  /** The answer to a refused request (e.g. the site's error page with status 403). */
  refused: (c: Context) => Response | Promise<Response>;
}

function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

const done = () => Promise.resolve();

/** The middleware (see the module doc). */
export function formOrigin({ publicUrl, refused }: FormOriginOptions): MiddlewareHandler {
  const publicOrigin = originOf(publicUrl);
  const check = csrf({
    origin: (origin, c) => isOwnOrigin(origin, c.req.url, publicOrigin),
    secFetchSite: (site) => site === "same-origin" || site === "none",
  });
  return async (c, next) => {
    if (c.req.header("sec-fetch-site") === undefined && c.req.header("origin") === undefined) {
      return await next();
    }
    try {
      await check(c, done);
    } catch (err) {
      if (!(err instanceof HTTPException) || err.status !== 403) throw err;
      await c.req.raw.body?.cancel().catch(() => {});
      return await refused(c);
    }
    await next();
  };
}
