/**
 * The cart panel: each line as "2 × €10.50" with its total, a quantity field and "Remove", the
 * cart's total, and "Check out" (a link to `/checkout`, where the customer says who they are and when
 * they will collect). On a phone a bar fixed to the bottom of the screen shows the count and total and
 * jumps to the panel.
 *
 * Everything is a plain form first: without JavaScript, "Update" and "Remove" post to
 * `/cart/update` (with the customer's form token) and come back here. Once the island runs, changing a
 * quantity sends the same form with `fetch` at once (the "Update" button goes away) and the panel,
 * and every "Add to cart" button, show the answer without a reload.
 *
 * @module
 */
import { useState } from "preact/hooks";
import {
  cartTotal,
  type CartView,
  EMPTY_CART_VIEW,
  itemCount,
  lineTotal,
  MAX_LINE_QUANTITY,
} from "../lib/cart.ts";
import { formFields, postCart } from "../lib/cart_client.ts";
import { formatMoney } from "../lib/money.ts";
import { useCart, useEnhanced } from "../lib/use_cart.ts";

/** Props of {@linkcode Cart}. */
export interface CartProps {
  /** This browser's customer id (from the signed cookie). */
  customerId: string;
  /** The menu's currency, for the total of an empty cart ("" when unknown). */
  currency?: string;
  /** The cart as the server sees it (`cartView(ctx.state.cart, products)`). */
  cart?: CartView;
  /** The customer's form token (`ctx.state.csrf`). */
  csrf?: string;
  /** The shop's locale, for prices. */
  locale?: string;
  /** Where the forms come back to without JavaScript: the menu's cart or the checkout page. */
  back?: "cart" | "checkout";
}

/** The cart panel. */
export default function Cart(
  {
    currency = "",
    cart: initial = EMPTY_CART_VIEW,
    csrf = "",
    locale = "en-GB",
    back = "cart",
  }: CartProps,
) {
  const cart = useCart(initial) ?? initial;
  const enhanced = useEnhanced();
  const [problem, setProblem] = useState<string | null>(null);
  const total = cartTotal(cart, currency);
  const count = itemCount(cart);
  // the same words in the bar's text and its accessible name ("1 item", "2 items")
  const items = `${count} ${count === 1 ? "item" : "items"}`;
  const money = (m: { amount: number; currency: string }) => formatMoney(m, locale);

  async function send(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const res = await postCart(
      form.getAttribute("action") ?? "/cart/update",
      formFields(form, (e as SubmitEvent).submitter),
    );
    setProblem(res.ok ? null : res.message);
  }

  const hidden = (id: string) => (
    <>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="back" value={back} />
    </>
  );

  return (
    <aside id="cart" class="cart" aria-labelledby="cart-title" data-testid="cart">
      <h2 id="cart-title">Your cart</h2>
      {cart.lines.length === 0
        ? <p class="muted" data-testid="cart-empty">Your cart is empty.</p>
        : (
          <ul class="cart-lines">
            {cart.lines.map((l) => (
              <li class="cart-line" key={l.id} data-item-id={l.id}>
                <span class="cart-name">{l.name}</span>
                <span class="cart-each" data-testid="cart-each">
                  {l.quantity} × {money(l.unitPrice)}
                </span>
                <strong class="cart-sub">{money(lineTotal(l))}</strong>
                <form method="post" action="/cart/update" class="cart-qty" noValidate onSubmit={send}>
                  {hidden(l.id)}
                  <label>
                    <span class="sr-only">Quantity of {l.name}</span>
                    <input
                      type="number"
                      name="quantity"
                      inputMode="numeric"
                      min={0}
                      max={Math.min(Math.max(l.available, l.quantity), MAX_LINE_QUANTITY)}
                      value={l.quantity}
                      onChange={(e) => (e.currentTarget as HTMLInputElement).form?.requestSubmit()}
                    />
                  </label>
                  {!enhanced && <button type="submit" class="button small">Update</button>}
                </form>
                <form method="post" action="/cart/update" class="cart-remove" onSubmit={send}>
                  {hidden(l.id)}
                  <input type="hidden" name="quantity" value="0" />
                  <button type="submit" class="button link" aria-label={`Remove ${l.name}`}>Remove</button>
                </form>
                {l.quantity > l.available && (
                  <p class="cart-warn" role="note">
                    {l.available === 0 ? "Sold out now" : `Only ${l.available} left`}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      <p class="cart-total">
        <span>Total</span> <strong data-testid="cart-total">{money(total)}</strong>
      </p>
      {problem && <p class="alert error" role="alert" data-testid="cart-error">{problem}</p>}
      {cart.lines.length > 0 && back === "cart" && (
        <a class="button primary wide" href="/checkout" data-testid="checkout-link">Check out</a>
      )}
      {back === "cart" && (
        <a class="cart-bar" href="#cart" aria-label={`Cart: ${items}, ${money(total)}`}>
          <span>Cart · {items}</span>
          <strong>{money(total)}</strong>
        </a>
      )}
    </aside>
  );
}
