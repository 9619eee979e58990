/**
 * The KV Connect data path messages (`com.deno.kv.datapath`, denoland/denokv `proto/schema/datapath.proto`),
 * encoded and decoded by hand with `@bufbuild/protobuf/wire` for the KV Connect stand-in. Only the
 * messages the data path carries are here; field numbers follow the schema. Both directions are written
 * for every message so tests can build requests and read answers. Test code only.
 *
 * @module
 */
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

/** `SnapshotReadStatus`. */
export const SnapshotReadStatus = { SR_UNSPECIFIED: 0, SR_SUCCESS: 1, SR_READ_DISABLED: 2 } as const;
/** `MutationType`. */
export const MutationType = {
  M_UNSPECIFIED: 0,
  M_SET: 1,
  M_DELETE: 2,
  M_SUM: 3,
  M_MAX: 4,
  M_MIN: 5,
  M_SET_SUFFIX_VERSIONSTAMPED_KEY: 9,
} as const;
/** `ValueEncoding`. */
export const ValueEncoding = { VE_UNSPECIFIED: 0, VE_V8: 1, VE_LE64: 2, VE_BYTES: 3 } as const;
/** `AtomicWriteStatus`. */
export const AtomicWriteStatus = {
  AW_UNSPECIFIED: 0,
  AW_SUCCESS: 1,
  AW_CHECK_FAILURE: 2,
  AW_WRITE_DISABLED: 5,
} as const;

/** A key range to read: `start` inclusive, `end` exclusive (keys in Deno KV's binary key encoding). */
export interface ReadRange {
  start: Uint8Array;
  end: Uint8Array;
  limit: number;
  reverse: boolean;
}
/** `SnapshotRead`. */
export interface SnapshotRead {
  ranges: ReadRange[];
}
/** `KvEntry`: a stored pair with its encoding and the 10-byte versionstamp of its last write. */
export interface KvEntry {
  key: Uint8Array;
  value: Uint8Array;
  encoding: number;
  versionstamp: Uint8Array;
}
/** `SnapshotReadOutput`. */
export interface SnapshotReadOutput {
  ranges: { values: KvEntry[] }[];
  readDisabled: boolean;
  readIsStronglyConsistent: boolean;
  status: number;
}
/** `Check`: an empty versionstamp means "the key does not exist". */
export interface Check {
  key: Uint8Array;
  versionstamp: Uint8Array;
}
/** `KvValue`. */
export interface KvValue {
  data: Uint8Array;
  encoding: number;
}
/** `Mutation`. */
export interface Mutation {
  key: Uint8Array;
  value?: KvValue;
  mutationType: number;
  /** Milliseconds since the epoch; 0 = never expires. */
  expireAtMs: number;
  sumMin: Uint8Array;
  sumMax: Uint8Array;
  sumClamp: boolean;
}
/** `Enqueue`. */
export interface Enqueue {
  payload: Uint8Array;
  deadlineMs: number;
  keysIfUndelivered: Uint8Array[];
  backoffSchedule: number[];
}
/** `AtomicWrite`. */
export interface AtomicWrite {
  checks: Check[];
  mutations: Mutation[];
  enqueues: Enqueue[];
}
/** `AtomicWriteOutput`. */
export interface AtomicWriteOutput {
  status: number;
  versionstamp: Uint8Array;
  failedChecks: number[];
}
/** `Watch`. */
export interface Watch {
  keys: Uint8Array[];
}
/** `WatchKeyOutput`: `entryIfChanged` absent with `changed` means the key was deleted. */
export interface WatchKeyOutput {
  changed: boolean;
  entryIfChanged?: KvEntry;
}
/** `WatchOutput`. */
export interface WatchOutput {
  status: number;
  keys: WatchKeyOutput[];
}

/** Thrown for bytes that are not a valid message of the expected type. */
export class DecodeError extends Error {
  /** A decode failure described by `message`. */
  constructor(message: string) {
    super(message);
    this.name = "DecodeError";
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);

type FieldReader = (field: number, wire: WireType, r: BinaryReader) => boolean;

/** Reads every field of the message in `bytes`, handing each to `read`; unknown fields are skipped. */
function readFields(bytes: Uint8Array, read: FieldReader): void {
  const r = new BinaryReader(bytes);
  try {
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      if (!read(field, wire, r)) r.skip(wire, field);
    }
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError(`malformed protobuf: ${(err as Error).message}`);
  }
}

function expect(wire: WireType, want: WireType, field: number): void {
  if (wire !== want) throw new DecodeError(`field ${field} has wire type ${wire}, expected ${want}`);
}

/** A repeated uint32, packed or not. */
function readUint32s(wire: WireType, r: BinaryReader, into: number[]): void {
  if (wire === WireType.LengthDelimited) {
    const inner = new BinaryReader(r.bytes());
    while (inner.pos < inner.len) into.push(inner.uint32());
  } else {
    expect(wire, WireType.Varint, 0);
    into.push(r.uint32());
  }
}

function bytesField(w: BinaryWriter, field: number, value: Uint8Array): void {
  if (value.length) w.tag(field, WireType.LengthDelimited).bytes(value);
}
function varintField(w: BinaryWriter, field: number, value: number): void {
  if (value) w.tag(field, WireType.Varint).int32(value);
}
function boolField(w: BinaryWriter, field: number, value: boolean): void {
  if (value) w.tag(field, WireType.Varint).bool(true);
}
function messageField(w: BinaryWriter, field: number, bytes: Uint8Array): void {
  w.tag(field, WireType.LengthDelimited).bytes(bytes);
}

// --- SnapshotRead ---------------------------------------------------------------------------------

function encodeReadRange(m: ReadRange): Uint8Array {
  const w = new BinaryWriter();
  bytesField(w, 1, m.start);
  bytesField(w, 2, m.end);
  varintField(w, 3, m.limit);
  boolField(w, 4, m.reverse);
  return w.finish();
}

function decodeReadRange(bytes: Uint8Array): ReadRange {
  const m: ReadRange = { start: EMPTY, end: EMPTY, limit: 0, reverse: false };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.LengthDelimited, f), m.start = r.bytes());
    else if (f === 2) (expect(wire, WireType.LengthDelimited, f), m.end = r.bytes());
    else if (f === 3) (expect(wire, WireType.Varint, f), m.limit = r.int32());
    else if (f === 4) (expect(wire, WireType.Varint, f), m.reverse = r.bool());
    else return false;
    return true;
  });
  return m;
}

/** Encodes a `SnapshotRead`. */
export function encodeSnapshotRead(m: SnapshotRead): Uint8Array {
  const w = new BinaryWriter();
  for (const range of m.ranges) messageField(w, 1, encodeReadRange(range));
  return w.finish();
}

/** Decodes a `SnapshotRead`. */
export function decodeSnapshotRead(bytes: Uint8Array): SnapshotRead {
  const m: SnapshotRead = { ranges: [] };
  readFields(bytes, (f, wire, r) => {
    if (f !== 1) return false;
    expect(wire, WireType.LengthDelimited, f);
    m.ranges.push(decodeReadRange(r.bytes()));
    return true;
  });
  return m;
}

function encodeKvEntry(m: KvEntry): Uint8Array {
  const w = new BinaryWriter();
  bytesField(w, 1, m.key);
  bytesField(w, 2, m.value);
  varintField(w, 3, m.encoding);
  bytesField(w, 4, m.versionstamp);
  return w.finish();
}

function decodeKvEntry(bytes: Uint8Array): KvEntry {
  const m: KvEntry = { key: EMPTY, value: EMPTY, encoding: 0, versionstamp: EMPTY };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.LengthDelimited, f), m.key = r.bytes());
    else if (f === 2) (expect(wire, WireType.LengthDelimited, f), m.value = r.bytes());
    else if (f === 3) (expect(wire, WireType.Varint, f), m.encoding = r.int32());
    else if (f === 4) (expect(wire, WireType.LengthDelimited, f), m.versionstamp = r.bytes());
    else return false;
    return true;
  });
  return m;
}

/** Encodes a `SnapshotReadOutput`. */
export function encodeSnapshotReadOutput(m: SnapshotReadOutput): Uint8Array {
  const w = new BinaryWriter();
  for (const range of m.ranges) {
    const inner = new BinaryWriter();
    for (const entry of range.values) messageField(inner, 1, encodeKvEntry(entry));
    messageField(w, 1, inner.finish());
  }
  boolField(w, 2, m.readDisabled);
  boolField(w, 4, m.readIsStronglyConsistent);
  varintField(w, 8, m.status);
  return w.finish();
}

/** Decodes a `SnapshotReadOutput`. */
export function decodeSnapshotReadOutput(bytes: Uint8Array): SnapshotReadOutput {
  const m: SnapshotReadOutput = {
    ranges: [],
    readDisabled: false,
    readIsStronglyConsistent: false,
    status: 0,
  };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) {
      expect(wire, WireType.LengthDelimited, f);
      const values: KvEntry[] = [];
      readFields(r.bytes(), (g, w2, r2) => {
        if (g !== 1) return false;
        expect(w2, WireType.LengthDelimited, g);
        values.push(decodeKvEntry(r2.bytes()));
        return true;
      });
      m.ranges.push({ values });
    } else if (f === 2) (expect(wire, WireType.Varint, f), m.readDisabled = r.bool());
    else if (f === 4) (expect(wire, WireType.Varint, f), m.readIsStronglyConsistent = r.bool());
    else if (f === 8) (expect(wire, WireType.Varint, f), m.status = r.int32());
    else return false;
    return true;
  });
  return m;
}

// --- AtomicWrite ----------------------------------------------------------------------------------

/** Encodes an `AtomicWrite`. */
export function encodeAtomicWrite(m: AtomicWrite): Uint8Array {
  const w = new BinaryWriter();
  for (const c of m.checks) {
    const inner = new BinaryWriter();
    bytesField(inner, 1, c.key);
    bytesField(inner, 2, c.versionstamp);
    messageField(w, 1, inner.finish());
  }
  for (const mu of m.mutations) {
    const inner = new BinaryWriter();
    bytesField(inner, 1, mu.key);
    if (mu.value) {
      const v = new BinaryWriter();
      bytesField(v, 1, mu.value.data);
      varintField(v, 2, mu.value.encoding);
      messageField(inner, 2, v.finish());
    }
    varintField(inner, 3, mu.mutationType);
    if (mu.expireAtMs) inner.tag(4, WireType.Varint).int64(mu.expireAtMs);
    bytesField(inner, 5, mu.sumMin);
    bytesField(inner, 6, mu.sumMax);
    boolField(inner, 7, mu.sumClamp);
    messageField(w, 2, inner.finish());
  }
  for (const e of m.enqueues) {
    const inner = new BinaryWriter();
    bytesField(inner, 1, e.payload);
    if (e.deadlineMs) inner.tag(2, WireType.Varint).int64(e.deadlineMs);
    for (const k of e.keysIfUndelivered) messageField(inner, 3, k);
    if (e.backoffSchedule.length) {
      inner.tag(4, WireType.LengthDelimited).fork();
      for (const d of e.backoffSchedule) inner.uint32(d);
      inner.join();
    }
    messageField(w, 3, inner.finish());
  }
  return w.finish();
}

function decodeCheck(bytes: Uint8Array): Check {
  const m: Check = { key: EMPTY, versionstamp: EMPTY };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.LengthDelimited, f), m.key = r.bytes());
    else if (f === 2) (expect(wire, WireType.LengthDelimited, f), m.versionstamp = r.bytes());
    else return false;
    return true;
  });
  return m;
}

function decodeKvValue(bytes: Uint8Array): KvValue {
  const m: KvValue = { data: EMPTY, encoding: 0 };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.LengthDelimited, f), m.data = r.bytes());
    else if (f === 2) (expect(wire, WireType.Varint, f), m.encoding = r.int32());
    else return false;
    return true;
  });
  return m;
}

function decodeMutation(bytes: Uint8Array): Mutation {
  const m: Mutation = {
    key: EMPTY,
    mutationType: 0,
    expireAtMs: 0,
    sumMin: EMPTY,
    sumMax: EMPTY,
    sumClamp: false,
  };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.LengthDelimited, f), m.key = r.bytes());
    else if (f === 2) (expect(wire, WireType.LengthDelimited, f), m.value = decodeKvValue(r.bytes()));
    else if (f === 3) (expect(wire, WireType.Varint, f), m.mutationType = r.int32());
    else if (f === 4) (expect(wire, WireType.Varint, f), m.expireAtMs = Number(r.int64()));
    else if (f === 5) (expect(wire, WireType.LengthDelimited, f), m.sumMin = r.bytes());
    else if (f === 6) (expect(wire, WireType.LengthDelimited, f), m.sumMax = r.bytes());
    else if (f === 7) (expect(wire, WireType.Varint, f), m.sumClamp = r.bool());
    else return false;
    return true;
  });
  return m;
}

function decodeEnqueue(bytes: Uint8Array): Enqueue {
  const m: Enqueue = { payload: EMPTY, deadlineMs: 0, keysIfUndelivered: [], backoffSchedule: [] };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.LengthDelimited, f), m.payload = r.bytes());
    else if (f === 2) (expect(wire, WireType.Varint, f), m.deadlineMs = Number(r.int64()));
    else if (f === 3) (expect(wire, WireType.LengthDelimited, f), m.keysIfUndelivered.push(r.bytes()));
    else if (f === 4) readUint32s(wire, r, m.backoffSchedule);
    else return false;
    return true;
  });
  return m;
}

/** Decodes an `AtomicWrite`. */
export function decodeAtomicWrite(bytes: Uint8Array): AtomicWrite {
  const m: AtomicWrite = { checks: [], mutations: [], enqueues: [] };
  readFields(bytes, (f, wire, r) => {
    if (f < 1 || f > 3) return false;
    expect(wire, WireType.LengthDelimited, f);
    if (f === 1) m.checks.push(decodeCheck(r.bytes()));
    else if (f === 2) m.mutations.push(decodeMutation(r.bytes()));
    else m.enqueues.push(decodeEnqueue(r.bytes()));
    return true;
  });
  return m;
}

/** Encodes an `AtomicWriteOutput` (failed check indexes packed). */
export function encodeAtomicWriteOutput(m: AtomicWriteOutput): Uint8Array {
  const w = new BinaryWriter();
  varintField(w, 1, m.status);
  bytesField(w, 2, m.versionstamp);
  if (m.failedChecks.length) {
    w.tag(4, WireType.LengthDelimited).fork();
    for (const i of m.failedChecks) w.uint32(i);
    w.join();
  }
  return w.finish();
}

/** Decodes an `AtomicWriteOutput`. */
export function decodeAtomicWriteOutput(bytes: Uint8Array): AtomicWriteOutput {
  const m: AtomicWriteOutput = { status: 0, versionstamp: EMPTY, failedChecks: [] };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.Varint, f), m.status = r.int32());
    else if (f === 2) (expect(wire, WireType.LengthDelimited, f), m.versionstamp = r.bytes());
    else if (f === 4) readUint32s(wire, r, m.failedChecks);
    else return false;
    return true;
  });
  return m;
}

// --- Watch ----------------------------------------------------------------------------------------

/** Encodes a `Watch`. */
export function encodeWatch(m: Watch): Uint8Array {
  const w = new BinaryWriter();
  for (const key of m.keys) {
    const inner = new BinaryWriter();
    bytesField(inner, 1, key);
    messageField(w, 1, inner.finish());
  }
  return w.finish();
}

/** Decodes a `Watch`. */
export function decodeWatch(bytes: Uint8Array): Watch {
  const m: Watch = { keys: [] };
  readFields(bytes, (f, wire, r) => {
    if (f !== 1) return false;
    expect(wire, WireType.LengthDelimited, f);
    let key = EMPTY;
    readFields(r.bytes(), (g, w2, r2) => {
      if (g !== 1) return false;
      expect(w2, WireType.LengthDelimited, g);
      key = r2.bytes();
      return true;
    });
    m.keys.push(key);
    return true;
  });
  return m;
}

/** Encodes a `WatchOutput`. */
export function encodeWatchOutput(m: WatchOutput): Uint8Array {
  const w = new BinaryWriter();
  varintField(w, 1, m.status);
  for (const k of m.keys) {
    const inner = new BinaryWriter();
    boolField(inner, 1, k.changed);
    if (k.entryIfChanged) messageField(inner, 2, encodeKvEntry(k.entryIfChanged));
    messageField(w, 2, inner.finish());
  }
  return w.finish();
}

/** Decodes a `WatchOutput`. */
export function decodeWatchOutput(bytes: Uint8Array): WatchOutput {
  const m: WatchOutput = { status: 0, keys: [] };
  readFields(bytes, (f, wire, r) => {
    if (f === 1) (expect(wire, WireType.Varint, f), m.status = r.int32());
    else if (f === 2) {
      expect(wire, WireType.LengthDelimited, f);
      const k: WatchKeyOutput = { changed: false };
      readFields(r.bytes(), (g, w2, r2) => {
        if (g === 1) (expect(w2, WireType.Varint, g), k.changed = r2.bool());
        else if (g === 2) {
          (expect(w2, WireType.LengthDelimited, g), k.entryIfChanged = decodeKvEntry(r2.bytes()));
        } else return false;
        return true;
      });
      m.keys.push(k);
    } else return false;
    return true;
  });
  return m;
}
