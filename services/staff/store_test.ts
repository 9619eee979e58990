import assert from "node:assert/strict";
import {
  accountSessionKey,
  addSessionDelete,
  addSessionWrite,
  getSession,
  sessionHash,
  sessionKey,
  sessionsOf,
  windowKey,
} from "./store.ts";

Deno.test('every staff key lives under ["staff", ...] in the host\'s store', () => {
  for (const key of [sessionKey("h"), accountSessionKey("ann", "h"), windowKey("address", "10.0.0.1")]) {
    assert.equal(key[0], "staff");
  }
});

Deno.test("a session is stored under the SHA-256 of its id, indexed by account, and deleted with its index", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const id = "A".repeat(43);
    const hash = await sessionHash(id);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.notEqual(hash, id);
    const session = { account: "ann", csrf: "t", createdAt: 1, seenAt: 1 };
    await addSessionWrite(kv.atomic(), hash, session, 60_000).commit();
    assert.deepEqual((await getSession(kv, hash)).value, session);
    assert.deepEqual(await sessionsOf(kv, "ann"), [hash]);
    await addSessionDelete(kv.atomic(), "ann", hash).commit();
    assert.equal((await getSession(kv, hash)).value, null);
    assert.deepEqual(await sessionsOf(kv, "ann"), []);
  } finally {
    kv.close();
  }
});
