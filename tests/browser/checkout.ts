/**
 * The storefront's checkout as a customer goes through it in the browser tests: from the cart's
 * "Check out" to the checkout page, the details filled in (name, phone or email, pickup time, note),
 * "Place order", and the local provider's pay page. Works with JavaScript on or off.
 *
 * @module
 */
import type { Page } from "playwright-core";
import type { Tab } from "./browser.ts";

/** What the customer types at checkout. */
export interface CheckoutDetails {
  /** Name. */
  name: string;
  /** Phone ("" to leave it empty). */
  phone?: string;
  /** Email ("" to leave it empty). */
  email?: string;
  /** `asap`, `first-slot` (the earliest slot offered) or a slot's label, e.g. `18:30`. */
  pickup?: string;
  /** Note for the kitchen. */
  note?: string;
}

/** Details used when a test does not care who orders. */
export const SOME_CUSTOMER: CheckoutDetails = { name: "Test Customer", phone: "+49 30 1234567" };

/** Follows the cart's "Check out" link and waits for the checkout form. */
export async function openCheckout(tab: Tab): Promise<void> {
  await tab.page.getByRole("link", { name: "Check out" }).click();
  await tab.page.waitForURL(/\/checkout$/);
  await tab.page.getByLabel("Name").waitFor();
}

/**
 * Fills the checkout form; returns the pickup option chosen (its value: `asap` or an ISO time, and its
 * label).
 */
export async function fillCheckout(
  page: Page,
  d: CheckoutDetails,
): Promise<{ value: string; label: string }> {
  await page.getByLabel("Name").fill(d.name);
  await page.getByLabel("Phone").fill(d.phone ?? "");
  await page.getByLabel("Email").fill(d.email ?? "");
  const select = page.getByLabel("Pickup time");
  const options = await select.locator("option").evaluateAll((els) =>
    els.map((e) => ({ value: e.getAttribute("value") ?? "", label: (e.textContent ?? "").trim() }))
  );
  const pickup = d.pickup ?? "asap";
  const chosen = pickup === "first-slot"
    ? options.find((o) => o.value !== "asap")
    : options.find((o) => o.value === pickup || o.label === pickup) ?? options[0];
  if (!chosen) throw new Error(`no pickup option ${pickup} in ${JSON.stringify(options)}`);
  await select.selectOption(chosen.value);
  await page.getByLabel("Note for the kitchen (optional)").fill(d.note ?? "");
  return chosen;
}

/** Goes from the cart to the pay page with `details`; returns the pay page's URL. */
export async function checkOut(tab: Tab, details: CheckoutDetails = SOME_CUSTOMER): Promise<string> {
  await openCheckout(tab);
  await fillCheckout(tab.page, details);
  await tab.page.getByRole("button", { name: "Place order" }).click();
  await tab.page.waitForURL(/\/pay\/[^/]+$/);
  await tab.page.getByRole("button", { name: "Pay", exact: true }).waitFor();
  return tab.page.url();
}
