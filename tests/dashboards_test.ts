/**
 * The dashboards in deploy/grafana/dashboards/ are valid, and their panel queries name only metrics OMS
 * defines (`names.ts`); tests/metrics_test.ts checks them against a scrape of a running system.
 */
import assert from "node:assert/strict";
import { METRIC } from "../services/common/metrics/names.ts";
import { dashboardMetricNames, metricNamesOf, readDashboards } from "./dashboards.ts";

Deno.test("metric names are read out of PromQL: not functions, labels, strings, ranges or variables", () => {
  assert.deepEqual(
    metricNamesOf(
      'histogram_quantile(0.95, sum by (le, rpc_method) (rate(rpc_server_duration_milliseconds_bucket{rpc_grpc_status_code!="0", x=~"a b"}[$__rate_interval])))',
    ),
    ["rpc_server_duration_milliseconds"],
  );
  assert.deepEqual(
    metricNamesOf("sum(rate(a_total[5m])) / sum(rate(b_seconds_count[${__range}])) or on (job) vector(0)"),
    ["a_total", "b_seconds"],
  );
  assert.deepEqual(metricNamesOf("60 * max by (status) (oms_orders) > bool 1"), ["oms_orders"]);
});

Deno.test("three dashboards (service RED, order funnel, messaging health) query only metrics names.ts defines", async () => {
  const dashboards = await readDashboards();
  assert.deepEqual(dashboards.map((d) => d.file), ["oms-messaging.json", "oms-orders.json", "oms-red.json"]);
  const known = new Set<string>(Object.values(METRIC));
  for (const d of dashboards) {
    assert.ok(d.panels.length > 0, `${d.file} has panels`);
    const uses = dashboardMetricNames(d);
    assert.ok(uses.length >= d.panels.length, `${d.file}: every panel queries a metric`);
    for (const { panel, metric } of uses) {
      assert.ok(known.has(metric), `${d.file}: "${panel}" queries ${metric}, which names.ts does not define`);
    }
  }
  const all = new Set(dashboards.flatMap((d) => dashboardMetricNames(d).map((u) => u.metric)));
  for (const name of Object.values(METRIC)) {
    if (name === METRIC.flagFired || name === METRIC.reconciled) continue; // only after a flag or a recovery
    assert.ok(all.has(name), `some dashboard shows ${name}`);
  }
});
