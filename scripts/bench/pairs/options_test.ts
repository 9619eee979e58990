import assert from "node:assert/strict";
import { BenchOptionsError } from "../options.ts";
import { parsePairsOptions } from "./options.ts";

Deno.test("pairs' options: --base is required; two pairs by default; the bench's flags after -- pass through", () => {
  assert.deepEqual(parsePairsOptions(["--base", "HEAD~1"]), {
    base: "HEAD~1",
    pairs: 2,
    outDir: "bench/results/pairs",
    benchArgs: [],
    help: false,
  });
  const o = parsePairsOptions([
    "--base",
    "abc",
    "--pairs",
    "5",
    "--out",
    "/tmp/x",
    "--",
    "--duration",
    "20",
    "--one-process",
  ]);
  assert.equal(o.pairs, 5);
  assert.equal(o.outDir, "/tmp/x");
  assert.deepEqual(o.benchArgs, ["--duration", "20", "--one-process"]);
  assert.equal(parsePairsOptions(["-h"]).help, true, "--help needs no --base");
});

Deno.test("pairs' options: a missing base, a bad count, a bad bench flag or --out for the runs are refused with the flag named", () => {
  const refused = (args: string[], why: RegExp) =>
    assert.throws(
      () => parsePairsOptions(args),
      (e: unknown) => e instanceof BenchOptionsError && why.test(e.message),
    );
  refused([], /--base REV is required/);
  refused(["--base", "x", "--pairs", "0"], /--pairs must be a whole number from 1 to 20, got "0"/);
  refused(["--base", "x", "--pairs", "two"], /--pairs/);
  refused(["--base", "x", "--what"], /--what/);
  refused(["--base", "x", "--", "--duration", "-1"], /--duration/);
  refused(["--base", "x", "--", "--out", "y"], /--out after -- is not allowed/);
  refused(["--base", "x", "--", "--help"], /put it before --/);
});
