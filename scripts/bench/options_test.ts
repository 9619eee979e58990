import assert from "node:assert/strict";
import { BenchOptionsError, parseBenchOptions } from "./options.ts";

Deno.test("bench defaults: 64 shoppers for 30 s, 2000 floor operations 16 in flight, results in bench/results", () => {
  assert.deepEqual(parseBenchOptions([]), {
    durationS: 30,
    warmupS: 10,
    concurrency: 64,
    floorOps: 2000,
    floorLanes: 16,
    restock: 1_000_000,
    outDir: "bench/results",
    quick: false,
    oneProcess: false,
    kvCensus: false,
    help: false,
  });
});

Deno.test("--kv-census turns the KV census on", () => {
  assert.equal(parseBenchOptions(["--kv-census"]).kvCensus, true);
  assert.throws(() => parseBenchOptions(["--kv-census=1"]), /see --help/);
});

Deno.test("--one-process runs the system as start:all does", () => {
  assert.equal(parseBenchOptions(["--one-process"]).oneProcess, true);
  assert.throws(() => parseBenchOptions(["--one-process=yes"]), /see --help/);
});

Deno.test("--quick shortens everything, and explicit flags still win", () => {
  const q = parseBenchOptions(["--quick", "--duration", "2"]);
  assert.deepEqual([q.quick, q.durationS, q.warmupS, q.concurrency, q.floorOps], [true, 2, 1, 4, 200]);
  assert.equal(parseBenchOptions(["--warmup", "0"]).warmupS, 0, "no warm-up");
  assert.throws(
    () => parseBenchOptions(["--warmup=-1"]),
    /--warmup must be a number from 0 to 600, got "-1"/,
  );
});

Deno.test("a bad or unknown flag says which and why", () => {
  assert.throws(() => parseBenchOptions(["--concurrency", "0"]), (e: unknown) => {
    assert.ok(e instanceof BenchOptionsError);
    assert.match(e.message, /--concurrency must be a whole number from 1 to 256, got "0"/);
    return true;
  });
  assert.throws(() => parseBenchOptions(["--nope"]), /see --help/);
});
