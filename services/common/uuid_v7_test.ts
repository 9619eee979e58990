import assert from "node:assert/strict";
import { parse } from "uuid";
import { randomUuidV7 } from "./uuid_v7.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("a random UUIDv7 is the time, then 73 bits all taken from the random bytes (the sequence field's top bit stays 0)", () => {
  assert.equal(
    randomUuidV7(0x01a23d222f54, new Uint8Array(16).fill(0xff)),
    "01a23d22-2f54-77ff-bfff-ffffffffffff",
  );
  assert.equal(randomUuidV7(0x01a23d222f54, new Uint8Array(16)), "01a23d22-2f54-7000-8000-000000000000");
});

Deno.test("random UUIDv7s made in one millisecond share no counter: each is fresh", () => {
  const now = Date.now();
  const made = Array.from({ length: 200 }, () => randomUuidV7(now));
  for (const id of made) assert.match(id, UUID_V7);
  assert.equal(new Set(made).size, made.length);
  // the sequence field (RFC 9562's counter): byte 6's low nibble, byte 7, 6 bits of byte 8, byte 9, 6 bits of byte 10
  const sequence = (id: string) => {
    const b = parse(id);
    return (b[6]! & 0x0f) * 2 ** 28 + b[7]! * 2 ** 20 + (b[8]! & 0x3f) * 2 ** 14 + b[9]! * 2 ** 6 +
      (b[10]! >> 2);
  };
  const steps = made.slice(1).filter((id, i) => sequence(id) === sequence(made[i]!) + 1).length;
  assert.ok(steps < 5, `${steps} of 199 ids were their predecessor plus one`);
});
