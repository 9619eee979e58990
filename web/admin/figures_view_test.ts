import assert from "node:assert/strict";
import { formatTicketTime } from "./figures_view.ts";

Deno.test("ticket times read as minutes and seconds, none as a dash", () => {
  assert.equal(formatTicketTime(0), "–");
  assert.equal(formatTicketTime(45_000), "45 s");
  assert.equal(formatTicketTime(12 * 60_000 + 5_000), "12 min 05 s");
});
