/**
 * Readiness probes of the services: `grpc.health.v1.Health/Check` over the gateway's own channels (so
 * with Consul discovery it asks an instance the gateway would really call). The probes are raw calls,
 * not `rpc()`: an orchestrator polls them every few seconds and those polls should not fill the traces.
 *
 * @module
 */
import { credentials, Metadata } from "@grpc/grpc-js";
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthClient,
} from "../../services/common/gen/grpc/health/v1/health.ts";
import type { Clients, PeerName } from "./clients.ts";

/** What one peer answered: `SERVING`, `NOT_SERVING`, ..., or `UNREACHABLE` with the reason. */
export interface PeerHealth {
  /** The serving status, or `UNREACHABLE` when the check failed. */
  status: string;
  /** Why it is not ready, when it is not. */
  detail?: string;
}

/** Asks a peer whether it serves, within `timeoutMs`. */
export type HealthProbe = (peer: PeerName, timeoutMs: number) => Promise<PeerHealth>;

/** A probe of the services behind `clients`, each on the same channel as its client. */
export function healthProbe(clients: Clients): HealthProbe {
  const probes = new Map<PeerName, HealthClient>();
  const probeOf = (peer: PeerName): HealthClient => {
    let probe = probes.get(peer);
    if (!probe) {
      const channel = clients[peer].getChannel();
      probe = new HealthClient(channel.getTarget(), credentials.createInsecure(), {
        channelOverride: channel,
      });
      probes.set(peer, probe);
    }
    return probe;
  };
  return (peer, timeoutMs) => check(probeOf(peer), timeoutMs);
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
