/**
 * Measures what idle live order pages cost: starts the whole system as processes (`tests/system.ts`),
 * creates orders, holds `pages` SSE order-page streams (`/orders/{id}/events`) open, and reads the CPU
 * time (utime + stime from `/proc/<pid>/stat`) of the orders and web processes over `seconds`.
 * Prints one JSON line. Run it in an older checkout to compare with polling (the route is the same).
 *
 * `deno run -A scripts/live_idle_cost.ts [pages=1000] [seconds=30] [orders=50]`
 *
 * @module
 */
import { customerCookie, newCustomerId } from "../web/customer.ts";
import { startSystem } from "../tests/system.ts";

const pages = Number(Deno.args[0] ?? 1000);
const seconds = Number(Deno.args[1] ?? 30);
const orderCount = Number(Deno.args[2] ?? 50);
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
/** Streams that sent the order (a live page) and streams that ended (not live). */
const seen = { order: 0, ended: 0 };
try {
  const orders: { id: string; cookie: string }[] = [];
  for (let i = 0; i < orderCount; i++) {
    const customerId = newCustomerId();
    const res = await sys.api(
      "POST",
      `/api/customers/${customerId}/orders`,
      { items: [{ id: String((i % 6) + 1), quantity: 1 }] },
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
      const decoder = new TextDecoder();
      let counted = false;
      for (;;) {
        const r = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) break;
        if (!counted && decoder.decode(r.value).includes("event: order")) {
          counted = true;
          seen.order++;
        }
      }
      seen.ended++;
    })();
  }
  await new Promise((r) => setTimeout(r, 3000)); // settle after connecting
  const pids = { orders: await pidOn(sys.ports.orders), web: await pidOn(sys.ports.web) };
  const before = { orders: cpuMs(pids.orders), web: cpuMs(pids.web) };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = { orders: cpuMs(pids.orders), web: cpuMs(pids.web) };
  const used = { orders: after.orders - before.orders, web: after.web - before.web };
  if (seen.order !== pages || seen.ended !== 0) {
    throw new Error(`Not every page was live: ${JSON.stringify(seen)} of ${pages}`);
  }
  console.log(JSON.stringify({
    pages,
    livePages: seen.order,
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
