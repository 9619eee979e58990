/**
 * The kitchen display in Chromium against the whole system (auto-prep off, RabbitMQ real): a customer
 * pays for a pizza (oven) and a lemonade (bar) with a note; the oven's screen (display layout, 1920×1080)
 * shows the new ticket highlighted with only the pizza, the note and a running timer; one tap starts it,
 * Undo brings it back, one tap starts and one bumps it; the bar's screen does its part; the bump is
 * undone from the recall list; the customer's order page follows every step live. The screens fit a
 * 1024×768 tablet with ticket text of at least 24 px and no horizontal scroll, and axe-core finds no
 * violation on any kitchen screen. Screenshots go to `artifacts/screenshots/kitchen-*.png`.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { addToCart, checkOut } from "./checkout.ts";
import { sharedFixture, type Tab, waitForAttribute, waitForText, waitUntil } from "./browser.ts";
import { staffLogIn } from "./staff_login.ts";
import { axeViolations, describeViolations } from "./axe.ts";

// A minute to undo: the steps between a move and its undo (live updates, screenshots, another tab) must not
// outrun the window on a busy machine; the window's end is proven by the service and page tests.
const fixture = sharedFixture({ env: { KITCHEN_AUTO_PREP: "false", KITCHEN_UNDO_SECONDS: "60" } });

const FULL_HD = { width: 1920, height: 1080 } as const;
const TABLET = { width: 1024, height: 768 } as const;
const NOTE = "No basil on the pizza, please";

/** The ticket card of `orderId` on the screen `page` shows. */
function ticketOn(page: Page, orderId: string): Locator {
  return page.locator(`[data-testid="ticket"][data-order-id="${orderId}"]`);
}

/** The customer's order status on their order page. */
function customerStatus(page: Page): Locator {
  return page.getByTestId("order-status");
}

/** Taps `label` on `card` and waits for the move's outcome message. */
async function tap(tab: Tab, card: Locator, label: string, outcome: RegExp): Promise<void> {
  await card.getByRole("button", { name: label, exact: true }).click();
  await waitForText(tab.page.getByTestId("kitchen-outcome"), outcome);
  assert.equal(await tab.page.getByTestId("kitchen-outcome").getAttribute("data-kind"), "success");
}

/** Runs axe on the page `tab` shows; the violations as lines. */
async function audit(tab: Tab, where: string): Promise<string[]> {
  const v = await axeViolations(tab.page);
  return v.length === 0 ? [] : [describeViolations(where, v)];
}

/** The smallest computed font size (px) of the ticket texts on the page. */
async function smallestTicketText(page: Page): Promise<number> {
  return await page.evaluate(`Math.min(...[...document.querySelectorAll(
    '[data-testid="ticket"] :is(p, li, a, strong, span, button)'
  )].filter((e) => e.offsetParent !== null && e.textContent.trim() !== "")
    .map((e) => parseFloat(getComputedStyle(e).fontSize)))`) as number;
}

fixture.test(
  "a paid order appears on its stations' screens with its note and a running timer; start, undo, bump and undo again, one tap each, while the customer's page follows live",
  async ({ open }) => {
    const oven = await open({ viewport: FULL_HD });
    await staffLogIn(oven, "/admin/kitchen/station/oven?display=1");
    assert.equal(new URL(oven.page.url()).pathname, "/admin/kitchen/station/oven");
    assert.equal(await oven.page.getByRole("heading", { level: 1 }).innerText(), "Kitchen · Oven");
    // The stations come from the menu.
    const screens = await oven.page.getByTestId("kitchen-screens").locator("a[data-station]").evaluateAll((
      as,
    ) => as.map((a) => a.getAttribute("data-station")));
    assert.deepEqual(screens, ["", "oven", "cold", "bar"]);
    await oven.page.getByTestId("sound-toggle").check();
    assert.equal(await oven.page.evaluate("localStorage.getItem('oms.kitchen.sound')"), "on");

    // The customer pays for a pizza (oven) and a lemonade (bar) with a note.
    const customer = await open({ viewport: { width: 390, height: 844 } });
    assert.equal(await customer.goto("/"), 200);
    await addToCart(customer, "1");
    await addToCart(customer, "9");
    await checkOut(customer, { name: "Grace", phone: "+49 30 7654321", note: NOTE });
    await customer.page.getByRole("button", { name: "Pay", exact: true }).click();
    await customer.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = customer.page.url().split("/").pop()!;
    await waitForAttribute(customerStatus(customer.page), "data-status", "paid");

    // It arrives on the oven's screen by itself, highlighted as new, with only the oven's line.
    const card = ticketOn(oven.page, orderId);
    await waitForAttribute(card, "data-status", "queued");
    assert.equal(await card.getAttribute("data-new"), "true", "a new ticket is highlighted");
    await waitForText(oven.page.getByTestId("kitchen-announce"), /New ticket/);
    assert.deepEqual(await card.getByTestId("ticket-lines").locator("li").allInnerTexts(), [
      "1 × Margherita",
    ]);
    assert.equal(await card.getByTestId("ticket-note").innerText(), `Note: ${NOTE}`);
    assert.equal(await card.getByTestId("ticket-name").innerText(), "Grace");
    const timer = card.getByTestId("ticket-timer");
    const shown = await timer.innerText();
    assert.match(shown, /^\d+:\d\d$/);
    await waitUntil("the timer runs", () => timer.innerText(), (t) => t !== shown);
    assert.ok(
      await smallestTicketText(oven.page) >= 24,
      "ticket text of at least 24 px in the display layout",
    );
    await oven.assertNoHorizontalScroll();
    await oven.screenshot("kitchen-1-oven-new-ticket-1920x1080");

    // The bar's screen shows the same ticket with only the lemonade; the cold station has nothing.
    const bar = await open({ viewport: TABLET });
    await staffLogIn(bar, "/admin/kitchen/station/bar?display=1");
    const barCard = ticketOn(bar.page, orderId);
    await waitForAttribute(barCard, "data-status", "queued");
    assert.deepEqual(await barCard.getByTestId("ticket-lines").locator("li").allInnerTexts(), [
      "1 × Lemonade",
    ]);
    assert.equal(await barCard.getByTestId("ticket-note").innerText(), `Note: ${NOTE}`);
    assert.ok(await smallestTicketText(bar.page) >= 24, "ticket text of at least 24 px on the tablet");
    await bar.assertNoHorizontalScroll();
    await bar.screenshot("kitchen-2-bar-1024x768");
    assert.equal(await bar.goto("/admin/kitchen/station/cold"), 200);
    assert.equal(await ticketOn(bar.page, orderId).count(), 0, "no cold items: hidden on the cold screen");

    // One tap starts it; Undo brings it back; the customer's page follows each step live.
    const loads = oven.documents.length;
    await oven.markDocument("oven");
    await tap(oven, card, "Start", new RegExp(`Started order ${orderId.slice(0, 8)}`));
    await waitForAttribute(card, "data-status", "preparing");
    await waitForAttribute(customerStatus(customer.page), "data-status", "preparing");
    await oven.screenshot("kitchen-3-oven-started");
    await tap(oven, card, "Undo", /Undone/);
    await waitForAttribute(card, "data-status", "queued");
    await waitForAttribute(customerStatus(customer.page), "data-status", "paid");
    await customer.screenshot("kitchen-4-customer-back-to-paid");

    // Start and bump, one tap each: the oven's part leaves its screen for the recall list.
    await tap(oven, card, "Start", /Started order/);
    await waitForAttribute(customerStatus(customer.page), "data-status", "preparing");
    await tap(oven, card, "Complete", /is ready/);
    await card.waitFor({ state: "detached" });
    const recalled = oven.page.locator(`[data-testid="recall-entry"][data-order-id="${orderId}"]`);
    await recalled.waitFor();
    assert.equal(
      await customerStatus(customer.page).getAttribute("data-status"),
      "preparing",
      "the bar is not done",
    );
    await oven.assertSameDocument("oven", loads);

    // The bar does its part on the tablet: the whole order is ready.
    assert.equal(await bar.goto("/admin/kitchen/station/bar?display=1"), 200);
    await tap(bar, barCard, "Start", /Started order/);
    await tap(bar, barCard, "Complete", /is ready/);
    await waitForAttribute(customerStatus(customer.page), "data-status", "ready");
    await customer.screenshot("kitchen-5-customer-ready");

    // The expediter sees the whole ticket ready, each station's progress, and the recall list.
    const expo = await open({ viewport: FULL_HD });
    await staffLogIn(expo, "/admin/kitchen?display=1");
    const expoCard = ticketOn(expo.page, orderId);
    await waitForAttribute(expoCard, "data-status", "ready");
    assert.deepEqual(
      await expoCard.getByTestId("ticket-progress").locator("li").allInnerTexts(),
      ["Oven: ready", "Bar: ready"],
    );
    await expo.screenshot("kitchen-6-expo-1920x1080");

    // Undo the bar's bump from its recall list (within the undo window): the customer sees preparing again.
    const barRecall = bar.page.locator(`[data-testid="recall-entry"][data-order-id="${orderId}"]`);
    await barRecall.waitFor();
    await tap(bar, barRecall, "Undo", /Undone/);
    await waitForAttribute(barCard, "data-status", "preparing");
    await waitForAttribute(customerStatus(customer.page), "data-status", "preparing");
    await waitForAttribute(expoCard, "data-status", "preparing");
    await bar.screenshot("kitchen-7-bar-undone-1024x768");

    // Today's average prep time per station shows the oven's bump (the bar's was undone, then not redone).
    await waitUntil(
      "the oven's average",
      () =>
        expo.page.locator('[data-testid="prep-station"][data-station="oven"] [data-testid="prep-average"]')
          .innerText(),
      (t) => /^\d+:\d\d$/.test(t),
    );
    const sound = await oven.page.getByTestId("sound-toggle").isChecked();
    assert.ok(sound, "the sound choice stays on");
  },
);

fixture.test("the kitchen screens fit a 1024×768 tablet and 1080p, and axe-core finds no violation on any of them", async ({ open }) => {
  const problems: string[] = [];
  for (const [viewport, size] of [[TABLET, "1024x768"], [FULL_HD, "1920x1080"]] as const) {
    const tab = await open({ viewport });
    await staffLogIn(tab, "/admin/kitchen");
    for (const path of ["/admin/kitchen", "/admin/kitchen/station/oven", "/admin/kitchen/station/bar"]) {
      for (const display of [false, true]) {
        const url = display ? `${path}?display=1` : path;
        assert.equal(await tab.goto(url), 200, url);
        await tab.page.getByTestId("kitchen-feed").waitFor();
        await tab.assertNoHorizontalScroll();
        problems.push(...await audit(tab, `${url} at ${size}`));
        const name = path.split("/").pop();
        await tab.screenshot(`kitchen-a11y-${name}${display ? "-display" : ""}-${size}`);
      }
    }
    // The full-screen button uses the Fullscreen API and switches to the display layout.
    assert.equal(await tab.goto("/admin/kitchen/station/oven"), 200);
    await tab.page.getByTestId("fullscreen").click();
    await waitUntil(
      "full screen",
      () => tab.page.evaluate("document.fullscreenElement !== null"),
      (v) => v === true,
    );
    await waitForAttribute(tab.page.getByTestId("kitchen"), "class", "kitchen kitchen-display");
    problems.push(...await audit(tab, `full screen at ${size}`));
    await tab.page.getByTestId("fullscreen").click();
    await waitUntil(
      "left full screen",
      () => tab.page.evaluate("document.fullscreenElement === null"),
      (v) => v === true,
    );
    // An unknown station is not a screen.
    tab.allow(/status of 404/);
    assert.equal(await tab.goto("/admin/kitchen/station/grill"), 404);
  }
  assert.deepEqual(problems, [], `axe violations:\n${problems.join("\n")}`);
});
