/**
 * File-based routing, Fresh's conventions: turns the file names under `routes/` into a route table.
 *
 * | file | pattern (Hono syntax) |
 * | --- | --- |
 * | `index.tsx` | `/` |
 * | `about.tsx` | `/about` |
 * | `orders/index.tsx` | `/orders` |
 * | `orders/[id].tsx` | `/orders/:id` |
 * | `orders/[id]/events.ts` | `/orders/:id/events` |
 * | `docs/[...path].tsx` | `/docs/:path{.+}` |
 * | `(shop)/cart.tsx` | `/cart` (a folder in parentheses groups files without adding a segment) |
 *
 * Special files: `_app.tsx` (the document, root only), `_layout.tsx` (wraps pages in its folder and
 * below, outermost first), `_middleware.ts` (runs for routes in its folder and below, outermost first),
 * `_404.tsx` and `_500.tsx` (root only). Files ending in `_test.ts(x)` are skipped.
 *
 * Routes are ordered so that a static segment wins over a parameter, and a parameter over a catch-all,
 * at the first segment where two routes differ (`/orders/new` before `/orders/:id`).
 *
 * This module is pure (no I/O), so it is unit-tested on lists of names.
 *
 * @module
 */

/** One routable file. */
export interface RouteEntry {
  /** Path relative to `routes/`, with `/` separators, e.g. `orders/[id].tsx`. */
  file: string;
  /** Hono path pattern, e.g. `/orders/:id`. */
  pattern: string;
  /** Parameter names in order, e.g. `["id"]`. */
  params: string[];
  /** `_layout` files that wrap it, outermost first. */
  layouts: string[];
  /** `_middleware` files that run before it, outermost first. */
  middlewares: string[];
}

/** What {@linkcode discoverRoutes} finds. */
export interface RouteTable {
  /** Routes, in matching order. */
  routes: RouteEntry[];
  /** `_app` file, if any. */
  app: string | null;
  /** `_404` file, if any. */
  notFound: string | null;
  /** `_500` file, if any. */
  error: string | null;
  /** Root `_layout` file, if any (used around the 404 and 500 pages). */
  rootLayout: string | null;
  /** Root `_middleware` file, if any. */
  rootMiddleware: string | null;
}

const EXT = /\.(tsx|ts|jsx|js)$/;
const TEST = /(_test|\.test)\.(tsx|ts|jsx|js)$/;
const STATIC_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAM = /^\[([A-Za-z_][A-Za-z0-9_]*)\]$/;
const CATCH_ALL = /^\[\.\.\.([A-Za-z_][A-Za-z0-9_]*)\]$/;
const GROUP = /^\([A-Za-z0-9._-]+\)$/;
const SPECIAL = new Set(["_app", "_layout", "_middleware", "_404", "_500"]);
const ROOT_ONLY = new Set(["_app", "_404", "_500"]);

/** Rank of a pattern segment: static 0, parameter 1, catch-all 2. */
function rank(segment: string): number {
  if (segment.startsWith(":")) return segment.endsWith("{.+}") ? 2 : 1;
  return 0;
}

/** Compares two patterns so that more specific routes come first. */
export function comparePatterns(a: string, b: string): number {
  const as = a.split("/").filter(Boolean);
  const bs = b.split("/").filter(Boolean);
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i]!;
    const y = bs[i]!;
    const r = rank(x) - rank(y);
    if (r !== 0) return r;
    if (rank(x) === 0 && x !== y) return x < y ? -1 : 1;
  }
  // A catch-all ends a pattern; otherwise the longer pattern first is as good as any stable order.
  return bs.length - as.length || (a < b ? -1 : a > b ? 1 : 0);
}

function segmentOf(file: string, part: string, params: string[]): string | null {
  if (GROUP.test(part)) return null;
  const catchAll = CATCH_ALL.exec(part);
  if (catchAll) {
    params.push(catchAll[1]!);
    return `:${catchAll[1]}{.+}`;
  }
  const param = PARAM.exec(part);
  if (param) {
    params.push(param[1]!);
    return `:${param[1]}`;
  }
  if (!STATIC_SEGMENT.test(part)) {
    throw new Error(`Route file "${file}" has an unsupported path segment "${part}"`);
  }
  return part;
}

/** Builds the route table from file paths relative to `routes/` (any order, `/` separators). */
export function discoverRoutes(files: readonly string[]): RouteTable {
  const table: RouteTable = {
    routes: [],
    app: null,
    notFound: null,
    error: null,
    rootLayout: null,
    rootMiddleware: null,
  };
  const layouts = new Map<string, string>();
  const middlewares = new Map<string, string>();
  const pages: string[] = [];
  for (const file of [...files].sort()) {
    if (!EXT.test(file) || TEST.test(file)) continue;
    const parts = file.split("/");
    const base = parts.pop()!.replace(EXT, "");
    const dir = parts.join("/");
    if (base.startsWith("_")) {
      if (!SPECIAL.has(base)) {
        throw new Error(`Route file "${file}" starts with "_" but is not one of ${[...SPECIAL].join(", ")}`);
      }
      if (ROOT_ONLY.has(base) && dir !== "") {
        throw new Error(`Route file "${file}": ${base} is only allowed at the root of routes/`);
      }
      if (base === "_app") table.app = file;
      if (base === "_404") table.notFound = file;
      if (base === "_500") table.error = file;
      if (base === "_layout") layouts.set(dir, file);
      if (base === "_middleware") middlewares.set(dir, file);
      continue;
    }
    pages.push(file);
  }
  table.rootLayout = layouts.get("") ?? null;
  table.rootMiddleware = middlewares.get("") ?? null;

  const seen = new Map<string, string>();
  for (const file of pages) {
    const parts = file.replace(EXT, "").split("/");
    const params: string[] = [];
    const segments: string[] = [];
    parts.forEach((part, i) => {
      if (i === parts.length - 1 && part === "index") return;
      const seg = segmentOf(file, part, params);
      if (seg !== null) segments.push(seg);
    });
    const catchAt = segments.findIndex((s) => s.endsWith("{.+}"));
    if (catchAt !== -1 && catchAt !== segments.length - 1) {
      throw new Error(`Route file "${file}": a catch-all must be the last segment`);
    }
    if (new Set(params).size !== params.length) {
      throw new Error(`Route file "${file}" names a parameter twice`);
    }
    const pattern = `/${segments.join("/")}`;
    const clash = seen.get(pattern);
    if (clash) throw new Error(`Route files "${clash}" and "${file}" both serve ${pattern}`);
    seen.set(pattern, file);
    const ancestors = ancestorDirs(file);
    table.routes.push({
      file,
      pattern,
      params,
      layouts: ancestors.flatMap((d) => layouts.has(d) ? [layouts.get(d)!] : []),
      middlewares: ancestors.flatMap((d) => middlewares.has(d) ? [middlewares.get(d)!] : []),
    });
  }
  table.routes.sort((a, b) => comparePatterns(a.pattern, b.pattern));
  return table;
}

/** `a/b/c.tsx` -> `["", "a", "a/b"]`. */
function ancestorDirs(file: string): string[] {
  const parts = file.split("/").slice(0, -1);
  return ["", ...parts.map((_, i) => parts.slice(0, i + 1).join("/"))];
}
