import assert from "node:assert/strict";
import { DEFAULT_LIMITS, prune, refusal, windowsOf } from "./throttle.ts";

const limits = { ...DEFAULT_LIMITS, windowMs: 60_000, address: 3, account: 5, global: 8, device: 2 };

Deno.test("a known device counts only against its own window; others against address, account and global", () => {
  assert.deepEqual(windowsOf({ account: "ann", address: "1.2.3.4", device: "dev1" }), [
    { scope: "device", key: "dev1" },
  ]);
  assert.deepEqual(windowsOf({ account: "ann", address: "1.2.3.4", device: null }).map((w) => w.scope), [
    "address",
    "account",
    "global",
  ]);
});

Deno.test("refused at the limit with the seconds until the oldest failure leaves the window", () => {
  const now = 100_000;
  const full = { scope: "address" as const, key: "a", times: [50_000, 60_000, 70_000] };
  assert.deepEqual(refusal([full], now, limits), { scope: "address", retryAfterSeconds: 10 });
  assert.equal(refusal([{ ...full, times: [60_000, 70_000] }], now, limits), null);
  assert.deepEqual(prune([30_000, 50_000], now, 60_000), [50_000]);
});
