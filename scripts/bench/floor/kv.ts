/**
 * The Deno KV floor: one atomic commit of a check and 3 sets (a record, an index entry, an outbox
 * record) on a file store in a temporary folder.
 *
 * @module
 */
import { measureCpuPerOp, type PrimitiveCost } from "./measure.ts";

/** CPU ms of one atomic commit over `ops` commits, `lanes` in flight. */
export async function kvFloor(ops: number, lanes = 1): Promise<PrimitiveCost> {
  const dir = await Deno.makeTempDir({ prefix: "oms-bench-kv-" });
  const kv = await Deno.openKv(`${dir}/floor.kv`);
  const value = { customerId: "c-1", status: "pending", items: [{ id: "1", quantity: 2 }], at: Date.now() };
  try {
    return await measureCpuPerOp(async (i) => {
      const id = `o-${i}`;
      const res = await kv.atomic()
        .check({ key: ["orders", id], versionstamp: null })
        .set(["orders", id], value)
        .set(["orders_by_customer", "c-1", id], id)
        .set(["outbox", id], { key: "order.created", payload: value })
        .commit();
      if (!res.ok) throw new Error(`KV floor commit ${id} failed its check`);
    }, { ops, warmup: Math.min(200, ops), lanes });
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
