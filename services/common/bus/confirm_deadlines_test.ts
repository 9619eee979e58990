import assert from "node:assert/strict";
import { ConfirmDeadlines } from "./confirm_deadlines.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a wait not ended in time expires; the ended ones never do", async () => {
  const d = new ConfirmDeadlines(50);
  const expired: string[] = [];
  const endA = d.begin(() => expired.push("a"));
  d.begin(() => expired.push("b"));
  const endC = d.begin(() => expired.push("c"));
  endA();
  endC();
  endC(); // twice: nothing
  assert.equal(d.size, 1);
  await sleep(10);
  assert.deepEqual(expired, [], "not before the timeout");
  await sleep(100);
  assert.deepEqual(expired, ["b"]);
  assert.equal(d.size, 0);
});

Deno.test("waits begun later expire later, each after its own timeout, in the order they began", async () => {
  const d = new ConfirmDeadlines(100);
  const expired: [string, number][] = [];
  const t0 = Date.now();
  d.begin(() => expired.push(["first", Date.now() - t0]));
  await sleep(50);
  d.begin(() => expired.push(["second", Date.now() - t0]));
  await sleep(60);
  assert.deepEqual(expired.map(([n]) => n), ["first"], "the second's timeout has not run out");
  await sleep(150);
  assert.deepEqual(expired.map(([n]) => n), ["first", "second"]);
  assert.ok(expired[0]![1] >= 99 && expired[1]![1] >= 149, JSON.stringify(expired));
});

Deno.test("ending every wait clears the timer (nothing left pending: the op sanitizer would fail this test)", () => {
  const d = new ConfirmDeadlines(10_000);
  const ends = Array.from({ length: 100 }, () => d.begin(() => assert.fail("ended waits never expire")));
  for (const end of ends) end();
  assert.equal(d.size, 0);
});

Deno.test("a wait begun by an expiring one gets its own full timeout", async () => {
  const d = new ConfirmDeadlines(100);
  const expired: string[] = [];
  d.begin(() => {
    expired.push("a");
    d.begin(() => expired.push("b"));
  });
  await sleep(150); // a at 100 ms, b not before 200 ms
  assert.deepEqual(expired, ["a"]);
  await sleep(150);
  assert.deepEqual(expired, ["a", "b"]);
});

Deno.test("the default clock is monotonic: the wall clock stepping back an hour neither holds a wait open nor expires it early", async () => {
  const realNow = Date.now;
  const d = new ConfirmDeadlines(60);
  const expired: string[] = [];
  try {
    d.begin(() => expired.push("before the step"));
    Date.now = () => realNow() - 3_600_000;
    d.begin(() => expired.push("after the step"));
    await sleep(20);
    assert.deepEqual(expired, [], "nothing expires early");
    await sleep(120);
    assert.deepEqual(expired, ["before the step", "after the step"], "nothing is held an hour");
  } finally {
    Date.now = realNow;
  }
});

Deno.test("an expire callback that throws does not keep the later waits from expiring", async () => {
  const d = new ConfirmDeadlines(30);
  const expired: string[] = [];
  d.begin(() => {
    throw new Error("a faulty callback");
  });
  await sleep(5);
  d.begin(() => expired.push("later"));
  await sleep(120);
  assert.deepEqual(expired, ["later"]);
  assert.equal(d.size, 0);
});
