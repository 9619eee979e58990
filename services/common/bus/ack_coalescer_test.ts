import assert from "node:assert/strict";
import { AckCoalescer } from "./ack_coalescer.ts";

/** A channel that records its calls as strings. */
function channel() {
  const log: string[] = [];
  return {
    log,
    ack: (m: number, allUpTo = false) => void log.push(allUpTo ? `ack<=${m}` : `ack ${m}`),
    nack: (m: number, allUpTo = false, requeue = true) =>
      void log.push(`nack ${m}${allUpTo ? " multiple" : ""}${requeue ? " requeue" : ""}`),
  };
}

function deliver(c: AckCoalescer<number>, ...tags: number[]) {
  for (const t of tags) c.delivered(t, t);
}

Deno.test("a batch settled as ack in one turn is acknowledged with one ack(last, allUpTo)", async () => {
  const ch = channel();
  const c = new AckCoalescer(ch);
  deliver(c, 1, 2, 3, 4);
  for (const t of [1, 2, 3, 4]) c.settle(t, "ack");
  assert.deepEqual(ch.log, [], "nothing is sent before the turn ends");
  await Promise.resolve();
  assert.deepEqual(ch.log, ["ack<=4"]);
  assert.equal(c.unsettled, 0);
});

Deno.test("deliveries settled while an earlier one is unsettled are acknowledged one by one, never allUpTo", async () => {
  const ch = channel();
  const c = new AckCoalescer(ch);
  deliver(c, 1, 2, 3, 4);
  c.settle(2, "ack");
  c.settle(3, "ack");
  await Promise.resolve();
  assert.deepEqual(ch.log, ["ack 2", "ack 3"], "1 is still being worked on");
  c.settle(4, "ack");
  c.settle(1, "ack");
  await Promise.resolve();
  assert.deepEqual(ch.log.slice(2), ["ack<=4"], "1 and 4 are now a run at the head (2, 3 already gone)");
});

Deno.test("a reject is its own nack without requeue; acks around it still coalesce at the head", async () => {
  const ch = channel();
  const c = new AckCoalescer(ch);
  deliver(c, 1, 2, 3, 4, 5, 6);
  for (const t of [1, 2, 4, 5]) c.settle(t, "ack");
  c.settle(3, "reject");
  await Promise.resolve();
  assert.deepEqual(ch.log, ["ack<=2", "nack 3", "ack<=5"]);
  assert.equal(c.unsettled, 1, "6 is still unsettled");
  c.settle(6, "reject");
  c.settle(6, "ack");
  await Promise.resolve();
  assert.deepEqual(ch.log.slice(3), ["nack 6"], "the first settlement of a delivery counts");
});

Deno.test("a run ending at an unsettled delivery is sent before the acks after it", async () => {
  const ch = channel();
  const c = new AckCoalescer(ch);
  deliver(c, 1, 2, 3, 4);
  for (const t of [1, 2, 4]) c.settle(t, "ack");
  await Promise.resolve();
  assert.deepEqual(ch.log, ["ack<=2", "ack 4"]);
  assert.deepEqual(c.calls, { ack: 1, ackMultiple: 1, nack: 0 });
});

Deno.test("a failing channel call is reported, and the other settlements still go", async () => {
  const errors: unknown[] = [];
  const ch = channel();
  const c = new AckCoalescer({
    ack: (m: number, allUpTo?: boolean) => {
      if (m === 1) throw new Error("channel closed");
      ch.ack(m, allUpTo);
    },
    nack: ch.nack,
  }, (err) => errors.push(err));
  deliver(c, 1, 2, 3);
  c.settle(1, "ack");
  c.settle(3, "ack");
  await Promise.resolve();
  assert.deepEqual(ch.log, ["ack 3"]);
  assert.equal(errors.length, 1);
});
