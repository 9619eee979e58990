import assert from "node:assert/strict";
import { Flags, setupFlags } from "./flags.ts";
import { startFlagdStandIn } from "./flagd_stand_in.ts";
import { RecordingLogger } from "./testing.ts";

/** Resolves once `check` holds, or rejects after `ms`. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Not within ${ms} ms: ${what}`);
}

Deno.test("with FLAGD_HOST, flags are evaluated by flagd through OpenFeature's flagd provider, and follow flagd's changes", async () => {
  const flagd = await startFlagdStandIn({ paymentDeclineRate: 0.25, stockUnavailable: true });
  const target = new Flags();
  const handle = await setupFlags(
    { FLAGD_HOST: "127.0.0.1", FLAGD_PORT: String(flagd.port), OMS_FLAGS_FILE: "/nonexistent/flags.json" },
    new RecordingLogger(),
    target,
  );
  try {
    assert.equal(handle.source, "flagd", "FLAGD_HOST wins over OMS_FLAGS_FILE");
    assert.equal(target.enabled, true, "flagd alone knows: every evaluation asks it");
    await eventually(async () => (await target.number("paymentDeclineRate")) === 0.25, "the rate from flagd");
    assert.equal(await target.bool("stockUnavailable"), true);
    assert.equal(await target.number("stockSlowMs"), 0, "a flag flagd does not know reads off");
    assert.ok((flagd.evaluations.get("paymentDeclineRate") ?? 0) >= 1, "flagd was asked");

    flagd.set({ paymentDeclineRate: 0.5, stockUnavailable: false });
    await eventually(async () => (await target.number("paymentDeclineRate")) === 0.5, "the changed rate");
    assert.equal(await target.bool("stockUnavailable"), false);
    flagd.set({ paymentDeclineRate: 7 }); // not a rate: refused, read as off
    await eventually(
      async () => (await target.number("paymentDeclineRate")) === 0,
      "an unusable value reads off",
    );
  } finally {
    await handle.close();
    await flagd.stop();
  }
});
