/**
 * Test support for the admin pages (test code only): the real services (kitchen included, orders
 * hosting the staff store) and the gateway with pages, plus a cookie-keeping client that logs in and
 * reads CSRF tokens from forms, and helpers that make staff accounts of each role.
 *
 * @module
 */
import type { OrdersConfig } from "../../services/orders/config.ts";
import { type PagesSystem, startPagesSystem } from "../pages_testing.ts";
import { TEST_ADMIN_PASSWORD, TEST_ADMIN_USER } from "../testing.ts";
import type { StaffRole } from "./permissions.ts";
import type { AdminOptions } from "./runtime.ts";

/** A browser-like client of the admin. */
export interface AdminClient {
  /** Requests `path` with the cookies kept so far; keeps the cookies it is given. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A URL-encoded form POST. */
  post(path: string, fields: Record<string, string>): Promise<Response>;
  /**
   * Logs in (GET the form, POST the name and password); returns the POST's response. With no
   * arguments: the first owner (`admin` / {@linkcode TEST_ADMIN_PASSWORD}).
   */
  login(name?: string, password?: string): Promise<Response>;
  /** The CSRF token found in the forms of `path`. */
  csrf(path?: string): Promise<string>;
  /** The cookies kept, by name. */
  cookies: Map<string, string>;
}

/** A new admin client of `sys`; `headers` go with every request (e.g. a client address). */
export function adminClient(sys: PagesSystem, headers: HeadersInit = {}): AdminClient {
  const cookies = new Map<string, string>();
  const client: AdminClient = {
    cookies,
    async fetch(path, init = {}) {
      const h = new Headers(headers);
      new Headers(init.headers).forEach((v, k) => h.set(k, v));
      if (cookies.size > 0) h.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      const res = await sys.pagesApp.request(path, { ...init, headers: h });
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
    async login(name = TEST_ADMIN_USER, password = TEST_ADMIN_PASSWORD) {
      await (await client.fetch("/admin/login")).body?.cancel();
      return await client.post("/admin/login", { name, password });
    },
    async csrf(path = "/admin/account") {
      const html = await (await client.fetch(path)).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      if (!token) throw new Error(`No CSRF token on ${path}`);
      return token;
    },
  };
  return client;
}

/** The password {@linkcode staffAccount} gives an account named `name`. */
export function testPasswordOf(name: string): string {
  return `${name}-test-password`;
}

/**
 * Makes an account `name` with `role` through the staff page, as the first owner would (a client
 * logged in as the owner is made if `owner` is not given); returns a client logged in as it.
 */
export async function staffAccount(
  sys: PagesSystem,
  name: string,
  role: StaffRole,
  owner?: AdminClient,
): Promise<AdminClient> {
  let boss = owner;
  if (!boss) {
    boss = adminClient(sys);
    const res = await boss.login();
    if (res.status !== 303) throw new Error(`The first owner could not log in: ${res.status}`);
  }
  const res = await boss.post("/admin/staff", {
    _csrf: await boss.csrf("/admin/staff"),
    action: "create",
    name,
    role,
    password: testPasswordOf(name),
  });
  if (res.status !== 303) throw new Error(`Adding ${name} failed: ${res.status} ${await res.text()}`);
  const client = adminClient(sys);
  const login = await client.login(name, testPasswordOf(name));
  if (login.status !== 303) throw new Error(`${name} could not log in: ${login.status}`);
  return client;
}

/** Options of {@linkcode startAdminSystem}. */
export interface AdminSystemOptions {
  /** The admin's web-side options (first owner, cookie secret). */
  admin?: AdminOptions;
  /** The staff store's limits (throttle, sessions, scrypt). */
  staff?: NonNullable<OrdersConfig["staff"]>;
}

/** Starts a system with kitchen and the admin (first owner `admin` / {@linkcode TEST_ADMIN_PASSWORD}). */
export function startAdminSystem(options: AdminSystemOptions = {}): Promise<PagesSystem> {
  return startPagesSystem({
    kitchen: true,
    ...(options.admin ? { admin: options.admin } : {}),
    ...(options.staff ? { staff: options.staff } : {}),
  });
}
