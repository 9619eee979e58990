import assert from "node:assert/strict";
import { summarize } from "./junit_summary.ts";

Deno.test("summarize counts passes, failures, errors and skips from JUnit XML", () => {
  const xml = `<?xml version="1.0"?><testsuites><testsuite name="a">
    <testcase name="ok one" classname="a"/>
    <testcase name="ok two" classname="a"></testcase>
    <testcase name="bad" classname="a"><failure message="x">boom</failure></testcase>
    <testcase name="err" classname="a"><error message="y"/></testcase>
    <testcase name="skip" classname="a"><skipped/></testcase>
  </testsuite></testsuites>`;
  assert.deepEqual(summarize(xml), { passed: 2, failed: 2, skipped: 1 });
});

Deno.test("summarize finds no test cases in an empty report", () => {
  assert.deepEqual(summarize("<testsuites></testsuites>"), { passed: 0, failed: 0, skipped: 0 });
});
