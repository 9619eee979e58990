/**
 * The shapes of route modules, Fresh-style: a route file exports `handler` (an object of HTTP methods,
 * or one function for all methods) and/or a default page component.
 *
 * ```tsx
 * export const handler: Handlers<{ name: string }> = {
 *   async GET(ctx) {
 *     return await ctx.render({ name: ctx.params.name ?? "" });
 *   },
 * };
 * export default function Hello({ data }: PageProps<{ name: string }>) {
 *   return <p>Hello {data.name}</p>;
 * }
 * ```
 *
 * @module
 */
import type { ComponentChildren, ComponentType, VNode } from "preact";
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../api/deps.ts";

/** Request state shared by middlewares and handlers of one request. */
export type State = Record<string, unknown>;

/** What a route handler or middleware receives. */
export interface RouteContext<Data = unknown, S = State> {
  /** The request. */
  req: Request;
  /** Its URL. */
  url: URL;
  /** Path parameters, decoded (e.g. `{ id: "..." }` for `orders/[id].tsx`). */
  params: Record<string, string>;
  /** Per-request state set by middlewares. */
  state: S;
  /** The gateway's dependencies (gRPC clients, log, limits). */
  deps: AppDeps;
  /** The underlying Hono context (for helpers such as cookies). */
  hono: Context<AppEnv>;
  /**
   * Renders this route's page with `data` (status 200 unless `init` says otherwise), with `state` in
   * place of the request's own when given (a page made once for many visitors: `page_template.ts`).
   */
  render(data?: Data, init?: ResponseInit, state?: S): Promise<Response>;
  /** Renders the site's 404 page. */
  renderNotFound(): Promise<Response>;
  /** In a middleware: runs the rest of the chain and returns its response. */
  next(): Promise<Response>;
}

/** One HTTP method's handler. */
export type Handler<Data = unknown, S = State> = (ctx: RouteContext<Data, S>) => Response | Promise<Response>;

/** HTTP methods a route may answer. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A route's `handler` export: per method, or one function for every method. */
export type Handlers<Data = unknown, S = State> =
  | { [M in Method]?: Handler<Data, S> }
  | Handler<Data, S>;

/** A `_middleware` file's `handler` export: one function or several, run in order. */
export type Middleware<S = State> = Handler<unknown, S> | Handler<unknown, S>[];

/** Props of a page component. */
export interface PageProps<Data = unknown, S = State> {
  /** What the handler passed to `ctx.render` (undefined when the page has no handler). */
  data: Data;
  /** Path parameters. */
  params: Record<string, string>;
  /** The request URL. */
  url: URL;
  /** Per-request state. */
  state: S;
}

/** Props of `_app` and `_layout` components: the page props plus the inner component to render. */
export interface LayoutProps<Data = unknown, S = State> extends PageProps<Data, S> {
  /** The wrapped content (the page, or the next layout in). */
  Component: ComponentType<Record<string, never>>;
}

/** Data given to the `_500` page. */
export interface ErrorPageData {
  /** HTTP status of the answer. */
  status: number;
  /** A message safe to show (never internal details). */
  message: string;
}

/** What a route module may export (checked against the generated manifest). */
export interface RouteModule {
  /** Method handlers. */
  // deno-lint-ignore no-explicit-any
  handler?: Handlers<any, any> | Middleware<any>;
  /** The page (or layout/app/error) component. */
  // deno-lint-ignore no-explicit-any
  default?: (props: any) => VNode | ComponentChildren | null;
  /** Per-route settings. */
  config?: RouteConfig;
}

/** What a route module may set for itself (`export const config = { ... }`). */
export interface RouteConfig {
  /** Largest request body of this route in bytes, instead of the pages' limit (e.g. a photo upload). */
  maxBodyBytes?: number;
}

/** What an island module must export. */
export interface IslandModule {
  /** The island component. */
  // deno-lint-ignore no-explicit-any
  default: ComponentType<any>;
}

/** The generated manifest (`web/routes.gen.ts`). */
export interface Manifest {
  /** Route modules by path relative to `routes/`. */
  routes: Record<string, RouteModule>;
  /** Island modules by island name. */
  islands: Record<string, IslandModule>;
}
