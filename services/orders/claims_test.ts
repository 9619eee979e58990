import assert from "node:assert/strict";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { claimIdempotency, releaseClaim, renewClaim } from "./claims.ts";
import { idempotencyKey } from "./store.ts";

const log = createLogger("orders", "error");

Deno.test("an idempotency key is claimed once; a release lets the next attempt claim it", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const uow = unitOfWork({ kv, kick: () => {}, log });
    assert.deepEqual(await claimIdempotency(uow, "alice", "k", "o1", 100), { claimed: true });
    const second = await claimIdempotency(uow, "alice", "k", "o2", 200);
    assert.equal(second.claimed, false);
    if (second.claimed) return;
    assert.deepEqual(second.existing, { orderId: "o1", claimedAt: 100 });
    await releaseClaim(uow, "alice", "k", "o2");
    assert.equal(
      (await claimIdempotency(uow, "alice", "k", "o3")).claimed,
      false,
      "only the holder releases",
    );
    assert.equal(await renewClaim(uow, "alice", "k", second.existing, second.versionstamp, 300), true);
    assert.equal(await renewClaim(uow, "alice", "k", second.existing, second.versionstamp, 400), false);
    await releaseClaim(uow, "alice", "k", "o1");
    assert.deepEqual(await claimIdempotency(uow, "alice", "k", "o4"), { claimed: true });
  } finally {
    kv.close();
  }
});

Deno.test("a free key is claimed without a read; a held key is read after the blind claim fails", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    let reads = 0;
    const counted = new Proxy(kv, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (prop === "get" || prop === "getMany") reads++;
          return value.apply(target, args);
        };
      },
    });
    const uow = unitOfWork({ kv: counted, kick: () => {}, log });
    assert.deepEqual(await claimIdempotency(uow, "alice", "k", "o1", 100, "fp1"), { claimed: true });
    assert.equal(reads, 0, "a new key costs one commit and no read");
    const second = await claimIdempotency(uow, "alice", "k", "o2", 200, "fp2");
    assert.equal(reads, 1, "a held key is read once, after the blind commit's check failed");
    assert.equal(second.claimed, false);
    if (second.claimed) return;
    assert.deepEqual(second.existing, { orderId: "o1", claimedAt: 100, fingerprint: "fp1" });
    assert.deepEqual(
      (await kv.get(idempotencyKey("alice", "k"))).value,
      { orderId: "o1", claimedAt: 100, fingerprint: "fp1" },
      "the holder's claim is untouched",
    );
  } finally {
    kv.close();
  }
});
