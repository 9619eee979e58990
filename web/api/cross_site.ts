/**
 * Refuses cross-site requests that would change something: for every method but GET, HEAD and
 * OPTIONS, answers 403 `cross_site` when
 *
 * - `Sec-Fetch-Site` is present and is not `same-origin` or `none` (browsers send it on every
 *   request; `same-site` is refused too: another app on a sibling host is not this site), or
 * - `Origin` is present and is neither this request's own origin (scheme aside: the host and port of
 *   the `Host` header) nor the origin of `PUBLIC_URL` (the site's address behind a proxy); `Origin:
 *   null` is refused.
 *
 * A request with neither header is not from a browser (curl, the load generator, provider webhooks)
 * and passes: such clients prove themselves with a bearer token, which a browser never adds on its
 * own. The content type does not matter, so a cross-site `text/plain` form post is refused like any
 * other.
 *
 * Why not `hono/csrf`: it checks only form content types (a cross-site `application/json` request
 * with `Sec-Fetch-Site: cross-site` passes) and it refuses a header-less API client that sends no
 * content type (e.g. `curl -X POST .../cancel` with a token).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

const SAFE = /^(GET|HEAD|OPTIONS)$/;
const ALLOWED_SITES = new Set(["same-origin", "none"]);

/** Options of {@linkcode refuseCrossSite}. */
export interface CrossSiteOptions {
  /** The site's public URL (`PUBLIC_URL`), whose origin is also accepted. */
  publicUrl?: string;
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** True when `origin` is this site: the request's own host, or the public URL's origin. */
export function isOwnOrigin(origin: string, requestUrl: string, publicOrigin: string | null): boolean {
  if (origin === "null") return false;
  if (publicOrigin !== null && origin === publicOrigin) return true;
  const host = hostOf(origin);
  return host !== null && host === new URL(requestUrl).host;
}

function refused(header: string, value: string): ApiError {
  const shown = JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  return new ApiError(
    403,
    "cross_site",
    `Requests from another site may not change anything (${header}: ${shown})`,
    { field: header },
  );
}

/** The middleware (mount it on `/api/*`). */
export function refuseCrossSite(
  { publicUrl = Deno.env.get("PUBLIC_URL") }: CrossSiteOptions = {},
): MiddlewareHandler {
  const publicOrigin = originOf(publicUrl);
  return async (c, next) => {
    if (!SAFE.test(c.req.method)) {
      const site = c.req.header("sec-fetch-site");
      if (site !== undefined && !ALLOWED_SITES.has(site.toLowerCase())) {
        throw refused("Sec-Fetch-Site", site);
      }
      const origin = c.req.header("origin");
      if (origin !== undefined && !isOwnOrigin(origin, c.req.url, publicOrigin)) {
        throw refused("Origin", origin);
      }
    }
    await next();
  };
}
