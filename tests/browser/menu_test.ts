/**
 * The menu in Chromium at 375 px and 1280 px against the whole system: a customer finds an item
 * through the category bar and through the search (as you type, and as a plain GET without
 * JavaScript), pictures and the heading font arriving late move nothing (Chromium's layout-shift
 * entries), and "Add to cart" keeps its one-line label beside a long note. Screenshots of the menu
 * at both widths are kept as artifacts (`artifacts/screenshots/menu-*.png`).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { System } from "../system.ts";
import {
  availableOf,
  DESKTOP,
  PHONE,
  screenshot,
  sharedFixture,
  type Tab,
  waitForListener,
  waitForText,
  waitUntil,
} from "./browser.ts";

const fixture = sharedFixture();

/** The demo menu's ids in menu order (see the issue 9 contracts). */
const ALL_IDS = ["1", "2", "3", "4", "5", "6", "11", "7", "12", "8", "13", "9", "10", "14"];

/** Layout shift budget: Chromium's layout-shift values summed over the visit. */
const SHIFT_BUDGET = 0.05;

/** How late pictures and the font arrive in the layout-shift test, in milliseconds. */
const ASSET_DELAY_MS = 400;

const WIDTHS = [PHONE, DESKTOP] as const;

function product(page: Page, id: string) {
  return page.locator(`[data-testid="product"][data-item-id="${id}"]`);
}

/** Ids of the items a person can see (not hidden by the search). */
async function visibleIds(page: Page): Promise<string[]> {
  return await page.locator('[data-testid="product"]').filter({ visible: true })
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-item-id") ?? ""));
}

/** Labels of the category links a person can see. */
async function visibleCategories(page: Page): Promise<string[]> {
  return await page.getByRole("navigation", { name: "Menu categories" }).getByRole("link")
    .filter({ visible: true }).allInnerTexts();
}

/** Opens the menu and waits until the islands are interactive (the cart has been read). */
async function openMenu(tab: Tab, path = "/"): Promise<void> {
  assert.equal(await tab.goto(path), 200);
  await tab.page.locator('[data-testid="cart-empty"], .cart-lines').first().waitFor();
}

/** Scrolls to the bottom in viewport steps (so lazy pictures load) and waits for every picture. */
async function loadWholePage(page: Page): Promise<void> {
  const height = await page.evaluate("document.scrollingElement.scrollHeight") as number;
  const step = page.viewportSize()?.height ?? 700;
  for (let y = 0; y <= height; y += step / 2) {
    await page.evaluate(`window.scrollTo({ top: ${y}, behavior: "instant" })`);
    await page.waitForTimeout(50);
  }
  await waitUntil(
    "every picture loaded",
    () =>
      page.locator("img").evaluateAll((imgs) =>
        imgs.every((i) => (i as unknown as { complete: boolean }).complete)
      ),
    Boolean,
  );
  await page.evaluate(`window.scrollTo({ top: 0, behavior: "instant" })`);
}

/** Starts summing Chromium's layout-shift entries (not caused by input) from the first paint on. */
async function watchLayoutShifts(tab: Tab): Promise<void> {
  await tab.context.addInitScript(`window.__omsShifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        const where = (e.sources || []).map((s) => s.node ? s.node.nodeName + "." + (s.node.className || "") : "?");
        window.__omsShifts.push({ value: e.value, where: where.join(" ") });
      }
    }).observe({ type: "layout-shift", buffered: true });`);
}

async function layoutShifts(page: Page): Promise<{ total: number; entries: string }> {
  const shifts = await page.evaluate("window.__omsShifts") as { value: number; where: string }[];
  return {
    total: shifts.reduce((sum, s) => sum + s.value, 0),
    entries: shifts.map((s) => `${s.value.toFixed(4)} ${s.where}`).join("\n"),
  };
}

/** Delays the menu's pictures and the heading font by {@linkcode ASSET_DELAY_MS}. */
async function slowAssets(page: Page): Promise<void> {
  await page.route(/\/_static\/(menu\/|menu-placeholder|fonts\/)/, async (route) => {
    await new Promise((r) => setTimeout(r, ASSET_DELAY_MS));
    await route.continue();
  });
}

for (const size of WIDTHS) {
  fixture.test(
    `at ${size.width} px pictures and the heading font arriving late shift nothing on the menu (layout shift < ${SHIFT_BUDGET})`,
    async ({ open }) => {
      const tab = await open({ viewport: size });
      await watchLayoutShifts(tab);
      await slowAssets(tab.page);
      await openMenu(tab);
      await loadWholePage(tab.page);
      await tab.page.waitForTimeout(300);
      const { total, entries } = await layoutShifts(tab.page);
      console.log(`layout shift on the menu at ${size.width} px: ${total.toFixed(4)}`);
      assert.ok(total < SHIFT_BUDGET, `layout shift ${total} at ${size.width} px:\n${entries}`);
      await tab.assertNoHorizontalScroll();
      await tab.screenshot(`menu-${size.width}`);
    },
  );
}

fixture.test(
  "the layout-shift measure is real: the same menu with the pictures' width and height removed shifts by more than the budget",
  async ({ open }) => {
    const tab = await open({ viewport: DESKTOP });
    await watchLayoutShifts(tab);
    // The pictures are held back until the menu has been painted, however slow the machine is:
    // a fixed delay let them arrive before the first paint on a loaded CI runner (no shift at all).
    let release = () => {};
    const painted = new Promise<void>((resolve) => release = resolve);
    await tab.page.route(/\/_static\/(menu\/|menu-placeholder)/, async (route) => {
      await painted;
      await route.continue();
    });
    await tab.page.route((u) => u.pathname === "/", async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace(
        /(<img class="product-img"[^>]*?) width="320" height="240"/g,
        "$1",
      );
      assert.doesNotMatch(html, /class="product-img"[^>]*width=/);
      await route.fulfill({ response: res, body: html });
    });
    // Not tab.goto: its "load" waits for the pictures held back here.
    const res = await tab.page.goto(new URL("/", tab.baseURL).href, {
      waitUntil: "domcontentloaded",
    });
    assert.equal(res?.status(), 200);
    await tab.page.locator("img.product-img").first().waitFor({ state: "attached" });
    await tab.page.evaluate(
      "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))))",
    );
    release();
    await waitUntil(
      "the first picture loaded",
      () =>
        tab.page.locator("img.product-img").first().evaluate((i) =>
          (i as unknown as { complete: boolean; naturalWidth: number }).complete &&
          (i as unknown as { naturalWidth: number }).naturalWidth > 0
        ),
      Boolean,
    );
    await tab.page.waitForTimeout(300);
    const { total } = await layoutShifts(tab.page);
    console.log(`layout shift without picture sizes at 1280 px: ${total.toFixed(4)}`);
    assert.ok(total >= SHIFT_BUDGET, `without width/height the menu shifted only ${total}`);
  },
);

for (const size of WIDTHS) {
  fixture.test(
    `a customer at ${size.width} px finds the desserts through the category bar and adds one`,
    async ({ open }) => {
      const tab = await open({ viewport: size });
      const page = tab.page;
      await openMenu(tab);
      assert.deepEqual(await visibleCategories(page), ["Pizzas", "Salads", "Desserts", "Drinks"]);
      const bar = page.getByRole("navigation", { name: "Menu categories" });
      await bar.getByRole("link", { name: "Desserts" }).click();
      await page.waitForURL(/#desserts$/);
      const heading = page.getByRole("heading", { level: 2, name: "Desserts" });
      // Smooth scrolling: wait until the section has arrived just under the sticky bar.
      const top = await waitUntil(
        "the Desserts heading just below the category bar",
        async () => {
          const [h, b] = [await heading.boundingBox(), await bar.boundingBox()];
          return h && b ? { heading: h.y, barTop: b.y, barBottom: b.y + b.height } : null;
        },
        (p) => p !== null && p.barTop <= 1 && p.heading >= p.barBottom - 1 && p.heading < p.barBottom + 48,
      );
      assert.ok(top, "positions read");
      const card = product(page, "13");
      const box = await card.boundingBox();
      assert.ok(box && box.y >= 0 && box.y < size.height, `Panna Cotta is on screen: ${JSON.stringify(box)}`);
      assert.match(await card.locator(".product-name").innerText(), /Panna Cotta/);
      await screenshot(page, `menu-category-${size.width}`);

      await card.getByRole("button", { name: "Add to cart" }).click();
      await page.locator('.cart-line[data-item-id="13"]').waitFor();
      await tab.assertNoHorizontalScroll();
    },
  );

  fixture.test(
    `a customer at ${size.width} px finds an item by typing in the search, then shows the whole menu again`,
    async ({ open }) => {
      const tab = await open({ viewport: size });
      const page = tab.page;
      await openMenu(tab);
      assert.deepEqual(await visibleIds(page), ALL_IDS);
      const box = page.getByRole("searchbox", { name: "Search the menu" });
      await waitForListener(page, "#menu-q", "input"); // the search island has hydrated
      await box.pressSequentially("panna", { delay: 30 });
      await waitUntil("only Panna Cotta shown", () => visibleIds(page), (ids) => ids.join() === "13");
      assert.deepEqual(await visibleCategories(page), ["Desserts"]);
      assert.equal(await page.getByRole("heading", { level: 2, name: "Pizzas" }).isVisible(), false);
      await waitForText(page.getByTestId("search-status"), /^1 item matches “panna”\.$/);
      assert.equal(new URL(page.url()).searchParams.get("q"), "panna", "the address keeps the search");
      await tab.screenshot(`menu-search-${size.width}`);

      // Words in any order, across tags and category.
      await box.fill("drinks vegan");
      await waitUntil("vegan drinks", () => visibleIds(page), (ids) => ids.join() === "9,10,14");
      await box.fill("no such dish");
      await waitUntil("nothing", () => visibleIds(page), (ids) => ids.length === 0);
      await waitForText(page.getByTestId("search-status"), /^No items match “no such dish”\.$/);
      assert.deepEqual(await visibleCategories(page), []);

      await page.getByRole("link", { name: "Show the whole menu" }).click();
      await waitUntil("the whole menu", () => visibleIds(page), (ids) => ids.join() === ALL_IDS.join());
      assert.equal(new URL(page.url()).search, "");
      assert.equal(await box.inputValue(), "");
      await tab.assertNoHorizontalScroll();
    },
  );
}

fixture.test(
  "without JavaScript, at 375 px, the search is a plain GET filtered by the server and the category links still jump",
  async ({ browser, url }) => {
    const context = await browser.newContext({ viewport: PHONE, baseURL: url, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await page.getByRole("searchbox", { name: "Search the menu" }).fill("tiramisu");
      await Promise.all([page.waitForURL(/\?q=tiramisu$/), page.keyboard.press("Enter")]);
      assert.deepEqual(await visibleIds(page), ["8"]);
      assert.equal(await page.getByTestId("search-status").innerText(), "1 item matches “tiramisu”.");
      assert.deepEqual(await visibleCategories(page), ["Desserts"]);
      await screenshot(page, "menu-search-nojs-375");

      await page.getByRole("link", { name: "Show the whole menu" }).click();
      await page.waitForURL((u) => u.search === "");
      assert.deepEqual(await visibleIds(page), ALL_IDS);
      await page.getByRole("navigation", { name: "Menu categories" }).getByRole("link", { name: "Drinks" })
        .click();
      await page.waitForURL(/#drinks$/);
      const drinks = page.getByRole("heading", { level: 2, name: "Drinks" });
      await waitUntil(
        "the Drinks heading near the top (smooth scrolling)",
        () => drinks.boundingBox(),
        (b) => b !== null && b.y >= 0 && b.y < PHONE.height / 3,
      );
    } finally {
      await context.close();
    }
  },
);

/** Leaves `left` units of item `id` by ordering the rest through the API as another customer. */
async function leaveOnly(sys: System, id: string, left: number): Promise<void> {
  const quantity = await availableOf(sys, id) - left;
  const res = await sys.api(
    "POST",
    "/api/customers/menu-stock-setup/orders",
    { items: [{ id, quantity }] },
    await sys.proof("menu-stock-setup"),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

fixture.test(
  "with every unit left in the cart, Add to cart keeps its one-line label and its note goes below or beside it, never squeezing it",
  async ({ sys, open }) => {
    const cases = [{ size: PHONE, id: "12" }, { size: DESKTOP, id: "6" }];
    for (const { id } of cases) await leaveOnly(sys, id, 2);
    for (const { size, id } of cases) {
      const tab = await open({ viewport: size });
      const page = tab.page;
      await openMenu(tab);
      const button = product(page, id).getByRole("button", { name: "Add to cart" });
      const reference = await product(page, "1").getByRole("button", { name: "Add to cart" }).boundingBox();
      for (let i = 1; i <= 2; i++) {
        await button.click();
        await waitUntil(
          `item ${id} x${i} in the cart`,
          () =>
            page.locator(`.cart-line[data-item-id="${id}"] input[type="number"]`).inputValue({
              timeout: 1000,
            }),
          (v) => v === String(i),
        );
      }
      const note = product(page, id).locator(".add-note");
      await waitForText(note, /2/);
      const [b, n] = [await button.boundingBox(), await note.boundingBox()];
      assert.ok(b && n && reference, "boxes");
      assert.equal(Math.round(b.height), Math.round(reference.height), "the label stays on one line");
      assert.ok(Math.round(b.width) >= Math.round(reference.width), "the button is not squeezed");
      const beside = n.x >= b.x + b.width && n.y < b.y + b.height;
      const below = n.y >= b.y + b.height;
      assert.ok(beside || below, `the note does not overlap the button: ${JSON.stringify({ b, n })}`);
      await page.evaluate(`window.scrollTo({ top: 0, behavior: "instant" })`);
      await tab.screenshot(`menu-all-in-cart-${size.width}`);
    }
  },
);
