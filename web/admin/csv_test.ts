import assert from "node:assert/strict";
import { csvCell, csvLine } from "./csv.ts";

Deno.test("cells with commas, quotes and line breaks are quoted, quotes doubled", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi", then'), '"say ""hi"", then"');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvLine(["a", 1, "b,c"]), 'a,1,"b,c"\r\n');
});

Deno.test("cells that a spreadsheet would run as a formula get a leading apostrophe", () => {
  assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvCell("+49 30 1234"), "'+49 30 1234");
  assert.equal(csvCell("-2"), "'-2");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell(12.5), "12.5");
});
