import assert from "node:assert/strict";
import { type LimiterOptions, type LoginAttempt, LoginLimiter } from "./login_limiter.ts";

const WINDOW = 60_000;

function fake(options: LimiterOptions = {}) {
  let now = 1_000_000;
  const limiter = new LoginLimiter({
    windowMs: WINDOW,
    perAddress: 3,
    perAccount: 5,
    global: 8,
    perDevice: 2,
    now: () => now,
    ...options,
  });
  return { limiter, advance: (ms: number) => (now += ms) };
}

const wrong = () => Promise.resolve(false);
const right = () => Promise.resolve(true);

function from(address: string, device: string | null = null, account = "admin"): LoginAttempt {
  return { account, address, device };
}

Deno.test("an address past its limit is refused at once with the seconds until its oldest failure ages out", async () => {
  const { limiter, advance } = fake();
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await limiter.attempt(from("a"), wrong), { kind: "wrong" });
    advance(10_000);
  }
  let checked = false;
  const refused = await limiter.attempt(from("a"), () => {
    checked = true;
    return Promise.resolve(true);
  });
  assert.deepEqual(refused, { kind: "limited", scope: "address", retryAfterSeconds: 30 });
  assert.equal(checked, false, "a refused attempt's password is not checked, so it is not a guess");
  assert.equal(limiter.failures("address", "a"), 3, "refusals are not counted");
  assert.deepEqual(
    await limiter.attempt(from("b"), right),
    { kind: "ok" },
    "other addresses are not refused",
  );
  advance(30_000);
  assert.deepEqual(
    await limiter.attempt(from("a"), right),
    { kind: "ok" },
    "after Retry-After it is checked again",
  );
});

Deno.test("many addresses together get at most the account and global caps of guesses per window", async () => {
  const { limiter } = fake({ perAccount: 100 });
  let guesses = 0;
  const guess = () => {
    guesses++;
    return Promise.resolve(false);
  };
  const outcomes = [];
  for (let i = 0; i < 200; i++) {
    outcomes.push(await limiter.attempt(from(`10.0.${i >> 8}.${i & 255}`), guess));
  }
  assert.equal(guesses, 8, "the global cap");
  assert.deepEqual(outcomes[8], { kind: "limited", scope: "global", retryAfterSeconds: 60 });
  assert.equal(outcomes.filter((o) => o.kind === "limited").length, 192);

  const account = fake({ global: 100 });
  let accountGuesses = 0;
  for (let i = 0; i < 200; i++) {
    await account.limiter.attempt(from(`10.1.0.${i}`), () => {
      accountGuesses++;
      return Promise.resolve(false);
    });
  }
  assert.equal(accountGuesses, 5, "the account cap");
  assert.equal((await account.limiter.attempt(from("10.9.9.9"), right)).kind, "limited");
  assert.equal(
    (await account.limiter.attempt(from("10.9.9.9", null, "other"), right)).kind,
    "ok",
    "another account is not capped by this one's failures (only by the global cap)",
  );
});

Deno.test("parallel attempts cannot slip past a limit: places are taken before the password is checked", async () => {
  const { limiter } = fake();
  let guesses = 0;
  const slowWrong = async () => {
    guesses++;
    await Promise.resolve();
    return false;
  };
  const outcomes = await Promise.all(
    Array.from({ length: 50 }, (_, i) => limiter.attempt(from(`192.0.2.${i}`), slowWrong)),
  );
  assert.equal(guesses, 5, "the account cap (5) holds although all 50 were in flight at once");
  assert.equal(outcomes.filter((o) => o.kind === "limited").length, 45);
});

Deno.test("a known device gets in at once while the address, account and global caps are exhausted", async () => {
  const { limiter } = fake();
  for (let i = 0; i < 50; i++) await limiter.attempt(from(`198.51.100.${i}`), wrong);
  assert.equal(limiter.failures("global"), 5, "the account cap (5) stopped the attack first");
  assert.equal((await limiter.attempt(from("198.51.100.1"), right)).kind, "limited");
  // The owner's browser, on an address the attacker also used (a shared proxy address):
  assert.deepEqual(await limiter.attempt(from("198.51.100.1", "dev-1"), right), { kind: "ok" });
});

Deno.test("a known device is refused only past its own limit, and a success clears it", async () => {
  const { limiter } = fake();
  assert.equal((await limiter.attempt(from("a", "dev-1"), wrong)).kind, "wrong");
  assert.equal((await limiter.attempt(from("a", "dev-1"), wrong)).kind, "wrong");
  assert.deepEqual(await limiter.attempt(from("a", "dev-1"), right), {
    kind: "limited",
    scope: "device",
    retryAfterSeconds: 60,
  });
  assert.equal(limiter.failures("address", "a"), 0, "a device's failures do not count against its address");
  assert.equal(limiter.failures("global"), 0);
  assert.equal((await limiter.attempt(from("a", "dev-2"), right)).kind, "ok", "another device is unaffected");
});

Deno.test("a success gives its place back, so right passwords never use up a limit", async () => {
  const { limiter } = fake();
  for (let i = 0; i < 20; i++) assert.equal((await limiter.attempt(from("a"), right)).kind, "ok");
  assert.equal(limiter.failures("address", "a"), 0);
  assert.equal(limiter.failures("global"), 0);
});

Deno.test("a check that throws gives its place back and the error reaches the caller", async () => {
  const { limiter } = fake();
  await assert.rejects(limiter.attempt(from("a"), () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(limiter.failures("address", "a"), 0);
});

Deno.test("the address table is bounded; the global cap still holds when addresses are forgotten", async () => {
  const { limiter } = fake({ maxKeys: 4, perAccount: 100, global: 6 });
  let guesses = 0;
  for (let i = 0; i < 40; i++) {
    await limiter.attempt(from(`203.0.113.${i}`), () => {
      guesses++;
      return Promise.resolve(false);
    });
  }
  assert.equal(guesses, 6);
  assert.equal(limiter.failures("address", "203.0.113.0"), 0, "the oldest address was forgotten");
});
