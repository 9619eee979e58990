/**
 * Test support (test code only): the real stock, payments and orders services started on free ports
 * against an isolated exchange of the real RabbitMQ, and the gateway app wired to them with real gRPC
 * clients. Requests go through `app.request()` (the whole Hono stack, no HTTP mocking).
 *
 * @module
 */
import type { Hono } from "hono";
import { testBusConfig } from "../services/common/bus/testing.ts";
import { createLogger } from "../services/common/log.ts";
import { start as startOrders } from "../services/orders/service.ts";
import { start as startPayments } from "../services/payments/service.ts";
import { start as startStock } from "../services/stock/service.ts";
import { start as startKitchen } from "../services/kitchen/service.ts";
import type { CommonConfig } from "../services/common/config.ts";
import { StaffClaims } from "../services/common/auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";
import { type AdminOptions, createAdmin } from "./admin/runtime.ts";
import { ensureFirstOwner } from "./admin/bootstrap.ts";
import type { OrdersConfig } from "../services/orders/config.ts";
import type { AppDeps, AppEnv } from "./api/deps.ts";
import { createApp } from "./server.ts";
import { connectClients } from "./server.ts";
import { createGateway } from "./gateway/mod.ts";
import { loadConfig, type WebConfig } from "./config.ts";
import type { CustomerAuth } from "./customer_auth.ts";
import { issueToken } from "./customer_token.ts";
import { closeLiveHub } from "./live/hub.ts";

/** The webhook signing secret of the Stripe-backed payments in tests. */
export const TEST_WEBHOOK_SECRET = "whsec_test_secret_for_web_tests";

/** The first owner's name in test systems (`ADMIN_USER`). */
export const TEST_ADMIN_USER = "admin";

/** The first owner's password in test systems (`ADMIN_PASSWORD`, unless a test passes its own). */
export const TEST_ADMIN_PASSWORD = "test-admin-password";

/** Cheap scrypt parameters for in-process tests that log in often (never for a shop). */
export const TEST_SCRYPT = { n: 1024, r: 8, p: 1 };

/** How customers prove who they are in test systems: a fixed secret, proof required. */
export const TEST_CUSTOMER_AUTH: CustomerAuth = {
  secret: "test-cookie-secret-0123456789abcdefghij",
  randomSecret: false,
  open: false,
};

/** The `Authorization` header proving `customerId` to a gateway using `auth`. */
export async function proofFor(
  customerId: string,
  auth: CustomerAuth = TEST_CUSTOMER_AUTH,
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await issueToken(customerId, auth.secret)}` };
}

/** `init` with `headers` added (e.g. a proof from {@linkcode proofFor}). */
export function withHeaders(init: RequestInit, headers: Record<string, string>): RequestInit {
  const merged = new Headers(init.headers);
  for (const [k, v] of Object.entries(headers)) merged.set(k, v);
  return { ...init, headers: merged };
}

/** How payments runs in a test system. */
export type PaymentsMode = "local" | "stripe" | "down";

/** A running system and the gateway in front of it. */
export interface TestSystem {
  /** The gateway app. */
  app: Hono<AppEnv>;
  /** Its dependencies (real clients). */
  deps: AppDeps;
  /** The gateway config pointing at the services. */
  config: WebConfig;
  /** `app.request()` shorthand. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The bus settings of the services (exchange, queue prefix), e.g. for `publishRaw`. */
  bus: CommonConfig;
  /** Units available per item id, straight from stock. */
  stockLevels(): Promise<Record<string, number>>;
  /** Stops everything and removes the data. */
  stop(): Promise<void>;
}

/** A local port nothing listens on. */
export function deadAddr(): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return `127.0.0.1:${port}`;
}

/**
 * The gateway's dependencies with every service down (nothing listens at their addresses), for tests of
 * what web does on its own; `env` adds to or overrides the config, `extra` to the dependencies. Call
 * `close()` when done.
 */
export function depsWithoutServices(
  env: Record<string, string> = {},
  extra: Partial<AppDeps> = {},
): { deps: AppDeps; close(): void } {
  const config = loadConfig({
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ORDERS_ADDR: deadAddr(),
    STOCK_ADDR: deadAddr(),
    PAYMENTS_ADDR: deadAddr(),
    KITCHEN_ADDR: deadAddr(),
    ...env,
  });
  const clients = connectClients(config);
  const deps: AppDeps = {
    clients,
    log: createLogger("test", "error"),
    maxBodyBytes: config.maxBodyBytes,
    webhookMaxBodyBytes: config.webhookMaxBodyBytes,
    rpcTimeoutMs: config.rpcTimeoutMs,
    staffClaims: new StaffClaims(config.serviceToken),
    ...extra,
  };
  return { deps, close: () => Object.values(clients).forEach((c) => c.close()) };
}

/** Starts stock, payments (unless "down") and orders, and builds the gateway over them. */
export async function startSystem(
  {
    payments = "local",
    maxBodyBytes = 16384,
    stripeApiUrl,
    kitchen = false,
    admin = { user: TEST_ADMIN_USER, password: TEST_ADMIN_PASSWORD },
    customerAuth = TEST_CUSTOMER_AUTH,
    staff = {},
  }: {
    /** The staff module's limits (login throttle, session lifetimes, scrypt cost). */
    staff?: NonNullable<OrdersConfig["staff"]>;
    payments?: PaymentsMode;
    maxBodyBytes?: number;
    /** Also start kitchen (auto-prep off); otherwise its address is one nothing listens on. */
    kitchen?: boolean;
    /** The admin's options (password, session and login-slowdown settings). */
    admin?: AdminOptions;
    /** The Stripe stand-in's URL when payments is "stripe". */
    stripeApiUrl?: string;
    /** How customers prove who they are (default {@linkcode TEST_CUSTOMER_AUTH}). */
    customerAuth?: CustomerAuth;
  } = {},
): Promise<TestSystem> {
  const dir = await Deno.makeTempDir({ prefix: "web-test-" });
  const bus = await testBusConfig(dir);
  const common = bus.config;
  const quiet = createLogger("test", "error");
  const stops: (() => Promise<void>)[] = [];
  try {
    const stock = await startStock({ host: "127.0.0.1", port: 0, kvPath: `${dir}/stock.kv`, common }, quiet);
    stops.unshift(() => stock.stop());
    let paymentsAddr = deadAddr();
    if (payments !== "down") {
      const p = await startPayments({
        host: "127.0.0.1",
        port: 0,
        kvPath: `${dir}/payments.kv`,
        publicUrl: "http://127.0.0.1:8080",
        paymentExpiryMinutes: 30,
        ...(payments === "stripe"
          ? {
            stripe: {
              secretKey: "sk_test_web",
              webhookSecret: TEST_WEBHOOK_SECRET,
              apiUrl: stripeApiUrl ?? `http://${deadAddr()}`,
            },
          }
          : {}),
        common,
      }, { log: quiet });
      stops.unshift(() => p.stop());
      paymentsAddr = `127.0.0.1:${p.port}`;
    }
    const stockAddr = `127.0.0.1:${stock.port}`;
    const orders = await startOrders({
      host: "127.0.0.1",
      port: 0,
      kvPath: `${dir}/orders.kv`,
      stockAddr,
      paymentsAddr,
      stockTimeoutMs: 3000,
      paymentsTimeoutMs: 1000,
      common,
      // cheap password hashes: page tests log in often (the processes of tests/system.ts use the real cost)
      staff: { scrypt: TEST_SCRYPT, ...staff },
    }, quiet);
    stops.unshift(() => orders.stop());
    let kitchenAddr = deadAddr();
    if (kitchen) {
      const k = await startKitchen({
        host: "127.0.0.1",
        port: 0,
        kvPath: `${dir}/kitchen.kv`,
        autoPrep: false,
        prepMs: 3000,
        common,
      }, quiet);
      stops.unshift(() => k.stop());
      kitchenAddr = `127.0.0.1:${k.port}`;
    }
    const config: WebConfig = {
      host: "127.0.0.1",
      port: 0,
      ordersAddr: `127.0.0.1:${orders.port}`,
      stockAddr,
      paymentsAddr,
      kitchenAddr,
      maxBodyBytes,
      webhookMaxBodyBytes: 262144,
      rpcTimeoutMs: 3000,
      serviceToken: common.serviceToken,
    };
    const clients = connectClients(config);
    stops.unshift(() => {
      closeLiveHub(deps);
      for (const c of Object.values(clients)) c.close();
      return Promise.resolve();
    });
    const deps: AppDeps = {
      clients,
      log: quiet,
      maxBodyBytes,
      webhookMaxBodyBytes: config.webhookMaxBodyBytes,
      rpcTimeoutMs: config.rpcTimeoutMs,
      admin: createAdmin({ secret: common.serviceToken, ...admin }),
      customerAuth,
      staffClaims: new StaffClaims(config.serviceToken),
    };
    const app = createApp(deps);
    // the first owner (web's start does this in the background)
    if (deps.admin) {
      await ensureFirstOwner(deps.admin, createGateway(clients, () => ({ timeoutMs: 3000 })).staff, quiet);
    }
    return {
      app,
      deps,
      config,
      bus: common,
      request: async (path, init) => await app.request(path, init),
      async stockLevels() {
        const items = await createGateway(clients, () => ({})).stock.list();
        return Object.fromEntries(items.map((i) => [i.id, i.available]));
      },
      async stop() {
        for (const s of stops) await s().catch(() => {});
        await bus.cleanup().catch(() => {});
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
  } catch (err) {
    for (const s of stops) await s().catch(() => {});
    await bus.cleanup().catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
}

/** A JSON POST. */
export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** The parsed `{"error": ...}` of a response. */
export async function errorOf(res: Response): Promise<{ code: string; message: string; field?: string }> {
  const json = await res.json() as { error?: { code: string; message: string; field?: string } };
  if (!json.error) throw new Error(`Expected an error body, got ${JSON.stringify(json)}`);
  return json.error;
}
