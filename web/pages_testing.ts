/**
 * Test support for the pages (test code only): the real services and gateway of `testing.ts` with
 * {@linkcode mountPages} on top, plus a browser-like client that keeps the customer cookie.
 *
 * Until the interim pay and order pages of `api/local_pay.ts` are removed from `createApp`, they
 * would answer `/pay/:sessionId` and `/orders/:orderId` first; then the pages are mounted on an
 * outer app in front of the gateway instead, so tests see the pages either way.
 *
 * @module
 */
import { Hono } from "hono";
import { isTraceparent, newTraceparent } from "../services/common/trace.ts";
import type { AppDeps, AppEnv } from "./api/deps.ts";
import { ApiError } from "./api/errors.ts";
import { type MountedPages, mountPages } from "./framework/mod.ts";
import { createApp } from "./server.ts";
import type { OrderJson } from "./api/order_json.ts";
import { postJson, startSystem, type TestSystem } from "./testing.ts";

/** The gateway with pages mounted. */
export async function pagesApp(deps: AppDeps): Promise<{ app: Hono<AppEnv>; pages: MountedPages }> {
  const gateway = createApp(deps);
  const interim = gateway.routes.some((r) =>
    r.method === "GET" && (r.path === "/pay/:sessionId" || r.path === "/orders/:orderId")
  );
  if (!interim) return { app: gateway, pages: await mountPages(gateway, deps) };
  const outer = new Hono<AppEnv>();
  outer.use(async (c, next) => {
    const incoming = c.req.header("traceparent");
    c.set("traceparent", isTraceparent(incoming) ? incoming : newTraceparent());
    await next();
  });
  const pages = await mountPages(outer, deps);
  outer.route("/", gateway);
  outer.notFound((c) => {
    const err = new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
    return c.json(err.toJSON(), 404);
  });
  return { app: outer, pages };
}

/** A client that sends what a browser would: the cookies it was given. */
export interface Browser {
  /** Requests `path`, sending and keeping cookies. */
  get(path: string, init?: RequestInit): Promise<Response>;
  /** The customer id of the cookie (after the first page). */
  customerId(): string;
  /** The cookie header sent (every cookie the app set and did not remove). */
  cookie: string;
}

/** A running system with pages. */
export interface PagesSystem extends TestSystem {
  /** The app with pages. */
  pagesApp: Hono<AppEnv>;
  /** What was mounted. */
  pages: MountedPages;
  /** A new browser. */
  browser(): Browser;
}

/** Starts the services and the gateway with pages. */
export async function startPagesSystem(
  options: Parameters<typeof startSystem>[0] = {},
): Promise<PagesSystem> {
  const sys = await startSystem(options);
  try {
    const { app, pages } = await pagesApp(sys.deps);
    return {
      ...sys,
      pagesApp: app,
      pages,
      browser() {
        const jar = new Map<string, string>();
        const b: Browser = {
          cookie: "",
          async get(path, init = {}) {
            const headers = new Headers(init.headers);
            if (b.cookie) headers.set("cookie", b.cookie);
            const res = await app.request(path, { ...init, headers });
            for (const set of res.headers.getSetCookie()) {
              const [pair = "", ...attrs] = set.split(";");
              const at = pair.indexOf("=");
              const name = pair.slice(0, at).trim();
              if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
              else jar.set(name, pair.slice(at + 1));
            }
            b.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
            return res;
          },
          customerId() {
            const value = decodeURIComponent(jar.get("oms_customer") ?? "");
            return value.slice(0, value.lastIndexOf("."));
          },
        };
        return b;
      },
    };
  } catch (err) {
    await sys.stop();
    throw err;
  }
}

/** A new browser of `sys` that has visited the menu, and the order it placed for `items` (201). */
export async function browserWithOrder(
  sys: PagesSystem,
  items: { id: string; quantity: number }[] = [{ id: "1", quantity: 1 }],
): Promise<{ b: Browser; order: OrderJson }> {
  const b = sys.browser();
  await (await b.get("/")).body?.cancel();
  const res = await b.get(`/api/customers/${b.customerId()}/orders`, postJson({ items }));
  if (res.status !== 201) throw new Error(`placing the order answered ${res.status}: ${await res.text()}`);
  return { b, order: await res.json() as OrderJson };
}
