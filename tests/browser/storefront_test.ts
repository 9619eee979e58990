/**
 * The storefront in Chromium against the whole system (auto-prep on): a customer's order from menu to
 * "ready", sold-out items, a checkout that races for the last unit, declined and expired payments,
 * and what the pages ship (no script without islands, small island bundles, a 375 px phone).
 *
 * Every test uses its own customers (fresh browser contexts) and its own menu items, so they share
 * one system and one browser.
 */
import assert from "node:assert/strict";
import type { Page, Response } from "playwright-core";
import { rpc } from "../../services/common/grpc_client.ts";
import type { System } from "../system.ts";
import { checkOut, fillCheckout, openCheckout, SOME_CUSTOMER } from "./checkout.ts";
import {
  availableOf,
  PHONE,
  sharedFixture,
  type Tab,
  waitForAttribute,
  waitForText,
  waitUntil,
} from "./browser.ts";

// Auto-prep moves each ticket queued -> preparing -> ready after KITCHEN_PREP_MS per step; 1 s a step
// leaves the order page time to open before "ready", so the test sees the change happen live.
const fixture = sharedFixture({ env: { KITCHEN_AUTO_PREP: "true", KITCHEN_PREP_MS: "1000" } });

/** Budget for the JavaScript a catalog page loads, uncompressed. */
const SCRIPT_BUDGET_BYTES = 60 * 1024;

function product(page: Page, id: string) {
  return page.locator(`[data-testid="product"][data-item-id="${id}"]`);
}

function addButton(page: Page, id: string) {
  return product(page, id).getByRole("button", { name: "Add to cart" });
}

/** Opens the menu and waits until the islands are interactive (the cart has been read). */
async function openMenu(tab: Tab): Promise<void> {
  assert.equal(await tab.goto("/"), 200);
  await tab.page.locator('[data-testid="cart-empty"], .cart-lines').first().waitFor();
}

/** Adds one unit of item `id` and waits until the cart shows it. */
async function addToCart(tab: Tab, id: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const line = tab.page.locator(`.cart-line[data-item-id="${id}"] input[type="number"]`);
    const before = await line.count() === 0 ? 0 : Number(await line.inputValue());
    await addButton(tab.page, id).click();
    await waitUntil(
      `item ${id} x${before + 1} in the cart`,
      async () => (await line.count()) === 0 ? 0 : Number(await line.inputValue()),
      (q) => q === before + 1,
    );
  }
}

/** Orders `quantity` of item `id` through the JSON API as some other customer. */
async function orderThroughApi(sys: System, customer: string, id: string, quantity: number): Promise<void> {
  const res = await sys.api(
    "POST",
    `/api/customers/${customer}/orders`,
    { items: [{ id, quantity }] },
    await sys.proof(customer),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

/** Clicks one of the pay page's buttons and waits for the order page it leads to. */
async function choose(tab: Tab, button: "Pay" | "Decline" | "Let it expire"): Promise<string> {
  await tab.page.getByRole("button", { name: button, exact: true }).click();
  await tab.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  await tab.page.getByTestId("order-status").waitFor();
  return tab.page.url().split("/").pop()!;
}

/** Polls the order page's status until `final`, returning every distinct status seen in order. */
async function statusesUntil(page: Page, final: string): Promise<string[]> {
  const seen: string[] = [];
  await waitUntil(`order status ${final}`, async () => {
    const s = await page.getByTestId("order-status").getAttribute("data-status", { timeout: 1000 });
    if (s && seen.at(-1) !== s) seen.push(s);
    return s;
  }, (s) => s === final);
  return seen;
}

fixture.test(
  "a new customer on a 375 px phone adds two items, checks out, pays and watches the order page reach ready live, without a reload",
  async ({ sys, open }) => {
    const tab = await open({ viewport: PHONE });
    const page = tab.page;
    await openMenu(tab);
    await tab.assertNoHorizontalScroll();
    await tab.screenshot("01-catalog-phone");

    const marg = await product(page, "1").locator(".product-name").innerText();
    const mari = await product(page, "2").locator(".product-name").innerText();
    await addToCart(tab, "1");
    await addToCart(tab, "2");
    const lines = await page.locator(".cart-line .cart-name").allInnerTexts();
    assert.deepEqual(lines, [marg, mari]);
    // Margherita €8.50 + Marinara €7.00
    assert.equal(await page.getByTestId("cart-total").innerText(), "€15.50");
    await tab.assertNoHorizontalScroll();
    await tab.screenshot("01-cart-two-items");

    await checkOut(tab);
    assert.match(await page.locator("table.items").innerText(), new RegExp(`${marg}[\\s\\S]*${mari}`));
    assert.match(await page.getByTestId("order-total").innerText(), /€15\.50/);
    await tab.screenshot("01-pay-page");

    const orderId = await choose(tab, "Pay");
    const loads = tab.documents.length;
    await tab.markDocument(orderId);
    const first = await page.getByTestId("order-status").getAttribute("data-status");
    assert.notEqual(
      first,
      "ready",
      "the order page must open before the kitchen is done, to prove live updates",
    );
    await tab.screenshot("01-order-paid");

    const seen = await statusesUntil(page, "ready");
    await tab.assertSameDocument(orderId, loads);
    assert.ok(seen.length >= 2, `the status changed in place: ${seen.join(" -> ")}`);
    assert.match(await page.getByTestId("order-message").innerText(), /ready to collect/i);
    await waitUntil(
      "timeline up to ready",
      async () =>
        await page.locator('[data-testid="order-timeline"] li').evaluateAll(
          (els) => els.map((e) => e.getAttribute("data-status")),
        ),
      (t) => ["paid", "preparing", "ready"].every((s) => t.includes(s)),
    );
    assert.equal(
      await page.getByTestId("order-feed").getAttribute("data-feed"),
      "live",
      "updates came by SSE",
    );
    assert.equal(
      await page.getByRole("button", { name: "Cancel order" }).count(),
      0,
      "no cancel after payment",
    );
    await tab.assertNoHorizontalScroll();
    await tab.screenshot("01-order-ready-phone");
    const stored = (await rpc(sys.orders, "getOrder", { orderId, customerId: "", admin: true })).order!;
    assert.equal(stored.items.length, 2, "one order with both items");

    // "My orders" lists it.
    await tab.goto("/orders");
    assert.match(await page.getByTestId("order-list").innerText(), new RegExp(`1 × ${marg}, 1 × ${mari}`));
    assert.equal(
      await page.locator('[data-island="MyOrdersLive"]').count(),
      1,
      "My orders follows its orders live",
    );
    await tab.assertNoHorizontalScroll();
  },
);

fixture.test(
  "the cart survives a reload, Remove takes a line out, and a double-clicked Place order places one order",
  async ({ sys, open }) => {
    const tab = await open();
    const page = tab.page;
    const before = await availableOf(sys, "10");
    await openMenu(tab);
    await addToCart(tab, "10", 2);
    await addToCart(tab, "9");
    // Espresso 2 × €2.50 + Lemonade €3.50
    assert.equal(await page.getByTestId("cart-total").innerText(), "€8.50");

    await page.reload();
    await waitUntil(
      "the stored cart after a reload",
      () => page.locator(".cart-line").evaluateAll((els) => els.map((e) => e.getAttribute("data-item-id"))),
      (ids) => ids.join() === "10,9",
    );
    assert.equal(await page.locator('.cart-line[data-item-id="10"] input[type="number"]').inputValue(), "2");
    assert.equal(await page.getByTestId("cart-total").innerText(), "€8.50");

    await page.getByRole("button", { name: /^Remove Lemonade/ }).click();
    await waitForText(page.getByTestId("cart-total"), /^€5\.00$/);
    await tab.screenshot("cart-after-reload-and-remove");

    await openCheckout(tab);
    await fillCheckout(page, SOME_CUSTOMER);
    await page.getByRole("button", { name: "Place order" }).dblclick();
    await page.waitForURL(/\/pay\/[^/]+$/);
    await tab.goto("/orders");
    assert.equal(
      await page.locator('[data-testid="order-list"] li').count(),
      1,
      "one order from a double click",
    );
    assert.equal(await availableOf(sys, "10"), before - 2, "reserved once");
  },
);

fixture.test(
  "a sold-out item shows Sold out and its Add to cart is disabled",
  async ({ sys, open }) => {
    const all = await availableOf(sys, "8");
    await orderThroughApi(sys, "sold-out-buyer", "8", all);
    assert.equal(await availableOf(sys, "8"), 0);
    const tab = await open();
    await openMenu(tab);
    await waitUntil(
      "Add to cart enabled after hydration",
      () => addButton(tab.page, "1").isEnabled(),
      Boolean,
    );
    const item = product(tab.page, "8");
    assert.equal(await item.getByTestId("stock-state").innerText(), "Sold out");
    assert.match((await item.getAttribute("class")) ?? "", /\bsold-out\b/);
    assert.equal(await addButton(tab.page, "8").isDisabled(), true, "Add to cart of a sold-out item");
    await addButton(tab.page, "8").click({ force: true }).catch(() => {});
    assert.equal(await tab.page.locator('.cart-line[data-item-id="8"]').count(), 0, "nothing was added");
    await tab.screenshot("04-sold-out");
  },
);

fixture.test(
  "two customers race for the last unit: the first checks out, the second gets a message naming the item and stays on the checkout page",
  async ({ sys, open }) => {
    const left = await availableOf(sys, "4");
    await orderThroughApi(sys, "race-setup", "4", left - 1);
    assert.equal(await availableOf(sys, "4"), 1);
    const first = await open();
    const second = await open();
    // Chromium logs every 4xx fetch as a console error; the 409 is this test's point.
    second.allow(/status of 409/);
    for (const tab of [first, second]) {
      await openMenu(tab);
      assert.equal(await product(tab.page, "4").getByTestId("stock-state").innerText(), "1 left");
      await addToCart(tab, "4");
    }
    const name = await product(second.page, "4").locator(".product-name").innerText();

    await checkOut(first);
    await first.screenshot("04-race-winner-pays");

    await openCheckout(second);
    await fillCheckout(second.page, SOME_CUSTOMER);
    await second.page.getByRole("button", { name: "Place order" }).click();
    const error = second.page.getByTestId("checkout-error");
    const text = await waitForText(error, new RegExp(name));
    assert.match(text, /sold out/i);
    assert.match(text, new RegExp(`${name}: you asked for 1, none left`));
    assert.equal(new URL(second.page.url()).pathname, "/checkout", "the loser stays on the checkout page");
    await second.page.getByTestId("cart-empty").waitFor({ timeout: 5000 });
    assert.equal(
      await second.page.getByRole("button", { name: "Place order" }).isEnabled(),
      true,
      "the cart is usable again: lowered to what is left (nothing), the form still works",
    );
    await second.screenshot("04-race-loser-message");
    assert.equal(await availableOf(sys, "4"), 0, "the last unit was sold once");
  },
);

fixture.test(
  "after losing the race for the last unit, the menu no longer offers that item to the loser",
  async ({ sys, open }) => {
    const left = await availableOf(sys, "5");
    await orderThroughApi(sys, "race2-setup", "5", left - 1);
    const first = await open();
    const second = await open();
    second.allow(/status of 409/);
    for (const tab of [first, second]) {
      await openMenu(tab);
      await addToCart(tab, "5");
    }
    await checkOut(first);
    await openCheckout(second);
    await fillCheckout(second.page, SOME_CUSTOMER);
    await second.page.getByRole("button", { name: "Place order" }).click();
    await second.page.getByTestId("checkout-error").waitFor();
    await second.page.getByRole("link", { name: "Back to the menu" }).click();
    await second.page.waitForURL((u) => u.pathname === "/");
    await second.screenshot("04-race-loser-menu-after");
    // The shop told this browser that nothing is left (409 with available 0): offering the item
    // again only leads to the same failure.
    assert.equal(
      await addButton(second.page, "5").isDisabled(),
      true,
      "Add to cart of the item the checkout just reported sold out",
    );
  },
);

fixture.test(
  "a declined payment and an expired one end in clear messages on the order page and release the stock",
  async ({ sys, open }) => {
    const cases = [
      {
        item: "6",
        button: "Decline",
        message: /declined.*cancelled.*Nothing was charged/i,
        shot: "05-declined",
      },
      {
        item: "7",
        button: "Let it expire",
        message: /expired.*cancelled.*Nothing was charged/i,
        shot: "05-expired",
      },
    ] as const;
    for (const c of cases) {
      const before = await availableOf(sys, c.item);
      const tab = await open();
      await openMenu(tab);
      await addToCart(tab, c.item, 2);
      await checkOut(tab);
      assert.equal(await availableOf(sys, c.item), before - 2, "two units reserved at checkout");
      await choose(tab, c.button);
      await waitForAttribute(tab.page.getByTestId("order-status"), "data-status", "cancelled");
      assert.match(await tab.page.getByTestId("order-message").innerText(), c.message);
      assert.equal(await tab.page.getByRole("link", { name: "Pay now" }).count(), 0);
      assert.equal(await tab.page.getByRole("button", { name: "Cancel order" }).count(), 0);
      await tab.screenshot(c.shot);
      await waitUntil(`item ${c.item} released`, () => availableOf(sys, c.item), (n) => n === before);
    }
  },
);

fixture.test(
  "pages without islands ship no script; the catalog's island scripts stay under 60 KB",
  async ({ url, open }) => {
    const tab = await open();
    tab.allow(/status of 404/);
    const scripts: { url: string; bytes: number }[] = [];
    const pending: Promise<void>[] = [];
    const onResponse = (res: Response) => {
      if (res.request().resourceType() !== "script") return;
      pending.push(res.body().then((b) => void scripts.push({ url: res.url(), bytes: b.byteLength })));
    };
    tab.page.on("response", onResponse);
    await openMenu(tab);
    await waitUntil(
      "Add to cart enabled after hydration",
      () => addButton(tab.page, "1").isEnabled(),
      Boolean,
    );
    // Only the catalog's scripts are weighed: the pages visited below navigate away from theirs, whose
    // bodies can no longer be read. Every body asked for is read first (a chunk may arrive late).
    tab.page.off("response", onResponse);
    await Promise.all(pending);
    const total = scripts.reduce((n, s) => n + s.bytes, 0);
    console.log(
      `catalog page scripts: ${scripts.length} file(s), ${total} bytes uncompressed (${
        (total / 1024).toFixed(1)
      } KB)\n` + scripts.map((s) => `  ${new URL(s.url).pathname} ${s.bytes} B`).join("\n"),
    );
    assert.ok(scripts.length >= 1, "the catalog boots its islands from a script");
    assert.ok(
      scripts.every((s) => new URL(s.url).origin === new URL(url).origin),
      "scripts come from the shop",
    );
    assert.ok(
      total < SCRIPT_BUDGET_BYTES,
      `island scripts weigh ${total} bytes, budget ${SCRIPT_BUDGET_BYTES}`,
    );

    // ("My orders" is live now, an island, once the customer has orders)
    const pages = [
      { path: "/no-such-page", status: 404, heading: "Page not found" },
    ];
    for (const p of pages) {
      scripts.length = 0;
      assert.equal(await tab.goto(p.path), p.status, p.path);
      assert.equal(await tab.page.getByRole("heading", { level: 1 }).innerText(), p.heading);
      assert.equal(await tab.page.locator("script").count(), 0, `${p.path} has no script element`);
      assert.equal(scripts.length, 0, `${p.path} loads no script`);
      await tab.screenshot(`07-${p.path.slice(1).replace(/\//g, "-")}`);
    }
  },
);
