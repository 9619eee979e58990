/**
 * Measures what idle live order pages cost: starts the whole system as processes (`tests/system.ts`),
 * creates orders, holds `pages` SSE order-page streams (`/orders/{id}/events`) open, and reads the CPU
 * time (utime + stime from `/proc/<pid>/stat`) of the orders and web processes over `seconds`.
 * Prints one JSON line. Run it in an older checkout to compare with polling (the route is the same).
 *
 * `deno run -A scripts/live_idle_cost.ts [pages=1000] [seconds=30] [orders=100]`
 *
 * @module
 */
import { customerCookie } from "../web/customer.ts";
import { startSystem } from "../tests/system.ts";

const pages = Number(Deno.args[0] ?? 1000);
const seconds = Number(Deno.args[1] ?? 30);
const orderCount = Number(Deno.args[2] ?? 100);
const TICK_MS = 1000 / 100; // CLK_TCK = 100

/** The pid listening on `port` (from `ss`). */
async function pidOn(port: number): Promise<number> {
  const out = await new Deno.Command("ss", { args: ["-ltnpH", `sport = :${port}`] }).output();
  const m = /pid=(\d+)/.exec(new TextDecoder().decode(out.stdout));
  if (!m) throw new Error(`No process listens on port ${port}`);
  return Number(m[1]);
}

/** CPU milliseconds (user + system) of `pid` so far. */
function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15)
}

const secret = `live-${crypto.randomUUID()}`;
const sys = await startSystem({ env: { WEB_COOKIE_SECRET: secret, LOG_LEVEL: "warn" } });
const streams: ReadableStreamDefaultReader<Uint8Array>[] = [];
try {
  const orders: { id: string; cookie: string }[] = [];
  for (let i = 0; i < orderCount; i++) {
    const customerId = `live-${i}`;
    const res = await sys.api(
      "POST",
      `/api/customers/${customerId}/orders`,
      { items: [{ id: "1", quantity: 1 }] },
      await sys.proof(customerId),
    );
    if (res.status !== 201 && res.status !== 200) throw new Error(`Order ${i}: HTTP ${res.status}`);
    const cookie = (await customerCookie(customerId, secret, false)).split(";")[0]!;
    orders.push({ id: res.body.id, cookie });
  }
  for (let i = 0; i < pages; i++) {
    const o = orders[i % orders.length]!;
    const res = await fetch(`${sys.url}/orders/${o.id}/events`, { headers: { cookie: o.cookie } });
    if (res.status !== 200) throw new Error(`Stream ${i}: HTTP ${res.status}`);
    const reader = res.body!.getReader();
    streams.push(reader);
    (async () => {
      while (!(await reader.read().catch(() => ({ done: true }))).done) { /* discard */ }
    })();
  }
  await new Promise((r) => setTimeout(r, 3000)); // settle after connecting
  const pids = { orders: await pidOn(sys.ports.orders), web: await pidOn(sys.ports.web) };
  const before = { orders: cpuMs(pids.orders), web: cpuMs(pids.web) };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = { orders: cpuMs(pids.orders), web: cpuMs(pids.web) };
  const used = { orders: after.orders - before.orders, web: after.web - before.web };
  console.log(JSON.stringify({
    pages,
    seconds,
    orders: orderCount,
    cpuMs: used,
    percentOfOneCore: {
      orders: +(used.orders / (seconds * 10)).toFixed(2),
      web: +(used.web / (seconds * 10)).toFixed(2),
    },
  }));
} finally {
  for (const r of streams) await r.cancel().catch(() => {});
  await sys.stop();
}
