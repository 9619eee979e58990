import assert from "node:assert/strict";
import { freePort } from "../../../scripts/launcher.ts";
import { redSeries } from "./rates.ts";
import { MetricsScraper } from "./scraper.ts";
import { StandInExporter } from "./testing.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

Deno.test("scrapes each stand-in exporter while viewed and keeps a bounded history to rate", async () => {
  const orders = new StandInExporter("rpc");
  const web = new StandInExporter("http");
  const [o, w] = [orders.serve(), web.serve()];
  const scraper = new MetricsScraper({
    endpoints: { orders: o.url, web: w.url },
    intervalMs: 40,
    capacity: 4,
  });
  try {
    assert.equal(scraper.running, false);
    await scraper.viewed(); // the first view scrapes at once
    assert.equal(scraper.running, true);
    assert.deepEqual(scraper.state().map((p) => [p.proc, p.history.length, p.error]), [
      ["orders", 1, null],
      ["web", 1, null],
    ]);
    for (let i = 0; i < 10; i++) orders.observe(20, i < 2 ? 14 : 0);
    web.observe(100, 500);
    await until("six scrapes", () => orders.scrapes >= 6);
    const [op, wp] = scraper.state();
    assert.equal(op!.history.length, 4, "the ring holds capacity scrapes");
    assert.equal(redSeries(op!.history).length, 3, "one rate per pair of scrapes");
    assert.equal(op!.history.at(-1)!.requests, 10);
    assert.equal(op!.history.at(-1)!.errors, 2);
    assert.equal(wp!.history.at(-1)!.errors, 1);
  } finally {
    await scraper.close();
    await o.close();
    await w.close();
  }
});

Deno.test("stops scraping once nobody viewed for idleMs; a new view starts a fresh history", async () => {
  const x = new StandInExporter("rpc");
  const s = x.serve();
  const scraper = new MetricsScraper({ endpoints: { stock: s.url }, intervalMs: 20, idleMs: 100 });
  try {
    // someone keeps looking for a while...
    while (x.scrapes < 4) {
      await scraper.viewed();
      await sleep(10);
    }
    await until("the timer to stop", () => !scraper.running, 3000);
    // ...then nobody does
    const seen = x.scrapes;
    await sleep(120);
    assert.equal(x.scrapes, seen, "no scrapes while nobody looks");
    assert.ok(scraper.state()[0]!.history.length > 1);
    await scraper.viewed();
    assert.equal(scraper.running, true);
    assert.equal(scraper.state()[0]!.history.length, 1, "the history after a pause starts afresh");
  } finally {
    await scraper.close();
    await s.close();
  }
});

Deno.test("failures are kept per process, never thrown: refused, HTTP error, too big, unparsable, too slow", async () => {
  const good = new StandInExporter("rpc");
  const g = good.serve();
  const broken = new StandInExporter("rpc");
  broken.extra = "oms_outbox_records{oms_service=orders} 1\n";
  const b = broken.serve();
  let hang: (() => void) | undefined;
  const other = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/big/metrics") {
      // streamed (no Content-Length), so the limit is enforced while reading
      const line = new TextEncoder().encode("x 1\n".repeat(100));
      let sent = 0;
      return new Response(new ReadableStream({ pull: (c) => (sent++ < 10 ? c.enqueue(line) : c.close()) }));
    }
    if (path === "/slow/metrics") await new Promise<void>((r) => (hang = r));
    return new Response("nope", { status: 503 });
  });
  const base = `http://127.0.0.1:${other.addr.port}`;
  const scraper = new MetricsScraper({
    endpoints: {
      orders: g.url,
      stock: `http://127.0.0.1:${freePort()}/metrics`,
      payments: `${base}/metrics`,
      kitchen: `${base}/big/metrics`,
      web: `${base}/slow/metrics`,
    },
    timeoutMs: 300,
    maxBytes: 1000,
  });
  const extra = new MetricsScraper({ endpoints: { orders: b.url } });
  try {
    await scraper.viewed();
    await extra.viewed();
    const errors = Object.fromEntries(scraper.state().map((p) => [p.proc, p.error]));
    assert.equal(errors.orders, null);
    assert.equal(errors.stock, "connection refused");
    assert.equal(errors.payments, "answered HTTP 503");
    assert.match(errors.kitchen!, /^body is over the 1000-byte limit$/);
    assert.equal(errors.web, "no answer within 300 ms");
    assert.equal(scraper.state()[0]!.history.length, 1);
    assert.match(extra.state()[0]!.error!, /line \d+: expected ="..." after label oms_service/);
    assert.equal(extra.state()[0]!.history.length, 0);
  } finally {
    hang?.();
    await scraper.close();
    await extra.close();
    await g.close();
    await b.close();
    await other.shutdown();
  }
});

Deno.test("no endpoints: nothing to scrape, a view does nothing", async () => {
  const scraper = new MetricsScraper({ endpoints: {} });
  assert.equal(scraper.empty, true);
  await scraper.viewed();
  assert.equal(scraper.running, false);
  assert.deepEqual(scraper.state(), []);
});
