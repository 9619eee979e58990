/**
 * The admin guard's CSRF check over every admin form post of `routes.gen.ts` (a route added later is
 * covered by itself): signed in as an owner, a POST without the session's token, or with a forged one,
 * is refused with 403 and the token message, and nothing changes. The photo upload's multipart form
 * goes through its own reader and is refused the same way.
 */
import assert from "node:assert/strict";
import { adminRoutes } from "./admin_routes_testing.ts";
import { adminClient, startAdminSystem } from "./admin_testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "every admin form post without the session's CSRF token, or with a forged one, is refused with 403 and changes nothing",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const owner = adminClient(sys);
      assert.equal((await owner.login()).status, 303);
      const before = await sys.stockLevels();
      const posts = adminRoutes().filter((r) => r.methods.includes("POST") && r.path !== "/admin/login");
      assert.ok(posts.length >= 8, `admin form posts: ${posts.map((r) => r.path)}`);
      for (const route of posts) {
        for (const bad of [{}, { _csrf: "forged" }] as Record<string, string>[]) {
          const res = await owner.post(route.path, {
            ...bad,
            action: "create",
            name: "mallory",
            role: "owner",
            itemId: "1",
            quantity: "7",
          });
          assert.equal(res.status, 403, `${route.path} with ${JSON.stringify(bad)}`);
          assert.match(await res.text(), /security token is missing or out of date/, route.path);
        }
        if (route.path.endsWith("/photo")) {
          const form = new FormData();
          form.set(
            "photo",
            new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "x.png", { type: "image/png" }),
          );
          const res = await owner.fetch(route.path, { method: "POST", body: form });
          assert.equal(res.status, 403, `${route.path} multipart without a token`);
          assert.match(await res.text(), /security token is missing or out of date/);
        }
      }
      assert.deepEqual(await sys.stockLevels(), before, "no stock changed");
      assert.doesNotMatch(
        await (await owner.fetch("/admin/staff")).text(),
        /data-name="mallory"/,
        "no account made",
      );
    } finally {
      await sys.stop();
    }
  },
);
