import assert from "node:assert/strict";
import { FALLBACK_STAFF, signedIn } from "./signed_in.ts";

Deno.test("the signed-in staff member comes from state.staff, else the owner 'admin'", () => {
  assert.deepEqual(signedIn({ staff: { name: "Mia", role: "kitchen" } }), { name: "Mia", role: "kitchen" });
  assert.deepEqual(signedIn({}), FALLBACK_STAFF);
  assert.deepEqual(signedIn({ staff: null }), FALLBACK_STAFF);
  assert.deepEqual(signedIn({ staff: { name: "X", role: "god" } }), FALLBACK_STAFF);
});
