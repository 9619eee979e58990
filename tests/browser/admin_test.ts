/**
 * The admin pages in Chromium against the whole system (auto-prep off, so staff move the kitchen
 * tickets): the login guard and CSRF refusal, an order followed from the dashboard through the
 * kitchen board to "completed" while its customer watches, and an unpaid order cancelled by staff.
 *
 * The tests use their own customers and menu items, so they share one system and one browser.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { publishRaw } from "../../services/common/bus/testing.ts";
import type { System } from "../system.ts";
import { checkOut } from "./checkout.ts";
import {
  availableOf,
  PHONE,
  sharedFixture,
  type Tab,
  waitForAttribute,
  waitForText,
  waitUntil,
} from "./browser.ts";
import { staffLogIn, TEST_OWNER } from "./staff_login.ts";

const fixture = sharedFixture({ env: { KITCHEN_AUTO_PREP: "false" } });

/** Logs in on the login page the tab shows (or opens it) and waits for the page after it. */
function logIn(tab: Tab, next = "/admin"): Promise<void> {
  return staffLogIn(tab, next);
}

/** Places an order as customer `customer` through the JSON API; returns it (waiting for payment). */
async function placeOrder(
  sys: System,
  customer: string,
  items: { id: string; quantity: number }[],
): Promise<{ id: string; paymentLink: string }> {
  const res = await sys.api(
    "POST",
    `/api/customers/${customer}/orders`,
    { items },
    await sys.proof(customer),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

function orderStatus(page: Page) {
  return page.getByTestId("order-status");
}

/** Opens the menu as a customer, adds `quantity` of item `id` and checks out; returns on the pay page. */
async function buyToPayPage(tab: Tab, id: string, quantity = 1): Promise<void> {
  assert.equal(await tab.goto("/"), 200);
  const add = tab.page.locator(`[data-testid="product"][data-item-id="${id}"]`).getByRole("button", {
    name: "Add to cart",
  });
  for (let i = 1; i <= quantity; i++) {
    await add.click();
    await waitUntil(
      `item ${id} x${i} in the cart`,
      () =>
        tab.page.locator(`.cart-line[data-item-id="${id}"] input[type="number"]`).inputValue({
          timeout: 1000,
        }),
      (v) => v === String(i),
    );
  }
  await checkOut(tab);
}

/** The order id on the customer's order page. */
async function orderIdOn(tab: Tab): Promise<string> {
  await tab.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  return await tab.page.getByTestId("order-id").innerText();
}

/** A number shown in an element. */
async function numberIn(page: Page, selector: string): Promise<number> {
  return Number(await page.locator(selector).innerText({ timeout: 10_000 }));
}

/** Available units of item `id` on the admin stock page (reloaded). */
async function stockPageAvailable(tab: Tab, id: string): Promise<number> {
  assert.equal(await tab.goto("/admin/stock"), 200);
  return await numberIn(
    tab.page,
    `[data-testid="stock-row"][data-item-id="${id}"] [data-testid="available"]`,
  );
}

fixture.test(
  "admin pages without a session redirect to the login page, and a wrong name or password is refused",
  async ({ open }) => {
    const tab = await open();
    tab.allow(/status of 401/);
    for (const path of ["/admin", "/admin/kitchen", "/admin/stock", "/admin/dead-letters"]) {
      await tab.goto(path);
      const at = new URL(tab.page.url());
      assert.equal(at.pathname, "/admin/login", `${path} without a session`);
      assert.equal(at.searchParams.get("next"), path);
      assert.equal(await tab.page.getByRole("heading", { level: 1 }).innerText(), "Staff login");
    }
    const api = await tab.page.request.get("/admin/api/orders");
    assert.equal(api.status(), 401, "the dashboard feed without a session");

    await tab.goto("/admin/login?next=%2Fadmin%2Fstock");
    await tab.screenshot("06-login");
    await tab.page.getByLabel("Name").fill(TEST_OWNER.name);
    await tab.page.getByLabel("Password").fill("not-the-password");
    await tab.page.getByRole("button", { name: "Log in" }).click();
    await waitForText(tab.page.getByTestId("login-error"), /Wrong name or password/);
    assert.equal(new URL(tab.page.url()).pathname, "/admin/login");
    await tab.screenshot("06-login-wrong-password");

    await logIn(tab);
    // /admin/stock is now /admin/menu (a permanent redirect): login goes on to the page asked for
    assert.equal(new URL(tab.page.url()).pathname, "/admin/menu", "login goes on to the page asked for");
    const cookie = (await tab.context.cookies()).find((c) => c.path === "/admin");
    assert.ok(cookie, "a session cookie on /admin");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
  },
);

fixture.test(
  "a state-changing admin POST with a missing or forged CSRF token is refused with 403 and changes nothing",
  async ({ sys, open }) => {
    const tab = await open();
    // Chromium logs the refused document (403) as a console error; the refusal is the point.
    tab.allow(/status of 403/);
    const order = await placeOrder(sys, "csrf-victim", [{ id: "10", quantity: 3 }]);
    const before = await availableOf(sys, "10");
    await logIn(tab);

    // A real form in the page whose token was tampered with: the Confirm of "Cancel order".
    await tab.goto(`/admin/orders/${order.id}/confirm?action=cancel`);
    const confirm = tab.page.getByRole("button", { name: "Confirm" });
    const confirmForm = tab.page.locator("form", { has: confirm });
    await confirmForm.locator('input[name="_csrf"]').evaluate((el) => {
      el.setAttribute("value", "forged-token");
    });
    const [refused] = await Promise.all([
      tab.page.waitForResponse((r) => r.request().method() === "POST"),
      confirm.click(),
    ]);
    assert.equal(refused.status(), 403);
    await waitForText(tab.page.locator("main"), /security token/);
    await tab.screenshot("06-csrf-refused");

    // Forged requests with the session cookie: no token, a wrong one.
    for (const form of [{ note: "no token" } as Record<string, string>, { _csrf: "forged-token" }]) {
      const posts = [
        tab.page.request.post(`/admin/orders/${order.id}`, { form: { ...form, action: "cancel" } }),
        tab.page.request.post("/admin/stock", { form: { ...form, itemId: "10", quantity: "500" } }),
        tab.page.request.post("/admin/logout", { form, maxRedirects: 0 }),
      ];
      for (const res of await Promise.all(posts)) {
        assert.equal(res.status(), 403, `${res.url()} with ${JSON.stringify(form)}`);
        assert.match(await res.text(), /security token/);
      }
    }

    // Nothing changed: the order waits for payment, stock is as it was, the session lives.
    const now = await sys.api(
      "GET",
      `/api/customers/csrf-victim/orders/${order.id}`,
      undefined,
      await sys.proof("csrf-victim"),
    );
    assert.equal(now.body.status, "waiting_payment");
    assert.equal(await availableOf(sys, "10"), before);
    assert.equal(await tab.goto(`/admin/orders/${order.id}`), 200);
    assert.equal(new URL(tab.page.url()).pathname, `/admin/orders/${order.id}`, "still logged in");
    assert.equal(await tab.page.getByTestId("admin-order").getAttribute("data-status"), "waiting_payment");
  },
);

fixture.test(
  "admin sees a new order appear live on the dashboard, moves its ticket Start -> Complete, marks it completed, and the customer's page follows live",
  async ({ open }) => {
    const admin = await open();
    const customer = await open();
    await logIn(admin);
    assert.equal(new URL(admin.page.url()).pathname, "/admin");
    const paidBefore = await numberIn(admin.page, '[data-testid="count-paid"]');
    const adminLoads = admin.documents.length;
    await admin.markDocument("dashboard");
    await admin.screenshot("02-dashboard-before");

    await buyToPayPage(customer, "3");
    await customer.page.getByRole("button", { name: "Pay", exact: true }).click();
    const orderId = await orderIdOn(customer);
    await waitForAttribute(orderStatus(customer.page), "data-status", "paid");
    const customerLoads = customer.documents.length;
    await customer.markDocument(orderId);

    // The dashboard polls: the row and the count arrive without a reload.
    const row = admin.page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
    await waitForAttribute(row, "data-status", "paid");
    await waitUntil(
      "paid count up by one",
      () => numberIn(admin.page, '[data-testid="count-paid"]'),
      (n) => n === paidBefore + 1,
    );
    await admin.assertSameDocument("dashboard", adminLoads);
    assert.match(await row.innerText(), new RegExp(orderId.slice(0, 8)));
    await admin.screenshot("02-dashboard-order-arrived");

    await admin.goto("/admin/kitchen");
    const ticket = admin.page.locator(`[data-testid="ticket"][data-order-id="${orderId}"]`);
    await waitForAttribute(ticket, "data-status", "queued");
    assert.match(await ticket.innerText(), /Diavola/);
    // The timer counts up from payment, every second, with its state in words as well as colour.
    assert.equal(await ticket.getAttribute("data-age"), "fresh");
    assert.equal(await ticket.getByTestId("ticket-age-label").innerText(), "On time");
    const timer = ticket.getByTestId("ticket-timer");
    const shown = await timer.innerText();
    assert.match(shown, /^\d+:\d\d$/);
    await waitUntil("the timer ticks", () => timer.innerText(), (t) => t !== shown);
    await admin.screenshot("02-kitchen-queued");
    // One tap each, no confirmation page: the island posts with fetch and the board follows live.
    const boardLoads = admin.documents.length;
    await admin.markDocument("kitchen");
    const outcome = admin.page.getByTestId("kitchen-outcome");
    await ticket.getByRole("button", { name: "Start" }).click();
    await waitForAttribute(ticket, "data-status", "preparing");
    await waitForText(outcome, new RegExp(`Started order ${orderId.slice(0, 8)}`));
    assert.equal(await outcome.getAttribute("data-kind"), "success");
    await waitForAttribute(orderStatus(customer.page), "data-status", "preparing");
    await admin.screenshot("02-kitchen-preparing");

    await ticket.getByRole("button", { name: "Complete" }).click();
    await waitForAttribute(ticket, "data-status", "ready");
    await waitForText(outcome, new RegExp(`Order ${orderId.slice(0, 8)} is ready`));
    await waitForAttribute(orderStatus(customer.page), "data-status", "ready");
    await customer.screenshot("02-customer-ready");

    await ticket.getByRole("button", { name: "Mark completed" }).click();
    await waitForText(outcome, new RegExp(`Order ${orderId.slice(0, 8)} handed over`));
    assert.equal(await outcome.getAttribute("data-kind"), "success");
    assert.match(admin.page.url(), /\/admin\/kitchen$/);
    await admin.assertSameDocument("kitchen", boardLoads);
    await admin.screenshot("02-kitchen-handed-over");
    await admin.goto(`/admin/orders/${orderId}`);
    assert.equal(await admin.page.getByTestId("admin-order").getAttribute("data-status"), "completed");
    assert.deepEqual(
      await admin.page.locator('[data-testid="admin-timeline"] li[data-kind="step"]').evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-status"))
      ),
      ["pending", "waiting_payment", "paid", "preparing", "ready", "completed"],
    );
    await admin.screenshot("02-admin-order-completed");

    await waitForAttribute(orderStatus(customer.page), "data-status", "completed");
    assert.match(await customer.page.getByTestId("order-message").innerText(), /Handed over/);
    await customer.assertSameDocument(orderId, customerLoads);
    await customer.screenshot("02-customer-completed");
  },
);

fixture.test(
  "admin cancels an unpaid order: the customer's page shows it cancelled by the shop and the stock page shows the units back",
  async ({ sys, open }) => {
    const admin = await open();
    const customer = await open();
    const start = await availableOf(sys, "9");
    await buyToPayPage(customer, "9", 2);
    // The customer leaves the checkout unpaid and looks at the order from "My orders".
    await customer.page.getByRole("link", { name: "My orders" }).click();
    await customer.page.waitForURL(/\/orders$/);
    await customer.page.getByTestId("order-list").getByRole("link").first().click();
    const orderId = await orderIdOn(customer);
    await waitForAttribute(orderStatus(customer.page), "data-status", "waiting_payment");
    const customerLoads = customer.documents.length;
    await customer.markDocument(orderId);

    await logIn(admin, "/admin/stock");
    assert.equal(await stockPageAvailable(admin, "9"), start - 2, "two units reserved");
    const reservedRow = admin.page.locator('[data-testid="stock-row"][data-item-id="9"]');
    assert.equal(Number(await reservedRow.getByTestId("reserved").innerText()), 2);
    await admin.screenshot("03-stock-reserved");

    await admin.goto(`/admin/orders/${orderId}`);
    await admin.page.getByRole("button", { name: "Cancel order" }).click();
    await admin.page.waitForURL(/\/confirm\?/);
    await admin.page.getByRole("button", { name: "Confirm" }).click();
    await admin.page.waitForURL(new RegExp(`/admin/orders/${orderId}$`));
    assert.equal(await admin.page.getByTestId("admin-order").getAttribute("data-status"), "cancelled");
    assert.equal(await admin.page.getByTestId("flash").getAttribute("data-kind"), "success");
    await admin.screenshot("03-admin-cancelled");

    await waitForAttribute(orderStatus(customer.page), "data-status", "cancelled");
    assert.match(await customer.page.getByTestId("order-message").innerText(), /shop cancelled/i);
    assert.equal(await customer.page.getByRole("link", { name: "Pay now" }).count(), 0);
    await customer.assertSameDocument(orderId, customerLoads);
    await customer.screenshot("03-customer-cancelled");

    await waitUntil(
      "units back on the stock page",
      () => stockPageAvailable(admin, "9"),
      (n) => n === start,
    );
    assert.equal(Number(await reservedRow.getByTestId("reserved").innerText()), 0);
    await admin.screenshot("03-stock-restored");
  },
);

fixture.test(
  "staff restock a sold-out item and the storefront menu offers it again",
  async ({ sys, open }) => {
    const admin = await open();
    const customer = await open();
    await placeOrder(sys, "buys-all-tiramisu", [{ id: "8", quantity: await availableOf(sys, "8") }]);
    await logIn(admin, "/admin/stock");
    const row = admin.page.locator('[data-testid="stock-row"][data-item-id="8"]');
    assert.equal(await row.getAttribute("data-low"), "true", "a sold-out item is highlighted");
    assert.match(await row.innerText(), /Sold out/);
    assert.equal(await row.getByTestId("available").innerText(), "0");

    await row.getByLabel(/Units of .* to add/).fill("5");
    await row.getByRole("button", { name: "Restock" }).click();
    await waitForText(admin.page.getByTestId("flash"), /Added 5 units of Tiramisu; 5 available now/);
    const after = admin.page.locator('[data-testid="stock-row"][data-item-id="8"]');
    assert.equal(await after.getByTestId("available").innerText(), "5");
    await admin.screenshot("admin-restocked");

    assert.equal(await customer.goto("/"), 200);
    const item = customer.page.locator('[data-testid="product"][data-item-id="8"]');
    assert.equal(await item.getByTestId("stock-state").innerText(), "5 left");
    await waitUntil(
      "Add to cart enabled",
      () => item.getByRole("button", { name: "Add to cart" }).isEnabled(),
      Boolean,
    );
  },
);

fixture.test(
  "a parked message shows its reason and escaped payload on the dead-letters page; Discard removes it and Replay sends it back",
  async ({ sys, open }) => {
    const admin = await open();
    const evil = '<script>alert("x")</script>{not json';
    await publishRaw(sys.bus.config, "payment.succeeded", evil, { messageId: "browser-dl-discard" });
    await publishRaw(sys.bus.config, "payment.succeeded", "{also not json", {
      messageId: "browser-dl-replay",
    });
    await logIn(admin, "/admin/dead-letters");
    const letter = (messageId: string) =>
      admin.page.locator('[data-testid="dead-letter"][data-service="orders"]', { hasText: messageId });
    await waitUntil("both messages parked", async () => {
      await admin.goto("/admin/dead-letters");
      return await letter("browser-dl-discard").count() + await letter("browser-dl-replay").count();
    }, (n) => n === 2);
    const parked = letter("browser-dl-discard");
    assert.match(await parked.getByTestId("reason").innerText(), /JSON/);
    assert.equal(await parked.getByTestId("payload").innerText(), evil, "the payload is shown as text");
    assert.equal(await parked.locator("script").count(), 0, "the payload is escaped");
    await admin.screenshot("admin-dead-letters");

    await parked.getByRole("button", { name: "Discard" }).click();
    await waitForText(admin.page.getByTestId("flash"), /Discarded message .* of orders/);
    assert.equal(await letter("browser-dl-discard").count(), 0);

    const id = await letter("browser-dl-replay").getAttribute("data-id");
    await letter("browser-dl-replay").getByRole("button", { name: "Replay" }).click();
    await waitForText(admin.page.getByTestId("flash"), new RegExp(`Replayed message ${id} to orders`));
    // Still malformed, so orders parks it again: proof that it went back to the queue.
    await waitUntil("the replayed message parked again", async () => {
      await admin.goto("/admin/dead-letters");
      return await letter("browser-dl-replay").getAttribute("data-id", { timeout: 1000 });
    }, (again) => again !== null);
    await admin.screenshot("admin-dead-letters-after");
  },
);

fixture.test(
  "the admin pages fit a 375 px phone without sideways scrolling",
  async ({ open }) => {
    const tab = await open({ viewport: PHONE });
    await tab.goto("/admin/login");
    await tab.assertNoHorizontalScroll();
    await logIn(tab);
    for (const path of ["/admin", "/admin/kitchen", "/admin/stock", "/admin/dead-letters"]) {
      assert.equal(await tab.goto(path), 200, path);
      await tab.assertNoHorizontalScroll();
      await tab.screenshot(`admin-phone-${path.slice(1).replace(/\//g, "-")}`);
    }
  },
);
