/**
 * The KV Connect stand-in's store: data path requests carried out on a local `Deno.Kv`, so atomicity,
 * versionstamps, expiry and `sum`/`min`/`max` come from the real store. Test code only.
 *
 * Keys arrive in Deno KV's binary key encoding. They are kept opaque: a remote key `k` is stored under
 * the local key `[k]` (one `Uint8Array` part). Deno KV encodes a byte-string part as `0x01`, the bytes
 * with each `0x00` escaped as `0x00 0xff`, then `0x00`; that encoding sorts exactly as the raw bytes do
 * (lexicographically, a prefix first), so local order, ranges, limits and reverse reads are the remote
 * ones (`stand_in_test.ts` checks ordering across key types through Deno's own client). No key
 * codec is needed: the store never interprets a key.
 *
 * Values keep their encoding: V8 values as the raw serialized bytes (a local `Uint8Array`), LE64 values
 * as `Deno.KvU64` (so the local `sum`/`min`/`max` apply to them), and byte values wrapped as
 * `{ bytes }`. A local key is two to a few bytes longer than the remote one, so a key within a few bytes
 * of the 2048-byte limit is refused here.
 *
 * @module
 */
import {
  type AtomicWrite,
  type AtomicWriteOutput,
  AtomicWriteStatus,
  type KvEntry,
  MutationType,
  type ReadRange,
  type SnapshotRead,
  type SnapshotReadOutput,
  SnapshotReadStatus,
  ValueEncoding,
  type WatchOutput,
} from "./datapath.ts";

/** A request the stand-in refuses (answered 400 with the message: the client must not retry it). */
export class RequestRefused extends Error {
  /** A refusal saying `message`. */
  constructor(message: string) {
    super(message);
    this.name = "RequestRefused";
  }
}

/** Most entries one range read may return, and most keys one watch may follow (as denokv). */
export const MAX_READ_LIMIT = 1000;
/** Most keys one watch request may follow. */
export const MAX_WATCHED_KEYS = 10;

interface WrappedBytes {
  bytes: Uint8Array;
}

/** The 10 raw bytes of a local hex versionstamp. */
export function versionstampBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function versionstampHex(bytes: Uint8Array): string {
  if (bytes.length !== 10) throw new RequestRefused(`a versionstamp has 10 bytes, got ${bytes.length}`);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function le64(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new RequestRefused(`an LE64 value has 8 bytes, got ${bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

function le64Bytes(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

function toLocal(data: Uint8Array, encoding: number): unknown {
  if (encoding === ValueEncoding.VE_V8) return data;
  if (encoding === ValueEncoding.VE_LE64) return new Deno.KvU64(le64(data));
  if (encoding === ValueEncoding.VE_BYTES) return { bytes: data } satisfies WrappedBytes;
  throw new RequestRefused(`unknown value encoding ${encoding}`);
}

function toRemote(entry: Deno.KvEntry<unknown>): KvEntry {
  const key = entry.key[0] as Uint8Array;
  const versionstamp = versionstampBytes(entry.versionstamp);
  const v = entry.value;
  if (v instanceof Uint8Array) return { key, value: v, encoding: ValueEncoding.VE_V8, versionstamp };
  if (v instanceof Deno.KvU64) {
    return { key, value: le64Bytes(v.value), encoding: ValueEncoding.VE_LE64, versionstamp };
  }
  if (v && typeof v === "object" && (v as WrappedBytes).bytes instanceof Uint8Array) {
    return { key, value: (v as WrappedBytes).bytes, encoding: ValueEncoding.VE_BYTES, versionstamp };
  }
  throw new Error(`the local store holds a value the stand-in did not write at ${String(key)}`);
}

/** True when `r` reads exactly the key `r.start` (the client's point read: end = start + 0x00). */
function isPointRead(r: ReadRange): boolean {
  return r.end.length === r.start.length + 1 && r.end[r.start.length] === 0 &&
    compareBytes(r.start, r.end.subarray(0, r.start.length)) === 0;
}

/**
 * Data path operations on a local store. Reads of several ranges see one snapshot: point reads go
 * through one local `getMany` (one read transaction); other multi-range reads briefly hold back new
 * writes and wait for those in flight, so no commit lands between their ranges.
 */
export class LocalBackend {
  #inflight = 0;
  #drained: (() => void)[] = [];
  #gate: Promise<void> | undefined;

  /** A backend on `kv` (the stand-in's own store; nothing else should write it). */
  constructor(readonly kv: Deno.Kv) {}

  /** Carries out a snapshot read. */
  async snapshotRead(req: SnapshotRead): Promise<SnapshotReadOutput> {
    for (const r of req.ranges) {
      if (r.limit <= 0 || r.limit > MAX_READ_LIMIT) {
        throw new RequestRefused(`a read range's limit must be 1..${MAX_READ_LIMIT}, got ${r.limit}`);
      }
    }
    let ranges: { values: KvEntry[] }[];
    if (req.ranges.length > 1 && req.ranges.length <= 10 && req.ranges.every(isPointRead)) {
      const entries = await this.kv.getMany(req.ranges.map((r) => [r.start]));
      ranges = entries.map((e) => ({ values: e.versionstamp === null ? [] : [toRemote(e)] }));
    } else if (req.ranges.length <= 1) {
      ranges = await Promise.all(req.ranges.map((r) => this.#readRange(r)));
    } else {
      ranges = await this.#exclusive(() => this.#readRanges(req.ranges));
    }
    return {
      ranges,
      readDisabled: false,
      readIsStronglyConsistent: true,
      status: SnapshotReadStatus.SR_SUCCESS,
    };
  }

  async #readRanges(ranges: ReadRange[]): Promise<{ values: KvEntry[] }[]> {
    const out: { values: KvEntry[] }[] = [];
    for (const r of ranges) out.push(await this.#readRange(r));
    return out;
  }

  async #readRange(r: ReadRange): Promise<{ values: KvEntry[] }> {
    if (compareBytes(r.start, r.end) >= 0) return { values: [] };
    const values: KvEntry[] = [];
    // one batch of at most `limit` entries: one local read, one snapshot
    const iter = this.kv.list({ start: [r.start], end: [r.end] }, {
      limit: r.limit,
      batchSize: r.limit,
      reverse: r.reverse,
    });
    for await (const entry of iter) values.push(toRemote(entry));
    return { values };
  }

  /** Carries out an atomic write as one local atomic operation. */
  async atomicWrite(req: AtomicWrite): Promise<AtomicWriteOutput> {
    if (req.enqueues.length) {
      throw new RequestRefused(
        "this KV Connect stand-in offers no queues (kv.enqueue): OMS moves its events through outboxes and RabbitMQ",
      );
    }
    const op = this.kv.atomic();
    for (const c of req.checks) {
      op.check({
        key: [c.key],
        versionstamp: c.versionstamp.length ? versionstampHex(c.versionstamp) : null,
      });
    }
    for (const m of req.mutations) {
      const key = [m.key];
      const value = m.value;
      switch (m.mutationType) {
        case MutationType.M_SET: {
          if (!value) throw new RequestRefused("a set mutation needs a value");
          const expireIn = m.expireAtMs > 0 ? Math.max(1, m.expireAtMs - Date.now()) : undefined;
          op.set(key, toLocal(value.data, value.encoding), expireIn === undefined ? {} : { expireIn });
          break;
        }
        case MutationType.M_DELETE:
          op.delete(key);
          break;
        case MutationType.M_SUM:
        case MutationType.M_MIN:
        case MutationType.M_MAX: {
          if (value?.encoding !== ValueEncoding.VE_LE64) {
            throw new RequestRefused("this stand-in applies sum/min/max to LE64 (Deno.KvU64) values only");
          }
          const n = le64(value.data);
          if (m.mutationType === MutationType.M_SUM) op.sum(key, n);
          else if (m.mutationType === MutationType.M_MIN) op.min(key, n);
          else op.max(key, n);
          break;
        }
        default:
          throw new RequestRefused(`mutation type ${m.mutationType} is not offered by this stand-in`);
      }
    }
    const res = await this.#write(() => op.commit());
    return res.ok
      ? {
        status: AtomicWriteStatus.AW_SUCCESS,
        versionstamp: versionstampBytes(res.versionstamp),
        failedChecks: [],
      }
      : { status: AtomicWriteStatus.AW_CHECK_FAILURE, versionstamp: new Uint8Array(0), failedChecks: [] };
  }

  /**
   * Follows `keys`: yields an output with every key's current entry at once, then again each time any
   * of them changes; ends when `signal` aborts.
   */
  async *watch(keys: Uint8Array[], signal: AbortSignal): AsyncGenerator<WatchOutput> {
    if (keys.length === 0 || keys.length > MAX_WATCHED_KEYS) {
      throw new RequestRefused(`a watch follows 1..${MAX_WATCHED_KEYS} keys, got ${keys.length}`);
    }
    const stream = this.kv.watch(keys.map((k) => [k]));
    const reader = stream.getReader();
    const stop = () => void reader.cancel().catch(() => {});
    signal.addEventListener("abort", stop, { once: true });
    const last: (string | null | undefined)[] = keys.map(() => undefined);
    try {
      while (!signal.aborted) {
        const next = await reader.read();
        if (next.done) return;
        // Like denokv, each output carries every key as `changed` with its current entry (a consistent
        // snapshot; Deno's client takes an unchanged key as absent); an output identical to the last
        // one sent is not repeated.
        const stamps = next.value.map((e) => e.versionstamp);
        if (stamps.every((v, i) => v === last[i])) continue;
        stamps.forEach((v, i) => last[i] = v);
        yield {
          status: SnapshotReadStatus.SR_SUCCESS,
          keys: next.value.map((e) =>
            e.versionstamp === null ? { changed: true } : { changed: true, entryIfChanged: toRemote(e) }
          ),
        };
      }
    } finally {
      signal.removeEventListener("abort", stop);
      stop();
    }
  }

  async #write<T>(commit: () => Promise<T>): Promise<T> {
    while (this.#gate) await this.#gate;
    this.#inflight++;
    try {
      return await commit();
    } finally {
      if (--this.#inflight === 0) { for (const wake of this.#drained.splice(0)) wake(); }
    }
  }

  async #exclusive<T>(read: () => Promise<T>): Promise<T> {
    while (this.#gate) await this.#gate;
    let open!: () => void;
    this.#gate = new Promise((resolve) => open = resolve);
    try {
      if (this.#inflight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
      return await read();
    } finally {
      this.#gate = undefined;
      open();
    }
  }
}
