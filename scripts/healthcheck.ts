/**
 * Container health probe: `deno run -A scripts/healthcheck.ts <port | connect:<port> | url>`.
 *
 * - A port (e.g. `50052`): calls `grpc.health.v1.Health/Check` on `127.0.0.1:<port>` for the whole
 *   server (service `""`) and succeeds only when it answers SERVING. A service answers NOT_SERVING while
 *   it starts and while it drains on SIGTERM, so an orchestrator sends it no traffic then.
 * - `connect:<port>` (e.g. `connect:50062`): the same health check over the service's Connect port
 *   (plain HTTP/1.1). compose probes the services this way: a probe over gRPC closes its HTTP/2 client
 *   after the call, which sends the server a GOAWAY, and Deno 2.9.6 can abort a grpc-js server that
 *   receives one (denoland/deno#36788; `grpc_health.ts`), so a probe every 5 s could take a service down.
 * - A URL (e.g. `http://127.0.0.1:8080/readyz`): a GET that succeeds on a 2xx answer.
 *
 * Exits 0 when healthy, 1 when not (with one line saying why), 2 on a bad argument. The image runs it
 * from compose's healthchecks; it needs nothing that is not already cached in the image, and loads no gRPC
 * library (`grpc_health.ts` speaks the one call it needs over `fetch`), so each probe is cheap.
 *
 * @module
 */
import { checkConnectHealth, checkGrpcHealth } from "./grpc_health.ts";

/** What one probe found. */
export interface ProbeResult {
  /** True when the target is healthy. */
  ok: boolean;
  /** A short human-readable reason, e.g. `127.0.0.1:50052 is SERVING`. */
  detail: string;
}

/**
 * Probes `target` (a port number for gRPC health, `connect:<port>` for the same over Connect, or an
 * http(s) URL) within `timeoutMs`.
 */
export async function probe(target: string, timeoutMs = 3000): Promise<ProbeResult> {
  if (/^https?:\/\//.test(target)) return await probeHttp(target, timeoutMs);
  const m = /^(connect:)?(\d+)$/.exec(target);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) {
    throw new TypeError(
      `Health check target must be a port (1 to 65535), connect:<port> or an http(s) URL, got "${target}"`,
    );
  }
  return await probeHealth(`127.0.0.1:${port}`, timeoutMs, m[1] !== undefined);
}

async function probeHealth(addr: string, timeoutMs: number, connect: boolean): Promise<ProbeResult> {
  try {
    const status = await (connect ? checkConnectHealth : checkGrpcHealth)(addr, { timeoutMs });
    return { ok: status === "SERVING", detail: `${addr} is ${status}` };
  } catch (err) {
    return { ok: false, detail: `${addr} did not answer the health check: ${(err as Error).message}` };
  }
}

async function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text()).slice(0, 300);
    return { ok: res.ok, detail: `${url} answered ${res.status}${res.ok ? "" : `: ${body}`}` };
  } catch (err) {
    return { ok: false, detail: `${url} did not answer: ${(err as Error).message}` };
  }
}

if (import.meta.main) {
  const [target, timeout] = Deno.args;
  if (!target) {
    console.error(
      "usage: deno run -A scripts/healthcheck.ts <grpc port | connect:<port> | http(s) url> [timeout ms]",
    );
    Deno.exit(2);
  }
  let result: ProbeResult;
  try {
    result = await probe(target, timeout ? Number(timeout) : undefined);
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(2);
  }
  (result.ok ? console.log : console.error)(result.detail);
  Deno.exit(result.ok ? 0 : 1);
}
