import assert from "node:assert/strict";
import { allOff, FlagFileError, parseFlagFile, readFlags, turnAllFlagsOff, writeFlags } from "./flag_file.ts";

Deno.test("writeFlags writes a flagd definition per flag, keeps other flags, and readFlags reads the values back", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sub/flags.json`;
  try {
    assert.deepEqual(await readFlags(path), { values: allOff(), exists: false });
    await writeFlags(path, { paymentDeclineRate: 0.25, stockUnavailable: true });
    const doc = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(doc.flags.paymentDeclineRate, {
      state: "ENABLED",
      variants: { on: 0.25, off: 0 },
      defaultVariant: "on",
    });
    // someone else's flag and a top-level field survive a write
    doc.flags.other = { state: "ENABLED", variants: { a: "x" }, defaultVariant: "a" };
    doc.metadata = { owner: "ops" };
    await Deno.writeTextFile(path, JSON.stringify(doc));
    await writeFlags(path, { stockUnavailable: false, stockSlowMs: 250 });
    const after = JSON.parse(await Deno.readTextFile(path));
    assert.equal(after.flags.other.variants.a, "x");
    assert.deepEqual(after.metadata, { owner: "ops" });
    assert.equal(after.flags.stockUnavailable.defaultVariant, "off");
    const { values, exists, problem } = await readFlags(path);
    assert.equal(exists, true);
    assert.equal(problem, undefined);
    assert.deepEqual(values, { ...allOff(), paymentDeclineRate: 0.25, stockSlowMs: 250 });
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name),
      ["flags.json"],
      "no temp file left",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFlags refuses values that do not fit their flag, and unknown flags, naming them", async () => {
  const path = `${await Deno.makeTempDir()}/flags.json`;
  await assert.rejects(
    () => writeFlags(path, { paymentDeclineRate: 1.5 }),
    /paymentDeclineRate must be a rate from 0 to 1, got 1.5/,
  );
  await assert.rejects(
    () => writeFlags(path, { stockSlowMs: 2.5 }),
    /stockSlowMs must be whole milliseconds/,
  );
  await assert.rejects(
    () => writeFlags(path, { stockUnavailable: 1 }),
    /stockUnavailable must be true or false/,
  );
  await assert.rejects(
    () => writeFlags(path, { nope: 1 } as unknown as Record<"stockSlowMs", number>),
    /Unknown flag "nope"/,
  );
  await Deno.writeTextFile(path, "{oops");
  await assert.rejects(() => writeFlags(path, { stockSlowMs: 5 }), /not usable, not rewritten: not JSON/);
  assert.equal(await Deno.readTextFile(path), "{oops", "an unusable file is left as it is");
});

Deno.test("parseFlagFile: a DISABLED flag is off, flagd's own fields are accepted, each malformed flag is named", () => {
  const ok = parseFlagFile(JSON.stringify({
    $schema: "https://flagd.dev/schema/v0/flags.json",
    flags: {
      kitchenConsumerFailureRate: { state: "DISABLED", variants: { on: 0.5, off: 0 }, defaultVariant: "on" },
      relayPublishFailureRate: {
        state: "ENABLED",
        variants: { "10%": 0.1, off: 0 },
        defaultVariant: "10%",
        targeting: {},
        metadata: { team: "ops" },
      },
      someoneElses: { state: "ENABLED", variants: { x: "anything" }, defaultVariant: "x" },
    },
  }));
  assert.equal(ok.values.kitchenConsumerFailureRate, 0);
  assert.equal(ok.values.relayPublishFailureRate, 0.1);
  const bad = (flags: unknown) => () => parseFlagFile(JSON.stringify({ flags }));
  assert.throws(() => parseFlagFile("[]"), FlagFileError);
  assert.throws(
    bad({ stockSlowMs: { state: "ON", variants: { x: 1 }, defaultVariant: "x" } }),
    /flag "stockSlowMs": state must be/,
  );
  assert.throws(
    bad({ stockSlowMs: { state: "ENABLED", variants: {}, defaultVariant: "x" } }),
    /at least one variant/,
  );
  assert.throws(
    bad({ stockSlowMs: { state: "ENABLED", variants: { x: 1 }, defaultVariant: "y" } }),
    /"y" is not one of/,
  );
  assert.throws(
    bad({ stockSlowMs: { state: "ENABLED", variants: { on: "slow", off: 0 }, defaultVariant: "off" } }),
    /variant "on" of stockSlowMs must be a number, got "slow"/,
  );
});

Deno.test("a flag OMS does not own is skipped before any check: a valid flagd flag of another shape (no default variant, targeting) or a malformed one leaves the file usable", () => {
  const text = JSON.stringify({
    flags: {
      // valid flagd, but not the shape OMS writes: no defaultVariant (the code default), targeting
      newCheckout: {
        state: "ENABLED",
        variants: { on: true, off: false },
        defaultVariant: null,
        targeting: { if: [{ "===": [{ var: "email" }, "a@b.c"] }, "on", null] },
      },
      brokenElsewhere: { state: "SOMETIMES" },
      stockSlowMs: { state: "ENABLED", variants: { on: 40, off: 0 }, defaultVariant: "on" },
    },
  });
  const { values, document } = parseFlagFile(text);
  assert.deepEqual(values, { ...allOff(), stockSlowMs: 40 });
  assert.ok(document.flags.newCheckout, "the other owner's flag is kept in the document");
});

Deno.test("keys are looked up as own properties: a flag named toString is someone else's, not an OMS flag, and cannot be written; a default variant named toString is not a variant", async () => {
  const inherited = { state: "ENABLED", variants: { on: 1 }, defaultVariant: "on" };
  assert.deepEqual(parseFlagFile(JSON.stringify({ flags: { toString: inherited } })).values, allOff());
  assert.throws(
    () =>
      parseFlagFile(JSON.stringify({
        flags: { stockSlowMs: { state: "ENABLED", variants: { on: 5 }, defaultVariant: "toString" } },
      })),
    /defaultVariant "toString" is not one of its variants/,
  );
  const path = `${await Deno.makeTempDir()}/flags.json`;
  await assert.rejects(
    () => writeFlags(path, { toString: 0.5 } as unknown as Record<"stockSlowMs", number>),
    /Unknown flag "toString"/,
  );
  await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound, "nothing written");
});

Deno.test("turnAllFlagsOff works even when the file is unusable: the bad file is moved aside to <file>.bad-<time> and a fresh all-off file is written", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/flags.json`;
  try {
    await writeFlags(path, { stockSlowMs: 50 });
    assert.deepEqual(await turnAllFlagsOff(path), {}, "a usable file is rewritten in place");
    assert.deepEqual((await readFlags(path)).values, allOff());

    await Deno.writeTextFile(path, "{oops");
    const now = new Date("2026-11-30T18:30:00.123Z");
    const { movedAside } = await turnAllFlagsOff(path, now);
    assert.equal(movedAside, `${path}.bad-2026-11-30T18-30-00-123Z`);
    assert.equal(await Deno.readTextFile(movedAside!), "{oops", "the bad file is kept aside");
    const after = await readFlags(path);
    assert.equal(after.problem, undefined);
    assert.deepEqual(after.values, allOff());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
