import assert from "node:assert/strict";
import type { Digest } from "./digest.ts";
import type { ProcessMetrics } from "./scraper.ts";
import { systemView } from "./view.ts";

function digest(at: number, patch: Partial<Digest> = {}): Digest {
  return {
    at,
    requests: 0,
    errors: 0,
    buckets: [],
    queueDepth: {},
    consumed: {},
    outbox: {},
    deadLetters: {},
    ...patch,
  };
}

function metrics(
  proc: ProcessMetrics["proc"],
  history: Digest[],
  error: string | null = null,
): ProcessMetrics {
  return { proc, url: `http://${proc}:9464/metrics`, history, error, triedAt: history.at(-1)?.at ?? 0 };
}

Deno.test("no endpoints: every process off, naming the variable that turns it on", () => {
  const v = systemView([], 60, 5);
  assert.equal(v.metricsOff, true);
  assert.deepEqual(v.processes.map((p) => [p.proc, p.status, p.portVar]), [
    ["orders", "off", "ORDERS_METRICS_PORT"],
    ["stock", "off", "STOCK_METRICS_PORT"],
    ["payments", "off", "PAYMENTS_METRICS_PORT"],
    ["kitchen", "off", "KITCHEN_METRICS_PORT"],
    ["web", "off", "WEB_METRICS_PORT"],
  ]);
  assert.deepEqual(v.queues, []);
});

Deno.test("states per process; queues, outboxes and dead letters from the latest scrapes", () => {
  const v = systemView(
    [
      metrics("orders", [
        digest(0, { requests: 10, consumed: { "oms.orders": { processed: 4 } } }),
        digest(5000, {
          requests: 20,
          errors: 5,
          queueDepth: { "oms.orders": 3 },
          consumed: { "oms.orders": { processed: 14, parked: 1 } },
          outbox: { orders: { records: 2, oldestAgeSeconds: 1.5 } },
          deadLetters: { orders: 1 },
        }),
      ]),
      metrics("stock", [digest(5000)]),
      metrics("payments", [digest(0)], "connection refused"),
      metrics("kitchen", [
        digest(0, { consumed: { "oms.orders": { processed: 1 } } }),
        digest(5000, {
          queueDepth: { "oms.orders": 2, "oms.kitchen": 0 },
          consumed: { "oms.orders": { processed: 6 } },
          outbox: { orders: { records: 1, oldestAgeSeconds: 9 } },
        }),
      ]),
    ],
    60,
    5,
  );
  assert.equal(v.metricsOff, false);
  assert.deepEqual(v.processes.map((p) => [p.proc, p.status]), [
    ["orders", "live"],
    ["stock", "collecting"],
    ["payments", "failing"],
    ["kitchen", "live"],
    ["web", "off"],
  ]);
  const orders = v.processes[0]!;
  assert.equal(orders.latest!.requestsPerSecond, 2);
  assert.equal(orders.latest!.errorsPerSecond, 1);
  assert.equal(v.processes[2]!.error, "connection refused");
  // the current numbers span the last RECENT_INTERVALS intervals, not just the last one
  const long = systemView(
    [
      metrics(
        "stock",
        Array.from({ length: 10 }, (_, i) => digest(i * 1000, { requests: i < 8 ? i * 6 : 42 })),
      ),
    ],
    60,
    1,
  ).processes[1]!;
  assert.equal(long.points.at(-1)!.requestsPerSecond, 0);
  assert.equal(long.latest!.requestsPerSecond, (42 - 18) / 6);
  assert.deepEqual(v.queues, [
    { queue: "oms.kitchen", depth: 0, rates: {} },
    // the largest depth reported; deliveries of both consumers added up
    { queue: "oms.orders", depth: 3, rates: { processed: 3, parked: 0.2 } },
  ]);
  assert.deepEqual(v.outboxes, [{ service: "orders", records: 2, oldestAgeSeconds: 9 }]);
  assert.deepEqual(v.deadLetters, { orders: 1 });
});
