import assert from "node:assert/strict";
import { whyIllegal } from "./order_actions.ts";
import { legalActions, payloadPreview, PREVIEW_CHARS } from "./view.ts";

Deno.test("staff are offered exactly the staff actions the order allows, in button order", () => {
  assert.deepEqual(legalActions({ allowedActions: ["cancel", "pay"] }), ["cancel"]);
  assert.deepEqual(legalActions({ allowedActions: ["refund"] }), ["refund"]);
  assert.deepEqual(legalActions({ allowedActions: ["complete"] }), ["complete"]);
  assert.deepEqual(legalActions({ allowedActions: ["complete", "refund", "cancel"] }), [
    "cancel",
    "refund",
    "complete",
  ]);
  assert.deepEqual(legalActions({ allowedActions: ["pay"] }), [], "paying is the customer's");
  assert.deepEqual(legalActions({ allowedActions: [] }), []);
});

Deno.test("an action the order does not allow is explained with what it allows instead", () => {
  assert.equal(whyIllegal("refund", { status: "paid", allowedActions: ["refund"] }), null);
  assert.equal(
    whyIllegal("refund", { status: "ready", allowedActions: ["complete"] }),
    "Refund is not possible: the order is ready (what it allows now: Mark completed). Nothing was changed.",
  );
  assert.match(
    whyIllegal("cancel", { status: "completed", allowedActions: [] }) ?? "",
    /^Cancel order is not possible: the order is completed \(no staff action is open on it\)/,
  );
});
Deno.test("payload previews cut long payloads by characters, not bytes", () => {
  assert.deepEqual(payloadPreview("short"), { text: "short", truncated: false });
  const long = "é".repeat(PREVIEW_CHARS + 1);
  const p = payloadPreview(long);
  assert.equal(p.truncated, true);
  assert.equal([...p.text].length, PREVIEW_CHARS);
});
