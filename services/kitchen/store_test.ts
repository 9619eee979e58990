import assert from "node:assert/strict";
import type { KitchenTicket } from "./domain/ticket.ts";
import { openTicket } from "./domain/ticket.ts";
import { advance } from "./domain/moves.ts";
import { addOpen, addUpdate, listTicketEntries, listTickets, readTicket } from "./store.ts";
import { KitchenApp } from "./app.ts";
import { createLogger } from "../common/log.ts";
import { consumerTx, unitOfWork } from "../common/unit_of_work.ts";

const quiet = createLogger("kitchen", "error");

function ticket(orderId: string, paidAtMs: number): KitchenTicket {
  return openTicket({ orderId, items: [], paidAtMs }, new Date(paidAtMs));
}

async function open(kv: Deno.Kv, orderId: string, paidAtMs: number): Promise<void> {
  const op = kv.atomic();
  addOpen(op, ticket(orderId, paidAtMs));
  assert.ok((await op.commit()).ok);
}

async function start(kv: Deno.Kv, orderId: string): Promise<void> {
  const entry = await readTicket(kv, orderId);
  assert.ok(entry.value);
  const op = kv.atomic();
  addUpdate(op, entry as Deno.KvEntry<KitchenTicket>, advance(entry.value, "start", new Date()).ticket);
  assert.ok((await op.commit()).ok);
}

Deno.test("addOpen checks the order has no ticket yet", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1", 1000);
  const op = kv.atomic();
  addOpen(op, ticket("o-1", 2000));
  assert.equal((await op.commit()).ok, false);
  const tickets = await listTickets(kv);
  assert.equal(tickets.length, 1);
  assert.equal(tickets[0]!.paidAtMs, 1000);
});

Deno.test("addUpdate is checked against the version read", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "o-1", 1000);
  const entry = await readTicket(kv, "o-1") as Deno.KvEntry<KitchenTicket>;
  await start(kv, "o-1");
  const op = kv.atomic();
  addUpdate(op, entry, advance(entry.value, "start", new Date()).ticket);
  assert.equal((await op.commit()).ok, false);
  assert.deepEqual((await listTickets(kv, "preparing")).map((t) => t.orderId), ["o-1"]);
  assert.deepEqual(await listTickets(kv, "queued"), []);
});

Deno.test("listTickets returns the queue oldest payment first, optionally by status", async () => {
  using kv = await Deno.openKv(":memory:");
  await open(kv, "late", 3000);
  await open(kv, "early", 1000);
  await open(kv, "middle", 2000);
  // more than one getMany batch
  for (let i = 0; i < 12; i++) await open(kv, `bulk-${i}`, 10_000 + i);
  const all = await listTickets(kv);
  assert.deepEqual(all.slice(0, 3).map((t) => t.orderId), ["early", "middle", "late"]);
  assert.equal(all.length, 15);
  await start(kv, "middle");
  assert.deepEqual((await listTickets(kv, "preparing")).map((t) => t.orderId), ["middle"]);
  assert.deepEqual((await listTickets(kv, "queued")).slice(0, 2).map((t) => t.orderId), ["early", "late"]);
  assert.deepEqual((await listTickets(kv, "ready")).map((t) => t.orderId), []);
});

Deno.test("listTicketEntries reads again only the tickets whose index entry changed since the entries it is given", async () => {
  using kv = await Deno.openKv(":memory:");
  const app = new KitchenApp({ kv, uow: unitOfWork({ kv, kick: () => {}, log: quiet }), log: quiet });
  for (const id of ["o-1", "o-2", "o-3"]) {
    const op = kv.atomic();
    await app.orderPaid(consumerTx({ kv, op }), {
      orderId: id,
      customerId: "c",
      items: [],
      paidAt: new Date(),
      number: 0,
      details: undefined,
    });
    assert.ok((await op.commit()).ok);
  }
  const calls: number[] = [];
  const counting = new Proxy(kv, {
    get(target, prop) {
      if (prop === "getMany") {
        return (keys: Deno.KvKey[]) => {
          calls.push(keys.length);
          return target.getMany(keys);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const first = await listTicketEntries(counting, "queued");
  assert.deepEqual(calls, [3]);
  const known = new Map(first.map((e) => [e.value.orderId, e]));
  calls.length = 0;
  assert.deepEqual(await listTicketEntries(counting, "queued", known), first);
  assert.deepEqual(calls, [], "nothing changed: nothing read");
  await app.startTicket("o-3");
  // o-1 rewritten in its status (a new version, still queued)
  const o1 = await readTicket(kv, "o-1");
  const op = kv.atomic();
  addUpdate(op, o1 as Deno.KvEntry<KitchenTicket>, { ...o1.value! });
  assert.ok((await op.commit()).ok);
  calls.length = 0;
  const after = await listTicketEntries(counting, "queued", known);
  assert.deepEqual(after.map((e) => e.value.orderId), ["o-1", "o-2"]);
  assert.deepEqual(after[0], await readTicket(kv, "o-1"), "o-1 changed: read again");
  assert.deepEqual(calls, [1], "only o-1 is read again");
});
