/**
 * Merging the JUnit files of the suite's parts (scripts/run_tests.ts runs each part as its own
 * `deno test`) into the one `.test-results/junit.xml` that `.ci/run` counts.
 *
 * @module
 */

/** One JUnit document made of every `<testsuite>` of `reports`, in order. */
export function mergeJunit(reports: readonly string[]): string {
  const suites = reports.flatMap((xml) =>
    [...xml.matchAll(/<testsuite\b[\s\S]*?<\/testsuite>/g)].map((m) => m[0])
  );
  const count = (re: RegExp) => suites.reduce((n, s) => n + [...s.matchAll(re)].length, 0);
  const tests = count(/<testcase\b/g);
  const failures = count(/<failure\b/g);
  const errors = count(/<error\b/g);
  return `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="deno test" tests="${tests}" failures="${failures}" errors="${errors}">\n` +
    suites.map((s) => `    ${s}\n`).join("") +
    `</testsuites>\n`;
}

/** A report of one failed test case saying that `part` left no results (its process died twice). */
export function crashReport(part: readonly string[], code: number): string {
  const name = escapeXml(part.join(" "));
  return `<testsuite name="${name}" tests="1" failures="1">` +
    `<testcase name="${name}: the test run ended without results (exit ${code})" classname="${name}">` +
    `<failure message="no results (exit ${code})"/></testcase></testsuite>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
