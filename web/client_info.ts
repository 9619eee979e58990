/**
 * Who is asking and over what: the client's address and whether the request reached us over HTTPS,
 * honouring `X-Forwarded-For` / `X-Forwarded-Proto` only when the direct peer is one of the trusted
 * proxies (`WEB_TRUSTED_PROXIES`). From anyone else those headers are ignored, so a client cannot
 * choose the address it is throttled under.
 *
 * With trusted proxies, `X-Forwarded-For` is read from the right: each hop that is itself a trusted
 * proxy is skipped, and the first one that is not is the client (the rightmost untrusted address: the
 * only one a proxy of ours wrote). A malformed hop stops the walk at the last good one.
 *
 * HTTPS: `PUBLIC_URL` starting with `https:` says every request is (the site is served over TLS by
 * something in front); else the request URL's scheme, or a trusted proxy's `X-Forwarded-Proto: https`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { type IpMatcher, normalizeIp } from "./ip_matcher.ts";

/** What {@linkcode clientInfo} found out about a request. */
export interface ClientInfo {
  /** The client's IP address (normalised), or "unknown" when the server was not told the peer. */
  address: string;
  /** The direct peer (the proxy, when there is one). */
  peer: string;
  /** True when the client reached the site over HTTPS. */
  secure: boolean;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by {@linkcode clientInfo}. */
    client: ClientInfo;
  }
}

/** Options of {@linkcode clientInfo}. */
export interface ClientInfoOptions {
  /** True for the addresses of trusted reverse proxies. */
  trustedProxies: IpMatcher;
  /** The site's public URL, when configured. */
  publicUrl?: string | null;
}

/** The direct peer's address from the server's connection info (`start()` passes it as `env.remoteAddr`). */
export function peerAddress(env: unknown): string {
  const hostname = (env as { remoteAddr?: { hostname?: unknown } } | undefined)?.remoteAddr?.hostname;
  if (typeof hostname !== "string") return "unknown";
  return normalizeIp(hostname) ?? hostname;
}

/** The client of `req` seen from `peer` (see the module doc). */
export function resolveClient(req: Request, peer: string, options: ClientInfoOptions): ClientInfo {
  const trusted = options.trustedProxies;
  let address = peer;
  let viaTrustedProxy = false;
  if (trusted(peer)) {
    viaTrustedProxy = true;
    const hops = (req.headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
    for (let i = hops.length - 1; i >= 0 && trusted(address); i--) {
      const hop = normalizeIp(hops[i]!);
      if (!hop) break;
      address = hop;
    }
  }
  const proto = viaTrustedProxy
    ? (req.headers.get("x-forwarded-proto") ?? "").split(",")[0]!.trim().toLowerCase()
    : "";
  const secure = options.publicUrl?.toLowerCase().startsWith("https:") === true ||
    new URL(req.url).protocol === "https:" || proto === "https";
  return { address, peer, secure };
}

/** Middleware setting `c.var.client` for every request. */
export function clientInfo(options: ClientInfoOptions): MiddlewareHandler {
  return async (c: Context, next) => {
    c.set("client", resolveClient(c.req.raw, peerAddress(c.env), options));
    await next();
  };
}

/** `c.var.client`, or what the request alone says when the middleware did not run (no proxies trusted). */
export function clientOf(c: Context): ClientInfo {
  return c.get("client") ?? resolveClient(c.req.raw, peerAddress(c.env), { trustedProxies: () => false });
}
