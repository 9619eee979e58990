/**
 * Test support for the admin pages (test code only): the real services (kitchen included) and the
 * gateway with pages, plus a cookie-keeping client that logs in and reads CSRF tokens from forms.
 *
 * @module
 */
import { type PagesSystem, startPagesSystem } from "../pages_testing.ts";
import { TEST_ADMIN_PASSWORD } from "../testing.ts";
import type { AdminOptions } from "./runtime.ts";

/** A browser-like client of the admin. */
export interface AdminClient {
  /** Requests `path` with the cookies kept so far; keeps the cookies it is given. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A URL-encoded form POST. */
  post(path: string, fields: Record<string, string>): Promise<Response>;
  /** Logs in (GET the form, POST the password); returns the POST's response. */
  login(password?: string): Promise<Response>;
  /** The CSRF token found in the forms of `path`. */
  csrf(path?: string): Promise<string>;
  /** The cookies kept, by name. */
  cookies: Map<string, string>;
}

/** A new admin client of `sys`. */
export function adminClient(sys: PagesSystem): AdminClient {
  const cookies = new Map<string, string>();
  const client: AdminClient = {
    cookies,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (cookies.size > 0) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      const res = await sys.pagesApp.request(path, { ...init, headers });
      for (const set of res.headers.getSetCookie()) {
        const [pair] = set.split(";");
        const at = pair!.indexOf("=");
        const name = pair!.slice(0, at);
        const value = pair!.slice(at + 1);
        if (/Max-Age=0/i.test(set) || value === "") cookies.delete(name);
        else cookies.set(name, value);
      }
      return res;
    },
    post(path, fields) {
      return client.fetch(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    },
    async login(password = TEST_ADMIN_PASSWORD) {
      await (await client.fetch("/admin/login")).body?.cancel();
      return await client.post("/admin/login", { password, next: "/admin" });
    },
    async csrf(path = "/admin/menu") {
      const html = await (await client.fetch(path)).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      if (!token) throw new Error(`No CSRF token on ${path}`);
      return token;
    },
  };
  return client;
}

/** Starts a system with kitchen and the admin (password {@linkcode TEST_ADMIN_PASSWORD}). */
export function startAdminSystem(admin?: AdminOptions): Promise<PagesSystem> {
  return startPagesSystem({ kitchen: true, ...(admin ? { admin } : {}) });
}
