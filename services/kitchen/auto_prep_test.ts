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

Deno.test("the due moves of a pass commit together, ten at a time, each ticket with its own event", async () => {
  using kv = await Deno.openKv(":memory:");
  for (let i = 0; i < 12; i++) await open(kv, `o-${i}`);
  let clock = Date.now() + 3000;
  let kicks = 0;
  const app = appOver(kv, () => kicks++);
  const auto = startAutoPrep({ app, log, prepMs: 3000, intervalMs: 60_000, now: () => new Date(clock) });
  try {
    assert.equal(await auto.tick(), 12);
    assert.equal(kicks, 2, "two commits: 10 moves, then 2");
    const tickets = await app.listTickets("preparing");
    assert.equal(tickets.length, 12);
    let started = 0;
    for await (const e of kv.list<{ routingKey: string }>({ prefix: ["outbox"] })) {
      if (e.value.routingKey === "kitchen.ticket_started") started++;
    }
    assert.equal(started, 12);
    clock += 3000;
    assert.equal(await auto.tick(), 12);
    assert.equal((await app.listTickets("ready")).length, 12);
  } finally {
    await auto.stop();
  }
});

Deno.test("moveTickets leaves out a ticket staff moved after it was read, and moves the others", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1");
  await open(kv, "o-2");
  const app = appOver(kv);
  const read = await app.listTicketEntries("queued");
  assert.equal(read.length, 2);
  await app.startTicket("o-1", { by: "sam" }); // staff, between the read and the commit
  const moved = await app.moveTickets(read.map((entry) => ({ entry, action: "start" as const })));
  assert.deepEqual(moved.map((t) => t.orderId), ["o-2"]);
  assert.equal((await app.getTicket("o-1")).status, "preparing");
  assert.equal((await app.getTicket("o-2")).status, "preparing");
  let started = 0;
  for await (const e of kv.list<{ routingKey: string }>({ prefix: ["outbox"] })) {
    if (e.value.routingKey === "kitchen.ticket_started") started++;
  }
  assert.equal(started, 2, "staff's start and the auto move of o-2, nothing twice");
});
