import assert from "node:assert/strict";
import {
  firedCounts,
  flagFired,
  resetFiredCounts,
  setFlagFiredListener,
  setFlagFiredLogger,
} from "./fired.ts";
import { flagFires, Flags, setupFlags } from "./flags.ts";
import { writeFlags } from "./flag_file.ts";
import { RecordingLogger } from "./testing.ts";

Deno.test("setupFlags without FLAGD_HOST or OMS_FLAGS_FILE: no source, every flag off, disabled", async () => {
  const target = new Flags();
  const handle = await setupFlags({}, new RecordingLogger(), target);
  assert.equal(handle.source, "none");
  assert.equal(target.enabled, false);
  assert.equal(await target.number("stockSlowMs"), 0);
  assert.equal(await target.bool("stockUnavailable"), false);
  await handle.close();
});

Deno.test("setupFlags with OMS_FLAGS_FILE reads the file at once, and close stops using it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/flags.json`;
  await writeFlags(path, { duplicateDeliveryRate: 1 });
  const target = new Flags();
  const handle = await setupFlags({ OMS_FLAGS_FILE: path }, new RecordingLogger(), target);
  try {
    assert.equal(handle.source, "file");
    assert.equal(target.enabled, true);
    assert.equal(await target.number("duplicateDeliveryRate"), 1);
  } finally {
    await handle.close();
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(target.enabled, false);
});

Deno.test("flags.number and flags.bool refuse the wrong kind of flag", async () => {
  const target = new Flags();
  await assert.rejects(() => target.number("stockUnavailable"), /boolean flag/);
  await assert.rejects(() => target.bool("stockSlowMs"), /number flag/);
});

Deno.test("flagFires never fires while flags are off", async () => {
  for (let i = 0; i < 50; i++) assert.equal(await flagFires("relayPublishFailureRate"), false);
});

Deno.test("flagFired counts per flag, warns the first time, logs later firings at debug and calls the listener", () => {
  resetFiredCounts();
  const log = new RecordingLogger();
  const heard: string[] = [];
  setFlagFiredLogger(log);
  setFlagFiredListener((f) => heard.push(f));
  try {
    flagFired("stockSlowMs", { ms: 5 });
    flagFired("stockSlowMs");
    flagFired("paymentDeclineRate");
    assert.deepEqual(firedCounts(), { stockSlowMs: 2, paymentDeclineRate: 1 });
    assert.deepEqual(heard, ["stockSlowMs", "stockSlowMs", "paymentDeclineRate"]);
    assert.deepEqual(log.at("warn").map((l) => l.fields.flag), ["stockSlowMs", "paymentDeclineRate"]);
    assert.equal(log.at("debug").length, 1);
    setFlagFiredListener(() => {
      throw new Error("a broken counter");
    });
    flagFired("stockSlowMs"); // does not throw
  } finally {
    setFlagFiredListener(undefined);
    setFlagFiredLogger(undefined);
    resetFiredCounts();
  }
});
