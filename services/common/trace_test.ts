import assert from "node:assert/strict";
import { ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  canonicalTraceparent,
  childOf,
  contextFromTraceparent,
  currentTraceparent,
  effectiveTraceparent,
  formatTraceparent,
  isTraceparent,
  newTraceparent,
  spanContextOf,
  spanIdOf,
  traceIdOf,
  traceMetadata,
  traceparentOf,
  traceparentOfContext,
} from "./trace.ts";

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

Deno.test("newTraceparent makes distinct, sampled, well-formed version-00 traceparents", () => {
  const a = newTraceparent();
  const b = newTraceparent();
  assert.match(a, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.notEqual(traceIdOf(a), traceIdOf(b));
  assert.ok(isTraceparent(a));
});

Deno.test("newTraceparent writes every random byte as its two hex digits (all 256 values seen)", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const tp = newTraceparent();
    assert.match(tp, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    for (const id of [traceIdOf(tp), spanIdOf(tp)]) {
      for (let j = 0; j < id.length; j += 2) seen.add(id.slice(j, j + 2));
    }
  }
  assert.equal(seen.size, 256);
});

Deno.test("isTraceparent, traceIdOf and spanIdOf read what the W3C propagator accepts", () => {
  assert.ok(isTraceparent(TP));
  assert.equal(traceIdOf(TP), "0af7651916cd43dd8448eb211c80319c");
  assert.equal(spanIdOf(TP), "b7ad6b7169203331");
  for (
    const bad of [undefined, "", "garbage", TP.toUpperCase(), `00-${"0".repeat(32)}-b7ad6b7169203331-01`]
  ) {
    assert.equal(isTraceparent(bad), false, String(bad));
    assert.equal(traceIdOf(bad), "");
  }
  assert.equal(isTraceparent(42), false);
});

Deno.test("a traceparent survives context and back unchanged", () => {
  const ctx = contextFromTraceparent(TP);
  assert.equal(trace.getSpanContext(ctx)?.traceFlags, TraceFlags.SAMPLED);
  assert.equal(traceparentOfContext(ctx), TP);
  assert.equal(traceparentOfContext(ROOT_CONTEXT), undefined);
  assert.equal(contextFromTraceparent("garbage"), ROOT_CONTEXT);
});

Deno.test("with tracing off there is no active span: explicit traceparents pass through unchanged", () => {
  assert.equal(currentTraceparent(), undefined);
  assert.equal(effectiveTraceparent(TP), TP);
  assert.equal(effectiveTraceparent(undefined), undefined);
  assert.equal(effectiveTraceparent("garbage"), undefined);
});

Deno.test("childOf keeps the trace with a new span id; without a valid parent it starts a new trace", () => {
  const child = childOf(TP);
  assert.equal(traceIdOf(child), traceIdOf(TP));
  assert.notEqual(spanIdOf(child), spanIdOf(TP));
  assert.ok(isTraceparent(childOf(undefined)));
  assert.ok(isTraceparent(childOf("garbage")));
});

Deno.test("traceMetadata and traceparentOf carry a traceparent through gRPC metadata; malformed ones are dropped", () => {
  assert.equal(traceparentOf(traceMetadata(TP)), TP);
  assert.equal(traceparentOf(traceMetadata(undefined)), undefined);
  assert.equal(traceparentOf(traceMetadata("garbage")), undefined);
});

Deno.test("spanContextOf, formatTraceparent and canonicalTraceparent read and write exactly as the W3C propagator", () => {
  const propagator = new W3CTraceContextPropagator();
  const ids = "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331";
  const getter = {
    keys: (c: Record<string, string>) => Object.keys(c),
    get: (c: Record<string, string>, k: string) => c[k],
  };
  const cases = [
    TP,
    `00-${ids}-00`,
    `00-${ids}-03`,
    `00-${ids}-ff`,
    `01-${ids}-01-future`,
    ` 00-${ids}-01 `,
    `00-${ids}-01-extra`,
    `ff-${ids}-01`,
    "",
    "garbage",
    TP.toUpperCase(),
  ];
  for (const tp of cases) {
    const viaPropagator = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent: tp }, getter));
    assert.deepEqual(spanContextOf(tp), viaPropagator, JSON.stringify(tp));
    const carrier: Record<string, string> = {};
    if (viaPropagator) {
      propagator.inject(trace.setSpanContext(ROOT_CONTEXT, viaPropagator), carrier, {
        set: (c, k, v) => void (c[k] = v),
      });
    }
    assert.equal(canonicalTraceparent(tp), carrier.traceparent, JSON.stringify(tp));
    if (viaPropagator) assert.equal(formatTraceparent(viaPropagator), carrier.traceparent);
  }
  assert.equal(canonicalTraceparent(`01-${ids}-01-future`), `00-${ids}-01`);
  assert.equal(
    formatTraceparent({ traceId: "0".repeat(32), spanId: "b7ad6b7169203331", traceFlags: 1 }),
    undefined,
  );
});

Deno.test("spanContextOf answers a traceparent read again from what it parsed, frozen, and stays right past its limit", () => {
  const first = spanContextOf(TP);
  assert.ok(first && Object.isFrozen(first), "frozen: no caller can change what others are given");
  assert.equal(spanContextOf(TP), first, "the same context, not parsed again");
  assert.equal(spanContextOf("garbage"), undefined);
  assert.equal(spanContextOf("garbage"), undefined, "a malformed one stays malformed");
  const many = Array.from({ length: 1500 }, () => newTraceparent());
  for (const tp of many) assert.equal(spanContextOf(tp)?.traceId, tp.slice(3, 35));
  assert.equal(spanContextOf(many[0])?.traceId, many[0]!.slice(3, 35), "parsed again once forgotten");
  assert.deepEqual(spanContextOf(TP), first);
});
