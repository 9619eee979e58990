import assert from "node:assert/strict";
import { DomainError } from "../../common/domain_error.ts";
import { type Account, applyChange, checkName, checkPassword, checkRole, nameKey } from "./account.ts";

const hash = { alg: "scrypt" as const, n: 1, r: 1, p: 1, salt: "", hash: "" };
const acct = (name: string, role: Account["role"], disabled = false): Account => ({
  name,
  role,
  disabled,
  password: hash,
  createdAt: 0,
  passwordChangedAt: 0,
  createdBy: "",
});

Deno.test("passwords shorter than 12 characters are refused with a clear error", () => {
  assert.throws(
    () => checkPassword("short-pw-11"),
    (e: DomainError) =>
      e.code === "invalid_argument" && e.field === "password" &&
      /at least 12 characters, got 11/.test(e.message),
  );
  checkPassword("twelve-chars");
  assert.throws(() => checkPassword("x".repeat(257)), /at most 256/);
});

Deno.test("names: trimmed, letters digits . _ -, unique regardless of case", () => {
  assert.equal(checkName("  Maria "), "Maria");
  assert.equal(nameKey("Maria"), nameKey("maria"));
  assert.throws(() => checkName(""), /Enter a name/);
  assert.throws(() => checkName("a b"), /only letters/);
  assert.throws(() => checkName("x".repeat(33)), /at most 32/);
});

Deno.test("roles: owner, manager, kitchen only", () => {
  assert.equal(checkRole("kitchen"), "kitchen");
  assert.throws(() => checkRole("root"), /owner, manager, kitchen, got "root"/);
});

Deno.test("the last active owner cannot be demoted or disabled; with a second owner they can", () => {
  const owner = acct("ann", "owner");
  const all = [owner, acct("bob", "manager"), acct("old", "owner", true)];
  assert.throws(
    () => applyChange(owner, { role: "manager" }, all),
    (e: DomainError) => e.code === "illegal_transition" && /last active owner/.test(e.message),
  );
  assert.throws(() => applyChange(owner, { disabled: true }, all), /last active owner/);
  const two = [...all, acct("cat", "owner")];
  assert.equal(applyChange(owner, { role: "manager" }, two).role, "manager");
  assert.equal(applyChange(acct("bob", "manager"), { disabled: true }, all).disabled, true);
});
