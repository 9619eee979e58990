/**
 * Test support for the search index and figures (test code only): a temporary KV store and orders
 * stored and moved through `store.ts` exactly as the use cases do (one atomic commit each).
 *
 * @module
 */
import type { OrderDetails } from "../common/gen/oms/types/v1/types.ts";
import { newOrder, type Order, type OrderStatus } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import { addCreate, addUpdate, getOrder } from "./store.ts";

/** Runs `fn` with a fresh KV store, removed afterwards. */
export async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orders-index-" });
  const kv = await Deno.openKv(`${dir}/orders.kv`);
  try {
    await fn(kv);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Contact details for a test order. */
export function details(name: string, phone = "", email = ""): OrderDetails {
  return { name, phone, email, note: "", pickupAt: undefined };
}

/** What a test order is made of. */
export interface TestOrder {
  id?: string;
  customerId?: string;
  number?: number;
  at: number;
  amount?: number;
  details?: OrderDetails;
}

/** Stores a new pending order as `createOrder` does (one commit). */
export async function create(kv: Deno.Kv, t: TestOrder): Promise<Order> {
  const order = newOrder({
    id: t.id ?? crypto.randomUUID(),
    customerId: t.customerId ?? "c1",
    items: [],
    total: { amount: t.amount ?? 1000, currency: "EUR" },
    at: new Date(t.at),
    cause: "customer",
    traceId: "",
    number: t.number,
    details: t.details,
  });
  const res = await addCreate(kv.atomic(), order).commit();
  if (!res.ok) throw new Error(`create ${order.id} failed`);
  return order;
}

/** Moves order `id` through `statuses` at time `at` (ms), one commit each, as the use cases do. */
export async function move(kv: Deno.Kv, id: string, at: number, ...statuses: OrderStatus[]): Promise<Order> {
  let last: Order | undefined;
  for (const s of statuses) {
    const entry = await getOrder(kv, id);
    if (!entry) throw new Error(`no order ${id}`);
    const next = transition(entry.order, s, { cause: "test", at: new Date(at), traceId: "" }).order!;
    const res = await addUpdate(kv.atomic(), entry, next).commit();
    if (!res.ok) throw new Error(`move ${id} to ${s} failed`);
    last = next;
  }
  return last!;
}
