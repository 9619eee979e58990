import assert from "node:assert/strict";
import { BenchOptionsError, parseBenchOptions } from "./options.ts";

Deno.test("bench defaults: 64 shoppers for 30 s, 2000 floor operations 16 in flight, results in bench/results", () => {
  assert.deepEqual(parseBenchOptions([]), {
    durationS: 30,
    concurrency: 64,
    floorOps: 2000,
    floorLanes: 16,
    restock: 1_000_000,
    outDir: "bench/results",
    quick: false,
    help: false,
  });
});

Deno.test("--quick shortens everything, and explicit flags still win", () => {
  const q = parseBenchOptions(["--quick", "--duration", "2"]);
  assert.deepEqual([q.quick, q.durationS, q.concurrency, q.floorOps], [true, 2, 4, 200]);
});

Deno.test("a bad or unknown flag says which and why", () => {
  assert.throws(() => parseBenchOptions(["--concurrency", "0"]), (e: unknown) => {
    assert.ok(e instanceof BenchOptionsError);
    assert.match(e.message, /--concurrency must be a whole number from 1 to 256, got "0"/);
    return true;
  });
  assert.throws(() => parseBenchOptions(["--nope"]), /see --help/);
});
