import assert from "node:assert/strict";
import { whyIllegal } from "./order_actions.ts";
import { legalActions, payloadPreview, PREVIEW_CHARS } from "./view.ts";

Deno.test("only the actions legal in a status are offered", () => {
  assert.deepEqual(legalActions("pending"), ["cancel"]);
  assert.deepEqual(legalActions("waiting_payment"), ["cancel"]);
  assert.deepEqual(legalActions("paid"), ["refund"]);
  assert.deepEqual(legalActions("preparing"), []);
  assert.deepEqual(legalActions("ready"), ["complete"]);
  for (const s of ["completed", "cancelled", "refunded"]) assert.deepEqual(legalActions(s), []);
  assert.equal(whyIllegal("refund", "paid"), null);
  assert.match(
    whyIllegal("refund", "ready") ?? "",
    /Refund is not possible: the order is ready, and only paid orders/,
  );
});

Deno.test("payload previews cut long payloads by characters, not bytes", () => {
  assert.deepEqual(payloadPreview("short"), { text: "short", truncated: false });
  const long = "é".repeat(PREVIEW_CHARS + 1);
  const p = payloadPreview(long);
  assert.equal(p.truncated, true);
  assert.equal([...p.text].length, PREVIEW_CHARS);
});
