/**
 * `GET /readyz`: is the gateway ready for traffic? It asks `grpc.health.v1.Health/Check` of orders,
 * stock, payments and kitchen at once, each within a short deadline, over the gateway's own channels
 * (so with Consul discovery it asks an instance the gateway would really call). 200 when all four
 * answer SERVING; else 503 naming those that are not ready and why. `/healthz` (in `server.ts`) only
 * says the process is alive and never calls a service.
 *
 * The probes are the gateway's (`web/gateway/health.ts`).
 *
 * @module
 */
import { Hono } from "hono";
import { healthProbe, type PeerHealth } from "../gateway/health.ts";
import type { AppDeps, AppEnv, PeerName } from "./deps.ts";

export type { PeerHealth };

/** The services `/readyz` waits for. */
export const READY_PEERS: readonly PeerName[] = ["orders", "stock", "payments", "kitchen"];

/** Options of {@linkcode healthRoutes}. */
export interface HealthRoutesOptions {
  /** Deadline of each health check in milliseconds (default: the smaller of 2000 and `rpcTimeoutMs`). */
  timeoutMs?: number;
}

/** The body of a `/readyz` answer. */
export interface Readiness {
  /** `ready` or `not_ready`. */
  status: "ready" | "not_ready";
  /** Each peer's answer. */
  services: Record<PeerName, PeerHealth>;
  /** The peers that are not ready (empty when ready). */
  notReady: PeerName[];
}

/** The `/readyz` route, on its own Hono app. */
export function healthRoutes(deps: AppDeps, options: HealthRoutesOptions = {}): Hono<AppEnv> {
  const timeoutMs = options.timeoutMs ?? Math.min(2000, deps.rpcTimeoutMs);
  const probe = healthProbe(deps.clients);

  const app = new Hono<AppEnv>();
  app.get("/readyz", async (c) => {
    const answers = await Promise.all(READY_PEERS.map((peer) => probe(peer, timeoutMs)));
    const services = Object.fromEntries(READY_PEERS.map((p, i) => [p, answers[i]!])) as Record<
      PeerName,
      PeerHealth
    >;
    const notReady = READY_PEERS.filter((p) => services[p].status !== "SERVING");
    const body: Readiness = { status: notReady.length === 0 ? "ready" : "not_ready", services, notReady };
    return c.json(body, notReady.length === 0 ? 200 : 503, { "Cache-Control": "no-store" });
  });
  return app;
}
