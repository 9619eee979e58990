/**
 * Security headers of every page, with Hono's `secure-headers` middleware: a Content-Security-Policy
 * that allows only our own scripts, styles, images and connections (no inline script or style:
 * island props travel in non-executable `application/json` script elements, and the boot script is
 * an external file, so no nonce is needed), plus framing, sniffing, referrer and opener rules and the
 * rest of Hono's defaults. A page that sets one of these headers itself keeps its own value.
 * `Strict-Transport-Security` is left to the gateway's `security_headers.ts`, which knows whether the
 * client came over HTTPS.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** The Content-Security-Policy of pages, directive by directive (Hono writes them in this order). */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The Content-Security-Policy header of pages, as sent. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

/** The middleware that puts the page headers on answers that lack them. */
export const pageSecurityHeaders: MiddlewareHandler = secureHeaders({
  contentSecurityPolicy: CSP_DIRECTIVES,
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
  crossOriginOpenerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
  strictTransportSecurity: false,
  overwrite: false,
});
