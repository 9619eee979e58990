import assert from "node:assert/strict";
import { parsePrometheusText, PrometheusParseError } from "./prometheus_text.ts";

Deno.test("parses HELP, TYPE, UNIT, labels with escapes, special values and timestamps", () => {
  const text = [
    "# HELP oms_outbox_records Records waiting",
    "# UNIT oms_outbox_records 1",
    "# TYPE oms_outbox_records gauge",
    'oms_outbox_records{oms_service="orders",otel_scope_name="oms"} 2',
    "",
    "# a free comment",
    "# TYPE messaging_client_consumed_messages_total counter",
    'messaging_client_consumed_messages_total{messaging_destination_name="q \\"x\\"\\n\\\\",oms_outcome="processed",} 3e2 1700000000000',
    'rpc_server_duration_milliseconds_bucket{le="+Inf"} +Inf',
    "up NaN",
    "down -Inf\r",
    "plain 0.5",
  ].join("\n");
  const { samples, types } = parsePrometheusText(text);
  assert.equal(types.get("oms_outbox_records"), "gauge");
  assert.equal(types.get("messaging_client_consumed_messages_total"), "counter");
  assert.deepEqual(samples[0], {
    name: "oms_outbox_records",
    labels: { oms_service: "orders", otel_scope_name: "oms" },
    value: 2,
  });
  assert.deepEqual(samples[1]!.labels, { messaging_destination_name: 'q "x"\n\\', oms_outcome: "processed" });
  assert.equal(samples[1]!.value, 300);
  assert.deepEqual(samples[2], {
    name: "rpc_server_duration_milliseconds_bucket",
    labels: { le: "+Inf" },
    value: Infinity,
  });
  assert.ok(Number.isNaN(samples[3]!.value));
  assert.equal(samples[4]!.value, -Infinity);
  assert.deepEqual(samples[5], { name: "plain", labels: {}, value: 0.5 });
  assert.equal(samples.length, 6);
});

Deno.test("refuses malformed lines, naming the line", () => {
  const bad: [string, RegExp][] = [
    ["ok 1\n9bad 1", /line 2: bad metric name/],
    ['m{a="x} 1', /line 1: unterminated value of label a/],
    ['m{a="x" b="y"} 1', /expected , or }/],
    ["m{a=x} 1", /expected ="..." after label a/],
    ['m{a="\\t"} 1', /bad escape/],
    ['m{a="1",a="2"} 1', /label a given twice/],
    ["m one", /"one" is not a number/],
    ["m 1 2 3", /too many fields/],
    ["m 1 soon", /bad timestamp/],
    ["m", /expected a space and a value/],
    ["m{} ", /is not a number|expected a space/],
    ["# TYPE m gauges", /unknown type "gauges"/],
    ["# TYPE 1m gauge", /bad metric name/],
  ];
  for (const [text, pattern] of bad) {
    assert.throws(
      () => parsePrometheusText(text),
      (e: unknown) => e instanceof PrometheusParseError && pattern.test(e.message),
      text,
    );
  }
});

Deno.test("stops at maxSamples", () => {
  assert.throws(() => parsePrometheusText("a 1\nb 2\nc 3", { maxSamples: 2 }), /line 3: more than 2 samples/);
  assert.equal(parsePrometheusText("a 1\nb 2", { maxSamples: 2 }).samples.length, 2);
});
