import assert from "node:assert/strict";
import { homeOf, mayAccess, navFor, roleLabel, sectionOf } from "./permissions.ts";

Deno.test("kitchen staff reach only the kitchen display, its feed, their account and the login page", () => {
  for (
    const p of [
      "/admin/kitchen",
      "/admin/kitchen/station/oven",
      "/admin/api/kitchen/events",
      "/admin/account",
    ]
  ) {
    assert.ok(mayAccess("kitchen", p), p);
  }
  for (
    const p of [
      "/admin",
      "/admin/orders/x",
      "/admin/menu",
      "/admin/stock",
      "/admin/staff",
      "/admin/dead-letters",
    ]
  ) {
    assert.ok(!mayAccess("kitchen", p), p);
  }
  assert.ok(mayAccess("kitchen", "/admin/login"));
});

Deno.test("a manager reaches everything but staff accounts; an owner reaches everything", () => {
  assert.ok(mayAccess("manager", "/admin/orders/abc/refund"));
  assert.ok(mayAccess("manager", "/admin/menu/3"));
  assert.ok(!mayAccess("manager", "/admin/staff"));
  assert.ok(!mayAccess("manager", "/admin/staff/new"));
  assert.ok(mayAccess("owner", "/admin/staff/new"));
});

Deno.test("an admin path without a section is owner-only, and prefixes match whole segments", () => {
  assert.ok(!mayAccess("manager", "/admin/somewhere-new"));
  assert.ok(mayAccess("owner", "/admin/somewhere-new"));
  // the System page and everything under it (the failure flags) are the owners'
  for (const path of ["/admin/system", "/admin/system/flags"]) {
    assert.ok(mayAccess("owner", path), path);
    assert.ok(!mayAccess("manager", path), path);
    assert.ok(!mayAccess("kitchen", path), path);
  }
  assert.equal(sectionOf("/admin/kitchenette"), null);
  assert.equal(sectionOf("/admin")?.id, "orders");
});

Deno.test("the navigation shows each role only what it may open, and each lands on its first section", () => {
  assert.deepEqual(navFor("kitchen").map((s) => s.id), ["kitchen"]);
  assert.ok(!navFor("manager").some((s) => s.id === "staff"));
  assert.ok(navFor("owner").some((s) => s.id === "staff"));
  assert.ok(!navFor("manager").some((s) => s.id === "system"));
  assert.ok(navFor("owner").some((s) => s.id === "system" && s.label === "System"));
  assert.equal(homeOf("kitchen"), "/admin/kitchen");
  assert.equal(homeOf("manager"), "/admin");
});

Deno.test("each role has a label for people", () => {
  assert.deepEqual(["owner", "manager", "kitchen"].map((r) => roleLabel(r as "owner")), [
    "Owner",
    "Manager",
    "Kitchen",
  ]);
});
