/**
 * The gateway: a Hono app that answers the JSON API (and the interim pay pages) by calling the
 * services over gRPC. {@linkcode createApp} builds the app from its dependencies (tests pass clients of
 * real gRPC servers); {@linkcode start} builds real clients from config and listens.
 *
 * Cross-cutting behaviour lives here: trace context (an HTTP server span continuing a valid incoming
 * `traceparent`, else starting the trace; its traceparent is sent on every gRPC call and echoed in the
 * response; see `trace_middleware.ts`), request logs, the client's address and scheme (trusted
 * proxies only: `client_info.ts`), security headers, HSTS and `no-store` on the API
 * (`security_headers.ts`), `Secure` cookies over HTTPS (`secure_cookies.ts`), gzip for text answers
 * (`compression.ts`), ETags and 304 for pages and static files (`conditional_get.ts`), the request
 * body deadline (`api/body_deadline.ts`), menu photos (`media/routes.ts`, when a photo store is
 * given), JSON 404 and 405 answers, and the one error handler that turns anything thrown into
 * `{"error": {...}}`.
 *
 * `start()` serves the app with `Deno.serve` on a loopback port behind a connection guard that owns
 * the public port (`connection_guard.ts`), so that a connection whose body stalls can be closed.
 *
 * @module
 */
import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { StaffClaims } from "../services/common/auth/staff_claim.ts";
import { closeClient } from "../services/common/exiting.ts";
import { createLogger, type Logger } from "../services/common/log.ts";
import { traceIdOf } from "../services/common/trace.ts";
import type { WebConfig } from "./config.ts";
import type { AppDeps, AppEnv } from "./api/deps.ts";
import { type Clients, connectClients } from "./gateway/clients.ts";
import { refuseCrossSite } from "./api/cross_site.ts";
import { customersRoutes } from "./api/customers.ts";
import { bodyDeadline } from "./api/body_deadline.ts";
import { ApiError, toApiError } from "./api/errors.ts";
import { healthRoutes } from "./api/health.ts";
import { localPayRoutes } from "./api/local_pay.ts";
import { ordersRoutes } from "./api/orders.ts";
import { productsRoutes } from "./api/products.ts";
import { webhooksRoutes } from "./api/webhooks.ts";
import { mountPages } from "./framework/mod.ts";
import { createAdmin } from "./admin/runtime.ts";
import { keepEnsuringFirstOwner } from "./admin/bootstrap.ts";
import { createGateway } from "./gateway/mod.ts";
import { callOptions } from "./gateway/call_options.ts";
import { clientInfo } from "./client_info.ts";
import { type ConnectionGuard, guardConnections, serveEnv } from "./connection_guard.ts";
import { ipMatcher } from "./ip_matcher.ts";
import { secureCookies } from "./secure_cookies.ts";
import { compression } from "./compression.ts";
import { conditionalGet } from "./conditional_get.ts";
import { mediaRoutes } from "./media/routes.ts";
import { mediaDirFromEnv, PhotoStore } from "./media/store.ts";
import { securityHeaders } from "./security_headers.ts";
import { traceMiddleware } from "./trace_middleware.ts";
import { httpMetrics } from "./http_metrics.ts";
import { closeLiveHub } from "./live/hub.ts";
import { type CustomerAuth, customerAuthFromEnv } from "./customer_auth.ts";

export type { AppDeps, AppEnv, Clients };

/** How the gateway meets the outside world (from {@linkcode WebConfig}; all optional in tests). */
export interface AppOptions {
  /** IPs/CIDRs whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (default none). */
  trustedProxies?: readonly string[];
  /** The public URL; `https:` means every client is on HTTPS (Secure cookies, HSTS). */
  publicUrl?: string | null;
  /** Deadline for a whole request body in ms (default 10000). */
  bodyTimeoutMs?: number;
  /** Requests slower than this (ms) are logged at warn, the others at debug (default 500). */
  slowRequestMs?: number;
  /** The menu photos served under `/media/` (none when unset). */
  media?: PhotoStore;
}

/** Builds the gateway app. */
export function createApp(deps: AppDeps, options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { log } = deps;

  // RED metrics per route template (outermost: the duration covers everything below)
  app.use(httpMetrics());
  // trace context: the HTTP server span (continuing a valid incoming traceparent), the request log line
  app.use(traceMiddleware(log, { slowMs: options.slowRequestMs }));
  // who is asking (trusted proxies only) and over what; then headers and cookies that depend on it
  app.use(
    clientInfo({ trustedProxies: ipMatcher(options.trustedProxies ?? []), publicUrl: options.publicUrl }),
  );
  app.use(securityHeaders());
  app.use(secureCookies());
  // gzip outside ETags: the ETag is of the uncompressed body (compress marks it weak)
  app.use(compression());
  app.use(conditionalGet());
  app.use(bodyDeadline(options.bodyTimeoutMs ?? 10_000));

  app.use(methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allow = [...methods].sort().join(", ");
      const err = new ApiError(
        405,
        "method_not_allowed",
        `Method ${c.req.method} is not allowed on ${c.req.path}; use ${allow}`,
      );
      return c.json(err.toJSON(), 405, { Allow: allow });
    },
  }));

  // no cross-site request changes anything through the API (see api/cross_site.ts)
  app.use("/api/*", refuseCrossSite());

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.route("/", healthRoutes(deps)); // GET /readyz: the four services answer SERVING
  app.route("/", productsRoutes(deps));
  app.route("/", customersRoutes(deps)); // POST /api/customers: bearer tokens
  app.route("/", ordersRoutes(deps));
  app.route("/", webhooksRoutes(deps));
  app.route("/", localPayRoutes(deps));
  if (options.media) app.route("/", mediaRoutes(options.media));

  app.notFound((c) => {
    const err = new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
    return c.json(err.toJSON(), 404);
  });

  app.onError((thrown, c) => {
    const err = toApiError(thrown);
    if (err.status >= 500) {
      const fields = {
        method: c.req.method,
        path: c.req.path,
        status: err.status,
        traceId: traceIdOf(c.get("traceparent")),
      };
      // 500: the cause (with its stack) goes to the log only; 503: the peer's own words.
      if (err.status === 500) log.error("request failed", { ...fields, err: err.cause ?? thrown });
      else {log.warn("request failed", {
          ...fields,
          err: err.cause instanceof Error ? err.cause.message : err.message,
        });}
    }
    return c.json(err.toJSON(), err.status, err.headers);
  });

  return app;
}

/** How long `stop()` waits for open requests before giving up on them (within runService's 10 s). */
const DRAIN_MS = 5000;

/** A running gateway. */
export interface WebHandle {
  /** The bound port. */
  port: number;
  /** Stops listening, waits for in-flight requests, closes the gRPC clients. */
  stop(): Promise<void>;
}

export { connectClients };

/** Starts the gateway on `config.host:config.port`. */
export async function start(
  config: WebConfig,
  log: Logger = createLogger("web"),
  customerAuth: CustomerAuth = customerAuthFromEnv(),
): Promise<WebHandle> {
  const clients = connectClients(config);
  const media = new PhotoStore(config.mediaDir ?? mediaDirFromEnv(Deno.env.toObject()));
  const deps: AppDeps = {
    clients,
    log,
    maxBodyBytes: config.maxBodyBytes,
    webhookMaxBodyBytes: config.webhookMaxBodyBytes,
    rpcTimeoutMs: config.rpcTimeoutMs,
    // accounts and sessions live in the staff store orders hosts; the cookie keys derive from the token
    admin: createAdmin({
      user: config.adminUser,
      password: config.adminPassword ?? null,
      secret: config.serviceToken,
    }),
    customerAuth,
    staffClaims: new StaffClaims(config.serviceToken),
    media,
  };
  if (customerAuth.open) {
    log.warn(
      "WEB_OPEN_CUSTOMER_API is on: the customer API answers without proof for the customer id in the path " +
        "(for dev's curl examples only; never in a deployment)",
    );
  }
  if (!config.adminPassword) {
    log.warn("ADMIN_PASSWORD is not set: no first owner is made (accounts made before still log in)");
  }
  // the first owner, once orders answers (retried in the background; never changes an existing account)
  const bootstrap = new AbortController();
  keepEnsuringFirstOwner(
    deps.admin!,
    (traceparent) => createGateway(clients, () => callOptions({ traceparent }, deps)).staff,
    log,
    bootstrap.signal,
  );
  for (const warning of config.warnings ?? []) log.warn(warning);
  const app = createApp(deps, {
    trustedProxies: config.trustedProxies,
    publicUrl: config.publicUrl,
    bodyTimeoutMs: config.bodyTimeoutMs,
    slowRequestMs: config.slowRequestMs,
    media,
  });
  await mountPages(app, deps, { publicUrl: config.publicUrl ?? null });
  // Deno.serve on loopback; the guard owns the public port and hands each request its client's
  // address and a way to close its connection (see connection_guard.ts).
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => listening.resolve(addr),
    // Errors Hono did not answer: a response body that failed while being sent.
    onError(err) {
      log.error("response failed", { err });
      return new Response(null, { status: 500 });
    },
  }, (req, info) => app.fetch(req, serveEnv(guard, info)));
  const backend = await listening.promise;
  let guard: ConnectionGuard;
  try {
    guard = guardConnections({ hostname: config.host, port: config.port, backend });
  } catch (err) {
    await server.shutdown(); // e.g. the public port is taken
    throw err;
  }
  const port = guard.addr.port;
  return {
    port,
    async stop() {
      // In-flight requests finish; long-lived ones (live order streams) get DRAIN_MS, then the process
      // exits under them and browsers reconnect.
      bootstrap.abort();
      guard.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        server.shutdown(),
        new Promise((resolve) => timer = setTimeout(resolve, DRAIN_MS)),
      ]);
      clearTimeout(timer);
      closeLiveHub(deps);
      media.close();
      guard.abortAll();
      for (const client of Object.values(clients)) closeClient(client);
    },
  };
}
