/**
 * `GET /readyz`: is the gateway ready for traffic? It asks `grpc.health.v1.Health/Check` of orders,
 * stock, payments and kitchen at once, each within a short deadline, over the gateway's own channels
 * (so with Consul discovery it asks an instance the gateway would really call). 200 when all four
 * answer SERVING; else 503 naming those that are not ready and why. `/healthz` (in `server.ts`) only
 * says the process is alive and never calls a service.
 *
 * The probes are raw calls, not `rpc()`: an orchestrator polls this every few seconds and those polls
 * should not fill the traces.
 *
 * @module
 */
import { Hono } from "hono";
import { credentials, Metadata } from "@grpc/grpc-js";
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthClient,
} from "../../services/common/gen/grpc/health/v1/health.ts";
import type { AppDeps, AppEnv, PeerName } from "./deps.ts";

/** The services `/readyz` waits for. */
export const READY_PEERS: readonly PeerName[] = ["orders", "stock", "payments", "kitchen"];

/** Options of {@linkcode healthRoutes}. */
export interface HealthRoutesOptions {
  /** Deadline of each health check in milliseconds (default: the smaller of 2000 and `rpcTimeoutMs`). */
  timeoutMs?: number;
}

/** What one peer answered: `SERVING`, `NOT_SERVING`, ..., or `UNREACHABLE` with the reason. */
export interface PeerHealth {
  /** The serving status, or `UNREACHABLE` when the check failed. */
  status: string;
  /** Why it is not ready, when it is not. */
  detail?: string;
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
  const probes = new Map<PeerName, HealthClient>();
  // A health client on the same channel as the peer's client: no extra connection, same resolver.
  const probeOf = (peer: PeerName): HealthClient => {
    let probe = probes.get(peer);
    if (!probe) {
      const channel = deps.clients[peer].getChannel();
      probe = new HealthClient(channel.getTarget(), credentials.createInsecure(), {
        channelOverride: channel,
      });
      probes.set(peer, probe);
    }
    return probe;
  };

  const app = new Hono<AppEnv>();
  app.get("/readyz", async (c) => {
    const answers = await Promise.all(READY_PEERS.map((peer) => check(probeOf(peer), timeoutMs)));
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

function check(client: HealthClient, timeoutMs: number): Promise<PeerHealth> {
  return new Promise((resolve) => {
    client.check(
      { service: "" },
      new Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (err, res) => {
        if (err) {
          resolve({ status: "UNREACHABLE", detail: err.details || err.message });
          return;
        }
        const status = ServingStatus[res.status] ?? String(res.status);
        resolve(
          res.status === ServingStatus.SERVING ? { status } : { status, detail: `answered ${status}` },
        );
      },
    );
  });
}
