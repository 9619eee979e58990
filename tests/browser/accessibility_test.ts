/**
 * Every page passes axe-core with no violations at any impact, at 375 px and at 1280 px: the
 * storefront (menu, a search, the menu with items in the cart, checkout, checkout showing the errors of
 * a form sent empty, pay page, order page, My orders, 404) as a customer with an order, the same cart
 * and checkout as served without JavaScript (the plain forms, and the server's page with the errors),
 * and the admin (login, dashboard, order detail, kitchen, stock, dead letters, staff accounts, my
 * account, the 403 page) as staff.
 */
import assert from "node:assert/strict";
import type { System } from "../system.ts";
import { AXE_VERSION, axeViolations, describeViolations } from "./axe.ts";
import { DESKTOP, PHONE, sharedFixture, type Tab } from "./browser.ts";
import { addToCart, openCheckout } from "./checkout.ts";
import { staffLogIn } from "./staff_login.ts";

// Auto-prep off: the order's ticket stays on the kitchen board, so the board is checked with a ticket.
const fixture = sharedFixture({ env: { KITCHEN_AUTO_PREP: "false" } });

/** Checks the page the tab shows at both widths; returns the problems found, one line each. */
async function audit(tab: Tab, name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const size of [PHONE, DESKTOP]) {
    await tab.page.setViewportSize(size);
    const violations = await axeViolations(tab.page);
    if (violations.length > 0) problems.push(describeViolations(`${name} at ${size.width} px`, violations));
  }
  return problems;
}

/** The customer id of the tab's cookie (signed `c-....<signature>`). */
async function customerIdOf(tab: Tab): Promise<string> {
  const cookie = (await tab.context.cookies()).find((c) => c.name === "oms_customer");
  assert.ok(cookie, "the menu gave the browser a customer cookie");
  const value = decodeURIComponent(cookie.value);
  return value.slice(0, value.lastIndexOf("."));
}

/** Places an order for the tab's customer through the API; returns its payment link's path. */
async function orderFor(sys: System, customerId: string): Promise<{ id: string; payPath: string }> {
  const res = await sys.api(
    "POST",
    `/api/customers/${customerId}/orders`,
    { items: [{ id: "1", quantity: 1 }, { id: "9", quantity: 2 }] },
    await sys.proof(customerId),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id, payPath: new URL(res.body.paymentLink).pathname };
}

fixture.test(
  `every storefront page passes axe-core ${AXE_VERSION} with no violations at 375 px and 1280 px`,
  async ({ sys, open }) => {
    const tab = await open();
    tab.allow(/status of 404/);
    const problems: string[] = [];

    assert.equal(await tab.goto("/"), 200);
    await tab.page.getByTestId("cart").waitFor();
    problems.push(...await audit(tab, "menu"));
    assert.equal(await tab.goto("/?q=vegan"), 200);
    problems.push(...await audit(tab, "menu searched"));
    assert.equal(await tab.goto("/?q=nothing-matches-this"), 200);
    problems.push(...await audit(tab, "menu searched, no match"));

    assert.equal(await tab.goto("/"), 200);
    await addToCart(tab, "1");
    await addToCart(tab, "9");
    await addToCart(tab, "9");
    problems.push(...await audit(tab, "menu with a cart"));
    await openCheckout(tab);
    problems.push(...await audit(tab, "checkout"));
    // sent empty: the island marks name and contact as invalid
    await tab.page.getByRole("button", { name: "Place order" }).click();
    await tab.page.getByTestId("checkout-invalid").waitFor();
    problems.push(...await audit(tab, "checkout with errors"));

    const order = await orderFor(sys, await customerIdOf(tab));
    assert.equal(await tab.goto(order.payPath), 200);
    await tab.page.getByRole("button", { name: "Pay", exact: true }).waitFor();
    problems.push(...await audit(tab, "pay page"));
    await tab.page.getByRole("button", { name: "Pay", exact: true }).click();
    await tab.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await tab.page.getByTestId("order-status").waitFor();
    problems.push(...await audit(tab, "order page"));

    assert.equal(await tab.goto("/orders"), 200);
    await tab.page.getByTestId("order-list").waitFor();
    problems.push(...await audit(tab, "my orders"));

    assert.equal(await tab.goto("/no-such-page"), 404);
    problems.push(...await audit(tab, "404"));

    assert.deepEqual(problems, [], `axe violations:\n${problems.join("\n")}`);
  },
);

fixture.test(
  `checkout as served without JavaScript passes axe-core ${AXE_VERSION} with no violations at 375 px and 1280 px, errors shown too`,
  async ({ open }) => {
    // axe needs the page's timers, which a context with JavaScript off never fires; so the islands'
    // script is refused instead: the forms are the plain ones, sent to the server as without JavaScript.
    const tab = await open();
    await tab.page.route("**/_islands/**", (route) => route.abort());
    tab.allow(/Failed to load resource: net::ERR_FAILED/);
    // Chromium logs the 422 of the form sent empty; showing its errors is the point here.
    tab.allow(/status of 422/);
    const problems: string[] = [];
    assert.equal(await tab.goto("/"), 200);
    await addToCart(tab, "1");
    problems.push(...await audit(tab, "menu with a cart, no islands"));
    await openCheckout(tab);
    problems.push(...await audit(tab, "checkout, no islands"));
    const [sent] = await Promise.all([
      tab.page.waitForResponse((r) =>
        r.request().method() === "POST" && new URL(r.url()).pathname === "/checkout"
      ),
      tab.page.getByRole("button", { name: "Place order" }).click(),
    ]);
    assert.equal(sent.status(), 422);
    await tab.page.getByTestId("checkout-invalid").waitFor();
    await tab.page.waitForLoadState("load");
    problems.push(...await audit(tab, "checkout with the server's errors, no islands"));
    assert.deepEqual(problems, [], `axe violations:\n${problems.join("\n")}`);
  },
);

fixture.test(
  `every admin page passes axe-core ${AXE_VERSION} with no violations at 375 px and 1280 px`,
  async ({ sys, open }) => {
    const customer = await open();
    assert.equal(await customer.goto("/"), 200);
    const order = await orderFor(sys, await customerIdOf(customer));
    assert.equal(await customer.goto(order.payPath), 200);
    await customer.page.getByRole("button", { name: "Pay", exact: true }).click();
    await customer.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);

    const tab = await open();
    tab.allow(/status of 401/);
    const problems: string[] = [];
    assert.equal(await tab.goto("/admin/login?next=%2Fadmin"), 200);
    problems.push(...await audit(tab, "admin login"));
    await staffLogIn(tab, "/admin");
    await tab.page.locator(`[data-testid="order-row"][data-order-id="${order.id}"]`).waitFor();
    problems.push(...await audit(tab, "admin dashboard"));

    assert.equal(await tab.goto(`/admin/orders/${order.id}`), 200);
    await tab.page.getByTestId("admin-order").waitFor();
    problems.push(...await audit(tab, "admin order detail"));

    assert.equal(await tab.goto("/admin/kitchen"), 200);
    await tab.page.locator(`[data-testid="ticket"][data-order-id="${order.id}"]`).waitFor();
    problems.push(...await audit(tab, "kitchen"));

    assert.equal(await tab.goto("/admin/stock"), 200);
    await tab.page.locator('[data-testid="stock-row"]').first().waitFor();
    problems.push(...await audit(tab, "stock"));

    assert.equal(await tab.goto("/admin/dead-letters"), 200);
    problems.push(...await audit(tab, "dead letters"));

    assert.equal(await tab.goto("/admin/staff"), 200);
    await tab.page.locator('[data-testid="staff-row"]').first().waitFor();
    problems.push(...await audit(tab, "staff accounts"));

    assert.equal(await tab.goto("/admin/account"), 200);
    problems.push(...await audit(tab, "my account"));

    assert.deepEqual(problems, [], `axe violations:\n${problems.join("\n")}`);
  },
);
