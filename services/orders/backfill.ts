/**
 * The upgrade that puts orders stored before the search index and figures existed into them: on start,
 * a background worker walks `["orders"]` in batches of {@linkcode BATCH} (one commit per ten orders),
 * indexes every order without the `["orders_indexed", id]` marker in its state as read (guarded by its
 * versionstamp, so an update meanwhile makes it read again), logs its progress after each batch, and
 * records `["orders_backfill"]` when done so later starts skip the walk. Live commits never count an
 * unindexed order (see `indexes.ts`), so nothing is counted twice.
 *
 * The customer record of a back-filled order is only replaced when the order is newer than the one the
 * record came from (the back-fill meets orders in id order, not time order).
 *
 * @module
 */
import type { Logger } from "../common/log.ts";
import type { UnitOfWork } from "../common/unit_of_work.ts";
import type { BackgroundWorker } from "../common/service_runtime.ts";
import type { Order } from "./domain/order.ts";
import { addFigureDelta } from "./figures/contribution.ts";
import { addCustomerRecord, customerKey, type CustomerRecord, recordOf } from "./figures/customer_record.ts";
import { addSearchKeys, indexedKey } from "./search/keys.ts";
import { countOrders, orderKey, ORDERS } from "./store.ts";

/** Orders read per batch (and per progress line). */
export const BATCH = 200;
/** The key recording that the back-fill of index version 1 is complete. */
export const BACKFILL_DONE: Deno.KvKey = ["orders_backfill"];

/** Options of {@linkcode backfillIndexes}. */
export interface BackfillOptions {
  kv: Deno.Kv;
  uow: UnitOfWork;
  log: Logger;
  /** Aborting it stops after the batch in progress. */
  signal?: AbortSignal;
  /** Orders per batch (tests). */
  batch?: number;
}

/** Indexes up to ten orders (ids) in one commit; the number indexed. */
async function indexSome(uow: UnitOfWork, ids: string[]): Promise<number> {
  return await uow.run(async (tx) => {
    const keys = ids.flatMap((id) => [orderKey(id), indexedKey(id)]);
    const got: Deno.KvEntryMaybe<unknown>[] = [];
    for (let i = 0; i < keys.length; i += 10) got.push(...await tx.kv.getMany(keys.slice(i, i + 10)));
    const todo: Order[] = [];
    for (let i = 0; i < ids.length; i++) {
      const o = got[2 * i]!;
      const marker = got[2 * i + 1]!;
      if (o.value === null || marker.versionstamp !== null) continue;
      tx.op.check({ key: o.key, versionstamp: o.versionstamp }).check({
        key: marker.key,
        versionstamp: null,
      });
      todo.push(o.value as Order);
    }
    if (todo.length === 0) return 0;
    const customers = [...new Set(todo.map((o) => o.customerId))];
    const records = new Map<string, CustomerRecord | null>();
    for (let i = 0; i < customers.length; i += 10) {
      const batch = customers.slice(i, i + 10);
      const recs = await tx.kv.getMany<CustomerRecord[]>(batch.map(customerKey));
      recs.forEach((r, j) => {
        tx.op.check({ key: r.key, versionstamp: r.versionstamp });
        records.set(batch[j]!, r.value);
      });
    }
    for (const order of todo) {
      addSearchKeys(tx.op, order);
      addFigureDelta(tx.op, null, order);
      const rec = recordOf(order);
      const current = records.get(order.customerId);
      if (!current || current.lastOrderAt < rec.lastOrderAt) {
        records.set(order.customerId, rec);
        addCustomerRecord(tx.op, order);
      }
    }
    return todo.length;
  }, "backfillIndexes");
}

/** Walks every order once, indexing those not indexed yet; resolves when done or aborted. */
export async function backfillIndexes(opts: BackfillOptions): Promise<{ scanned: number; indexed: number }> {
  const { kv, uow, log, signal } = opts;
  const batch = opts.batch ?? BATCH;
  if ((await kv.get(BACKFILL_DONE)).value !== null) return { scanned: 0, indexed: 0 };
  const counts = await countOrders(kv);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  let scanned = 0;
  let indexed = 0;
  let cursor: string | undefined;
  for (;;) {
    if (signal?.aborted) return { scanned, indexed };
    const it = kv.list<Order>({ prefix: ORDERS }, { limit: batch, cursor, batchSize: batch });
    const ids: string[] = [];
    for await (const e of it) ids.push(String(e.key[1]));
    cursor = it.cursor;
    if (ids.length > 0) {
      const markers: boolean[] = [];
      for (let i = 0; i < ids.length; i += 10) {
        const got = await kv.getMany(ids.slice(i, i + 10).map(indexedKey));
        markers.push(...got.map((g) => g.versionstamp !== null));
      }
      const missing = ids.filter((_, i) => !markers[i]);
      for (let i = 0; i < missing.length; i += 10) indexed += await indexSome(uow, missing.slice(i, i + 10));
      scanned += ids.length;
      log.info("search index back-fill", { scanned, indexed, total });
    }
    if (ids.length < batch) break;
    await new Promise((r) => setTimeout(r, 0)); // let requests in between batches
  }
  await kv.set(BACKFILL_DONE, { version: 1, at: Date.now(), indexed });
  if (indexed > 0 || scanned > 0) log.info("search index back-fill done", { scanned, indexed });
  return { scanned, indexed };
}

/** The back-fill as a background worker of the service runtime. */
export function backfillWorker(opts: Omit<BackfillOptions, "signal">): BackgroundWorker {
  const ac = new AbortController();
  const running = backfillIndexes({ ...opts, signal: ac.signal }).catch((err) => {
    opts.log.error("search index back-fill failed; it runs again on the next start", { err });
  });
  return {
    async stop() {
      ac.abort();
      await running;
    },
  };
}
