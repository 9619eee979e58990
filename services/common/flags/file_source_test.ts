import assert from "node:assert/strict";
import { fileSource } from "./file_source.ts";
import { Flags } from "./flags.ts";
import { writeFlags } from "./flag_file.ts";
import { RecordingLogger } from "./testing.ts";

interface SourceContext {
  path: string;
  flags: Flags;
  log: RecordingLogger;
  poll(): Promise<void>;
  sdkReady(): Promise<boolean>;
}

async function withSource(
  fn: (ctx: SourceContext) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/flags.json`;
  const log = new RecordingLogger();
  const flags = new Flags();
  const source = await fileSource(path, log, (on) => flags.setOn(on), { intervalMs: 60_000 });
  flags.use(source, false);
  try {
    await fn({ path, flags, log, poll: () => source.poll(), sdkReady: () => source.sdkReady() });
  } finally {
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("file flags: no file is all off and disabled; a written file turns flags on through the SDK; a removed one turns them off", async () => {
  await withSource(async ({ path, flags, poll, sdkReady }) => {
    await poll();
    assert.equal(flags.enabled, false);
    assert.equal(await flags.number("paymentDeclineRate"), 0);
    assert.equal(await sdkReady(), false, "no flag on: the SDK is not loaded");
    await writeFlags(path, { paymentDeclineRate: 0.5, stockUnavailable: true });
    await poll();
    assert.equal(flags.enabled, true);
    assert.equal(await flags.number("paymentDeclineRate"), 0.5, "acts at once, before the SDK is ready");
    assert.equal(await sdkReady(), true);
    assert.equal(await flags.number("paymentDeclineRate"), 0.5);
    assert.equal(await flags.bool("stockUnavailable"), true);
    assert.equal(await flags.number("stockSlowMs"), 0);
    await writeFlags(path, { paymentDeclineRate: 0, stockUnavailable: false });
    await poll();
    assert.equal(flags.enabled, false, "every flag off again: hot paths skip flag work");
    assert.equal(await flags.number("paymentDeclineRate"), 0);
    await writeFlags(path, { stockSlowMs: 40 });
    await poll();
    assert.equal(await flags.number("stockSlowMs"), 40);
    await Deno.remove(path);
    await poll();
    assert.equal(flags.enabled, false);
    assert.equal(await flags.number("stockSlowMs"), 0);
  });
});

Deno.test("file flags: a bad file is logged with its problem and the last good values stay; none good yet is all off", async () => {
  await withSource(async ({ path, flags, log, poll }) => {
    await Deno.writeTextFile(path, "{not json");
    await poll();
    assert.equal(flags.enabled, false);
    const first = log.at("error").at(-1);
    assert.equal(first?.msg, "flag file unusable, every flag stays off");
    assert.match(String(first?.fields.err), /not JSON/);

    await Deno.remove(path); // writeFlags rewrites no unusable file
    await writeFlags(path, { kitchenConsumerFailureRate: 0.3 });
    await poll();
    assert.equal(await flags.number("kitchenConsumerFailureRate"), 0.3);
    const doc = JSON.parse(await Deno.readTextFile(path));
    doc.flags.kitchenConsumerFailureRate.variants.on = 7; // not a rate
    doc.flags.stockSlowMs = { state: "ENABLED", variants: { on: 100 }, defaultVariant: "on" };
    await Deno.writeTextFile(path, JSON.stringify(doc));
    await poll();
    const second = log.at("error").at(-1);
    assert.equal(second?.msg, "flag file unusable, keeping the last good values");
    assert.match(String(second?.fields.err), /kitchenConsumerFailureRate must be a rate from 0 to 1, got 7/);
    assert.equal(await flags.number("kitchenConsumerFailureRate"), 0.3, "the last good value stays");
    assert.equal(await flags.number("stockSlowMs"), 0, "nothing of the bad file is taken");
    assert.equal(flags.enabled, true);
  });
});

Deno.test("file flags: an unchanged file is not read again (one stat per look)", async () => {
  await withSource(async ({ path, log, poll }) => {
    await writeFlags(path, { stockSlowMs: 5 });
    await poll();
    const changes = () => log.at("info").filter((l) => l.msg === "failure flags changed").length;
    assert.equal(changes(), 1);
    await poll();
    await poll();
    assert.equal(changes(), 1);
    await writeFlags(path, { stockSlowMs: 6 });
    await poll();
    assert.equal(changes(), 2);
  });
});
