/**
 * Measures web's CPU per request on its hot routes, old code against new in one run: the system as
 * `deno task bench` starts it (its web is this tree's, "new"), plus a second web process running the
 * code of git revision `--base` (exported to a temporary folder; "old") against the same services and
 * with the same environment. Rounds alternate old and new; each round drives one workload against one
 * web and reads that web's CPU (user + system, `/proc/<pid>/stat`) before and after, so other processes
 * and other helpers on the machine do not count. Prints the median CPU-µs per request (or CPU-ms per
 * order for `shopper`) per workload and web, and new/old.
 *
 * Workloads (each kept-alive `fetch` clients in this process, `--concurrency` at a time):
 * - `healthz`: `GET /healthz`, the floor: what any request costs (server, relay, middleware);
 * - `products`: `GET /api/products` (JSON);
 * - `storefront`: `GET /` as a new visitor (no cookie);
 * - `storefront-cookie`: `GET /` with a customer cookie from an earlier visit;
 * - `order-read`: `GET /api/customers/{id}/orders/{orderId}` with a bearer token;
 * - `order-stream`: `GET /orders/{orderId}/events` with a bearer token, read to its first event, then
 *   closed (as the load generator follows an order);
 * - `shopper`: the load generator's shoppers (`scripts/load/run.ts`) for `--orders` orders: CPU per order.
 *
 * `deno run -A scripts/web_request_cost.ts [--base <rev>] [--requests 2000] [--orders 150] [--rounds 3]
 *   [--concurrency 16] [--only products,shopper]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { waitForHttp } from "./launcher.ts";
import { procUsage } from "./bench/procfs.ts";
import { startBenchSystem } from "./bench/system.ts";
import { runLoad } from "./load/run.ts";
import { parseOptions } from "./load/options.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const WORKLOADS = [
  "healthz",
  "products",
  "storefront",
  "storefront-cookie",
  "order-read",
  "order-stream",
  "shopper",
] as const;
type Workload = typeof WORKLOADS[number];

const { values } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string", default: "HEAD" },
    requests: { type: "string", default: "2000" },
    orders: { type: "string", default: "150" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "16" },
    only: { type: "string" },
  },
});
const requests = Number(values.requests);
const orders = Number(values.orders);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const workloads = (values.only ? values.only.split(",") : [...WORKLOADS]) as Workload[];

/** A web process under measurement. */
interface Web {
  label: string;
  url: string;
  pid: number;
}

const say = (line: string) => console.error(line);

/** The environment of running process `pid`. */
function environOf(pid: number): Record<string, string> {
  const raw = Deno.readTextFileSync(`/proc/${pid}/environ`);
  const env: Record<string, string> = {};
  for (const entry of raw.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Exports revision `rev` of the repository into a new temporary folder; resolves with it. */
async function exportRevision(rev: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "oms-web-base-" });
  const archive = new Deno.Command("git", { args: ["archive", rev], cwd: ROOT, stdout: "piped" }).spawn();
  const tar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
  await archive.stdout.pipeTo(tar.stdin);
  const [a, t] = await Promise.all([archive.status, tar.status]);
  if (!a.success || !t.success) throw new Error(`could not export ${rev}`);
  return dir;
}

/** Starts web from the tree at `root` with `env`, on `port`. */
async function startWeb(root: string, env: Record<string, string>, port: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "web/main.ts"],
    cwd: root,
    env: { ...env, WEB_PORT: String(port) },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  return child;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Runs `task` `n` times, `concurrency` at a time. */
async function times(n: number, task: () => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await task();
  }));
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { headers: { "accept-encoding": "gzip", ...headers } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res;
}

/** A customer with a token and one order, made through `web`. */
async function customerOf(
  web: Web,
): Promise<{ auth: Record<string, string>; orderPath: string; streamPath: string; cookie: string }> {
  const res = await fetch(`${web.url}/api/customers`, { method: "POST" });
  const { customerId, token } = await res.json() as { customerId: string; token: string };
  const auth = { authorization: `Bearer ${token}` };
  const { products } = await (await fetch(`${web.url}/api/products`)).json() as {
    products: { id: string; available: number }[];
  };
  const item = products.find((p) => p.available > 0)!;
  const orderRes = await fetch(`${web.url}/api/customers/${customerId}/orders`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
    body: JSON.stringify({ items: [{ id: item.id, quantity: 1 }] }),
  });
  const order = await orderRes.json() as { id: string };
  const page = await fetch(`${web.url}/`);
  await page.arrayBuffer();
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return {
    auth,
    orderPath: `/api/customers/${customerId}/orders/${order.id}`,
    streamPath: `/orders/${order.id}/events`,
    cookie,
  };
}

/** One round of `workload` against `web`: CPU-µs per request (per order for `shopper`). */
async function round(workload: Workload, web: Web): Promise<number> {
  const setup = ["order-read", "order-stream", "storefront-cookie"].includes(workload)
    ? await customerOf(web)
    : undefined;
  const before = procUsage(web.pid).cpuS;
  let count = requests;
  if (workload === "healthz") await times(requests, async () => void await get(`${web.url}/healthz`));
  else if (workload === "products") {
    await times(requests, async () => void await get(`${web.url}/api/products`));
  } else if (workload === "storefront") await times(requests, async () => void await get(`${web.url}/`));
  else if (workload === "storefront-cookie") {
    await times(requests, async () => void await get(`${web.url}/`, { cookie: setup!.cookie }));
  } else if (workload === "order-read") {
    await times(requests, async () => void await get(`${web.url}${setup!.orderPath}`, setup!.auth));
  } else if (workload === "order-stream") {
    await times(requests, async () => {
      const res = await fetch(`${web.url}${setup!.streamPath}`, {
        headers: { accept: "text/event-stream", ...setup!.auth },
      });
      const reader = res.body!.getReader();
      await reader.read(); // the first event: the order as it is
      await reader.cancel();
    });
  } else {
    const opts = parseOptions([
      "--url",
      web.url,
      "--duration",
      "600",
      "--max-orders",
      String(orders),
      "--concurrency",
      String(concurrency),
    ]);
    const report = await runLoad(opts);
    count = report.orders.placed;
  }
  return ((procUsage(web.pid).cpuS - before) * 1e6) / count;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const amqpUrl = Deno.env.get("AMQP_URL") || "amqp://guest:guest@127.0.0.1:5672";
say(`web_request_cost: exporting ${values.base} ...`);
const baseDir = await exportRevision(values.base!);
const sys = await startBenchSystem(amqpUrl, say);
let oldChild: Deno.ChildProcess | undefined;
try {
  await sys.restockAll(1_000_000);
  const newWeb: Web = { label: "new", url: sys.url, pid: sys.procs.web.pid! };
  const oldPort = freePort();
  oldChild = await startWeb(baseDir, environOf(newWeb.pid), oldPort);
  const oldWeb: Web = {
    label: `old (${values.base})`,
    url: `http://127.0.0.1:${oldPort}`,
    pid: oldChild.pid,
  };
  // warm both up (JIT, connections, caches of the first request)
  for (const web of [oldWeb, newWeb]) {
    for (const w of workloads) if (w !== "shopper") await round(w, web);
  }
  const results = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const w of workloads) {
      const order = r % 2 === 0 ? [oldWeb, newWeb] : [newWeb, oldWeb];
      for (const web of order) {
        const cost = await round(w, web);
        const key = `${w}\t${web === newWeb ? "new" : "old"}`;
        results.set(key, [...(results.get(key) ?? []), cost]);
        say(
          `round ${r + 1} ${w} ${web.label}: ${cost.toFixed(0)} CPU-µs per ${
            w === "shopper" ? "order" : "request"
          }`,
        );
      }
    }
  }
  console.log(`web CPU per request (median of ${rounds} rounds; shopper: per order), old = ${values.base}`);
  console.log("workload            old µs    new µs   new/old");
  for (const w of workloads) {
    const o = median(results.get(`${w}\told`)!);
    const n = median(results.get(`${w}\tnew`)!);
    console.log(
      `${w.padEnd(18)} ${o.toFixed(0).padStart(7)}   ${n.toFixed(0).padStart(7)}   ${(n / o).toFixed(2)}`,
    );
  }
} finally {
  try {
    oldChild?.kill("SIGTERM");
    await oldChild?.status;
  } catch {
    // gone
  }
  await sys.stop();
  await Deno.remove(baseDir, { recursive: true }).catch(() => {});
}
