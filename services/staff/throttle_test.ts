import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "./domain/throttle.ts";
import { type Scopes, ThrottleWindows } from "./throttle.ts";

const limits = { ...DEFAULT_LIMITS, windowMs: 60_000, address: 3, account: 1000, global: 40 };

function scopesOf(address: string, account = "admin"): Scopes {
  return [{ scope: "address", key: address }, { scope: "account", key: account }, {
    scope: "global",
    key: "",
  }];
}

Deno.test("a burst of 300 attempts from 300 addresses takes exactly the global cap of places, in batches", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const t = new ThrottleWindows(kv, limits);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => t.take(scopesOf(`198.51.100.${i}`, `guess-${i % 7}`), 1000)),
    );
    assert.equal(results.filter((r) => r === null).length, 40);
    assert.ok(results.every((r) => r === null || r.scope === "global"));
    assert.ok(performance.now() - started < 5000, "decided together, not one by one");
    const global = await kv.get<number[]>(["staff", "throttle", "global", ""]);
    assert.equal(global.value?.length, 40);
  } finally {
    kv.close();
  }
});

Deno.test("one address past its limit is refused from a plain read; giving back frees a place", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const t = new ThrottleWindows(kv, limits);
    for (let i = 0; i < 3; i++) assert.equal(await t.take(scopesOf("203.0.113.9"), 1000 + i), null);
    assert.deepEqual(await t.take(scopesOf("203.0.113.9"), 2000), {
      scope: "address",
      retryAfterSeconds: 59,
    });
    await t.giveBack(scopesOf("203.0.113.9"), 1002);
    assert.equal(await t.take(scopesOf("203.0.113.9"), 2000), null);
    const device: Scopes = [{ scope: "device", key: "d1" }];
    assert.equal(await t.take(device, 3000), null);
    await t.giveBack(device, 3000);
    assert.equal(
      (await kv.get(["staff", "throttle", "device", "d1"])).value,
      null,
      "a device's window is cleared",
    );
  } finally {
    kv.close();
  }
});
