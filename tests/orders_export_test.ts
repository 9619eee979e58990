/**
 * The CSV export of a filtered view of 20k orders, through the real web process and gRPC: it streams
 * with bounded memory (the web process's RSS, sampled while the file downloads, grows far less than the
 * file's size) and its rows are exactly the filtered list (SearchOrders with the same filters).
 *
 * RSS is measured at steady state: the same export runs once before (JIT, gRPC channel, heap grown to
 * what a page needs), and the web process runs with a tight V8 heap (`DENO_V8_FLAGS`), so the collector
 * works as it goes and RSS follows what is live rather than garbage not yet collected. A web process
 * that held the file (or its orders) would grow by more than the file; one that streams grows by about
 * a page's worth (a few MiB here, against a file of about 30 MiB).
 *
 * The orders are written straight into the orders service's store (stopped meanwhile) through its own
 * store functions, each exactly as CreateOrder commits it (indexes included): 20k checkouts over HTTP
 * would test checkout, not the export.
 */
import assert from "node:assert/strict";
import { newOrder, type Order } from "../services/orders/domain/order.ts";
import { transition } from "../services/orders/domain/transition.ts";
import { addCreate } from "../services/orders/store.ts";
import { OrderStatus } from "../services/common/gen/oms/orders/v1/orders.ts";
import { rpc } from "../services/common/grpc_client.ts";
import { startSystem } from "./system.ts";

const MATCHING = 20_000;
const OTHERS = 1_000;
const opts = { sanitizeOps: false, sanitizeResources: false };

const ITEM_NAMES = [
  "Pizza Margherita with buffalo mozzarella and basil",
  "Quattro formaggi, gorgonzola, fontina, parmigiano",
  "Tiramisu della casa with mascarpone and espresso",
  "San Pellegrino sparkling mineral water, 0.75 l",
];

/** An order of the filtered view (name "Export …", pending) or not (cancelled). */
function seedOrder(i: number, at: number, matching: boolean): Order {
  const items = Array.from({ length: 24 }, (_, j) => ({
    itemId: String(1 + (j % 4)),
    name: ITEM_NAMES[j % 4]!,
    quantity: 1 + (j % 3),
    unitPrice: { amount: 950, currency: "EUR" },
  }));
  let o = newOrder({
    id: crypto.randomUUID(),
    customerId: `exp-${i % 500}`,
    items,
    total: { amount: 950 * 48, currency: "EUR" },
    at: new Date(at),
    cause: "customer",
    traceId: "",
    number: 100_000 + i,
    details: {
      name: `Export Customer-${i} ${"Longname".repeat(6)}`,
      phone: "+49 30 5550000",
      email: `export.customer.${i}.${"x".repeat(60)}@example.org`,
      note: "",
      pickupAt: undefined,
    },
  });
  if (!matching) o = transition(o, "cancelled", { cause: "customer", at: new Date(at), traceId: "" }).order!;
  return o;
}

async function seed(kvPath: string): Promise<void> {
  const kv = await Deno.openKv(kvPath);
  try {
    const now = Date.now();
    const all = [
      ...Array.from({ length: MATCHING }, (_, i) => seedOrder(i, now - 60_000 + i, true)),
      ...Array.from({ length: OTHERS }, (_, i) => seedOrder(MATCHING + i, now - 60_000 + i, false)),
    ];
    for (let i = 0; i < all.length; i += 25) {
      const op = kv.atomic();
      for (const o of all.slice(i, i + 25)) addCreate(op, o);
      const res = await op.commit();
      assert.ok(res.ok, `seed batch ${i}`);
    }
  } finally {
    kv.close();
  }
}

function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
}

/** Reads a CSV answer to its end, handing each row's order id to `row`; the bytes read. */
async function drain(res: Response, row: (id: string) => void): Promise<number> {
  let bytes = 0;
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    bytes += chunk.byteLength;
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\r\n");
    rest = lines.pop()!;
    for (const line of lines) {
      const id = line.split(",")[1];
      if (id && id !== "order_id") row(id);
    }
  }
  assert.equal(rest, "", "the file ends with a full line");
  return bytes;
}

/** Signs in to the admin over HTTP; the session cookie. */
async function signIn(url: string): Promise<string> {
  await (await fetch(`${url}/admin/login`)).body?.cancel();
  const res = await fetch(`${url}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: "admin", password: "test-admin-password", next: "/admin" }),
  });
  await res.body?.cancel();
  assert.equal(res.status, 303, "signed in");
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

Deno.test(
  "the CSV export of a filtered view of 20k orders streams with bounded memory; its rows are the filtered list",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "oms-export-" });
    const kvPath = `${dir}/orders.kv`;
    const sys = await startSystem({
      envFor: {
        orders: { ORDERS_KV_PATH: kvPath },
        // a tight heap, so V8 collects as it goes and RSS follows what is live rather than GC slack
        web: { DENO_V8_FLAGS: "--max-old-space-size=48,--max-semi-space-size=1" },
      },
    });
    try {
      await sys.procs.orders.stop("SIGTERM");
      await seed(kvPath);
      await sys.start("orders");
      const cookie = await signIn(sys.url);
      const filter = "q=export&status=pending";
      const get = (q: string) => fetch(`${sys.url}/admin/orders/export.csv?${q}`, { headers: { cookie } });

      // warm up: the other orders (empty pages on the way: the stream reads on past them), then the
      // same export once, so the JIT, the gRPC channel and the heap are at their steady state
      const warm = await (await get("q=export&status=cancelled")).text();
      assert.equal(warm.trimEnd().split("\r\n").length, 1 + OTHERS);
      await drain(await get(filter), () => {});
      const pid = sys.procs.web.pid!;

      /** One measured export: its rows, size, timing and the web process's RSS growth meanwhile. */
      const measured = async () => {
        const baseline = rssKiB(pid);
        const res = await get(filter);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
        let peak = baseline;
        const sampler = setInterval(() => peak = Math.max(peak, rssKiB(pid)), 10);
        const started = Date.now();
        let firstRowAt = 0;
        const ids: string[] = [];
        let bytes = 0;
        try {
          bytes = await drain(res, (id) => {
            ids.push(id);
            if (!firstRowAt) firstRowAt = Date.now() - started;
          });
        } finally {
          clearInterval(sampler);
        }
        const tookMs = Date.now() - started;
        peak = Math.max(peak, rssKiB(pid));
        const growthKiB = peak - baseline;
        const fileKiB = Math.round(bytes / 1024);
        console.log(
          `export: ${ids.length} rows, ${fileKiB} KiB in ${tookMs} ms (first row after ${firstRowAt} ms); ` +
            `web RSS ${baseline} KiB -> peak ${peak} KiB (+${growthKiB} KiB)`,
        );
        return { ids, fileKiB, growthKiB, tookMs, firstRowAt };
      };
      // twice: a process holding the file would grow by more than the file every time; garbage the
      // collector has not got to yet is noise, so the smaller growth is held to the tighter bound
      const runs = [await measured(), await measured()];
      const { ids, fileKiB } = runs[0]!;
      assert.equal(ids.length, MATCHING);
      assert.ok(fileKiB > 20_000, `the file is large (${fileKiB} KiB)`);
      for (const r of runs) {
        assert.ok(r.firstRowAt < r.tookMs / 10, "rows arrive while the export is still being read");
        assert.ok(
          r.growthKiB < fileKiB / 2,
          `web RSS grew ${r.growthKiB} KiB while streaming ${fileKiB} KiB: the export must not hold the file`,
        );
      }
      const least = Math.min(...runs.map((r) => r.growthKiB));
      assert.ok(least < fileKiB / 4, `web RSS grew at least ${least} KiB while streaming ${fileKiB} KiB`);
      assert.deepEqual(runs[1]!.ids, ids, "the same rows every time");

      // the rows are the filtered list, in its order
      const listed: string[] = [];
      let cursor = "";
      do {
        const page = await rpc(sys.orders, "searchOrders", {
          query: "export",
          statuses: [OrderStatus.ORDER_STATUS_PENDING],
          paymentStates: [],
          createdFrom: undefined,
          createdUntil: undefined,
          pageSize: 500,
          cursor,
        }, { timeoutMs: 30_000 });
        listed.push(...page.orders.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(listed.length, MATCHING);
      assert.deepEqual(ids, listed);
    } finally {
      await sys.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
);
