/**
 * Measures what the gateway's connection guard (`web/connection_guard.ts`) costs per request: a
 * trivial `Deno.serve` handler (a `/healthz`-sized JSON answer), 32 kept-alive `fetch` clients in this
 * process, N requests per round; prints process CPU (user + system) and throughput per round. Rounds
 * alternate between the clients reaching `Deno.serve` directly (`direct`), through the guard's relay
 * (`guard`) and through a relay made of `conn.readable.pipeTo(other.writable)` both ways (`pipe`,
 * the stream-based alternative). The client's share is the same in every mode, so the difference to
 * `direct` is the relay's.
 *
 * `deno run -A scripts/guard_cost.ts [requests=20000] [rounds=2]`
 *
 * @module
 */
import process from "node:process";
import { guardConnections } from "../web/connection_guard.ts";

const requests = Number(Deno.args[0] ?? 20000);
const rounds = Number(Deno.args[1] ?? 2);
const CLIENTS = 32;
const modes = ["direct", "guard", "pipe"] as const;
type Mode = typeof modes[number];

const listening = Promise.withResolvers<Deno.NetAddr>();
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: (addr) => listening.resolve(addr) },
  () => new Response('{"status":"ok"}', { headers: { "content-type": "application/json" } }),
);
const backend = await listening.promise;

/** A relay of `mode` in front of the server: its port and how to stop it. */
function front(mode: Mode): { port: number; close(): void } {
  if (mode === "direct") return { port: backend.port, close() {} };
  if (mode === "guard") {
    const guard = guardConnections({ hostname: "127.0.0.1", port: 0, backend });
    return {
      port: guard.addr.port,
      close() {
        guard.close();
        guard.abortAll();
      },
    };
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  (async () => {
    for await (const client of listener) {
      const upstream = await Deno.connect({ hostname: backend.hostname, port: backend.port });
      open.add(client).add(upstream);
      client.readable.pipeTo(upstream.writable).catch(() => {});
      upstream.readable.pipeTo(client.writable).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: listener.addr.port,
    close() {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // closed by its pipe already
        }
      }
    },
  };
}

/** `n` requests from each of `CLIENTS` clients, each on its kept-alive connection. */
async function load(port: number, n: number, client: Deno.HttpClient): Promise<void> {
  const url = `http://127.0.0.1:${port}/healthz`;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    for (let i = 0; i < n; i++) await (await fetch(url, { client })).text();
  }));
}

for (let round = 1; round <= rounds; round++) {
  for (const mode of modes) {
    const relay = front(mode);
    const client = Deno.createHttpClient({});
    await load(relay.port, 50, client); // warm-up: connections open, code compiled
    const cpu = process.cpuUsage();
    const start = performance.now();
    await load(relay.port, Math.ceil(requests / CLIENTS), client);
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - start;
    const total = Math.ceil(requests / CLIENTS) * CLIENTS;
    console.log(
      `round ${round} ${mode.padEnd(6)} ${
        ((used.user + used.system) / total).toFixed(1).padStart(6)
      } µs CPU/request` +
        ` (client + server + relay)  ${(total / wall * 1000).toFixed(0).padStart(6)} requests/s`,
    );
    client.close();
    relay.close();
  }
}
await server.shutdown();
