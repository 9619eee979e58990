import assert from "node:assert/strict";
import { finalCheck, pool } from "./check.ts";
import { ApiClient } from "./client.ts";
import { type Expectation, expectedStates, OrderLedger } from "./ledger.ts";
import { type FakeGateway, startFakeGateway } from "./testing.ts";

async function placed(fake: FakeGateway, customer: string): Promise<string> {
  const res = await fetch(`${fake.url}/api/customers/${customer}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...proofOf(fake, customer) },
    body: JSON.stringify({ items: [{ id: "1", quantity: 1 }] }),
  });
  return (await res.json()).id;
}

async function pay(url: string, link: string, outcome: string) {
  const session = link.split("/").at(-1);
  await (await fetch(`${url}/api/payments/local/${session}`, {
    method: "POST",
    body: JSON.stringify({ outcome }),
  })).body?.cancel();
}

/** The bearer header of `customer`, issued by the fake on first use. */
function proofOf(fake: FakeGateway, customer: string): Record<string, string> {
  const known = [...fake.tokens].find(([, id]) => id === customer)?.[0];
  return { authorization: `Bearer ${known ?? fake.issue(customer)}` };
}

function checkOptions(fake: FakeGateway) {
  return {
    customers: ["c1"],
    proof: (id: string) => proofOf(fake, id),
    settleMs: 300,
    pollMs: 20,
    concurrency: 4,
  };
}

Deno.test("expected states: paid orders may have moved on in the kitchen; cancelled, declined and expired end cancelled", () => {
  assert.deepEqual(expectedStates("pay"), ["paid", "preparing", "ready", "completed"]);
  for (const e of ["cancel", "decline", "expire"] as Expectation[]) {
    assert.deepEqual(expectedStates(e), ["cancelled"]);
  }
  assert.ok(expectedStates("either").includes("cancelled") && expectedStates("either").includes("paid"));
});

Deno.test("the final check passes when every order is where it should be and counts them by state", async () => {
  const fake = startFakeGateway({ "1": 10 });
  try {
    const ledger = new OrderLedger();
    const a = await placed(fake, "c1");
    const b = await placed(fake, "c1");
    ledger.add({ id: a, customerId: "c1", expectation: "pay", status: "" });
    ledger.add({ id: b, customerId: "c1", expectation: "decline", status: "" });
    await pay(fake.url, fake.orders.get(a)!.paymentLink, "pay");
    await pay(fake.url, fake.orders.get(b)!.paymentLink, "decline");
    const check = await finalCheck(new ApiClient(fake.url, 2000), ledger, checkOptions(fake));
    assert.deepEqual(check, {
      checked: 2,
      byState: { cancelled: 1, paid: 1 },
      problems: [],
      untracked: [],
      ok: true,
    });
  } finally {
    await fake.close();
  }
});

Deno.test("the final check reports lost, stuck and unexpectedly ended orders", async () => {
  const fake = startFakeGateway({ "1": 10 });
  try {
    fake.paymentsStall = true;
    const ledger = new OrderLedger();
    const lost = await placed(fake, "c1");
    const stuck = await placed(fake, "c1");
    const wrong = await placed(fake, "c1");
    ledger.add({ id: lost, customerId: "c1", expectation: "pay", status: "" });
    ledger.add({ id: stuck, customerId: "c1", expectation: "pay", status: "" });
    ledger.add({ id: wrong, customerId: "c1", expectation: "pay", status: "" });
    fake.orders.delete(lost);
    fake.orders.get(wrong)!.status = "cancelled";
    const started = performance.now();
    const check = await finalCheck(new ApiClient(fake.url, 2000), ledger, checkOptions(fake));
    assert.ok(performance.now() - started < 2000, "bounded by settleMs");
    assert.equal(check.ok, false);
    assert.deepEqual(check.byState, { cancelled: 1, lost: 1, waiting_payment: 1 });
    assert.deepEqual(
      check.problems.map((p) => [p.kind, p.id, p.expected, p.status]),
      [["lost", lost, "paid", ""], ["stuck", stuck, "paid", "waiting_payment"], [
        "unexpected",
        wrong,
        "paid",
        "cancelled",
      ]],
    );
  } finally {
    await fake.close();
  }
});

Deno.test("an order the shopper never heard of is listed as untracked and cancelled when still open", async () => {
  const fake = startFakeGateway({ "1": 10 });
  try {
    const orphan = await placed(fake, "c1");
    const check = await finalCheck(new ApiClient(fake.url, 2000), new OrderLedger(), checkOptions(fake));
    assert.equal(check.ok, true);
    assert.deepEqual(check.untracked, [{
      id: orphan,
      customerId: "c1",
      status: "waiting_payment",
      cancelled: true,
    }]);
    assert.equal(fake.orders.get(orphan)?.status, "cancelled");
    assert.equal(fake.stock.get("1"), 10);
  } finally {
    await fake.close();
  }
});

Deno.test("pool runs every item with at most the given number at once", async () => {
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 5));
    done.push(n);
    running--;
  });
  assert.equal(peak, 3);
  assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7]);
  await pool([], 3, () => Promise.reject(new Error("never called")));
});
