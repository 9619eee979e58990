import assert from "node:assert/strict";
import { setInstruments } from "../common/metrics/record.ts";
import type { Instruments } from "../common/metrics/instruments.ts";
import type { Order } from "./domain/order.ts";
import { ordersGauge, recordOrderChange } from "./metrics.ts";

/** Instruments that remember what was recorded into the transitions counter and the ready histogram. */
function recording() {
  const transitions: string[] = [];
  const ready: number[] = [];
  const instruments = {
    orderTransitions: { add: (_n: number, a: { status: string }) => transitions.push(a.status) },
    timeToReady: { record: (v: number) => ready.push(v) },
  } as unknown as Instruments;
  return { transitions, ready, instruments };
}

function order(status: Order["status"], timeline: [Order["status"], number][]): Order {
  return {
    status,
    timeline: timeline.map(([s, at]) => ({ status: s, at: new Date(at), cause: "", traceId: "" })),
  } as unknown as Order;
}

Deno.test("a committed change counts the status entered, and the first ready its time from paid", () => {
  const r = recording();
  setInstruments(r.instruments);
  try {
    recordOrderChange(undefined, order("pending", [["pending", 0]]));
    recordOrderChange({ status: "pending" }, order("pending", [["pending", 0]])); // no change
    recordOrderChange(
      { status: "preparing" },
      order("ready", [["paid", 1000], ["preparing", 2000], ["ready", 91_000]]),
    );
    // reopened and ready again: a transition, but no second time-to-ready sample
    recordOrderChange(
      { status: "preparing" },
      order("ready", [["paid", 1000], ["ready", 91_000], ["preparing", 92_000], ["ready", 99_000]]),
    );
    assert.deepEqual(r.transitions, ["pending", "ready", "ready"]);
    assert.deepEqual(r.ready, [90]);
  } finally {
    setInstruments(undefined);
  }
  recordOrderChange(undefined, order("pending", [])); // off: nothing, no throw
});

Deno.test("orders by status come from the store's counters", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.atomic().sum(["order_counts", "paid"], 2n).sum(["order_counts", "pending"], 1n).commit();
    const seen: Record<string, number> = {};
    await ordersGauge(kv)((_g, v, a) => {
      seen[String(a!.status)] = v;
    });
    assert.equal(seen.paid, 2);
    assert.equal(seen.pending, 1);
    assert.equal(seen.cancelled, 0);
  } finally {
    kv.close();
  }
});
