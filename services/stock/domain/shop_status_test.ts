import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { MAX_BUSY_MINUTES, setBusy } from "./shop_status.ts";

Deno.test("setBusy records the minutes, who and when", () => {
  assert.deepEqual(setBusy(30, "ada", new Date("2026-11-30T12:00:00Z")), {
    busyMinutes: 30,
    updatedBy: "ada",
    updatedAt: "2026-11-30T12:00:00.000Z",
  });
  assert.equal(setBusy(0, "ada", new Date()).busyMinutes, 0);
  assert.equal(setBusy(MAX_BUSY_MINUTES, "ada", new Date()).busyMinutes, 120);
});

Deno.test("setBusy refuses minutes outside 0..120 or not whole, naming the value", () => {
  for (const bad of [-1, 121, 2.5, NaN]) {
    assert.throws(() => setBusy(bad, "ada", new Date()), (err) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, "invalid_argument");
      assert.equal(err.field, "minutes");
      assert.match(err.message, new RegExp(`from 0 to 120, got ${bad}`));
      return true;
    });
  }
});
