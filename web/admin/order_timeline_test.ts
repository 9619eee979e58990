import assert from "node:assert/strict";
import { timelineRows } from "./order_timeline.ts";

Deno.test("steps and notes are merged by time, a note after a step of the same instant", () => {
  const step = (status: string, at: string) => ({ status, at, cause: "", traceId: "", actor: "" });
  const note = (text: string, at: string) => ({
    id: text,
    at,
    author: "anna",
    text,
    visibleToCustomer: false,
  });
  const rows = timelineRows({
    timeline: [step("pending", "2026-11-30T10:00:00Z"), step("paid", "2026-11-30T10:05:00Z")],
    notes: [note("b", "2026-11-30T10:05:00Z"), note("a", "2026-11-30T10:01:00Z")],
  });
  assert.deepEqual(rows.map((r) => r.kind === "step" ? r.step.status : r.note.text), [
    "pending",
    "a",
    "paid",
    "b",
  ]);
});
