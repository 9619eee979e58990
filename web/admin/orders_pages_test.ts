import assert from "node:assert/strict";
import { eventually } from "../../services/common/bus/testing.ts";
import type { OrderJson } from "../api/order_json.ts";
import { postJson, proofFor } from "../testing.ts";
import type { PagesSystem } from "../pages_testing.ts";
import { adminClient, startAdminSystem } from "./admin_testing.ts";
import { DEFAULT_SHOP, startOfLocalDay } from "../shop.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

interface Who {
  name: string;
  phone?: string;
  email?: string;
  note?: string;
}

async function order(sys: PagesSystem, customerId: string, who: Who, quantity = 1): Promise<OrderJson> {
  const res = await sys.request(
    `/api/customers/${customerId}/orders`,
    postJson({
      items: [{ id: "1", quantity }],
      details: { name: who.name, phone: who.phone ?? "", email: who.email ?? "", note: who.note ?? "" },
    }, await proofFor(customerId)),
  );
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json() as OrderJson;
}

async function pay(sys: PagesSystem, admin: ReturnType<typeof adminClient>, o: OrderJson): Promise<void> {
  const sessionId = decodeURIComponent(new URL(o.paymentLink).pathname.slice("/pay/".length));
  const res = await sys.request(`/api/payments/local/${sessionId}`, postJson({ outcome: "pay" }));
  assert.equal(res.status, 200, await res.clone().text());
  await res.body?.cancel();
  await eventually(async () => {
    const feed = await (await admin.fetch(`/admin/api/orders?q=${o.id}`)).json();
    return feed.list.rows[0]?.status === "paid";
  }, "order paid");
}

async function loggedIn(sys: PagesSystem) {
  const admin = adminClient(sys);
  const res = await admin.login();
  assert.equal(res.status, 303);
  await res.body?.cancel();
  return admin;
}

function rowIds(html: string): string[] {
  return [...html.matchAll(/data-testid="order-row" data-order-id="([^"]+)"/g)].map((m) => m[1]!);
}

const unescape = (s: string) => s.replace(/&amp;/g, "&");

Deno.test(
  "admin pages have their own shell: no storefront header or footer, the sections of the role, who is signed in, sign out",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const html = await (await admin.fetch("/admin")).text();
      assert.doesNotMatch(html, /class="site-header"|data-testid="site-footer"/);
      assert.match(html, /data-testid="admin-shell"/);
      assert.match(html, new RegExp(`data-testid="admin-shop">${DEFAULT_SHOP.name}<`));
      for (const s of ["orders", "customers", "kitchen", "menu", "dead-letters", "staff"]) {
        assert.match(html, new RegExp(`data-section="${s}"`), s);
      }
      assert.match(html, /data-section="orders" aria-current="page"/);
      assert.match(html, /data-testid="staff-name">admin</);
      assert.match(html, /data-testid="staff-role">Owner</);
      assert.match(
        html,
        /<form method="post" action="\/admin\/logout"[^>]*><input type="hidden" name="_csrf" value="[^"]+"/,
      );
      // an admin error page (here a post without its form token: 403) has a <main>, no storefront chrome
      const refused = await admin.post("/admin/dead-letters", {
        service: "orders",
        id: "x",
        action: "discard",
      });
      assert.equal(refused.status, 403);
      const refusedHtml = await refused.text();
      assert.match(refusedHtml, /<main id="main"/);
      assert.doesNotMatch(refusedHtml, /class="site-header"/);
      // the storefront keeps its chrome
      const shop = await (await sys.pagesApp.request("/")).text();
      assert.match(shop, /class="site-header"/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "search by a customer's name and by order number finds the order; a filter combination round-trips through the URL",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const ada = await order(sys, "cust-ada", {
        name: "Ada Lovelace",
        phone: "+49 30 1234567",
        email: "ada@example.org",
      });
      const bob = await order(sys, "cust-bob", { name: "Bob Ross", email: "bob@example.org" });
      const ada2 = await order(sys, "cust-ada", { name: "Ada Lovelace", phone: "+49 30 1234567" });
      await pay(sys, admin, ada2);

      assert.deepEqual(rowIds(await (await admin.fetch("/admin?q=lovelace")).text()), [ada2.id, ada.id]);
      assert.deepEqual(rowIds(await (await admin.fetch(`/admin?q=%23${bob.number}`)).text()), [bob.id]);
      assert.deepEqual(rowIds(await (await admin.fetch(`/admin?q=${ada.number}`)).text()), [ada.id]);
      assert.deepEqual(rowIds(await (await admin.fetch("/admin?q=030+1234567")).text()), [ada2.id, ada.id]);
      assert.deepEqual(rowIds(await (await admin.fetch("/admin?q=BOB%40example.org")).text()), [bob.id]);
      const none = await (await admin.fetch("/admin?q=nobody")).text();
      assert.deepEqual(rowIds(none), []);
      assert.match(none, /No orders match &quot;nobody&quot;\.|No orders match "nobody"\./);

      // status + payment + dates + text, all in the URL
      const today = new Intl.DateTimeFormat("sv-SE", { timeZone: DEFAULT_SHOP.timeZone }).format(new Date());
      const view = `/admin?q=ada&status=paid&status=preparing&payment=paid&from=${today}&to=${today}`;
      const html = await (await admin.fetch(view)).text();
      assert.deepEqual(rowIds(html), [ada2.id]);
      assert.match(html, /name="q" type="search" value="ada"/);
      assert.match(html, /name="status" value="paid" checked/);
      assert.match(html, /name="status" value="preparing" checked/);
      assert.doesNotMatch(html, /name="status" value="cancelled" checked/);
      assert.match(html, /name="payment" value="paid" checked/);
      assert.match(html, new RegExp(`name="from" type="date" value="${today}"`));
      // the export link carries the same view
      const exportHref = unescape(/href="([^"]*export\.csv[^"]*)"/.exec(html)![1]!);
      assert.equal(exportHref, view.replace("/admin?", "/admin/orders/export.csv?"));
      assert.deepEqual(rowIds(await (await admin.fetch(`/admin?q=ada&payment=unpaid`)).text()), [ada.id]);
      assert.deepEqual(rowIds(await (await admin.fetch(`/admin?to=2000-01-01`)).text()), []);

      // the island's feed answers the same view
      const feed = await (await admin.fetch(`/admin/api/orders${view.slice("/admin".length)}`)).json();
      assert.deepEqual(feed.list.rows.map((r: { id: string }) => r.id), [ada2.id]);
      assert.equal(feed.list.rows[0].name, "Ada Lovelace");
      assert.equal(feed.list.rows[0].payment, "paid");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("pages go next and back by cursor with the filters kept", opts, async () => {
  const sys = await startAdminSystem();
  try {
    const admin = await loggedIn(sys);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      ids.unshift((await order(sys, "pager", { name: "Pat Pager", email: "p@x.org" })).id);
    }
    await order(sys, "other", { name: "Olga", email: "o@x.org" });
    const first = await (await admin.fetch("/admin?q=pager")).text();
    assert.deepEqual(rowIds(first), ids.slice(0, 20));
    const next = unescape(/href="([^"]+)" rel="next">Next page</.exec(first)![1]!);
    assert.match(next, /^\/admin\?q=pager&cursor=/);
    const second = await (await admin.fetch(next)).text();
    assert.deepEqual(rowIds(second), ids.slice(20));
    assert.doesNotMatch(second, />Next page</);
    const prev = unescape(/href="([^"]+)" rel="prev">Previous page</.exec(second)![1]!);
    assert.deepEqual(rowIds(await (await admin.fetch(prev)).text()), ids.slice(0, 20));
  } finally {
    await sys.stop();
  }
});

Deno.test("today's figures match the orders placed today in the shop's zone", opts, async () => {
  const sys = await startAdminSystem();
  try {
    const admin = await loggedIn(sys);
    const before = await (await admin.fetch("/admin/api/orders")).json();
    assert.equal(before.figures.orders, 0);
    assert.equal(before.figures.since, startOfLocalDay(new Date(), DEFAULT_SHOP.timeZone).toISOString());
    const a = await order(sys, "fig-a", { name: "Fay", email: "f@x.org" }, 2);
    await order(sys, "fig-b", { name: "Gus", email: "g@x.org" }, 1);
    await pay(sys, admin, a);
    const after = await (await admin.fetch("/admin/api/orders")).json();
    assert.equal(after.figures.orders, 2);
    assert.equal(after.figures.revenue.amount, a.total.amount);
    assert.equal(after.figures.openTickets, 1);
    const html = await (await admin.fetch("/admin")).text();
    assert.match(html, /data-testid="figure-orders">2</);
    assert.match(html, new RegExp(`data-testid="figure-revenue" data-amount="${a.total.amount}"`));
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "the CSV export streams the filtered view with quoting and formula cells neutralised",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const evil = await order(sys, "csv-1", { name: '=HYPERLINK("x") Eve, "Q"', email: "eve@x.org" });
      await order(sys, "csv-2", { name: "Zed", email: "zed@x.org" });
      const res = await admin.fetch("/admin/orders/export.csv?q=eve");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.match(
        res.headers.get("content-disposition") ?? "",
        /^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const text = await res.text();
      const lines = text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
      assert.equal(
        lines[0],
        "number,order_id,created,customer_id,name,phone,email,status,payment,total,currency,units,items",
      );
      assert.equal(lines.length, 2);
      assert.match(lines[1]!, new RegExp(`^${evil.number},${evil.id},`));
      assert.ok(lines[1]!.endsWith(",1,1 × Margherita"), lines[1]!);
      assert.ok(lines[1]!.includes(`"'=HYPERLINK(""x"") Eve, ""Q"""`), lines[1]!);
      // without a session: the login page, no data
      const anon = await sys.pagesApp.request("/admin/orders/export.csv");
      assert.equal(anon.status, 303);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "customers: listed and searched by name, phone, email or id; a customer's page has contact, figures, orders, notes",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = await loggedIn(sys);
      const first = await order(sys, "cu-ann", {
        name: "Ann Old",
        phone: "+44 20 7946 0000",
        note: "No onions",
      }, 1);
      const second = await order(
        sys,
        "cu-ann",
        { name: "Ann Newer", email: "ann@x.org", note: "Ring twice" },
        2,
      );
      await order(sys, "cu-ben", { name: "Ben", email: "ben@x.org" });
      await pay(sys, admin, second);

      const list = await (await admin.fetch("/admin/customers")).text();
      const ids = [...list.matchAll(/data-testid="customer-row" data-customer-id="([^"]+)"/g)].map((m) =>
        m[1]
      );
      assert.deepEqual(ids, ["cu-ben", "cu-ann"]);
      for (const q of ["ann+newer", "ann%40x.org", "cu-ann"]) {
        const found = await (await admin.fetch(`/admin/customers?q=${q}`)).text();
        assert.match(found, /data-customer-id="cu-ann"/, q);
        assert.doesNotMatch(found, /data-customer-id="cu-ben"/, q);
      }

      const page = await (await admin.fetch("/admin/customers/cu-ann")).text();
      assert.match(page, /data-testid="customer-name">Ann Newer</);
      assert.match(page, /data-testid="customer-orders">2</);
      assert.match(page, new RegExp(`data-testid="customer-spent" data-amount="${second.total.amount}"`));
      assert.match(page, /No onions/);
      assert.match(page, /Ring twice/);
      assert.deepEqual(rowIds(page), [second.id, first.id]);
      assert.equal((await admin.fetch("/admin/customers/nobody-here")).status, 404);
    } finally {
      await sys.stop();
    }
  },
);
