import assert from "node:assert/strict";
import { create, details, move, withKv } from "../indexes_testing.ts";
import { getCustomer, listCustomers } from "./customers.ts";

const T0 = Date.UTC(2026, 10, 30, 9, 0);

Deno.test("a customer record follows their latest order; figures are paid minus refunded", async () => {
  await withKv(async (kv) => {
    const a = await create(kv, {
      customerId: "cu1",
      at: T0,
      amount: 1000,
      details: details("Ada L", "+49 30 111111"),
    });
    const b = await create(kv, {
      customerId: "cu1",
      at: T0 + 1000,
      amount: 2500,
      details: details("Ada Lovelace", "", "ada@x.org"),
    });
    await create(kv, {
      customerId: "cu1",
      at: T0 + 2000,
      amount: 900,
      details: details("Ada Lovelace", "", "ada@x.org"),
    });
    await move(kv, a.id, T0 + 5000, "paid");
    await move(kv, b.id, T0 + 5000, "paid", "refunded");
    const c = await getCustomer(kv, "cu1");
    assert.ok(c);
    assert.equal(c.name, "Ada Lovelace");
    assert.equal(c.email, "ada@x.org");
    assert.equal(c.orderCount, 3);
    assert.equal(c.totalSpent, 1000);
    assert.equal(c.firstOrderAt, T0);
    assert.equal(c.lastOrderAt, T0 + 2000);
    assert.equal(await getCustomer(kv, "nobody"), null);
  });
});

Deno.test("customers list most recent first, each once, paged; search by name, email, phone, id", async () => {
  await withKv(async (kv) => {
    for (let i = 0; i < 5; i++) {
      await create(kv, {
        customerId: `k${i}`,
        at: T0 + i * 1000,
        details: details(`Kim ${i}`, `+1 555 00${i}000`),
      });
    }
    await create(kv, { customerId: "k0", at: T0 + 9000, details: details("Kim Zero", "", "kim0@x.org") });
    const p1 = await listCustomers(kv, "", 3, "");
    assert.deepEqual(p1.customers.map((c) => c.customerId), ["k0", "k4", "k3"]);
    const p2 = await listCustomers(kv, "", 3, p1.nextCursor);
    assert.deepEqual(p2.customers.map((c) => c.customerId), ["k2", "k1"]);
    assert.deepEqual((await listCustomers(kv, "kim zero", 10, "")).customers.map((c) => c.customerId), [
      "k0",
    ]);
    assert.deepEqual((await listCustomers(kv, "KIM0@x.org", 10, "")).customers.map((c) => c.customerId), [
      "k0",
    ]);
    assert.deepEqual((await listCustomers(kv, "555 002000", 10, "")).customers.map((c) => c.customerId), [
      "k2",
    ]);
    assert.deepEqual((await listCustomers(kv, "k3", 10, "")).customers.map((c) => c.customerId), ["k3"]);
  });
});
