/**
 * The storefront's checkout as a customer goes through it in the browser tests: items added to the
 * cart from the menu, from the cart's "Check out" to the checkout page, the details filled in (name, phone or email, pickup time, note),
 * "Place order", and the local provider's pay page. Works with JavaScript on or off.
 *
 * @module
 */
import type { Locator, Page, Request, Response } from "playwright-core";
import { type Tab, waitUntil } from "./browser.ts";

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

/** The menu's card of item `id`. */
export function product(page: Page, id: string): Locator {
  return page.locator(`[data-testid="product"][data-item-id="${id}"]`);
}

/** The quantity of item `id` in the cart panel (0 when it has no line). */
export async function inCart(page: Page, id: string): Promise<number> {
  const input = page.locator(`.cart-line[data-item-id="${id}"] input[type="number"]`);
  return await input.count() === 0 ? 0 : Number(await input.inputValue());
}

/**
 * Clicks item `id`'s "Add to cart" on the menu and waits until the cart holds one more (a live update,
 * or the page the plain form comes back to without JavaScript).
 */
export async function addToCart(tab: Tab, id: string): Promise<void> {
  const before = await inCart(tab.page, id);
  await product(tab.page, id).getByRole("button", { name: "Add to cart" }).click();
  await waitUntil(
    `item ${id} x${before + 1} in the cart`,
    () => inCart(tab.page, id),
    (q) => q === before + 1,
  );
}

/**
 * Follows the cart's "Check out" link and waits for the checkout form. It waits for the navigation to
 * commit and the form to show, not for the page's `load` event (every image on it): once, on a loaded CI
 * machine, `load` had not come 30 s after the click.
 */
export async function openCheckout(tab: Tab): Promise<void> {
  // what the browser did about /checkout, for the error should the page never get there (once in CI the
  // click left the menu showing for 30 s: this tells a click that sent nothing from a slow answer)
  const start = Date.now();
  const seen: string[] = [];
  const onRequest = (r: Request) => {
    if (/\/checkout$/.test(r.url())) seen.push(`+${Date.now() - start} ms request ${r.method()} ${r.url()}`);
  };
  const onResponse = (r: Response) => {
    if (/\/checkout$/.test(r.url())) seen.push(`+${Date.now() - start} ms response ${r.status()}`);
  };
  tab.page.on("request", onRequest);
  tab.page.on("response", onResponse);
  try {
    await tab.page.getByRole("link", { name: "Check out" }).click();
    await tab.page.waitForURL(/\/checkout$/, { waitUntil: "commit" });
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\nstill at ${tab.page.url()}; /checkout: ${
        seen.join("; ") || "never requested"
      }`,
      { cause: err },
    );
  } finally {
    tab.page.off("request", onRequest);
    tab.page.off("response", onResponse);
  }
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
