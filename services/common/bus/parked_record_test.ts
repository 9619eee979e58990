import assert from "node:assert/strict";
import {
  MAX_PARKED_PAYLOAD_BYTES,
  MAX_REASON_BYTES,
  parkedRecord,
  payloadText,
  recordId,
  sha256Hex,
  truncateUtf8,
} from "./parked_record.ts";
import type { WireMessage } from "./transport.ts";

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).byteLength;
const message = (body: Uint8Array, id = "m-1"): WireMessage => ({
  id,
  routingKey: "order.paid",
  body,
  attempt: 1,
});

Deno.test("truncateUtf8 cuts by UTF-8 bytes at a character boundary", () => {
  assert.deepEqual(truncateUtf8("abc", 3), { text: "abc", truncated: false });
  // "€" is 3 bytes: 5 bytes keep "a€" (4) and not half of the next one
  assert.deepEqual(truncateUtf8("a€€", 5), { text: "a€", truncated: true });
  // "😀" is 4 bytes (2 UTF-16 units): never split into a lone surrogate
  const cut = truncateUtf8("😀😀", 6);
  assert.deepEqual(cut, { text: "😀", truncated: true });
});

Deno.test("sha256Hex is the SHA-256 of the bytes", async () => {
  assert.equal(
    await sha256Hex(encoder.encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("a body within the limit is kept whole, with its size and hash", async () => {
  const body = encoder.encode(JSON.stringify({ orderId: "o-1", note: "crème brûlée" }));
  const r = await parkedRecord("kitchen", message(body), "bad");
  assert.equal(r.payload, new TextDecoder().decode(body));
  assert.equal(r.truncated, false);
  assert.equal(r.sizeBytes, body.byteLength);
  assert.equal(r.sha256, await sha256Hex(body));
});

Deno.test("a 100 KB body keeps its start within the byte limit, a visible marker, its size and hash", async () => {
  const body = encoder.encode(`{"orderId":"${"é".repeat(50_000)}"}`); // 100,014 bytes, 2 bytes a char
  const r = await parkedRecord("kitchen", message(body), "too big");
  assert.equal(r.truncated, true);
  assert.equal(r.sizeBytes, 100_014);
  assert.equal(r.sha256, await sha256Hex(body));
  assert.ok(bytes(r.payload) <= MAX_PARKED_PAYLOAD_BYTES, `payload is ${bytes(r.payload)} bytes`);
  assert.ok(r.payload.startsWith(`{"orderId":"éé`));
  assert.ok(
    r.payload.endsWith(`…[truncated: 100014 bytes in all, sha256 ${r.sha256}]`),
    r.payload.slice(-120),
  );
  assert.ok(!r.payload.includes("\uFFFD"), "no character cut in half");
});

Deno.test("non-UTF-8 bytes are replaced and the payload still stays within the limit", () => {
  const body = new Uint8Array(MAX_PARKED_PAYLOAD_BYTES + 10).fill(0xff); // each becomes U+FFFD (3 bytes)
  const { payload, truncated } = payloadText(body, "h");
  assert.equal(truncated, true);
  assert.ok(bytes(payload) <= MAX_PARKED_PAYLOAD_BYTES);
});

Deno.test("reason, message id and routing key are bounded; a long message id gets a hashed record id", async () => {
  const longId = "x".repeat(300);
  const r = await parkedRecord("kitchen", {
    ...message(new Uint8Array(), longId),
    routingKey: "k".repeat(400),
  }, "r".repeat(10_000));
  assert.ok(bytes(r.reason) <= MAX_REASON_BYTES);
  assert.ok(r.reason.endsWith("…"));
  assert.ok(bytes(r.messageId) <= 255);
  assert.ok(bytes(r.routingKey) <= 255);
  assert.match(r.id, /^msg-[0-9a-f]{40}$/);
  assert.equal(await recordId(longId), r.id, "the same id parks under the same record");
  assert.equal(await recordId("m-1"), "m-1");
  assert.match(await recordId(""), /^nomsgid-/);
});

Deno.test("the worst-case record (huge mixed-width body, huge reason) is accepted by Deno KV", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    // ASCII with one character above U+00FF makes V8 store the string as UTF-16 (2 bytes per unit)
    for (const body of ["€" + "a".repeat(200_000), "😀".repeat(50_000), "a".repeat(1_000_000)]) {
      const r = await parkedRecord(
        "kitchen",
        { ...message(encoder.encode(body), "m".repeat(255)), traceparent: "t".repeat(1000) },
        "€" + "r".repeat(100_000),
      );
      await kv.set(["dead_letters", r.id], r); // throws when the value is over 64 KiB
      assert.equal(r.traceparent, undefined, "an over-long traceparent is dropped");
    }
  } finally {
    kv.close();
  }
});
