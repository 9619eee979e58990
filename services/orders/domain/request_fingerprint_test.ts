import assert from "node:assert/strict";
import { requestFingerprint } from "./request_fingerprint.ts";

const ADA = { name: "Ada", phone: "0170123456", email: "", note: "", pickupAt: undefined };

Deno.test("the same items and details give the same fingerprint, whatever the order of the lines", async () => {
  const a = await requestFingerprint([{ itemId: "1", quantity: 2 }, { itemId: "9", quantity: 1 }], ADA);
  const b = await requestFingerprint([{ itemId: "9", quantity: 1 }, { itemId: "1", quantity: 2 }], {
    ...ADA,
  });
  assert.equal(a, b);
  assert.match(a, /^[0-9a-f]{64}$/);
});

Deno.test("another quantity, item, detail or pickup time gives another fingerprint", async () => {
  const items = [{ itemId: "1", quantity: 2 }];
  const base = await requestFingerprint(items, ADA);
  const others = await Promise.all([
    requestFingerprint([{ itemId: "1", quantity: 3 }], ADA),
    requestFingerprint([{ itemId: "2", quantity: 2 }], ADA),
    requestFingerprint(items, { ...ADA, note: "no onions" }),
    requestFingerprint(items, { ...ADA, pickupAt: new Date(0) }),
    requestFingerprint(items, undefined),
  ]);
  for (const other of others) assert.notEqual(other, base);
  assert.equal(new Set(others).size, others.length);
});

Deno.test("the fingerprint is the SHA-256 of the canonical body, as stored by earlier versions", async () => {
  const items = [{ itemId: "9", quantity: 1 }, { itemId: "1", quantity: 2 }];
  const canonical = JSON.stringify({
    lines: [["1", 2], ["9", 1]],
    who: [ADA.name, ADA.phone, ADA.email, ADA.note, ""],
  });
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(requestFingerprint(items, ADA), hex, "claims stored before still match a retry");
});
