/**
 * The health part of the System page: every service as the gateway sees it (`grpc.health.v1` through
 * the gateway's own channels, `web/gateway/health.ts`) and, when the gateway finds a service through
 * Consul (`consul://agent/service` addresses), each instance Consul lists with the state of its checks
 * (`GET /v1/health/service/<service>` of the agent, with `CONSUL_HTTP_TOKEN` if set). Never throws: a
 * failed probe or Consul answer is shown as such.
 *
 * @module
 */
import { envString } from "../../../services/common/config.ts";
import type { HealthProbe, PeerHealth } from "../../gateway/health.ts";
import type { PeerName } from "../../gateway/clients.ts";
import { fetchText } from "./fetch_text.ts";

/** The services the page checks, in its order. */
export const HEALTH_PEERS: readonly PeerName[] = ["orders", "stock", "payments", "kitchen"];

/** One instance Consul lists. */
export interface ConsulInstance {
  /** The service's instance id. */
  id: string;
  /** `host:port` it serves on. */
  address: string;
  /** Worst of its checks: `passing`, `warning` or `critical`. */
  status: string;
  /** Output of its first failing check, if any. */
  detail?: string;
}

/** One service's health. */
export interface ServiceHealth {
  /** The service. */
  peer: PeerName;
  /** Where the gateway finds it (`dns:host:port` or `consul://...`). */
  target: string;
  /** What an instance the gateway would call answered. */
  probe: PeerHealth;
  /** Consul's instances (only with Consul discovery). */
  instances?: ConsulInstance[];
  /** Why Consul could not be asked (only with Consul discovery). */
  consulError?: string;
}

/** The agent and service of a `consul://host:port/service[?https=1]` target; null for other targets. */
export function consulTargetOf(target: string): { consulUrl: string; service: string } | null {
  const m = /^consul:\/\/([^/?]+)\/([A-Za-z0-9][A-Za-z0-9_.-]*)(?:\?(.*))?$/.exec(target);
  if (!m) return null;
  const params = new URLSearchParams(m[3] ?? "");
  const https = params.has("https") && params.get("https") !== "0";
  return { consulUrl: `${https ? "https" : "http"}://${m[1]}`, service: m[2]! };
}

const RANK: Record<string, number> = { passing: 0, warning: 1, critical: 2 };

interface HealthEntry {
  Node?: { Node?: string; Address?: string };
  Service?: { ID?: string; Address?: string; Port?: number };
  Checks?: { Status?: string; Output?: string; Name?: string }[];
}

/** The instances in a `/v1/health/service/<name>` answer. */
export function instancesOf(entries: unknown): ConsulInstance[] {
  if (!Array.isArray(entries)) throw new Error("Consul's answer is not a list");
  return (entries as HealthEntry[]).map((e) => {
    const checks = e.Checks ?? [];
    const worst = checks.reduce(
      (w, c) => (RANK[c.Status ?? "critical"] ?? 2) > (RANK[w] ?? 0) ? c.Status ?? "critical" : w,
      "passing",
    );
    const failing = checks.find((c) => c.Status !== "passing");
    const host = e.Service?.Address || e.Node?.Address || "?";
    return {
      id: e.Service?.ID ?? "?",
      address: `${host}:${e.Service?.Port ?? "?"}`,
      status: worst,
      ...(failing ? { detail: (failing.Output || failing.Name || "").trim().slice(0, 200) } : {}),
    };
  });
}

async function consulInstances(consulUrl: string, service: string, timeoutMs: number) {
  const token = envString("CONSUL_HTTP_TOKEN", "");
  const url = `${consulUrl}/v1/health/service/${encodeURIComponent(service)}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers["X-Consul-Token"] = token;
  return instancesOf(JSON.parse(await fetchText(url, { timeoutMs, maxBytes: 1 << 20, headers })));
}

/** Each service's health; `targets` are the gateway's addresses of them (`channel.getTarget()`). */
export async function loadHealth(
  probe: HealthProbe,
  targets: Record<PeerName, string>,
  timeoutMs: number,
): Promise<ServiceHealth[]> {
  return await Promise.all(HEALTH_PEERS.map(async (peer): Promise<ServiceHealth> => {
    const target = targets[peer];
    const consul = consulTargetOf(target);
    const [answer, instances] = await Promise.all([
      probe(peer, timeoutMs).catch((err): PeerHealth => ({
        status: "UNREACHABLE",
        detail: err instanceof Error ? err.message : String(err),
      })),
      consul
        ? consulInstances(consul.consulUrl, consul.service, timeoutMs).then(
          (list) => ({ list }),
          (err) => ({
            error: `Consul at ${consul.consulUrl}: ${err instanceof Error ? err.message : String(err)}`,
          }),
        )
        : null,
    ]);
    const out: ServiceHealth = { peer, target, probe: answer };
    if (instances && "list" in instances) out.instances = instances.list;
    if (instances && "error" in instances) out.consulError = instances.error;
    return out;
  }));
}
