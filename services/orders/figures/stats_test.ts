import assert from "node:assert/strict";
import { create, move, withKv } from "../indexes_testing.ts";
import { orderStats } from "./stats.ts";
import { STATS } from "./contribution.ts";

// 2026-11-30 00:00 in Berlin (UTC+1) is 2026-11-29 23:00 UTC
const BERLIN_MIDNIGHT = Date.UTC(2026, 10, 29, 23, 0);
const MIN = 60_000;

Deno.test("figures of a local day: orders, revenue (paid minus refunded), ticket time, open tickets", async () => {
  await withKv(async (kv) => {
    await create(kv, { at: BERLIN_MIDNIGHT - MIN, amount: 5000 }); // yesterday in Berlin
    const a = await create(kv, { at: BERLIN_MIDNIGHT, amount: 1000 });
    const b = await create(kv, { at: BERLIN_MIDNIGHT + 30 * MIN, amount: 2000 });
    const c = await create(kv, { at: BERLIN_MIDNIGHT + 90 * MIN, amount: 4000 });
    await create(kv, { at: BERLIN_MIDNIGHT + 100 * MIN, amount: 700 }); // never paid
    await move(kv, a.id, BERLIN_MIDNIGHT + 10 * MIN, "paid");
    await move(kv, a.id, BERLIN_MIDNIGHT + 14 * MIN, "preparing", "ready");
    await move(kv, b.id, BERLIN_MIDNIGHT + 40 * MIN, "paid");
    await move(kv, b.id, BERLIN_MIDNIGHT + 48 * MIN, "preparing", "ready", "completed");
    await move(kv, c.id, BERLIN_MIDNIGHT + 95 * MIN, "paid", "refunded");
    const s = await orderStats(kv, new Date(BERLIN_MIDNIGHT));
    assert.equal(s.orders, 4);
    assert.equal(s.revenue, 3000);
    assert.equal(s.currency, "EUR");
    assert.equal(s.averageTicketMs, 6 * MIN); // (4 + 8) / 2 minutes
    assert.equal(s.openTickets, 0);
    // a window with edges inside buckets reads those orders themselves, and agrees
    const part = await orderStats(
      kv,
      new Date(BERLIN_MIDNIGHT + 20 * MIN),
      new Date(BERLIN_MIDNIGHT + 95 * MIN),
    );
    assert.equal(part.orders, 2);
    assert.equal(part.revenue, 2000);
    const tiny = await orderStats(
      kv,
      new Date(BERLIN_MIDNIGHT + 25 * MIN),
      new Date(BERLIN_MIDNIGHT + 35 * MIN),
    );
    assert.equal(tiny.orders, 1);
  });
});

Deno.test("a day's figures read at most a day of bucket sums, however many orders", async () => {
  await withKv(async (kv) => {
    for (let i = 0; i < 300; i++) await create(kv, { at: BERLIN_MIDNIGHT + i * 1000 });
    let keys = 0;
    for await (const _ of kv.list({ prefix: STATS })) keys++;
    assert.ok(keys <= 96 * 5, `${keys} stats keys`);
    assert.equal((await orderStats(kv, new Date(BERLIN_MIDNIGHT))).orders, 300);
  });
});

Deno.test("open tickets count paid and preparing orders whenever they were created", async () => {
  await withKv(async (kv) => {
    const old = await create(kv, { at: BERLIN_MIDNIGHT - 3 * 86_400_000 });
    const now = await create(kv, { at: BERLIN_MIDNIGHT + MIN });
    await move(kv, old.id, BERLIN_MIDNIGHT, "paid", "preparing");
    await move(kv, now.id, BERLIN_MIDNIGHT + 2 * MIN, "paid");
    const s = await orderStats(kv, new Date(BERLIN_MIDNIGHT));
    assert.equal(s.openTickets, 2);
    assert.equal(s.orders, 1);
  });
});
