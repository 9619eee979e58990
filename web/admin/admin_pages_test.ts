import assert from "node:assert/strict";
import { publishRaw } from "../../services/common/bus/testing.ts";
import { eventually } from "../../services/common/bus/testing.ts";
import { Metadata } from "@grpc/grpc-js";
import { rpc } from "../../services/common/grpc_client.ts";
import { TEST_STAFF } from "../../services/common/auth/testing.ts";
import type { OrderJson } from "../api/order_json.ts";
import { CONTENT_SECURITY_POLICY } from "../framework/security.ts";
import { postJson, proofFor, TEST_ADMIN_PASSWORD } from "../testing.ts";
import { adminClient, startAdminSystem } from "./admin_testing.ts";
import { type PagesSystem, startPagesSystem } from "../pages_testing.ts";
import { DEFAULT_SHOP, formatDateTime, type ShopConfig } from "../shop.ts";

function startPagesSystemWithoutKitchen(): Promise<PagesSystem> {
  return startPagesSystem({ kitchen: false });
}

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
  const res = await sys.request(
    `/api/customers/${customerId}/orders`,
    postJson({ items }, await proofFor(customerId)),
  );
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json() as OrderJson;
}

async function orderStatus(sys: PagesSystem, id: string): Promise<string> {
  const metadata = sys.deps.staffClaims.attach(new Metadata(), TEST_STAFF);
  const res = await rpc(sys.deps.clients.orders, "getOrder", { orderId: id, customerId: "", admin: true }, {
    metadata,
  });
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
  "the login page is a CSP-clean form asking for name and password; a wrong name or password gets 401 and no session; past the limit 429 with Retry-After",
  opts,
  async () => {
    const sys = await startAdminSystem({ staff: { limits: { address: 2 } } });
    try {
      const admin = adminClient(sys);
      const page = await admin.fetch("/admin/login?next=%2Fadmin%2Fstock");
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
      const html = await page.text();
      assert.match(html, /<button type="submit" class="button primary">Log in<\/button>/);
      assert.match(html, /<label for="name">Name<\/label>/);
      assert.match(html, /<input id="name" name="name" type="text"/);
      assert.match(html, /<label for="password">Password<\/label>/);
      assert.match(html, /name="next" value="\/admin\/stock"/);
      assert.doesNotMatch(html, /<script>|style="/);

      const first = await admin.post("/admin/login", {
        name: "admin",
        password: "nope-nope",
        next: "/admin",
      });
      assert.equal(first.status, 401);
      const wrongHtml = await first.text();
      assert.match(wrongHtml, /data-testid="login-error">Wrong name or password</);
      const unknown = await adminClient(sys).post("/admin/login", {
        name: "nobody",
        password: TEST_ADMIN_PASSWORD,
      });
      assert.equal(unknown.status, 401);
      assert.match(
        await unknown.text(),
        /data-testid="login-error">Wrong name or password</,
        "the same answer",
      );
      assert.equal(admin.cookies.has("oms_admin"), false);
      assert.equal(first.headers.getSetCookie().some((c) => c.startsWith("oms_admin=")), false);
      assert.equal(
        (await admin.post("/admin/login", { name: "admin", password: "still-wrong" })).status,
        429,
      );

      // The address's limit (2) is reached: refused at once, even with the right password, which is
      // not checked; Retry-After says when the oldest failure leaves the 15-minute window.
      const limited = await admin.post("/admin/login", { name: "admin", password: TEST_ADMIN_PASSWORD });
      assert.equal(limited.status, 429);
      const retryAfter = Number(limited.headers.get("retry-after"));
      assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
      assert.match(await limited.text(), /Too many failed logins\. Try again in 15 minutes\./);
      assert.equal(limited.headers.getSetCookie().length, 0);
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
      const res = await admin.post("/admin/login", {
        name: "admin",
        password: TEST_ADMIN_PASSWORD,
        next: "/admin/stock",
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/admin/stock");
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("oms_admin=")) ?? "";
      assert.match(
        cookie,
        /^oms_admin=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/admin; HttpOnly; SameSite=Strict$/,
      );

      const stock = await admin.fetch("/admin/menu");
      assert.equal(stock.status, 200);
      assert.equal(stock.headers.get("cache-control"), "no-store");
      const stolen = admin.cookies.get("oms_admin")!;

      // An off-site next is ignored.
      const other = adminClient(sys);
      await (await other.fetch("/admin/login")).body?.cancel();
      const offsite = await other.post("/admin/login", {
        name: "admin",
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
  "with no owner and ADMIN_PASSWORD unset the admin pages say plainly that the admin is disabled",
  opts,
  async () => {
    const sys = await startAdminSystem({ admin: { password: null } });
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

async function loggedIn(sys: PagesSystem) {
  const admin = adminClient(sys);
  const res = await admin.login();
  assert.equal(res.status, 303);
  await res.body?.cancel();
  return admin;
}

async function pay(sys: PagesSystem, order: OrderJson): Promise<void> {
  const sessionId = decodeURIComponent(new URL(order.paymentLink).pathname.slice("/pay/".length));
  const res = await sys.request(`/api/payments/local/${sessionId}`, postJson({ outcome: "pay" }));
  assert.equal(res.status, 200, await res.clone().text());
  await res.body?.cancel();
  await eventually(async () => (await orderStatus(sys, order.id)) === "3", "order paid");
}

Deno.test(
  "an admin POST without or with a wrong CSRF token is refused with 403 and changes nothing",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const token = await admin.csrf();
      const before = await sys.stockLevels();
      const order = await placeOrder(sys, "csrf-customer");
      const bads: Record<string, string>[] = [
        {},
        { _csrf: "forged" },
        { _csrf: token.slice(0, -1) + (token.endsWith("A") ? "B" : "A") },
      ];
      for (const bad of bads) {
        const restock = await admin.post("/admin/stock", { ...bad, itemId: "1", quantity: "7" });
        assert.equal(restock.status, 403);
        const html = await restock.text();
        assert.match(html, /security token is missing or out of date/);
        assert.equal(restock.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
        const cancel = await admin.post(`/admin/orders/${order.id}`, { ...bad, action: "cancel" });
        assert.equal(cancel.status, 403);
        await cancel.body?.cancel();
        const logout = await admin.post("/admin/logout", bad);
        assert.equal(logout.status, 403);
        await logout.body?.cancel();
      }
      // A cross-site POST is refused even with the right token.
      const cross = await admin.fetch("/admin/stock", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://evil.example",
          "sec-fetch-site": "cross-site",
        },
        body: new URLSearchParams({ _csrf: token, itemId: "1", quantity: "7" }).toString(),
      });
      assert.equal(cross.status, 403);
      await cross.body?.cancel();
      assert.deepEqual(await sys.stockLevels(), { ...before, "1": before["1"]! - 2 });
      assert.equal(await orderStatus(sys, order.id), "2", "still waiting for payment");
      assert.equal((await admin.fetch("/admin")).status, 200, "still logged in");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "staff cancel an unpaid order after a confirmation step: it is cancelled, its stock comes back, the page says so",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const before = await sys.stockLevels();
      const order = await placeOrder(sys, "cancel-me", [{ id: "2", quantity: 3 }]);
      assert.equal((await sys.stockLevels())["2"], before["2"]! - 3);

      Deno.env.set("JAEGER_UI_URL", "http://jaeger.test:16686");
      const detail = await (await admin.fetch(`/admin/orders/${order.id}`)).text().finally(() =>
        Deno.env.delete("JAEGER_UI_URL")
      );
      const traceId = order.timeline[0]!.traceId;
      assert.ok(
        detail.includes(`href="http://jaeger.test:16686/trace/${traceId}"`),
        "timeline links to Jaeger",
      );
      assert.match(detail, /<button type="submit" class="button danger">Cancel order<\/button>/);
      assert.doesNotMatch(detail, />Refund<|>Mark completed</);
      assert.match(detail, /data-testid="order-customer">cancel-me</);

      const confirm = await admin.fetch(`/admin/orders/${order.id}/confirm?action=cancel`);
      assert.equal(confirm.status, 200);
      const confirmHtml = await confirm.text();
      assert.match(confirmHtml, /<h1 id="confirm-title">Cancel order\?<\/h1>/);
      assert.match(confirmHtml, />Confirm<\/button>/);
      const token = /name="_csrf" value="([^"]+)"/.exec(confirmHtml)![1]!;

      const res = await admin.post(`/admin/orders/${order.id}`, { _csrf: token, action: "cancel" });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), `/admin/orders/${order.id}`);
      const after = await admin.fetch(`/admin/orders/${order.id}`);
      const html = await after.text();
      assert.match(html, /data-testid="flash" data-kind="success">Order cancelled\./);
      assert.match(html, /data-testid="admin-order" data-status="cancelled"/);
      assert.match(
        html,
        /data-testid="timeline-cause">admin<\/p><p class="tl-meta"><span class="tl-actor" data-testid="timeline-actor"><span class="tl-label">By<\/span> admin<\/span><span class="tl-trace"><span class="tl-label">Trace<\/span> <code class="trace" data-testid="trace-id">[0-9a-f]{32}<\/code>/,
      );
      assert.doesNotMatch(html, />Cancel order<\/button>/);
      // The flash shows once.
      assert.doesNotMatch(
        await (await admin.fetch(`/admin/orders/${order.id}`)).text(),
        /data-testid="flash"/,
      );
      await eventually(async () => (await sys.stockLevels())["2"] === before["2"], "stock released");

      // Cancelling again is not legal any more: a clear message, nothing changes.
      const again = await admin.post(`/admin/orders/${order.id}`, { _csrf: token, action: "cancel" });
      assert.equal(again.status, 409);
      assert.match(
        await again.text(),
        /Cancel order is not possible: the order is cancelled.*Nothing was changed\./,
      );
      const confirmAgain = await admin.fetch(`/admin/orders/${order.id}/confirm?action=cancel`);
      assert.equal(confirmAgain.status, 409);
      assert.doesNotMatch(await confirmAgain.text(), />Confirm<\/button>/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "refund is legal only once paid, mark completed only when ready; the kitchen board moves the ticket between",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const token = await admin.csrf();
      const order = await placeOrder(sys, "kitchen-customer", [{ id: "1", quantity: 1 }]);

      const early = await admin.post(`/admin/orders/${order.id}`, { _csrf: token, action: "refund" });
      assert.equal(early.status, 409);
      assert.match(await early.text(), /Refund is not possible: the order is waiting for payment/);
      const earlyDone = await admin.post(`/admin/orders/${order.id}`, { _csrf: token, action: "complete" });
      assert.equal(earlyDone.status, 409);
      assert.match(await earlyDone.text(), /Mark completed is not possible/);

      await pay(sys, order);
      const paidPage = await (await admin.fetch(`/admin/orders/${order.id}`)).text();
      assert.match(paidPage, />Refund<\/button>/);
      assert.doesNotMatch(paidPage, />Cancel order<\/button>|>Mark completed<\/button>/);

      // The ticket appears queued on the board, with a Start button; Start then Complete.
      const board = await eventually(async () => {
        const html = await (await admin.fetch("/admin/kitchen")).text();
        return html.includes(`data-order-id="${order.id}" data-status="queued"`) ? html : null;
      }, "queued ticket on the board");
      assert.match(board, />Start<\/button>/);
      const start = await admin.post("/admin/kitchen", { _csrf: token, orderId: order.id, action: "start" });
      assert.equal(start.status, 303);
      const preparing = await (await admin.fetch("/admin/kitchen")).text();
      assert.match(preparing, new RegExp(`data-order-id="${order.id}" data-status="preparing"`));
      assert.match(preparing, /data-kind="success">Started order/);
      const startAgain = await admin.post("/admin/kitchen", {
        _csrf: token,
        orderId: order.id,
        action: "start",
      });
      assert.equal(startAgain.status, 409);
      assert.match(await startAgain.text(), /Could not start order/);
      const feed = await admin.fetch("/admin/api/kitchen");
      assert.equal(feed.status, 200);
      const tickets = (await feed.json()).tickets as { orderId: string; status: string }[];
      assert.equal(tickets.find((t) => t.orderId === order.id)?.status, "preparing");

      // The island's fetch (accepting JSON) gets the outcome as JSON, no flash: handing over a ticket that
      // is not ready yet is refused and changes nothing.
      const earlyHandover = await admin.fetch("/admin/kitchen", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ _csrf: token, orderId: order.id, action: "handover" }).toString(),
      });
      assert.equal(earlyHandover.status, 409);
      const earlyBody = await earlyHandover.json() as { ok: boolean; message: string };
      assert.equal(earlyBody.ok, false);
      assert.match(earlyBody.message, /Could not hand over order .*Mark completed is not possible/);
      // Paid or preparing (the kitchen's start reaches orders as an event), never completed.
      assert.ok(["3", "4"].includes(await orderStatus(sys, order.id)));

      assert.equal(
        (await admin.post("/admin/kitchen", { _csrf: token, orderId: order.id, action: "complete" })).status,
        303,
      );
      await eventually(async () => (await orderStatus(sys, order.id)) === "5", "order ready");
      // a ready order may be refunded too (issue 10), through the refund form: without a reason nothing moves
      const refundReady = await admin.post(`/admin/orders/${order.id}`, {
        _csrf: token,
        action: "refund",
        amount: "1",
        confirm: "yes",
      });
      assert.equal(refundReady.status, 422);
      await refundReady.body?.cancel();

      // One tap on the board hands the ready order over: no confirmation page, back to the board.
      const done = await admin.post("/admin/kitchen", {
        _csrf: token,
        orderId: order.id,
        action: "handover",
      });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), "/admin/kitchen");
      assert.match(
        await (await admin.fetch("/admin/kitchen")).text(),
        new RegExp(`data-kind="success">Order ${order.id.slice(0, 8)} handed over`),
      );
      assert.equal(await orderStatus(sys, order.id), "6");
      const doneTwice = await admin.post("/admin/kitchen", {
        _csrf: token,
        orderId: order.id,
        action: "handover",
      });
      assert.equal(doneTwice.status, 409);
      assert.match(await doneTwice.text(), /Could not hand over order/);
      // Without the CSRF token nothing moves.
      const forged = await admin.post("/admin/kitchen", { orderId: order.id, action: "handover" });
      assert.equal(forged.status, 403);
      await forged.body?.cancel();

      // A second, paid order is refunded.
      const other = await placeOrder(sys, "refund-customer", [{ id: "1", quantity: 1 }]);
      await pay(sys, other);
      const refund = await admin.post(`/admin/orders/${other.id}`, {
        _csrf: token,
        action: "refund",
        amount: "8.50",
        reason: "Out of dough",
        confirm: "yes",
      });
      assert.equal(refund.status, 303, await refund.clone().text());
      assert.match(
        await (await admin.fetch(`/admin/orders/${other.id}`)).text(),
        /Refunded €8\.50: the order is refunded in full/,
      );
      assert.equal(await orderStatus(sys, other.id), "8");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "restock adds units; a bad quantity is shown next to its item with 422 and changes nothing",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const token = await admin.csrf();
      const before = await sys.stockLevels();
      for (const quantity of ["", "0", "-3", "2.5", "abc", "10001", "1e3"]) {
        const res = await admin.post("/admin/stock", { _csrf: token, itemId: "1", quantity });
        assert.equal(res.status, 422, `quantity ${JSON.stringify(quantity)}`);
        const html = await res.text();
        assert.match(html, /Could not restock:/);
        assert.match(html, /aria-invalid="true" aria-describedby="restock-err-1"/);
      }
      const unknown = await admin.post("/admin/stock", { _csrf: token, itemId: "<nope>", quantity: "5" });
      assert.equal(unknown.status, 422);
      assert.match(await unknown.text(), /Unknown item &quot;&lt;nope>&quot;|Unknown item "&lt;nope>"/);
      assert.deepEqual(await sys.stockLevels(), before);

      const ok = await admin.post("/admin/stock", { _csrf: token, itemId: "1", quantity: "15" });
      assert.equal(ok.status, 303);
      assert.equal((await sys.stockLevels())["1"], before["1"]! + 15);
      const html = await (await admin.fetch("/admin/menu")).text();
      assert.match(html, new RegExp(`Added 15 units of Margherita; ${before["1"]! + 15} available now\\.`));
      assert.match(html, new RegExp(`data-testid="stock-row" data-item-id="1" data-low="false"`));
      assert.match(html, /<button type="submit" class="button">Restock<\/button>/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("an item with 5 or fewer units available is highlighted as low", opts, async () => {
  const sys = await startAdminSystem();
  try {
    const admin = await loggedIn(sys);
    const levels = await sys.stockLevels();
    await placeOrder(sys, "low-stock", [{ id: "2", quantity: levels["2"]! - 5 }]);
    const html = await (await admin.fetch("/admin/menu")).text();
    const row = /<tr class="low" data-testid="stock-row" data-item-id="2" data-low="true">.*?<\/tr>/.exec(
      html,
    )?.[0];
    assert.ok(row, "item 2 is low");
    assert.match(row, /<span class="low-badge">Low<\/span>/);
    assert.match(row, /data-testid="available">5</);
  } finally {
    await sys.stop();
  }
});

function rowIds(html: string): string[] {
  return [...html.matchAll(/data-testid="order-row" data-order-id="([^"]+)"/g)].map((m) => m[1]!);
}

function count(html: string, status: string): number {
  return Number(new RegExp(`data-testid="count-${status}">(\\d+)<`).exec(html)?.[1] ?? NaN);
}

Deno.test(
  "the dashboard counts per status, filters by status, finds by order or customer id, pages newest first and feeds the island",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const a1 = await placeOrder(sys, "cust-a", [{ id: "1", quantity: 1 }]);
      const a2 = await placeOrder(sys, "cust-a", [{ id: "1", quantity: 1 }]);
      const b1 = await placeOrder(sys, "cust-b", [{ id: "1", quantity: 1 }]);
      const cancelled = await sys.request(`/api/customers/cust-a/orders/${a1.id}/cancel`, {
        method: "POST",
        headers: await proofFor("cust-a"),
      });
      assert.equal(cancelled.status, 200);
      await cancelled.body?.cancel();

      const res = await admin.fetch("/admin");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
      const html = await res.text();
      assert.equal(count(html, "waiting_payment"), 2);
      assert.equal(count(html, "cancelled"), 1);
      assert.equal(count(html, "paid"), 0);
      assert.equal(count(html, "all"), 3);
      assert.deepEqual(rowIds(html), [b1.id, a2.id, a1.id], "newest first");
      assert.match(html, /data-testid="orders-chart" data-total="3"/);
      assert.match(html, /<svg viewBox="0 0 420 170" role="img"/);
      assert.doesNotMatch(html, /style="/);
      const scripts = executableScripts(html);
      assert.equal(scripts.length, 1, "one external module script boots the islands");
      assert.match(html, /data-island="AdminOrders"/);

      assert.deepEqual(rowIds(await (await admin.fetch("/admin?status=cancelled")).text()), [a1.id]);
      assert.deepEqual(rowIds(await (await admin.fetch("/admin?q=cust-a")).text()), [a2.id, a1.id]);
      assert.deepEqual(rowIds(await (await admin.fetch("/admin?q=cust-a&status=waiting_payment")).text()), [
        a2.id,
      ]);
      assert.deepEqual(rowIds(await (await admin.fetch(`/admin?q=${b1.id.toUpperCase()}`)).text()), [b1.id]);
      const none = await (await admin.fetch("/admin?q=nobody-here")).text();
      assert.deepEqual(rowIds(none), []);
      assert.match(
        none,
        /No orders match &quot;nobody-here&quot;\.|No orders match "nobody-here"\./,
      );

      // Paging: two per page would need a smaller page; the cursor link is there only when there is more.
      assert.doesNotMatch(html, />Next page</);

      const feed = await admin.fetch("/admin/api/orders?status=waiting_payment");
      assert.equal(feed.status, 200);
      // the feed also carries today's figures: the list is under `list`
      const view = (await feed.json()).list as { counts: Record<string, number>; rows: { id: string }[] };
      assert.deepEqual(view.rows.map((r) => r.id), [b1.id, a2.id]);
      assert.equal(view.counts.cancelled, 1);
      // A new order shows up in the feed (the island polls it).
      const c1 = await placeOrder(sys, "cust-c", [{ id: "1", quantity: 1 }]);
      const again = (await (await admin.fetch("/admin/api/orders")).json()).list as typeof view;
      assert.equal(again.rows[0]?.id, c1.id);
      assert.equal(again.counts.waiting_payment, 3);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("the dashboard pages through more than one page with the cursor", opts, async () => {
  const sys = await startAdminSystem();
  try {
    const admin = await loggedIn(sys);
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.unshift((await placeOrder(sys, "pager", [{ id: "1", quantity: 1 }])).id);
    const first = await (await admin.fetch("/admin")).text();
    assert.deepEqual(rowIds(first), ids.slice(0, 20));
    const next = /href="(\/admin\?cursor=[^"]+)" rel="next">Next page</.exec(first)?.[1];
    assert.ok(next, "a next-page link");
    const second = await (await admin.fetch(next.replace(/&amp;/g, "&"))).text();
    assert.deepEqual(rowIds(second), ids.slice(20));
    assert.match(second, />First page</);
    assert.doesNotMatch(second, />Next page</);
  } finally {
    await sys.stop();
  }
});

Deno.test("search text, payloads and reasons are HTML-escaped on admin pages", opts, async () => {
  const sys = await startAdminSystem();
  try {
    const admin = await loggedIn(sys);
    const evil = `<script>alert("x")</script>`;
    const res = await admin.fetch(`/admin?q=${encodeURIComponent(evil)}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.ok(!html.includes(evil), "search text is escaped");
    assert.match(html, /&lt;script>alert\(&quot;x&quot;\)&lt;\/script>/);
    assert.equal(executableScripts(html).length, 1);

    await publishRaw(sys.bus, "payment.succeeded", `${evil}<img src=x onerror=alert(1)>`, {
      messageId: "evil-1",
    });
    const page = await eventually(async () => {
      const h = await (await admin.fetch("/admin/dead-letters")).text();
      return h.includes('data-id="evil-1"') ? h : null;
    }, "the malformed message parked by orders");
    assert.ok(!page.includes("<img src=x"), "payload is escaped");
    assert.match(page, /&lt;script>alert\(&quot;x&quot;\)&lt;\/script>&lt;img src=x onerror=alert\(1\)>/);
    assert.equal(executableScripts(page).length, 1);
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "dead letters of each consuming service are listed with reason, attempts and a preview, and can be replayed or discarded",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const token = await admin.csrf();
      const long = JSON.stringify({ note: "x".repeat(1000) });
      await publishRaw(sys.bus, "payment.succeeded", "{not json", { messageId: "bad-orders-1" });
      await publishRaw(sys.bus, "kitchen.ticket_ready", long.slice(0, 900), { messageId: "bad-orders-2" });
      const html = await eventually(async () => {
        const h = await (await admin.fetch("/admin/dead-letters")).text();
        return h.includes('data-id="bad-orders-1"') && h.includes('data-id="bad-orders-2"') ? h : null;
      }, "both messages parked");
      for (const service of ["orders", "stock", "payments", "kitchen"]) {
        assert.match(html, new RegExp(`data-testid="dead-letter-group" data-service="${service}"`));
      }
      const card =
        /<li class="letter" data-testid="dead-letter" data-id="bad-orders-1" data-service="orders">.*?<\/li>/
          .exec(html)?.[0] ?? "";
      assert.match(card, /<code>payment\.succeeded<\/code>/);
      assert.match(card, /data-testid="attempts">\d+</);
      assert.match(card, /data-testid="reason">[^<]+</);
      assert.match(card, /\{not json/);
      assert.match(card, />Replay<\/button>/);
      assert.match(card, />Discard<\/button>/);
      assert.match(html, /Preview cut at 400 characters\./);

      const missing = await admin.post("/admin/dead-letters", {
        _csrf: token,
        service: "orders",
        id: "no-such-letter",
        action: "discard",
      });
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /Could not discard message no-such-letter/);
      const badService = await admin.post("/admin/dead-letters", {
        _csrf: token,
        service: "billing",
        id: "bad-orders-1",
        action: "discard",
      });
      assert.equal(badService.status, 422);
      await badService.body?.cancel();

      const discard = await admin.post("/admin/dead-letters", {
        _csrf: token,
        service: "orders",
        id: "bad-orders-2",
        action: "discard",
      });
      assert.equal(discard.status, 303);
      const afterDiscard = await (await admin.fetch("/admin/dead-letters")).text();
      assert.match(afterDiscard, /Discarded message bad-orders-2 of orders\./);
      assert.ok(!afterDiscard.includes('data-id="bad-orders-2"'));

      // Replayed, the still-malformed message goes back to orders' queue and is parked again.
      const replay = await admin.post("/admin/dead-letters", {
        _csrf: token,
        service: "orders",
        id: "bad-orders-1",
        action: "replay",
      });
      assert.equal(replay.status, 303);
      assert.match(
        await (await admin.fetch("/admin/dead-letters")).text(),
        /Replayed message bad-orders-1 to orders\./,
      );
      await eventually(async () => {
        const h = await (await admin.fetch("/admin/dead-letters")).text();
        return h.includes('data-id="bad-orders-1"');
      }, "parked again after replay");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "every admin page shows times in the shop's zone (deps.shop, here Tokyo) as <time> with the exact instant, prices in its locale",
  opts,
  async () => {
    const sys = await startAdminSystem();
    const tokyo: ShopConfig = { ...DEFAULT_SHOP, timeZone: "Asia/Tokyo", locale: "de-DE" };
    sys.deps.shop = tokyo;
    try {
      const admin = await loggedIn(sys);
      const order = await placeOrder(sys, "tokyo", [{ id: "1", quantity: 1 }]);
      const placed = new Date(order.createdAt!);
      const local = formatDateTime(placed, tokyo);
      assert.notEqual(local, formatDateTime(placed, { ...tokyo, timeZone: "UTC" }), "Tokyo is not UTC");
      const readable = (html: string) => html.replace(/<[^>]*>/g, " ");

      const dashboard = await (await admin.fetch("/admin")).text();
      assert.ok(
        dashboard.includes(
          `<td data-label="Placed"><time datetime="${order.createdAt}">${local}</time></td>`,
        ),
        `placed at ${local} on the dashboard`,
      );
      assert.match(dashboard, /data-label="Total">\d+,\d\d\s€</, "the total in the shop's locale");
      assert.match(dashboard, /\(times in Asia\/Tokyo\)/);
      assert.match(
        dashboard,
        /id="oms-island-0">[^<]*"timeZone"[^<]*"Asia\/Tokyo"/,
        "the island gets the zone",
      );
      assert.doesNotMatch(readable(dashboard), /\bUTC\b/);

      const page = await (await admin.fetch(`/admin/orders/${order.id}`)).text();
      assert.ok(
        page.includes(`data-testid="order-placed"><time datetime="${order.createdAt}">${local}</time>`),
        `placed at ${local} on the order page`,
      );
      const steps = [...page.matchAll(/<div class="tl-head">.*?<time datetime="([^"]+)">([^<]+)<\/time>/g)];
      assert.ok(steps.length > 0, "the timeline has times");
      for (const [, iso, shown] of steps) assert.equal(shown, formatDateTime(new Date(iso!), tokyo));
      assert.doesNotMatch(readable(page), /\bUTC\b/);

      await publishRaw(sys.bus, "payment.succeeded", "{not json", { messageId: "tokyo-1" });
      const letters = await eventually(async () => {
        const h = await (await admin.fetch("/admin/dead-letters")).text();
        return h.includes('data-id="tokyo-1"') ? h : null;
      }, "the malformed message parked");
      const parked = /data-testid="parked-at"><time datetime="([^"]+)">([^<]+)<\/time>/.exec(letters);
      assert.ok(parked, "the parked time is a <time>");
      assert.equal(parked[2], formatDateTime(new Date(parked[1]!), tokyo));
      assert.doesNotMatch(readable(letters), /\bUTC\b/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a service that is down shows an error in its own dead-letters section; the others still list",
  opts,
  async () => {
    const sys = await startPagesSystemWithoutKitchen();
    try {
      const admin = await loggedIn(sys);
      const res = await admin.fetch("/admin/dead-letters");
      assert.equal(res.status, 200);
      const html = await res.text();
      const kitchen = /data-service="kitchen">.*?<\/section>/.exec(html)?.[0] ?? "";
      assert.match(kitchen, /The kitchen service did not answer\./);
      const orders = /data-service="orders">.*?<\/section>/.exec(html)?.[0] ?? "";
      assert.match(orders, /Nothing parked\./);
      const board = await admin.fetch("/admin/kitchen");
      assert.equal(board.status, 503);
      assert.match(await board.text(), /kitchen service is unavailable/);
    } finally {
      await sys.stop();
    }
  },
);
