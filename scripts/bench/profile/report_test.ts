import assert from "node:assert/strict";
import type { CpuProfile } from "./cpuprofile.ts";
import { formatSection } from "./report.ts";

const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: "(idle)", url: "", lineNumber: 0, columnNumber: 0 } },
    {
      id: 2,
      callFrame: { functionName: "f", url: "file:///repo/web/app.ts", lineNumber: 4, columnNumber: 0 },
    },
    { id: 3, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: 0, columnNumber: 0 } },
  ],
  startTime: 0,
  endTime: 4000,
  samples: [1, 2, 2, 3],
  timeDeltas: [0, 1000, 1000, 1000],
};

Deno.test("a section shows CPU per order from /proc and each row's share of the busy samples", () => {
  const text = formatSection({ name: "web", profile: PROFILE, cpuS: 0.006, orders: 2 }, {
    rootUrl: "file:///repo/",
    topFunctions: 15,
    topModules: 10,
  });
  assert.match(text, /^== web: 0\.01 CPU-s over the window \(\/proc\) = 3\.00 ms\/order; sampled 0\.0 s/);
  assert.match(text, /busy \(not idle\) 0\.00 s \(50% of its CPU-s\), GC 33\.3%/);
  // f: 2 ms of 3 ms busy = 66.7%, of 4 ms all = 50%, 2/3 of 3 ms/order = 2.00
  assert.match(text, /\n +2 +66\.7% +50\.0% +2\.00 +f web\/app\.ts:5\n/);
  assert.match(text, /\n +2 +66\.7% +50\.0% +2\.00 +oms:web\n/);
  assert.doesNotMatch(text, /\(idle\)/);
});
