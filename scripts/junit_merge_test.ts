import assert from "node:assert/strict";
import { summarize } from "./junit_summary.ts";
import { crashReport, mergeJunit } from "./junit_merge.ts";

const part = (name: string, cases: string) =>
  `<?xml version="1.0"?>\n<testsuites name="deno test">\n<testsuite name="${name}" tests="2">${cases}</testsuite>\n</testsuites>`;

Deno.test("the parts' suites are merged into one report that counts every case once", () => {
  const merged = mergeJunit([
    part(
      "./a_test.ts",
      `<testcase name="a1"></testcase><testcase name="a2"><failure message="x"/></testcase>`,
    ),
    part("./b_test.ts", `<testcase name="b1"/>`),
  ]);
  assert.deepEqual(summarize(merged), { passed: 2, failed: 1, skipped: 0 });
  assert.match(merged, /<testsuites name="deno test" tests="3" failures="1" errors="0">/);
});

Deno.test("a part that left no results counts as one failed case naming it", () => {
  const merged = mergeJunit([part("./a_test.ts", `<testcase name="a1"/>`), crashReport(["tests"], 139)]);
  assert.deepEqual(summarize(merged), { passed: 1, failed: 1, skipped: 0 });
  assert.match(merged, /tests: the test run ended without results \(exit 139\)/);
});
