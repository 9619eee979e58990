/**
 * `/admin/system` against the real services and stand-in exporters (`testing.ts`): what an owner sees
 * with metrics on (health, charts, queues, outboxes, dead letters, links), with metrics off (the hint
 * and dead letters asked from the services), with an endpoint down; and that a manager gets 403.
 */
import assert from "node:assert/strict";
import { freePort } from "../../../scripts/launcher.ts";
import { adminClient, staffAccount, startAdminSystem } from "../admin_testing.ts";
import { MetricsScraper } from "./scraper.ts";
import { useScraper } from "./monitor.ts";
import { StandInExporter } from "./testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function rows(html: string, testid: string): string[] {
  return html.match(new RegExp(`<tr data-testid="${testid}"[^>]*>`, "g")) ?? [];
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
}

Deno.test(
  "the System page: health, live RED charts, messaging and dead letters; off and failing states; owners only",
  opts,
  async (t) => {
    const sys = await startAdminSystem();
    const exporters = {
      orders: new StandInExporter("rpc"),
      stock: new StandInExporter("rpc"),
      payments: new StandInExporter("rpc"),
      kitchen: new StandInExporter("rpc"),
      web: new StandInExporter("http"),
    };
    const served = Object.fromEntries(Object.entries(exporters).map(([k, x]) => [k, x.serve()]));
    const scrapers: MetricsScraper[] = [];
    const use = (s: MetricsScraper) => {
      scrapers.push(s);
      useScraper(sys.deps, s);
      return s;
    };
    try {
      const owner = adminClient(sys);
      assert.equal((await owner.login()).status, 303);

      await t.step("metrics on: health, charts filling in, queues, outboxes, dead letters", async () => {
        const o = exporters.orders;
        o.queueDepth["oms.orders"] = 4;
        o.consumed["oms.orders"] = { processed: 1 };
        o.outbox.orders = { records: 3, oldestAgeSeconds: 75 };
        o.deadLetters.orders = 2;
        for (const proc of ["stock", "payments", "kitchen"] as const) exporters[proc].deadLetters[proc] = 0;
        const scraper = use(
          new MetricsScraper({
            endpoints: Object.fromEntries(Object.entries(served).map(([k, s]) => [k, s.url])),
            intervalMs: 150,
          }),
        );
        const first = await owner.fetch("/admin/system");
        assert.equal(first.status, 200);
        const html1 = await first.text();
        assert.match(
          html1,
          /<a href="\/admin\/system" data-section="system" aria-current="page">System<\/a>/,
        );
        assert.match(html1, /href="\/admin\/system\/flags"/);
        assert.match(html1, /href="\/admin\/dead-letters"/);
        assert.match(html1, /data-island="AdminSystemLive"|AdminSystemLive/);
        // the four services as the gateway reaches them, all serving, and web itself
        const health = rows(html1, "health-row");
        assert.deepEqual(health.map((r) => [attr(r, "data-service"), attr(r, "data-status")]), [
          ["orders", "SERVING"],
          ["stock", "SERVING"],
          ["payments", "SERVING"],
          ["kitchen", "SERVING"],
          ["web", "SERVING"],
        ]);
        // one scrape so far: collecting
        assert.equal((html1.match(/data-testid="metrics-collecting"/g) ?? []).length, 5);

        for (let i = 0; i < 20; i++) o.observe(i < 19 ? 8 : 300, i < 4 ? 13 : 0);
        o.consumed["oms.orders"] = { processed: 11, parked: 1 };
        exporters.web.observe(30, 200);
        await new Promise((r) => setTimeout(r, 400)); // a few scrapes while the page is "viewed"
        assert.ok(scraper.running);
        const html = await (await owner.fetch("/admin/system")).text();
        const panels = html.match(/<section class="admin-panel" aria-labelledby="proc-[a-z]+"[^>]*>/g) ?? [];
        assert.deepEqual(panels.map((p) => [attr(p, "data-proc"), attr(p, "data-status")]), [
          ["orders", "live"],
          ["stock", "live"],
          ["payments", "live"],
          ["kitchen", "live"],
          ["web", "live"],
        ]);
        // two charts per process, each line with points drawn
        assert.equal((html.match(/data-testid="line-chart"/g) ?? []).length, 10);
        const lines = html.match(/<path class="line [^"]+" d="M[^"]+"[^>]*data-points="(\d+)"/g) ?? [];
        assert.ok(lines.length >= 10, `${lines.length} lines drawn`);
        assert.match(html, /Orders: gRPC calls and errors per second/);
        // the current numbers: 20 calls, 4 of them INTERNAL; 19 took 8 ms and one 300 ms
        const now = /data-testid="red-now" data-requests="([\d.]+)" data-errors="([\d.]+)"/.exec(html)!;
        assert.ok(Number(now[1]) > 0, "a rate of calls");
        assert.ok(Math.abs(Number(now[2]) / Number(now[1]) - 0.2) < 1e-9, `errors ${now[2]} of ${now[1]}`);
        assert.match(html, /data-testid="latency">7\.6 ms \/ 10 ms</);
        // the queue, outbox and dead letters from the orders exporter
        const queue = rows(html, "queue-row");
        assert.deepEqual(queue.map((r) => attr(r, "data-queue")), ["oms.orders"]);
        assert.match(html, /data-testid="queue-depth">4</);
        assert.match(
          html,
          /data-testid="outbox-records">3<\/td><td class="num" data-testid="outbox-age">1 min</,
        );
        const dead = rows(html, "dead-letter-row");
        assert.deepEqual(dead.map((r) => [attr(r, "data-service"), attr(r, "data-source")]), [
          ["orders", "metrics"],
          ["stock", "metrics"],
          ["payments", "metrics"],
          ["kitchen", "metrics"],
        ]);
        assert.match(
          html,
          /data-service="orders" data-source="metrics"><th scope="row">Orders<\/th><td class="num" data-testid="dead-letter-count">2</,
        );
        assert.doesNotMatch(html, /metrics-not-enabled/);
        await scraper.close();
      });

      await t.step("metrics off: how to turn them on; dead letters asked from the services", async () => {
        use(new MetricsScraper({ endpoints: {} }));
        const html = await (await owner.fetch("/admin/system")).text();
        assert.match(html, /data-testid="metrics-not-enabled"/);
        assert.match(html, /<code>ORDERS_METRICS_PORT<\/code>/);
        assert.equal(rows(html, "health-row").filter((r) => attr(r, "data-status") === "SERVING").length, 5);
        const dead = rows(html, "dead-letter-row");
        assert.deepEqual(dead.map((r) => attr(r, "data-source")), [
          "service",
          "service",
          "service",
          "service",
        ]);
        assert.match(html, /data-testid="dead-letter-count">0</);
        assert.doesNotMatch(html, /data-testid="line-chart"/);
      });

      await t.step("an endpoint down: that process says so, the others still show", async () => {
        const s = use(
          new MetricsScraper({
            endpoints: { orders: served.orders!.url, stock: `http://127.0.0.1:${freePort()}/metrics` },
          }),
        );
        const html = await (await owner.fetch("/admin/system")).text();
        assert.match(html, /data-proc="stock" data-status="failing"/);
        assert.match(
          html,
          /Cannot read the metrics at <code>http:\/\/127\.0\.0\.1:\d+\/metrics<\/code>: connection refused/,
        );
        assert.match(html, /data-proc="orders" data-status="collecting"/);
        assert.match(html, /Metrics are not enabled for web \(set <code>WEB_METRICS_PORT<\/code>\)/);
        await s.close();
      });

      await t.step("a manager neither sees the link nor opens the page", async () => {
        const maria = await staffAccount(sys, "maria", "manager", owner);
        const res = await maria.fetch("/admin/system");
        assert.equal(res.status, 403);
        await res.body?.cancel();
        const home = await (await maria.fetch("/admin")).text();
        assert.doesNotMatch(home, /href="\/admin\/system"/);
      });
    } finally {
      for (const s of scrapers) await s.close();
      for (const s of Object.values(served)) await s.close();
      await sys.stop();
    }
  },
);
