import assert from "node:assert/strict";
import { parsePrometheusText } from "./prometheus_text.ts";
import { familyNames, sumOf } from "./samples.ts";

const TEXT = `# HELP x_total things
# TYPE x_total counter
x_total{a="1",b="q\\"uote"} 3
x_total{a="2"} 4
# TYPE h_seconds histogram
h_seconds_bucket{le="+Inf"} 2
h_seconds_count 2
h_seconds_sum 0.5
plain 7 1700000000000
`;

Deno.test("sums matching samples and folds histogram series into families", () => {
  const { samples } = parsePrometheusText(TEXT);
  assert.equal(samples.length, 6);
  assert.equal(sumOf(samples, "x_total"), 7);
  assert.equal(sumOf(samples, "x_total", { a: "2" }), 4);
  assert.equal(sumOf(samples, "x_total", { a: "9" }), 0);
  assert.deepEqual([...familyNames(samples)].sort(), ["h_seconds", "plain", "x_total"]);
});
