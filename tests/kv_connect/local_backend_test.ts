import assert from "node:assert/strict";
import { LocalBackend, RequestRefused } from "./local_backend.ts";
import { AtomicWriteStatus, type Mutation, MutationType, ValueEncoding } from "./datapath.ts";

const key = (s: string) => new Uint8Array([0x02, ...new TextEncoder().encode(s), 0x00]);
const le = (n: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
};
const mutation = (m: Partial<Mutation> & Pick<Mutation, "key" | "mutationType">): Mutation => ({
  expireAtMs: 0,
  sumMin: new Uint8Array(0),
  sumMax: new Uint8Array(0),
  sumClamp: false,
  ...m,
});

Deno.test("a read of several ranges is one snapshot: transfers between two ranges never show a wrong total", async () => {
  using kv = await Deno.openKv(":memory:");
  const backend = new LocalBackend(kv);
  const set = (k: string, n: bigint) =>
    mutation({
      key: key(k),
      mutationType: MutationType.M_SET,
      value: { data: le(n), encoding: ValueEncoding.VE_LE64 },
    });
  await backend.atomicWrite({ checks: [], mutations: [set("a", 100n), set("b", 0n)], enqueues: [] });
  let done = false;
  let step = 0;
  const writer = (async () => {
    // several commits in flight at any time, so one can land between two range reads
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (step < 400) {
        const i = BigInt(++step % 100);
        await backend.atomicWrite({ checks: [], mutations: [set("a", 100n - i), set("b", i)], enqueues: [] });
      }
    }));
    done = true;
  })();
  const range = (k: string) => ({ start: key(k), end: key(`${k}~`), limit: 10, reverse: false });
  let reads = 0;
  while (!done) {
    const out = await backend.snapshotRead({ ranges: [range("a"), range("b")] });
    const [a, b] = out.ranges.map((r) => new DataView(r.values[0]!.value.buffer).getBigUint64(0, true));
    assert.equal(a! + b!, 100n, "both ranges from one snapshot");
    reads++;
  }
  await writer;
  assert.ok(reads > 1, `read while writing (${reads} reads)`);
});

Deno.test("writes it cannot carry out faithfully are refused, not approximated", async () => {
  using kv = await Deno.openKv(":memory:");
  const backend = new LocalBackend(kv);
  const write = (m: Mutation) => backend.atomicWrite({ checks: [], mutations: [m], enqueues: [] });
  await assert.rejects(
    write(
      mutation({
        key: key("s"),
        mutationType: MutationType.M_SUM,
        value: { data: new Uint8Array([1]), encoding: ValueEncoding.VE_V8 },
      }),
    ),
    RequestRefused,
  );
  await assert.rejects(
    write(
      mutation({
        key: key("s"),
        mutationType: MutationType.M_SET_SUFFIX_VERSIONSTAMPED_KEY,
        value: { data: new Uint8Array([1]), encoding: ValueEncoding.VE_V8 },
      }),
    ),
    /mutation type 9 is not offered/,
  );
  await assert.rejects(
    backend.atomicWrite({
      checks: [{ key: key("s"), versionstamp: new Uint8Array(3) }],
      mutations: [],
      enqueues: [],
    }),
    /10 bytes/,
  );
  await assert.rejects(
    backend.snapshotRead({ ranges: [{ start: key("a"), end: key("b"), limit: 0, reverse: false }] }),
    /limit/,
  );
  const ok = await write(mutation({ key: key("s"), mutationType: MutationType.M_DELETE }));
  assert.equal(ok.status, AtomicWriteStatus.AW_SUCCESS);
  assert.equal(ok.versionstamp.length, 10);
});
