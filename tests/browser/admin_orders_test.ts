/**
 * The admin app in Chromium against the whole system: its own shell at 1280 and 375 px (no sideways
 * scrolling, screenshots kept), search by name and by order number, a filter combination that lives in
 * the URL (submitted from the form, then reloaded from the bookmark), the live figures, the customers
 * pages, and axe-core with no violations on /admin, /admin/customers and /admin/customers/:id.
 */
import assert from "node:assert/strict";
import type { System } from "../system.ts";
import { axeViolations, describeViolations } from "./axe.ts";
import { DESKTOP, PHONE, sharedFixture, type Tab, waitUntil } from "./browser.ts";
import { staffLogIn } from "./staff_login.ts";

const fixture = sharedFixture({ env: { KITCHEN_AUTO_PREP: "false" } });

interface Placed {
  id: string;
  number: number;
  paymentLink: string;
}

async function placeOrder(sys: System, customer: string, name: string, extra: Record<string, string> = {}) {
  const res = await sys.api(
    "POST",
    `/api/customers/${customer}/orders`,
    {
      items: [{ id: "2", quantity: 1 }],
      details: { name, phone: "", email: `${customer}@example.org`, ...extra },
    },
    await sys.proof(customer),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as Placed;
}

async function noViolations(tab: Tab, where: string): Promise<void> {
  const violations = await axeViolations(tab.page);
  assert.deepEqual(violations, [], describeViolations(where, violations));
}

function rowIds(tab: Tab): Promise<string[]> {
  return tab.page.locator('[data-testid="order-row"]').evaluateAll((rows) =>
    rows.map((r) => r.getAttribute("data-order-id") ?? "")
  );
}

fixture.test("the admin shell at 1280, 768 and 375 px: side bar, then top bar, never sideways scrolling", async ({ sys, open }) => {
  await placeOrder(sys, "shell-1", "Shelly Shell");
  const TABLET = { width: 768, height: 1024 };
  for (const [label, viewport] of [["desktop", DESKTOP], ["tablet", TABLET], ["phone", PHONE]] as const) {
    const tab = await open({ viewport });
    await staffLogIn(tab, "/admin");
    await tab.page.getByTestId("admin-side").waitFor();
    assert.equal(await tab.page.locator(".site-header").count(), 0, "no storefront header");
    assert.equal(await tab.page.getByTestId("staff-name").innerText(), "admin");
    const nav = tab.page.getByRole("navigation", { name: "Admin" });
    assert.ok(await nav.getByRole("link", { name: "Customers" }).isVisible());
    const box = (await tab.page.getByTestId("admin-side").boundingBox())!;
    if (label === "desktop") {
      assert.ok(box.height >= 800 && box.width < 300, `side bar ${JSON.stringify(box)}`);
    } else assert.ok(box.width >= 370 && box.height < 400, `top bar ${JSON.stringify(box)}`);
    await tab.assertNoHorizontalScroll();
    await tab.screenshot(`admin-shell-${label}`);
    for (const path of ["/admin/customers", "/admin/customers/shell-1"]) {
      assert.equal(await tab.goto(path), 200);
      await tab.assertNoHorizontalScroll();
      await tab.screenshot(`admin${path.replace(/\//g, "-")}-${label}`);
    }
    await tab.goto("/admin");
    await tab.page.getByRole("button", { name: "Log out" }).click();
    await tab.page.waitForURL((u) => u.pathname === "/admin/login");
  }
});

fixture.test("search by name and by number; a filter combination round-trips through the URL; figures follow live", async ({ sys, open }) => {
  const grace = await placeOrder(sys, "cust-grace", "Grace Hopper", { phone: "+1 202 555 0199" });
  const linus = await placeOrder(sys, "cust-linus", "Linus Torvalds");
  const tab = await open();
  await staffLogIn(tab, "/admin");
  const ordersBefore = Number(await tab.page.getByTestId("figure-orders").innerText());

  await tab.page.getByLabel("Search", { exact: true }).fill("hopper");
  await tab.page.getByRole("button", { name: "Search", exact: true }).click();
  await tab.page.waitForURL((u) => u.searchParams.get("q") === "hopper");
  assert.deepEqual(await rowIds(tab), [grace.id]);
  assert.equal(
    await tab.page.getByTestId("order-row").getByRole("link", { name: "Grace Hopper" }).count(),
    1,
  );

  await tab.page.getByLabel("Search", { exact: true }).fill(`#${linus.number}`);
  await tab.page.getByRole("button", { name: "Search", exact: true }).click();
  await tab.page.waitForURL((u) => u.searchParams.get("q") === `#${linus.number}`);
  assert.deepEqual(await rowIds(tab), [linus.id]);

  // a combination from the form: text, two statuses, a payment state, a date range
  const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date());
  await tab.page.getByLabel("Search", { exact: true }).fill("cust-grace");
  const statuses = tab.page.getByRole("group", { name: "Status" });
  await statuses.getByLabel("Waiting for payment").check();
  await statuses.getByLabel("Paid", { exact: true }).check();
  await tab.page.getByRole("group", { name: "Payment" }).getByLabel("Unpaid", { exact: true }).check();
  await tab.page.getByLabel("From", { exact: true }).fill(today);
  await tab.page.getByLabel("To", { exact: true }).fill(today);
  await tab.page.getByRole("button", { name: "Search", exact: true }).click();
  await tab.page.waitForURL((u) => u.searchParams.getAll("status").length === 2);
  const url = new URL(tab.page.url());
  assert.deepEqual(url.searchParams.getAll("status"), ["waiting_payment", "paid"]);
  assert.deepEqual(url.searchParams.getAll("payment"), ["unpaid"]);
  assert.equal(url.searchParams.get("from"), today);
  assert.deepEqual(await rowIds(tab), [grace.id]);
  await noViolations(tab, "/admin (filtered)");

  // the bookmark, opened fresh, shows the same view with the same form
  const bookmark = await open();
  await staffLogIn(bookmark, `${url.pathname}${url.search}`);
  await bookmark.page.waitForURL((u) => u.search === url.search);
  assert.deepEqual(await rowIds(bookmark), [grace.id]);
  assert.equal(await bookmark.page.getByLabel("Search", { exact: true }).inputValue(), "cust-grace");
  assert.ok(
    await bookmark.page.getByRole("group", { name: "Status" }).getByLabel("Paid", { exact: true })
      .isChecked(),
  );
  assert.ok(
    !(await bookmark.page.getByRole("group", { name: "Status" }).getByLabel("Ready", { exact: true })
      .isChecked()),
  );
  assert.equal(await bookmark.page.getByLabel("To", { exact: true }).inputValue(), today);
  assert.equal(
    await bookmark.page.getByTestId("export-csv").getAttribute("href"),
    `/admin/orders/export.csv${url.search}`,
  );

  // live: a new order raises today's count without a reload
  await tab.goto("/admin");
  const shown = Number(await tab.page.getByTestId("figure-orders").innerText());
  assert.ok(shown >= ordersBefore);
  await tab.markDocument("live");
  const loads = tab.documents.length;
  await placeOrder(sys, "cust-live", "Ada Live");
  await waitUntil(
    "today's orders to go up",
    () => tab.page.getByTestId("figure-orders").innerText(),
    (t) => Number(t) === shown + 1,
  );
  await tab.assertSameDocument("live", loads);
  await noViolations(tab, "/admin");
});

fixture.test("a live reload keeps what staff are typing in the filters (uncontrolled inputs)", async ({ sys, open }) => {
  const tab = await open();
  await staffLogIn(tab, "/admin");
  const shown = Number(await tab.page.getByTestId("figure-orders").innerText());
  const search = tab.page.getByLabel("Search", { exact: true });
  const paid = tab.page.locator('input[name="status"][value="paid"]');
  await search.fill("half typed");
  await paid.check();
  await placeOrder(sys, "cust-typing", "Tess Typing");
  // the pushed change reloads the list and figures, re-rendering the form's island
  await waitUntil(
    "today's orders to go up",
    () => tab.page.getByTestId("figure-orders").innerText(),
    (t) => Number(t) === shown + 1,
  );
  assert.equal(await search.inputValue(), "half typed", "the search text survives the reload");
  assert.equal(await paid.isChecked(), true, "the ticked status survives the reload");
  assert.equal(new URL(tab.page.url()).search, "", "nothing was submitted");
});

fixture.test("customers: search, a customer's page with their orders and notes; no axe violations", async ({ sys, open }) => {
  const first = await placeOrder(sys, "cust-marie", "Marie Curie", { note: "Extra radium-free basil" });
  await placeOrder(sys, "cust-pierre", "Pierre Curie");
  const tab = await open();
  await staffLogIn(tab, "/admin/customers");
  await tab.page.getByTestId("customers-table").waitFor();
  await noViolations(tab, "/admin/customers");
  await tab.page.getByLabel("Name, phone, email or customer id").fill("marie curie");
  await tab.page.getByRole("button", { name: "Search", exact: true }).click();
  await tab.page.waitForURL((u) => u.searchParams.get("q") === "marie curie");
  const rows = tab.page.getByTestId("customer-row");
  assert.equal(await rows.count(), 1);
  await rows.getByRole("link", { name: "Marie Curie" }).click();
  await tab.page.waitForURL((u) => u.pathname === "/admin/customers/cust-marie");
  assert.equal(await tab.page.getByTestId("customer-orders").innerText(), "1");
  assert.match(await tab.page.getByTestId("customer-notes").innerText(), /Extra radium-free basil/);
  assert.deepEqual(await rowIds(tab), [first.id]);
  await noViolations(tab, "/admin/customers/cust-marie");
  await tab.screenshot("admin-customer-page");
});
