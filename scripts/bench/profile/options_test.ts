import assert from "node:assert/strict";
import { BenchOptionsError } from "../options.ts";
import { parseProfileOptions } from "./options.ts";

Deno.test("bench:profile defaults to 32 shoppers for 20 s, sampling every millisecond", () => {
  const o = parseProfileOptions([]);
  assert.deepEqual(o, {
    durationS: 20,
    concurrency: 32,
    intervalUs: 1000,
    topFunctions: 15,
    topModules: 10,
    restock: 1_000_000,
    outDir: "bench/results/profiles",
    help: false,
  });
});

Deno.test("bench:profile takes its flags and names the one that is wrong", () => {
  const o = parseProfileOptions([
    "--duration",
    "5",
    "--concurrency",
    "8",
    "--interval-us",
    "250",
    "--out",
    "x",
  ]);
  assert.equal(o.durationS, 5);
  assert.equal(o.concurrency, 8);
  assert.equal(o.intervalUs, 250);
  assert.equal(o.outDir, "x");
  assert.throws(() => parseProfileOptions(["--interval-us", "10"]), /--interval-us must be/);
  assert.throws(() => parseProfileOptions(["--quick"]), BenchOptionsError);
});
