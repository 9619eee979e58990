import assert from "node:assert/strict";
import { Progress, progressLine, type ProgressSink } from "./progress.ts";

const snapshot = () => ({ elapsedMs: 12_000, orders: 150, errors: 2, outOfStock: 3 });

function sink(isTerminal: boolean): ProgressSink & { out: string[] } {
  const out: string[] = [];
  return { out, isTerminal, write: (t) => void out.push(t) };
}

Deno.test("the progress line shows elapsed time, orders, orders/s, errors and out-of-stock answers", () => {
  assert.equal(progressLine(snapshot()), "load: 12.0 s  orders 150  12.5/s  errors 2  out of stock 3");
  assert.equal(
    progressLine({ elapsedMs: 0, orders: 0, errors: 0, outOfStock: 0 }),
    "load: 0.0 s  orders 0  0.0/s  errors 0  out of stock 0",
  );
});

Deno.test("on a terminal the line is rewritten in place every half second and ended on stop", () => {
  const s = sink(true);
  const p = new Progress(s, snapshot);
  assert.equal(p.intervalMs, 500);
  p.tick();
  p.tick();
  p.stop();
  assert.equal(s.out.length, 4);
  for (const line of s.out.slice(0, 3)) {
    assert.ok(line.startsWith("\r\x1b[2Kload: 12.0 s"), JSON.stringify(line));
  }
  assert.equal(s.out[3], "\n");
});

Deno.test("elsewhere a whole line is written every 5 seconds", () => {
  const s = sink(false);
  const p = new Progress(s, snapshot);
  assert.equal(p.intervalMs, 5000);
  p.start();
  p.stop();
  assert.deepEqual(s.out, ["load: 12.0 s  orders 150  12.5/s  errors 2  out of stock 3\n"]);
});
