import assert from "node:assert/strict";
import { createLogger } from "../common/log.ts";
import { consumerTx, unitOfWork } from "../common/unit_of_work.ts";
import { KitchenApp } from "./app.ts";
import { startAutoPrep } from "./auto_prep.ts";

const log = createLogger("kitchen", "warn");

function appOver(kv: Deno.Kv, onKick: () => void = () => {}): KitchenApp {
  return new KitchenApp({ kv, uow: unitOfWork({ kv, kick: onKick, log }), log });
}

async function open(kv: Deno.Kv, orderId: string): Promise<void> {
  const op = kv.atomic();
  await appOver(kv).orderPaid(consumerTx({ kv, op }), {
    orderId,
    customerId: "c",
    items: [],
    paidAt: new Date(),
    number: 0,
    details: undefined,
  });
  assert.ok((await op.commit()).ok);
}

Deno.test("auto-prep starts a ticket after prepMs queued and completes it after prepMs preparing", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1");
  let clock = Date.now();
  let kicks = 0;
  const app = appOver(kv, () => kicks++);
  const auto = startAutoPrep({ app, log, prepMs: 3000, intervalMs: 60_000, now: () => new Date(clock) });
  try {
    assert.equal(await auto.tick(), 0);
    clock += 3000;
    assert.equal(await auto.tick(), 1);
    assert.equal((await app.getTicket("o-1")).status, "preparing");
    clock += 2999;
    assert.equal(await auto.tick(), 0);
    clock += 1;
    assert.equal(await auto.tick(), 1);
    assert.equal((await app.getTicket("o-1")).status, "ready");
    assert.equal(kicks, 2);
  } finally {
    await auto.stop();
  }
});

Deno.test("auto-prep leaves alone a ticket staff already moved", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1");
  const app = appOver(kv);
  await app.startTicket("o-1");
  await app.completeTicket("o-1");
  const auto = startAutoPrep({ app, log, prepMs: 0, intervalMs: 60_000 });
  try {
    assert.equal(await auto.tick(), 0);
    assert.equal((await app.getTicket("o-1")).status, "ready");
  } finally {
    await auto.stop();
  }
});

Deno.test("auto-prep timer moves a ticket to ready on its own and stops", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1");
  const app = appOver(kv);
  const auto = startAutoPrep({ app, log, prepMs: 30 });
  try {
    const end = Date.now() + 5000;
    while ((await app.getTicket("o-1")).status !== "ready") {
      assert.ok(Date.now() < end, "ticket not ready in 5 s");
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await auto.stop();
  }
});
