import assert from "node:assert/strict";
import { DEFAULT_SESSION_LIMITS, isLive, keepFor, needsTouch } from "./session.ts";

const limits = { ttlMs: 100_000, idleMs: 30_000, touchMs: 5_000 };
const s = { account: "ann", csrf: "c", createdAt: 0, seenAt: 0 };

Deno.test("a session lives until idle too long or past its lifetime, whichever comes first", () => {
  assert.equal(isLive(s, 29_999, limits), true);
  assert.equal(isLive(s, 30_000, limits), false, "idle");
  assert.equal(isLive({ ...s, seenAt: 95_000 }, 99_999, limits), true);
  assert.equal(isLive({ ...s, seenAt: 95_000 }, 100_000, limits), false, "past the lifetime although active");
});

Deno.test("last-seen is written only when stale; the store keeps a session until idle or its end", () => {
  assert.equal(needsTouch(s, 4_999, limits), false);
  assert.equal(needsTouch(s, 5_000, limits), true);
  assert.equal(keepFor(s, 0, limits), 30_000, "the idle timeout first");
  assert.equal(keepFor(s, 90_000, limits), 10_000, "then what is left of the lifetime");
  assert.deepEqual(DEFAULT_SESSION_LIMITS, { ttlMs: 8 * 3600_000, idleMs: 2 * 3600_000, touchMs: 60_000 });
});
