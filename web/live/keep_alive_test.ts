import assert from "node:assert/strict";
import { type IntervalTimer, KeepAlive } from "./keep_alive.ts";

/** A timer whose intervals run only when the test ticks them. */
function manualTimer() {
  const intervals = new Map<number, { tick: () => void; ms: number }>();
  let next = 1;
  const timer: IntervalTimer = {
    setInterval(tick, ms) {
      intervals.set(next, { tick, ms });
      return next++;
    },
    clearInterval(id) {
      intervals.delete(id as number);
    },
  };
  const tickAll = () => [...intervals.values()].forEach((i) => i.tick());
  return { timer, intervals, tickAll };
}

function stream() {
  const comments: string[] = [];
  return { comments, comment: (t: string) => comments.push(t) };
}

Deno.test("many streams share one interval, and each tick sends every stream a keep-alive comment", () => {
  const t = manualTimer();
  const ka = new KeepAlive(15_000, t.timer);
  const streams = Array.from({ length: 100 }, stream);
  const offs = streams.map((s) => ka.add(s));
  assert.equal(t.intervals.size, 1, "one interval for 100 streams");
  assert.deepEqual([...t.intervals.values()].map((i) => i.ms), [15_000]);
  t.tickAll();
  t.tickAll();
  assert.ok(streams.every((s) => s.comments.join() === "keep-alive,keep-alive"));
  for (const off of offs) off();
});

Deno.test("a removed stream gets no more comments; the interval stops with the last one and restarts with the next", () => {
  const t = manualTimer();
  const ka = new KeepAlive(15_000, t.timer);
  assert.equal(ka.running, false, "no interval before the first stream");
  const a = stream(), b = stream();
  const offA = ka.add(a);
  const offB = ka.add(b);
  offA();
  offA(); // removing twice changes nothing
  t.tickAll();
  assert.deepEqual([a.comments.length, b.comments.length], [0, 1]);
  assert.equal(ka.size, 1);
  assert.equal(ka.running, true, "still running while a stream remains");

  offB();
  assert.equal(ka.size, 0);
  assert.equal(ka.running, false);
  assert.equal(t.intervals.size, 0, "the interval is cleared when the last stream leaves");

  const c = stream();
  const offC = ka.add(c);
  assert.equal(t.intervals.size, 1, "the next stream starts it again");
  t.tickAll();
  assert.deepEqual(c.comments, ["keep-alive"]);
  offC();
  assert.equal(t.intervals.size, 0);
});
