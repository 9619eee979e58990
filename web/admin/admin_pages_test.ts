import assert from "node:assert/strict";
import { publishRaw } from "../../services/common/bus/testing.ts";
import { eventually } from "../../services/common/bus/testing.ts";
import { rpc } from "../../services/common/grpc_client.ts";
import type { OrderJson } from "../api/order_json.ts";
import { CONTENT_SECURITY_POLICY } from "../framework/security.ts";
import { postJson, TEST_ADMIN_PASSWORD } from "../testing.ts";
import { adminClient, startAdminSystem } from "./admin_testing.ts";
import type { PagesSystem } from "../pages_testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

const PAGES = [
  "/admin",
  "/admin/orders/00000000-0000-4000-8000-000000000000",
  "/admin/orders/00000000-0000-4000-8000-000000000000/confirm?action=cancel",
  "/admin/kitchen",
  "/admin/stock",
  "/admin/dead-letters",
];

function executableScripts(html: string): string[] {
  return (html.match(/<script\b[^>]*>/g) ?? []).filter((s) => !s.includes('type="application/json"'));
}

async function placeOrder(sys: PagesSystem, customerId: string, items = [{ id: "1", quantity: 2 }]) {
  const res = await sys.request(`/api/customers/${customerId}/orders`, postJson({ items }));
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json() as OrderJson;
}

async function orderStatus(sys: PagesSystem, id: string): Promise<string> {
  const res = await rpc(sys.deps.clients.orders, "getOrder", { orderId: id, customerId: "", admin: true });
  return res.order!.status.toString();
}

Deno.test(
  "every admin page without a session redirects (303) to the login page with next",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      for (const path of PAGES) {
        const res = await sys.pagesApp.request(path);
        assert.equal(res.status, 303, path);
        assert.equal(res.headers.get("location"), `/admin/login?next=${encodeURIComponent(path)}`, path);
      }
      const feed = await sys.pagesApp.request("/admin/api/orders");
      assert.equal(feed.status, 401);
      assert.equal((await feed.json()).error.code, "unauthenticated");
      const post = await sys.pagesApp.request("/admin/stock", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "itemId=1&quantity=5",
      });
      assert.equal(post.status, 303);
      assert.match(post.headers.get("location") ?? "", /^\/admin\/login\?next=/);
      // A forged session cookie is no session.
      const forged = await sys.pagesApp.request("/admin", {
        headers: { cookie: `oms_admin=${"A".repeat(43)}` },
      });
      assert.equal(forged.status, 303);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the login page is a CSP-clean form; a wrong password gets 401 'Wrong password', is slowed and makes no session",
  opts,
  async () => {
    const sys = await startAdminSystem({ password: TEST_ADMIN_PASSWORD, limiter: { baseDelayMs: 200 } });
    try {
      const admin = adminClient(sys);
      const page = await admin.fetch("/admin/login?next=%2Fadmin%2Fstock");
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
      const html = await page.text();
      assert.match(html, /<button type="submit" class="button primary">Log in<\/button>/);
      assert.match(html, /name="next" value="\/admin\/stock"/);
      assert.doesNotMatch(html, /<script>|style="/);

      const first = await admin.post("/admin/login", { password: "nope-nope", next: "/admin" });
      assert.equal(first.status, 401);
      assert.match(await first.text(), /Wrong password\./);
      assert.equal(admin.cookies.has("oms_admin"), false);
      assert.equal(first.headers.getSetCookie().some((c) => c.startsWith("oms_admin=")), false);

      // The second and third failures wait 200 ms and 400 ms before the check.
      let started = performance.now();
      assert.equal((await admin.post("/admin/login", { password: "still-wrong" })).status, 401);
      assert.ok(performance.now() - started >= 190, `second failure took ${performance.now() - started} ms`);
      started = performance.now();
      assert.equal((await admin.post("/admin/login", { password: TEST_ADMIN_PASSWORD + "x" })).status, 401);
      assert.ok(performance.now() - started >= 390, `third failure took ${performance.now() - started} ms`);
      assert.equal(sys.deps.admin!.sessions.size, 0);
      assert.equal((await admin.fetch("/admin")).status, 303);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the right password sets an HttpOnly, SameSite=Strict session cookie on /admin and goes to next; logout ends it",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = adminClient(sys);
      await (await admin.fetch("/admin/login")).body?.cancel();
      const res = await admin.post("/admin/login", { password: TEST_ADMIN_PASSWORD, next: "/admin/stock" });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/admin/stock");
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("oms_admin=")) ?? "";
      assert.match(
        cookie,
        /^oms_admin=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/admin; HttpOnly; SameSite=Strict$/,
      );

      const stock = await admin.fetch("/admin/stock");
      assert.equal(stock.status, 200);
      assert.equal(stock.headers.get("cache-control"), "no-store");
      const stolen = admin.cookies.get("oms_admin")!;

      // An off-site next is ignored.
      const other = adminClient(sys);
      await (await other.fetch("/admin/login")).body?.cancel();
      const offsite = await other.post("/admin/login", {
        password: TEST_ADMIN_PASSWORD,
        next: "//evil.example/x",
      });
      assert.equal(offsite.headers.get("location"), "/admin");

      const token = await admin.csrf();
      const out = await admin.post("/admin/logout", { _csrf: token });
      assert.equal(out.status, 303);
      assert.equal(out.headers.get("location"), "/admin/login?out=1");
      assert.match(
        out.headers.getSetCookie().join("\n"),
        /oms_admin=; Max-Age=0; Path=\/admin; HttpOnly; SameSite=Strict/,
      );
      const replay = await sys.pagesApp.request("/admin", { headers: { cookie: `oms_admin=${stolen}` } });
      assert.equal(replay.status, 303, "the old cookie no longer works after logout");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "with ADMIN_PASSWORD unset the admin pages say plainly that the admin is disabled",
  opts,
  async () => {
    const sys = await startAdminSystem({ password: null });
    try {
      const res = await sys.pagesApp.request("/admin/stock");
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/admin/login");
      const login = await sys.pagesApp.request("/admin/login");
      assert.equal(login.status, 503);
      const html = await login.text();
      assert.match(html, /Admin is disabled/);
      assert.match(html, /ADMIN_PASSWORD/);
      assert.doesNotMatch(html, /type="password"/);
      const post = await sys.pagesApp.request("/admin/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "password=anything-at-all",
      });
      assert.equal(post.status, 303);
      assert.equal(post.headers.getSetCookie().some((c) => c.startsWith("oms_admin=")), false);
    } finally {
      await sys.stop();
    }
  },
);
