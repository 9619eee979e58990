/**
 * Menu control in Chromium against the whole system: staff take an item off the menu with one tap and
 * a customer's open storefront shows it unavailable within seconds without a reload (two browser
 * contexts, the same document before and after); a price change follows the same way; a checkout that
 * races an 86 is refused with a clear message; a photo uploaded on the edit page shows on the menu;
 * axe finds nothing on /admin/menu and /admin/menu/:id.
 *
 * One system and one browser for the file; each test uses its own items.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { makePhoto } from "../../web/media/media_testing.ts";
import { axeViolations, describeViolations } from "./axe.ts";
import { DESKTOP, PHONE, sharedFixture, type Tab, waitForText, waitUntil } from "./browser.ts";
import { addToCart, fillCheckout, openCheckout, product, SOME_CUSTOMER } from "./checkout.ts";
import { staffLogIn } from "./staff_login.ts";

// open around the clock, so the checkout offers the same choices whenever the test runs
const fixture = sharedFixture({ env: { SHOP_HOURS: "Mo-Su 00:00-24:00" } });

/** A staff member's tab on the menu page. */
async function staffOnMenu(open: () => Promise<Tab>): Promise<Tab> {
  const staff = await open();
  await staffLogIn(staff, "/admin/menu");
  await staff.page.waitForURL(/\/admin\/menu$/);
  return staff;
}

/** Taps item `id`'s 86 button on the menu page and waits for the page to say what changed. */
async function tap86(staff: Tab, id: string, expect: RegExp): Promise<void> {
  const row = staff.page.locator(`[data-testid="stock-row"][data-item-id="${id}"]`);
  await Promise.all([
    staff.page.waitForURL(/\/admin\/menu(#item-\d+)?$/),
    row.getByTestId("toggle-86").click(),
  ]);
  await waitForText(staff.page.getByTestId("flash"), expect);
}

async function openMenu(tab: Tab): Promise<void> {
  assert.equal(await tab.goto("/"), 200);
  await tab.page.locator('[data-testid="cart-empty"], .cart-lines').first().waitFor();
}

fixture.test(
  "staff 86 an item and the customer's open menu shows it unavailable without a reload; back on, it is offered again",
  async ({ open }) => {
    const customer = await open({ viewport: PHONE });
    await openMenu(customer);
    const loads = customer.documents.length;
    await customer.markDocument("menu-86");
    const card = product(customer.page, "12");
    const button = card.getByRole("button", { name: "Add to cart" });
    assert.equal(await button.isDisabled(), false);

    const staff = await staffOnMenu(open);
    await staff.screenshot("admin-menu");
    await tap86(staff, "12", /is off the menu/);
    const tapped = Date.now();

    await waitForText(card.getByTestId("add-note"), /Not available today/, 5000);
    const seenAfter = Date.now() - tapped;
    assert.equal(await button.isDisabled(), true, "the button is disabled");
    assert.equal(await card.getByTestId("stock-state").innerText(), "Not available today");
    assert.equal(await card.getAttribute("data-off-menu"), "true");
    await customer.assertSameDocument("menu-86", loads);
    await customer.screenshot("menu-item-86");
    assert.ok(seenAfter < 5000, `shown ${seenAfter} ms after the tap`);
    console.log(`the 86 showed on the open storefront ${seenAfter} ms after the staff page came back`);

    await tap86(staff, "12", /is back on the menu/);
    await waitUntil("the button enabled again", () => button.isDisabled(), (d) => d === false, 5000);
    assert.doesNotMatch(await card.getByTestId("stock-state").innerText(), /Not available/);
    await customer.assertSameDocument("menu-86", loads);
  },
);

fixture.test("a price and name change show on the customer's open menu without a reload, search included", async ({ open }) => {
  const customer = await open();
  await openMenu(customer);
  const loads = customer.documents.length;
  await customer.markDocument("menu-price");
  const price = product(customer.page, "13").locator(".price");
  const before = await price.innerText();

  const staff = await staffOnMenu(open);
  await staff.goto("/admin/menu/13");
  await staff.page.getByLabel(/^Price/).fill("4.20");
  await staff.page.getByLabel("Name", { exact: true }).fill("Panna Cotta al Caffè");
  await Promise.all([
    staff.page.waitForURL(/\/admin\/menu\/13$/),
    staff.page.getByRole("button", { name: "Save" }).click(),
  ]);
  await waitForText(staff.page.getByTestId("flash"), /Saved/);

  await waitForText(price, /€4\.20/, 5000);
  assert.notEqual(before, "€4.20");
  await waitForText(product(customer.page, "13").locator(".product-name"), /Panna Cotta al Caffè/, 5000);
  await customer.page.getByLabel("Search the menu").fill("caffe");
  await waitUntil(
    "only the renamed item found",
    () => customer.page.locator('[data-testid="product"]:visible').count(),
    (n) => n === 1,
  );
  assert.equal(await product(customer.page, "13").isVisible(), true);
  await customer.assertSameDocument("menu-price", loads);
});

fixture.test(
  "a checkout that races an 86 is refused with a message the customer understands, and nothing is ordered",
  async ({ sys, open }) => {
    const customer = await open();
    await openMenu(customer);
    await addToCart(customer, "14");
    await openCheckout(customer);
    await fillCheckout(customer.page, SOME_CUSTOMER);

    const staff = await staffOnMenu(open);
    await tap86(staff, "14", /is off the menu/);

    customer.allow(/status of 409 \(Conflict\)/); // the refused order, shown to the customer
    await customer.page.getByRole("button", { name: "Place order" }).click();
    const error = customer.page.getByTestId("checkout-error");
    await waitForText(error, /not available today/);
    assert.match(await error.innerText(), /Sorry, something in your cart is not available today/);
    assert.match(await error.innerText(), /: not available today/);
    assert.match(customer.page.url(), /\/checkout$/, "still on the checkout page");
    await customer.screenshot("checkout-raced-86");
    const res = await sys.api("GET", "/api/products");
    const item = (res.body.products as { id: string; offMenu: boolean }[]).find((p) => p.id === "14");
    assert.equal(item?.offMenu, true);
    await tap86(staff, "14", /is back on the menu/);
  },
);

fixture.test(
  "a photo uploaded on the edit page shows on the menu; a text file is refused with its reason; axe finds nothing",
  async ({ open }) => {
    const staff = await staffOnMenu(open);
    const problems: string[] = [];
    for (const size of [DESKTOP, PHONE]) {
      await staff.page.setViewportSize(size);
      const v = await axeViolations(staff.page);
      if (v.length) problems.push(describeViolations(`/admin/menu at ${size.width} px`, v));
    }
    await staff.page.setViewportSize(DESKTOP);
    await staff.goto("/admin/menu/11");
    for (const size of [DESKTOP, PHONE]) {
      await staff.page.setViewportSize(size);
      const v = await axeViolations(staff.page);
      if (v.length) problems.push(describeViolations(`/admin/menu/11 at ${size.width} px`, v));
    }
    await staff.page.setViewportSize(DESKTOP);

    // a text file named .png: 415, the reason next to the field
    staff.allow(/status of 415 \(Unsupported Media Type\)/);
    await staff.page.getByLabel("New photo").setInputFiles({
      name: "menu.png",
      mimeType: "image/png",
      buffer: Buffer.from("this is not a picture"),
    });
    await Promise.all([
      staff.page.waitForLoadState("load"),
      staff.page.getByRole("button", { name: "Upload photo" }).click(),
    ]);
    await waitForText(staff.page.getByTestId("error-item-photo-file"), /not a JPEG, PNG or WebP image/);
    const v = await axeViolations(staff.page);
    if (v.length) problems.push(describeViolations("/admin/menu/11 with a photo error", v));
    await staff.screenshot("admin-menu-item-photo-error");

    const png = await makePhoto("image/png", 320, 240);
    await staff.page.getByLabel("New photo").setInputFiles({
      name: "caprese.png",
      mimeType: "image/png",
      buffer: Buffer.from(png),
    });
    await Promise.all([
      staff.page.waitForURL(/\/admin\/menu\/11$/),
      staff.page.getByRole("button", { name: "Upload photo" }).click(),
    ]);
    await waitForText(staff.page.getByTestId("flash"), /New photo of .* saved/);
    const src = await staff.page.getByTestId("item-photo").getAttribute("src");
    assert.match(src ?? "", /^\/media\/items\/11\/[0-9a-f]{64}\?w=640$/);
    await staff.screenshot("admin-menu-item");

    const customer = await open();
    await openMenu(customer);
    const img = product(customer.page, "11").locator("img.product-img");
    assert.equal(await img.getAttribute("src"), src);
    await waitUntil(
      "the photo loaded",
      () => img.evaluate((e) => (e as unknown as { naturalWidth: number }).naturalWidth),
      (w) => w > 0,
    );
    assert.deepEqual(problems, [], problems.join("\n"));
  },
);
