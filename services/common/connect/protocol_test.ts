import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Metadata, status as Code } from "@grpc/grpc-js";
import {
  codeName,
  codeOf,
  codeOfHttpStatus,
  envelope,
  EnvelopeReader,
  FramingError,
  httpStatusOf,
  metadataFromJson,
  metadataJson,
  readMetadata,
  writeMetadata,
} from "./protocol.ts";

Deno.test("envelopes come out whole and in order however the bytes are split", () => {
  const a = envelope(0, new Uint8Array([1, 2, 3]));
  const b = envelope(0, new Uint8Array(0));
  const end = envelope(2, new TextEncoder().encode("{}"));
  const all = new Uint8Array([...a, ...b, ...end]);
  for (let cut1 = 0; cut1 <= all.length; cut1++) {
    for (let cut2 = cut1; cut2 <= all.length; cut2++) {
      const reader = new EnvelopeReader();
      const got = [
        ...reader.push(all.subarray(0, cut1)),
        ...reader.push(all.subarray(cut1, cut2)),
        ...reader.push(all.subarray(cut2)),
      ];
      assert.deepEqual(got.map((e) => [e.flags, [...e.data]]), [[0, [1, 2, 3]], [0, []], [2, [123, 125]]]);
      assert.equal(reader.pending, false);
    }
  }
});

Deno.test("a large message in small chunks is read whole; one announced over the limit is refused at once", () => {
  const data = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
  const framed = envelope(0, data);
  const reader = new EnvelopeReader(2 * 1024 * 1024);
  let got: Uint8Array | undefined;
  for (let at = 0; at < framed.length; at += 16 * 1024) {
    const out = reader.push(framed.subarray(at, at + 16 * 1024));
    if (out.length > 0) got = out[0]!.data;
  }
  assert.ok(got);
  assert.equal(Buffer.compare(got, data), 0);
  const small = new EnvelopeReader(10);
  assert.throws(() => small.push(envelope(0, new Uint8Array(11)).subarray(0, 5)), FramingError);
  const partial = new EnvelopeReader();
  partial.push(envelope(0, new Uint8Array(8)).subarray(0, 7));
  assert.equal(partial.pending, true);
});

Deno.test("codes map to the protocol's names and HTTP statuses, and back", () => {
  assert.equal(codeName(Code.NOT_FOUND), "not_found");
  assert.equal(codeOf("resource_exhausted"), Code.RESOURCE_EXHAUSTED);
  assert.equal(codeOf("nonsense"), undefined);
  assert.equal(httpStatusOf(Code.UNAUTHENTICATED), 401);
  assert.equal(httpStatusOf(Code.UNAVAILABLE), 503);
  assert.equal(codeOfHttpStatus(404), Code.UNIMPLEMENTED);
  assert.equal(codeOfHttpStatus(502), Code.UNAVAILABLE);
  assert.equal(codeOfHttpStatus(418), Code.UNKNOWN);
});

Deno.test("metadata travels as headers (binary as base64) and as end-of-stream JSON; protocol headers are not metadata", () => {
  const md = new Metadata();
  md.set("traceparent", "00-abc-def-01");
  md.set("detail-bin", Buffer.from([0, 1, 254, 255]));
  const headers = new Headers({ "content-type": "application/proto", "connect-timeout-ms": "5" });
  writeMetadata(headers, md);
  const back = readMetadata(headers);
  assert.deepEqual(back.get("traceparent"), ["00-abc-def-01"]);
  assert.deepEqual([...back.get("detail-bin")[0] as Buffer], [0, 1, 254, 255]);
  assert.deepEqual(back.get("content-type"), []);
  assert.deepEqual(back.get("connect-timeout-ms"), []);
  const trailers = new Headers();
  writeMetadata(trailers, md, "trailer-");
  assert.deepEqual(readMetadata(trailers).get("traceparent"), [], "trailers are not leading metadata");
  assert.deepEqual(readMetadata(trailers, "trailer-").get("traceparent"), ["00-abc-def-01"]);
  const json = JSON.parse(JSON.stringify(metadataJson(md)));
  const fromJson = metadataFromJson(json);
  assert.deepEqual([...fromJson.get("detail-bin")[0] as Buffer], [0, 1, 254, 255]);
  assert.equal(metadataFromJson("nope").getMap().traceparent, undefined);
});
