/**
 * Prints `N passed, N failed` from a JUnit XML file (what `.ci/run` reports), counting test cases
 * with and without a <failure>/<error> child. Exits 1 when the file is missing or has no test cases.
 *
 * @module
 */

/** Counts of one JUnit report. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/** Counts the test cases of a JUnit XML document. */
export function summarize(xml: string): Summary {
  const s: Summary = { passed: 0, failed: 0, skipped: 0 };
  const re = /<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const inner = m[2] ?? "";
    if (/<(failure|error)\b/.test(inner)) s.failed++;
    else if (/<skipped\b/.test(inner)) s.skipped++;
    else s.passed++;
  }
  return s;
}

if (import.meta.main) {
  const path = Deno.args[0] ?? ".test-results/junit.xml";
  let xml: string;
  try {
    xml = await Deno.readTextFile(path);
  } catch {
    console.log("0 passed, 1 failed");
    console.error(`no test results at ${path}`);
    Deno.exit(1);
  }
  const s = summarize(xml);
  if (s.passed + s.failed === 0) {
    console.log("0 passed, 1 failed");
    console.error("the test run executed no test");
    Deno.exit(1);
  }
  console.log(`${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ""}`);
}
