/**
 * Our small Fresh-shaped runtime on Hono and Preact. {@linkcode mountPages} adds to the gateway app:
 *
 * - every route of `web/routes/` (from the generated manifest `web/routes.gen.ts`), with its
 *   middlewares, layouts and `_app`, rendered on the server;
 * - `/_islands/<file>.js`: the client bundle (islands runtime and one chunk per island), content-hashed
 *   and immutable;
 * - `/_static/<file>`: `web/static/`, also under content-hashed names (see {@linkcode asset});
 *   both with Hono's `serveStatic` and an ETag (304 on `If-None-Match`);
 * - the site's 404 page for any other GET outside `/api/` (the JSON API keeps its JSON 404).
 *
 * A form posted from another site is refused with 403 before any page code runs (`form_origin.ts`),
 * and a page body over {@linkcode PAGE_MAX_BODY_BYTES} with 413 (Hono's `body-limit`).
 * Every page response carries the security headers of `security.ts` (Hono's `secure-headers`). A
 * handler that throws gets the site's 404 page (for a not-found error) or the `_500` page with a
 * message safe to show.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { serveStatic } from "hono/deno";
import { bodyLimit } from "hono/body-limit";
import { etag } from "hono/etag";
import { fileURLToPath } from "node:url";
import type { AppDeps, AppEnv } from "../api/deps.ts";
import { ApiError, toApiError } from "../api/errors.ts";
import { isTraceparent, newTraceparent, traceIdOf } from "../../services/common/trace.ts";
import { manifest as appManifest } from "../routes.gen.ts";
import { buildClient, type ClientBundle } from "./bundle.ts";
import { discoverRoutes, type RouteEntry } from "./discover.ts";
import { registerIslands } from "./islands.ts";
import { renderPage } from "./render.ts";
import { pageSecurityHeaders } from "./security.ts";
import { formOrigin } from "./form_origin.ts";
import { loadStatic, setAssets, type StaticFile } from "./static.ts";
import { hasMutableHeaders } from "./mutable_headers.ts";
import type { ErrorPageData, Handler, Manifest, Method, RouteContext, RouteModule, State } from "./types.ts";

export { asset } from "./static.ts";
export type * from "./types.ts";

/** `Cache-Control` of content-hashed files. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** What a form posted from another site is told (status 403). */
export const CROSS_SITE_MESSAGE = "This form was sent from another site, so it was refused.";

/** Largest request body of a page (a form post), in bytes, unless {@linkcode PagesOptions} says otherwise. */
export const PAGE_MAX_BODY_BYTES = 64 * 1024;

/** `Cache-Control` of pages that set none. */
export const PAGE_CACHE_CONTROL = "private, no-cache";

/** Options of {@linkcode mountPages} (the defaults are the app's own files). */
export interface PagesOptions {
  /** Route and island modules. */
  manifest?: Manifest;
  /** The browser entry to bundle when there are islands; null to build none. */
  client?: { entry: URL; sources: URL[] } | null;
  /** Folder of static files. */
  staticDir?: URL;
  /** Where client builds are cached (see `bundle.ts`). */
  buildDir?: string;
  /** The site's public URL, also accepted as the origin of forms (default `PUBLIC_URL`). */
  publicUrl?: string | null;
  /** Largest page request body in bytes (default {@linkcode PAGE_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
}

/** What {@linkcode mountPages} mounted. */
export interface MountedPages {
  /** Route patterns in matching order. */
  routes: string[];
  /** The client bundle, or null when there are no islands. */
  client: ClientBundle | null;
  /** URL of the client entry script, or null. */
  clientEntry: string | null;
  /** Static files. */
  staticFiles: StaticFile[];
}

const WEB = new URL("../", import.meta.url);
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function normalize(pattern: string): string {
  return pattern.replace(/:[A-Za-z_][A-Za-z0-9_]*(\{[^}]*\})?/g, ":");
}

function methodsOf(mod: RouteModule): Method[] {
  const h = mod.handler;
  if (typeof h === "function") return METHODS;
  const own = h ? METHODS.filter((m) => typeof (h as Record<string, unknown>)[m] === "function") : [];
  if (mod.default && !own.includes("GET")) own.unshift("GET");
  return own;
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/") || path === "/healthz";
}

/** Mounts the pages, the client bundle and the static files on `app` (see the module doc). */
export async function mountPages(
  app: Hono<AppEnv>,
  deps: AppDeps,
  options: PagesOptions = {},
): Promise<MountedPages> {
  const manifest = options.manifest ?? appManifest;
  const table = discoverRoutes(Object.keys(manifest.routes));
  const mod = (file: string): RouteModule => manifest.routes[file] ?? {};
  registerIslands(manifest.islands);

  const clientOpt = options.client === undefined
    ? { entry: new URL("client.gen.ts", WEB), sources: [WEB] }
    : options.client;
  const client = clientOpt && Object.keys(manifest.islands).length > 0
    ? await buildClient({
      root: new URL("../", WEB),
      entry: clientOpt.entry,
      sources: clientOpt.sources,
      cacheDir: options.buildDir,
    })
    : null;
  const clientEntry = client ? `/_islands/${client.entry}` : null;

  const staticFiles = await loadStatic(options.staticDir ?? new URL("static/", WEB));
  setAssets(staticFiles);

  const appComponent = table.app ? mod(table.app).default : undefined;
  const rootLayouts = table.rootLayout ? [mod(table.rootLayout).default].filter((x) => x !== undefined) : [];

  function htmlResponse(html: string, init: ResponseInit = {}): Response {
    const headers = new Headers(init.headers);
    headers.set("Content-Type", "text/html; charset=utf-8");
    // the browser may keep a page but asks each time (ETag -> 304, see conditional_get.ts); shared
    // caches keep none (pages carry the customer's own data)
    if (!headers.has("Cache-Control")) headers.set("Cache-Control", PAGE_CACHE_CONTROL);
    return new Response(html, { ...init, headers });
  }

  function notFoundPage(c: Context<AppEnv>, state: State): Response {
    const page = table.notFound ? mod(table.notFound).default : undefined;
    if (!page) return new Response("Not found", { status: 404 });
    const { html } = renderPage({
      app: appComponent,
      layouts: rootLayouts,
      page,
      props: { data: undefined, params: {}, url: new URL(c.req.url), state },
      clientEntry,
    });
    return htmlResponse(html, { status: 404 });
  }

  function errorPage(c: Context<AppEnv>, state: State, thrown: unknown): Response {
    const err = toApiError(thrown);
    if (err.status === 404) return notFoundPage(c, state);
    if (err.status >= 500) {
      deps.log[err.status === 500 ? "error" : "warn"]("page failed", {
        method: c.req.method,
        path: c.req.path,
        status: err.status,
        err: err.status === 500 ? (err.cause ?? thrown) : err.message,
        traceId: traceIdOf(c.get("traceparent")),
      });
    }
    const data: ErrorPageData = {
      status: err.status,
      message: err.status === 500 ? "Something went wrong on our side. Please try again." : err.message,
    };
    const page = table.error ? mod(table.error).default : undefined;
    const headers = new Headers(err.headers);
    if (!page) return new Response(data.message, { status: err.status, headers });
    try {
      const { html } = renderPage({
        app: appComponent,
        layouts: rootLayouts,
        page,
        props: { data, params: {}, url: new URL(c.req.url), state },
        clientEntry,
      });
      return htmlResponse(html, { status: err.status, headers });
    } catch (again) {
      deps.log.error("error page failed", { path: c.req.path, err: again });
      return new Response(data.message, { status: err.status, headers });
    }
  }

  async function dispatch(route: RouteEntry, c: Context<AppEnv>): Promise<Response> {
    if (!isTraceparent(c.get("traceparent"))) c.set("traceparent", newTraceparent());
    const page = mod(route.file);
    const state: State = {};
    const url = new URL(c.req.url);
    const params = c.req.param() as Record<string, string>;
    const method = (c.req.method === "HEAD" ? "GET" : c.req.method) as Method;

    const final: Handler = (ctx) => {
      const h = page.handler;
      if (typeof h === "function") return (h as Handler)(ctx);
      const fn = (h as Record<string, Handler | undefined> | undefined)?.[method];
      if (fn) return fn(ctx);
      if (method === "GET" && page.default) return ctx.render(undefined);
      return new Response("Method not allowed", { status: 405 });
    };
    const chain: Handler[] = [
      ...route.middlewares.flatMap((f) => {
        const h = mod(f).handler as Handler | Handler[] | undefined;
        return h === undefined ? [] : Array.isArray(h) ? h : [h];
      }),
      final,
    ];

    const run = async (i: number): Promise<Response> => {
      const ctx: RouteContext = {
        req: c.req.raw,
        url,
        params,
        state,
        deps,
        hono: c,
        render(data?: unknown, init?: ResponseInit, as: State = state) {
          if (!page.default) throw new Error(`Route "${route.file}" has no page to render`);
          const { html } = renderPage({
            app: appComponent,
            layouts: route.layouts.map((f) => mod(f).default).filter((x) => x !== undefined),
            page: page.default,
            props: { data, params, url, state: as },
            clientEntry,
          });
          return Promise.resolve(htmlResponse(html, init));
        },
        renderNotFound: () => Promise.resolve(notFoundPage(c, state)),
        next: () => {
          if (i + 1 >= chain.length) throw new Error("next() called by the last handler");
          return run(i + 1);
        },
      };
      return await chain[i]!(ctx);
    };

    let res: Response;
    try {
      res = await run(0);
    } catch (err) {
      res = errorPage(c, state, err);
    }
    // the security headers and ETag are added to the answer on the way out: a copy when its headers
    // cannot change (Response.redirect), else the answer itself (a copy reads a body held in memory,
    // every page's HTML, back as a stream)
    return hasMutableHeaders(res) ? res : new Response(res.body, res);
  }

  // form posts from another site are refused before any page code runs (see form_origin.ts)
  const originCheck = formOrigin({
    publicUrl: options.publicUrl === undefined ? Deno.env.get("PUBLIC_URL") : options.publicUrl,
    refused: (c) => errorPage(c as Context<AppEnv>, {}, new ApiError(403, "cross_site", CROSS_SITE_MESSAGE)),
  });

  // no page body is read past the limit (Hono's body-limit; forms are small); a route may set its own
  // (`export const config = { maxBodyBytes }`, e.g. a photo upload)
  const bodyCapOf = (maxBody: number) =>
    bodyLimit({
      maxSize: maxBody,
      onError: (c) =>
        errorPage(
          c as Context<AppEnv>,
          {},
          new ApiError(
            413,
            "payload_too_large",
            `This form is larger than ${maxBody} bytes, so it was refused.`,
          ),
        ),
    });
  const bodyCap = bodyCapOf(options.maxBodyBytes ?? PAGE_MAX_BODY_BYTES);

  // Pages registered before this call (e.g. interim routes of the API) would shadow ours: say so.
  const taken = new Map(
    app.routes.filter((r) => r.method !== "ALL").map((r) => [`${r.method} ${normalize(r.path)}`, r.path]),
  );
  for (const route of table.routes) {
    const methods = methodsOf(mod(route.file));
    for (const m of methods) {
      const clash = taken.get(`${m} ${normalize(route.pattern)}`);
      if (clash) {
        deps.log.warn("page shadowed by an earlier route", { route: `${m} ${clash}`, page: route.file });
      }
    }
    if (methods.length > 0) {
      const own = mod(route.file).config?.maxBodyBytes;
      const cap = own === undefined ? bodyCap : bodyCapOf(own);
      app.on(methods, route.pattern, pageSecurityHeaders, originCheck, cap, (c) => dispatch(route, c));
    }
  }

  // Client bundle and static files: Hono's serveStatic from disk, with the ETag of their content hash
  // (so `etag` answers If-None-Match with 304 without hashing them again).
  const revalidate = etag();
  const islandFiles = client?.files ?? new Map<string, Uint8Array>();
  const none = () => Promise.resolve();
  app.get("/_islands/:file", revalidate, async (c) => {
    const name = c.req.param("file");
    if (!client || !islandFiles.has(name)) return c.text("Not found", 404);
    const found = await serveStatic({
      root: client.dir,
      path: name,
      onFound: (_path, c) => {
        c.header("Cache-Control", IMMUTABLE);
        c.header("ETag", `"${name.replace(/\.js$/, "")}"`);
        c.header("X-Content-Type-Options", "nosniff");
      },
    })(c, none);
    return found ?? c.text("Not found", 404);
  });

  const staticRoot = fileURLToPath(options.staticDir ?? new URL("static/", WEB));
  const byHashed = new Map(staticFiles.map((f) => [f.hashedPath, f]));
  const byPath = new Map(staticFiles.map((f) => [f.path, f]));
  app.get("/_static/*", revalidate, async (c) => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path.slice("/_static/".length));
    } catch {
      return c.text("Not found", 404);
    }
    const hashed = byHashed.get(path);
    const file = hashed ?? byPath.get(path);
    if (!file) return c.text("Not found", 404);
    const found = await serveStatic({
      root: staticRoot,
      path: file.path,
      onFound: (_path, c) => {
        c.header("Cache-Control", hashed ? IMMUTABLE : "no-cache");
        c.header("ETag", file.etag);
        c.header("X-Content-Type-Options", "nosniff");
      },
    })(c, none);
    return found ?? c.text("Not found", 404);
  });

  // Any other GET that found nothing gets the site's 404 page; the API keeps its JSON answers.
  app.use("*", async (c, next) => {
    await next();
    const method = c.req.method;
    if (c.res.status !== 404 || (method !== "GET" && method !== "HEAD") || isApiPath(c.req.path)) return;
    if (/^\/(_islands|_static|media)\//.test(c.req.path)) return;
    if (c.res.headers.get("content-type")?.startsWith("text/html")) return;
    c.res = notFoundPage(c, {});
    await pageSecurityHeaders(c, none);
  });

  return { routes: table.routes.map((r) => r.pattern), client, clientEntry, staticFiles };
}
