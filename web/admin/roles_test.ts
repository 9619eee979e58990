/**
 * Roles, end to end through the real staff store (hosted by orders) and the admin guard: an owner
 * adds accounts on the staff page; a kitchen account sees only the kitchen display and gets 403 on
 * every other admin page, feed and form post (every route of `routes.gen.ts`, so a new route is covered
 * by itself); a manager cannot manage accounts; the staff claim carries the signed-in member's name.
 */
import assert from "node:assert/strict";
import { adminRoutes } from "./admin_routes_testing.ts";
import { ADMIN_SECTIONS } from "./permissions.ts";
import type { PagesSystem } from "../pages_testing.ts";
import {
  type AdminClient,
  adminClient,
  staffAccount,
  startAdminSystem,
  testPasswordOf,
} from "./admin_testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
/** What a kitchen account may open: the kitchen display and feeds, its account, logging in and out. */
function kitchenMayOpen(path: string): boolean {
  return ["/admin/kitchen", "/admin/api/kitchen", "/admin/account", "/admin/logout", "/admin/login"].some(
    (p) => path === p || path.startsWith(p + "/"),
  );
}

/** The links of a page to the admin's navigation sections (wherever the shell puts them). */
function sectionLinks(html: string): string[] {
  const hrefs = new Set([...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1]!));
  return ADMIN_SECTIONS.filter((s) => s.nav && hrefs.has(s.href)).map((s) => s.href);
}

async function owner(sys: PagesSystem): Promise<AdminClient> {
  const boss = adminClient(sys);
  const res = await boss.login();
  assert.equal(res.status, 303);
  return boss;
}

Deno.test(
  "an owner adds a kitchen account; it sees only the kitchen display and gets 403 on every other admin page, feed and form post",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const boss = await owner(sys);
      const cook = await staffAccount(sys, "cook", "kitchen", boss);
      const list = await (await boss.fetch("/admin/staff")).text();
      assert.match(list, /data-testid="staff-row" data-name="cook" data-role="kitchen"/);

      // lands on the kitchen display, whose navigation has the Kitchen link only
      const land = await adminClient(sys).login("cook", testPasswordOf("cook"));
      assert.equal(land.headers.get("location"), "/admin/kitchen");
      const kitchen = await cook.fetch("/admin/kitchen");
      assert.equal(kitchen.status, 200);
      assert.deepEqual(sectionLinks(await kitchen.text()), ["/admin/kitchen"]);

      const csrf = await cook.csrf("/admin/account");
      const stockBefore = await sys.stockLevels();
      const routes = adminRoutes();
      assert.ok(
        routes.some((r) => r.path === "/admin/stock" && r.methods.includes("POST")),
        "routes enumerated",
      );
      let refused = 0;
      for (const route of routes) {
        if (kitchenMayOpen(route.path)) continue;
        for (const method of route.methods) {
          const res = method === "GET" ? await cook.fetch(route.path) : await cook.post(route.path, {
            _csrf: csrf,
            itemId: "1",
            quantity: "5",
            action: "cancel",
            name: "x",
          });
          assert.equal(res.status, 403, `${method} ${route.path} (${route.file})`);
          const body = await res.text();
          if (route.path.startsWith("/admin/api/")) {
            assert.equal(JSON.parse(body).error.code, "forbidden", route.path);
          } else {
            assert.match(body, /<h1 id="forbidden-title">Not allowed<\/h1>/, `${method} ${route.path}`);
            assert.match(body, /href="\/admin\/kitchen"/, "the 403 page links to where the role belongs");
          }
          refused++;
        }
      }
      assert.ok(refused >= 8, `refused ${refused} routes`);
      assert.deepEqual(await sys.stockLevels(), stockBefore, "no refused post changed anything");
      // still signed in, never redirected in a loop
      assert.equal((await cook.fetch("/admin/kitchen")).status, 200);
      assert.equal((await cook.fetch("/admin/account")).status, 200);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a manager runs orders but cannot manage accounts: 403 on the staff page and its posts",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const boss = await owner(sys);
      const maria = await staffAccount(sys, "maria", "manager", boss);
      assert.equal((await maria.fetch("/admin")).status, 200);
      assert.equal((await maria.fetch("/admin/kitchen")).status, 200);
      assert.equal((await maria.fetch("/admin/staff")).status, 403);
      const csrf = await maria.csrf("/admin");
      const attempts: Record<string, string>[] = [
        { action: "create", name: "sneaky", role: "owner", password: "sneaky-password-1" },
        { action: "role", name: "maria", role: "owner" },
        { action: "disable", name: "admin" },
        { action: "password", name: "admin", password: "hijacked-password-1" },
      ];
      for (const fields of attempts) {
        const res = await maria.post("/admin/staff", { _csrf: csrf, ...fields });
        assert.equal(res.status, 403, fields.action ?? "");
        await res.body?.cancel();
      }
      const list = await (await boss.fetch("/admin/staff")).text();
      assert.doesNotMatch(list, /data-name="sneaky"/);
      assert.match(list, /data-name="maria" data-role="manager"/);
      assert.equal((await adminClient(sys).login()).status, 303, "the owner's password is unchanged");
      const links = sectionLinks(await (await maria.fetch("/admin")).text());
      assert.ok(!links.includes("/admin/staff"), "no Staff link for a manager");
      assert.ok(links.includes("/admin/kitchen"));
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the staff page: adds with the real owner's name, refuses short passwords and taken names, never demotes the last owner; disabling signs out",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const boss = await owner(sys);
      const ann = await staffAccount(sys, "ann", "owner", boss);
      const csrf = await ann.csrf("/admin/staff");
      const short = await ann.post("/admin/staff", {
        _csrf: csrf,
        action: "create",
        name: "bob",
        role: "kitchen",
        password: "short",
      });
      assert.equal(short.status, 422);
      assert.match(await short.text(), /at least 12 characters, got 5/);
      const ok = await ann.post("/admin/staff", {
        _csrf: csrf,
        action: "create",
        name: "bob",
        role: "kitchen",
        password: "bob-password-12",
      });
      assert.equal(ok.status, 303);
      const page = await (await ann.fetch("/admin/staff")).text();
      assert.match(page, /data-testid="flash" data-kind="success">Added bob \(kitchen\)\./);
      assert.match(page, /data-name="bob"[^]*?added by ann/, "the claim carried the owner's own name");
      const taken = await ann.post("/admin/staff", {
        _csrf: csrf,
        action: "create",
        name: "BOB",
        role: "manager",
        password: "bob-password-12",
      });
      assert.equal(taken.status, 409);
      assert.match(await taken.text(), /already exists/);

      // two owners: ann may demote admin; then ann is the last and cannot demote herself
      assert.equal(
        (await ann.post("/admin/staff", { _csrf: csrf, action: "role", name: "admin", role: "manager" }))
          .status,
        303,
      );
      const last = await ann.post("/admin/staff", {
        _csrf: csrf,
        action: "role",
        name: "ann",
        role: "kitchen",
      });
      assert.equal(last.status, 409);
      assert.match(await last.text(), /ann is the last active owner/);
      const lastOff = await ann.post("/admin/staff", { _csrf: csrf, action: "disable", name: "ann" });
      assert.equal(lastOff.status, 409);
      await lastOff.body?.cancel();
      assert.equal((await boss.fetch("/admin/staff")).status, 403, "admin's role changed at once");

      const bob = adminClient(sys);
      assert.equal((await bob.login("bob", "bob-password-12")).status, 303);
      assert.equal(
        (await ann.post("/admin/staff", { _csrf: csrf, action: "disable", name: "bob" })).status,
        303,
      );
      assert.equal((await bob.fetch("/admin/kitchen")).status, 303, "signed out at once");
      const again = await adminClient(sys).login("bob", "bob-password-12");
      assert.equal(again.status, 401);
      assert.match(await again.text(), /Wrong name or password/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "everyone changes their own password on /admin/account; a wrong current one is refused",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const cook = await staffAccount(sys, "cook", "kitchen");
      const page = await (await cook.fetch("/admin/account")).text();
      assert.match(page, /Signed in as <strong>cook<\/strong> \(kitchen\)/);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
      const wrong = await cook.post("/admin/account", {
        _csrf: csrf,
        current_password: "not-my-password",
        new_password: "cook-new-password",
        confirm_password: "cook-new-password",
      });
      assert.equal(wrong.status, 422);
      assert.match(await wrong.text(), /The current password is wrong/);
      const differ = await cook.post("/admin/account", {
        _csrf: csrf,
        current_password: testPasswordOf("cook"),
        new_password: "cook-new-password",
        confirm_password: "cook-new-passwor",
      });
      assert.equal(differ.status, 422);
      await differ.body?.cancel();
      const short = await cook.post("/admin/account", {
        _csrf: csrf,
        current_password: testPasswordOf("cook"),
        new_password: "too-short",
        confirm_password: "too-short",
      });
      assert.equal(short.status, 422);
      assert.match(await short.text(), /at least 12 characters/);
      const ok = await cook.post("/admin/account", {
        _csrf: csrf,
        current_password: testPasswordOf("cook"),
        new_password: "cook-new-password",
        confirm_password: "cook-new-password",
      });
      assert.equal(ok.status, 303);
      assert.match(
        await (await cook.fetch("/admin/account")).text(),
        /data-kind="success">Your password is changed/,
      );
      assert.equal((await adminClient(sys).login("cook", testPasswordOf("cook"))).status, 401);
      assert.equal((await adminClient(sys).login("cook", "cook-new-password")).status, 303);
      assert.equal((await adminClient(sys).login()).status, 303, "the owner's password is untouched");
    } finally {
      await sys.stop();
    }
  },
);
