/**
 * HTTP helpers of the admin: the session cookie, redirects, the `next` target after login (admin
 * paths only, so it cannot be turned into an open redirect) and the bounded reading of form bodies.
 * (The origin check of form posts is the framework's, for every page: `framework/form_origin.ts`.)
 *
 * @module
 */
import { parse } from "hono/utils/cookie";
import { readBodyBytes } from "../api/body.ts";
import { ApiError } from "../api/errors.ts";
import { SESSION_COOKIE } from "./sessions.ts";

/** The `Set-Cookie` value carrying session `id` (HttpOnly, SameSite=Strict, Path=/admin). */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Max-Age=${maxAgeSeconds}; Path=/admin; HttpOnly; SameSite=Strict` +
    (secure ? "; Secure" : "");
}

/** The `Set-Cookie` value that removes the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; SameSite=Strict` + (secure ? "; Secure" : "");
}

/** The value of cookie `name` in `req`, if any (Hono's cookie parser). */
export function cookieOf(req: Request, name: string): string | null {
  return parse(req.headers.get("cookie") ?? "", name)[name] ?? null;
}

/** The session cookie's value in `req`, if any. */
export function sessionIdOf(req: Request): string | null {
  return cookieOf(req, SESSION_COOKIE);
}

/** A 303 redirect to `location`, with extra headers. */
export function seeOther(location: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("Location", location);
  return new Response(null, { status: 303, headers: h });
}

/** `next` if it is an admin path (not the login page itself), else `/admin`. */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 1000) return "/admin";
  if (!/^\/admin(\/[^\\]*)?(\?[^\\]*)?$/.test(next) || next.startsWith("//")) return "/admin";
  if (next.startsWith("/admin/login") || next.startsWith("/admin/logout")) return "/admin";
  return next;
}

/** Largest admin form body in bytes. */
export const MAX_FORM_BYTES = 16 * 1024;

/** Reads an `application/x-www-form-urlencoded` body (at most {@linkcode MAX_FORM_BYTES}). */
export async function readForm(req: Request): Promise<URLSearchParams> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    await req.body?.cancel();
    throw new ApiError(415, "unsupported_media_type", "Admin forms must be sent as URL-encoded form data");
  }
  const bytes = await readBodyBytes(req, MAX_FORM_BYTES, "Form");
  return new URLSearchParams(new TextDecoder().decode(bytes));
}
