import assert from "node:assert/strict";
import { createLogger } from "../common/log.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { claimIdempotency, releaseClaim, renewClaim } from "./claims.ts";

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
