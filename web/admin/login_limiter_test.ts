import assert from "node:assert/strict";
import { LoginLimiter } from "./login_limiter.ts";

function fake() {
  let now = 0;
  const waits: number[] = [];
  const limiter = new LoginLimiter({
    baseDelayMs: 100,
    maxDelayMs: 1000,
    windowMs: 60_000,
    now: () => now,
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  });
  return { limiter, waits, advance: (ms: number) => (now += ms) };
}

Deno.test("each failure of a client doubles its wait, up to the cap; success clears it", async () => {
  const { limiter, waits } = fake();
  for (let i = 0; i < 6; i++) {
    assert.equal(await limiter.attempt("ip-1", () => Promise.resolve(false)), false);
  }
  assert.deepEqual(waits, [100, 200, 400, 800, 1000]);
  assert.equal(await limiter.attempt("ip-1", () => Promise.resolve(true)), true);
  assert.equal(limiter.failures("ip-1"), 0);
  assert.equal(limiter.delayFor("ip-1"), 0);
  assert.equal(limiter.delayFor("ip-2"), 0, "other clients are not slowed");
});

Deno.test("failures are forgotten after the window", async () => {
  const { limiter, advance } = fake();
  await limiter.attempt("ip", () => Promise.resolve(false));
  await limiter.attempt("ip", () => Promise.resolve(false));
  assert.equal(limiter.delayFor("ip"), 200);
  advance(60_000);
  assert.equal(limiter.delayFor("ip"), 0);
});

Deno.test("parallel attempts of one client run one at a time, so each waits for the failures before it", async () => {
  const limiter = new LoginLimiter({ baseDelayMs: 40, maxDelayMs: 1000 });
  let running = 0;
  let most = 0;
  const check = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return false;
  };
  const started = performance.now();
  await Promise.all([1, 2, 3].map(() => limiter.attempt("ip", check)));
  assert.equal(most, 1);
  assert.ok(performance.now() - started >= 40 + 80 - 5, "waits 0, 40 and 80 ms in turn");
  assert.equal(limiter.failures("ip"), 3);
});
