import assert from "node:assert/strict";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import {
  type AtomicWrite,
  AtomicWriteStatus,
  decodeAtomicWrite,
  decodeAtomicWriteOutput,
  DecodeError,
  decodeSnapshotRead,
  decodeSnapshotReadOutput,
  decodeWatch,
  decodeWatchOutput,
  encodeAtomicWrite,
  encodeAtomicWriteOutput,
  encodeSnapshotRead,
  encodeSnapshotReadOutput,
  encodeWatch,
  encodeWatchOutput,
  MutationType,
  SnapshotReadStatus,
  ValueEncoding,
} from "./datapath.ts";

const b = (...xs: number[]) => new Uint8Array(xs);
const vs = b(0, 0, 0, 0, 0, 0, 0, 1, 0, 0);

Deno.test("every data path message survives encode then decode", () => {
  const read = { ranges: [{ start: b(2, 97, 0), end: b(2, 98, 0), limit: 500, reverse: true }] };
  assert.deepEqual(decodeSnapshotRead(encodeSnapshotRead(read)), read);

  const readOut = {
    ranges: [{
      values: [{ key: b(2, 97, 0), value: b(255, 15, 34), encoding: ValueEncoding.VE_V8, versionstamp: vs }],
    }, {
      values: [],
    }],
    readDisabled: false,
    readIsStronglyConsistent: true,
    status: SnapshotReadStatus.SR_SUCCESS,
  };
  assert.deepEqual(decodeSnapshotReadOutput(encodeSnapshotReadOutput(readOut)), readOut);

  const write: AtomicWrite = {
    checks: [{ key: b(2, 97, 0), versionstamp: vs }, { key: b(2, 99, 0), versionstamp: new Uint8Array(0) }],
    mutations: [
      {
        key: b(2, 97, 0),
        value: { data: b(1, 2), encoding: ValueEncoding.VE_V8 },
        mutationType: MutationType.M_SET,
        expireAtMs: 1_800_000_000_000,
        sumMin: new Uint8Array(0),
        sumMax: new Uint8Array(0),
        sumClamp: false,
      },
      {
        key: b(2, 98, 0),
        mutationType: MutationType.M_DELETE,
        expireAtMs: 0,
        sumMin: new Uint8Array(0),
        sumMax: new Uint8Array(0),
        sumClamp: false,
      },
      {
        key: b(2, 110, 0),
        value: { data: b(1, 0, 0, 0, 0, 0, 0, 0), encoding: ValueEncoding.VE_LE64 },
        mutationType: MutationType.M_SUM,
        expireAtMs: 0,
        sumMin: b(9),
        sumMax: b(8),
        sumClamp: true,
      },
    ],
    enqueues: [{
      payload: b(7),
      deadlineMs: 1234,
      keysIfUndelivered: [b(2, 113, 0)],
      backoffSchedule: [100, 2000],
    }],
  };
  assert.deepEqual(decodeAtomicWrite(encodeAtomicWrite(write)), write);

  const writeOut = {
    status: AtomicWriteStatus.AW_CHECK_FAILURE,
    versionstamp: new Uint8Array(0),
    failedChecks: [0, 3],
  };
  assert.deepEqual(decodeAtomicWriteOutput(encodeAtomicWriteOutput(writeOut)), writeOut);

  const watch = { keys: [b(2, 97, 0), b(2, 98, 0)] };
  assert.deepEqual(decodeWatch(encodeWatch(watch)), watch);

  const watchOut = {
    status: SnapshotReadStatus.SR_SUCCESS,
    keys: [
      {
        changed: true,
        entryIfChanged: { key: b(2, 97, 0), value: b(1), encoding: ValueEncoding.VE_BYTES, versionstamp: vs },
      },
      { changed: true },
      { changed: false },
    ],
  };
  assert.deepEqual(decodeWatchOutput(encodeWatchOutput(watchOut)), watchOut);
});

Deno.test("field numbers are the schema's: a hand-built AtomicWriteOutput decodes, unpacked repeated uint32 too", () => {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).int32(AtomicWriteStatus.AW_SUCCESS);
  w.tag(2, WireType.LengthDelimited).bytes(vs);
  w.tag(4, WireType.Varint).uint32(2); // unpacked
  w.tag(4, WireType.Varint).uint32(5);
  w.tag(99, WireType.LengthDelimited).bytes(b(1, 2, 3)); // unknown field: skipped
  assert.deepEqual(decodeAtomicWriteOutput(w.finish()), {
    status: AtomicWriteStatus.AW_SUCCESS,
    versionstamp: vs,
    failedChecks: [2, 5],
  });
});

Deno.test("bytes that are not the message are a DecodeError", () => {
  assert.throws(
    () => decodeAtomicWrite(b(0x0a, 0x05, 0x01)),
    DecodeError,
    "truncated length-delimited field",
  );
  const wrongWire = new BinaryWriter().tag(1, WireType.Varint).int32(3).finish(); // checks must be a message
  assert.throws(() => decodeAtomicWrite(wrongWire), /field 1 has wire type 0/);
});
