import assert from "node:assert/strict";
import { parseBusyMinutes } from "./busy_form.ts";

Deno.test("parseBusyMinutes accepts 0..120 and says what is wrong otherwise", () => {
  assert.equal(parseBusyMinutes("0"), 0);
  assert.equal(parseBusyMinutes(" 45 "), 45);
  assert.equal(parseBusyMinutes("120"), 120);
  assert.equal(parseBusyMinutes("121"), "Busy minutes must be from 0 to 120, got 121.");
  assert.match(parseBusyMinutes("-5") as string, /whole number from 0 to 120, got "-5"/);
  assert.match(parseBusyMinutes("") as string, /got ""/);
  assert.match(parseBusyMinutes("2.5") as string, /got "2.5"/);
});
