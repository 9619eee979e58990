import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Metadata } from "@grpc/grpc-js";
import { STAFF_CLAIM_TTL_MS, STAFF_METADATA_KEY, StaffClaims } from "./staff_claim.ts";
import { TEST_SERVICE_TOKEN } from "./testing.ts";

const claims = new StaffClaims(TEST_SERVICE_TOKEN);
const NOW = Date.UTC(2030, 0, 1);

Deno.test("a signed claim verifies to its staff member and role until it expires", () => {
  const value = claims.sign({ sub: "ada", role: "manager" }, { now: NOW });
  assert.deepEqual(claims.verify(value, NOW), {
    sub: "ada",
    role: "manager",
    exp: (NOW + STAFF_CLAIM_TTL_MS) / 1000,
  });
  assert.ok(claims.verify(value, NOW + STAFF_CLAIM_TTL_MS - 1000), "still valid just before exp");
  assert.equal(claims.verify(value, NOW + STAFF_CLAIM_TTL_MS), null, "expired at exp");
});

Deno.test("forged, altered, foreign and malformed claims do not verify", () => {
  const value = claims.sign({ sub: "ada", role: "kitchen" }, { now: NOW });
  const [payload, sig] = value.split(".") as [string, string];
  const other = new StaffClaims(`${TEST_SERVICE_TOKEN}-other`);
  assert.equal(other.verify(value, NOW), null, "signed under another deployment's token");
  assert.equal(claims.verify(other.sign({ sub: "ada", role: "owner" }, { now: NOW }), NOW), null);
  const promoted = Buffer.from(JSON.stringify({ sub: "ada", role: "owner", exp: NOW / 1000 + 60 }))
    .toString("base64url");
  assert.equal(claims.verify(`${promoted}.${sig}`, NOW), null, "payload changed, signature kept");
  assert.equal(claims.verify(`${payload}.`, NOW), null, "no signature");
  assert.equal(claims.verify(payload, NOW), null, "no dot");
  assert.equal(claims.verify(`${value}.x`, NOW), null, "two dots");
  assert.equal(claims.verify("x".repeat(2000), NOW), null, "oversized");
});

Deno.test("signing refuses an unknown role or an empty name", () => {
  assert.throws(() => claims.sign({ sub: "", role: "owner" }), /Staff name/);
  assert.throws(() => claims.sign({ sub: "ada", role: "root" as "owner" }), /Staff role must be one of/);
});

Deno.test("fromMetadata reads one claim, and none when absent or repeated", () => {
  assert.equal(claims.fromMetadata(new Metadata(), NOW), null);
  const md = claims.attach(new Metadata(), { sub: "ada", role: "owner" }, NOW);
  assert.equal(claims.fromMetadata(md, NOW)?.sub, "ada");
  md.add(STAFF_METADATA_KEY, claims.sign({ sub: "bob", role: "owner" }, { now: NOW }));
  assert.equal(claims.fromMetadata(md, NOW), null, "two claims are refused");
});

Deno.test("attach reuses a claim while more than half its life is left, then signs a new one", () => {
  const fresh = new StaffClaims(TEST_SERVICE_TOKEN);
  const who = { sub: "ada", role: "owner" } as const;
  const at = (now: number) => fresh.attach(new Metadata(), who, now).get(STAFF_METADATA_KEY)[0];
  const first = at(NOW);
  assert.equal(at(NOW + STAFF_CLAIM_TTL_MS / 2 - 1000), first, "reused");
  const second = at(NOW + STAFF_CLAIM_TTL_MS / 2 + 1000);
  assert.notEqual(second, first, "renewed past half its life");
  assert.ok(fresh.verify(String(second), NOW + STAFF_CLAIM_TTL_MS), "the renewed claim outlives the first");
  const kitchen =
    fresh.attach(new Metadata(), { sub: "ada", role: "kitchen" }, NOW).get(STAFF_METADATA_KEY)[0];
  assert.equal(fresh.verify(String(kitchen), NOW)?.role, "kitchen", "each identity has its own claim");
});

Deno.test("a remembered verified claim still expires", () => {
  const fresh = new StaffClaims(TEST_SERVICE_TOKEN);
  const value = fresh.sign({ sub: "ada", role: "owner" }, { now: NOW });
  assert.ok(fresh.verify(value, NOW));
  assert.ok(fresh.verify(value, NOW + 1000), "from memory");
  assert.equal(fresh.verify(value, NOW + STAFF_CLAIM_TTL_MS), null);
});
