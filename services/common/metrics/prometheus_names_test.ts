import assert from "node:assert/strict";
import { suffixedName, unitSuffix } from "./prometheus_names.ts";

Deno.test("units become the suffixes OpenTelemetry's Prometheus rules give them", () => {
  assert.equal(unitSuffix("ms"), "milliseconds");
  assert.equal(unitSuffix("s"), "seconds");
  assert.equal(unitSuffix("{message}"), "");
  assert.equal(unitSuffix("1"), "");
  assert.equal(unitSuffix(""), "");
  assert.equal(unitSuffix("By"), "bytes");
});

Deno.test("a name gets its unit's suffix once", () => {
  assert.equal(suffixedName("rpc.server.duration", "ms"), "rpc.server.duration_milliseconds");
  assert.equal(suffixedName("oms.outbox.oldest_age", "s"), "oms.outbox.oldest_age_seconds");
  assert.equal(suffixedName("already_seconds", "s"), "already_seconds");
  assert.equal(suffixedName("oms.orders", "{order}"), "oms.orders");
});
