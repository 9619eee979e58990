import assert from "node:assert/strict";
import { allOff } from "../../services/common/flags/flag_file.ts";
import { CHAOS_SCENES, ChaosDriver, type SceneFlags } from "./chaos.ts";
import { FLAGS } from "../../services/common/flags/keys.ts";

Deno.test("every failure flag is on in one chaos scene", () => {
  const on = new Set(CHAOS_SCENES.flatMap((s) => Object.keys(s)));
  assert.deepEqual([...on].sort(), Object.keys(FLAGS).sort());
});

Deno.test("the chaos driver writes each scene in turn over 80% of the run (other flags off), then every flag off", async () => {
  const writes: { at: number; values: SceneFlags }[] = [];
  const t0 = performance.now();
  const scenes = [{ stockSlowMs: 10 }, { stockUnavailable: true }];
  const driver = new ChaosDriver("/x/flags.json", scenes, (path, values) => {
    assert.equal(path, "/x/flags.json");
    writes.push({ at: performance.now() - t0, values });
    return Promise.resolve();
  });
  await driver.start(500); // scenes at 0 and 200 ms, all off at 400 ms
  await new Promise((r) => setTimeout(r, 600));
  await driver.stop(); // already all off: nothing more written
  assert.deepEqual(writes.map((w) => w.values), [
    { ...allOff(), stockSlowMs: 10 },
    { ...allOff(), stockUnavailable: true },
    allOff(),
  ]);
  assert.ok(writes[1]!.at >= 190 && writes[2]!.at >= 390, JSON.stringify(writes.map((w) => w.at)));
  assert.deepEqual(driver.applied.map((a) => a.flags), [...scenes, {}]);
});

Deno.test("stopping the chaos driver early cancels what is scheduled and turns every flag off; a failed write is reported", async () => {
  const writes: SceneFlags[] = [];
  let fail = true;
  const driver = new ChaosDriver("/x/flags.json", CHAOS_SCENES, (_path, values) => {
    if (fail) {
      fail = false;
      return Promise.reject(new Error("disk full"));
    }
    writes.push(values);
    return Promise.resolve();
  });
  await driver.start(60_000);
  await driver.stop();
  assert.deepEqual(writes, [allOff()]);
  assert.deepEqual(driver.failures, ["writing /x/flags.json: disk full"]);
});
