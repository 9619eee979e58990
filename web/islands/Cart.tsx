/**
 * The cart: lines with quantity and remove, the total, and "Check out".
 *
 * Checkout posts the cart to `POST /api/customers/{customerId}/orders` with an `Idempotency-Key` made
 * once per attempt and kept in the stored cart, so a double click, a retry after a lost answer or a
 * reload never places a second order. While the request is in flight the button is disabled. On 201
 * the browser goes to the payment link; on 202 (payment link not made yet) to the order page; on 409
 * the short items are listed and their quantities lowered to what is left.
 *
 * On a phone a bar fixed to the bottom of the screen shows the count and total and jumps to the cart.
 *
 * @module
 */
import { useRef, useState } from "preact/hooks";
import type { OrderJson } from "../api/order_json.ts";
import type { ShortItemJson } from "../api/errors.ts";
import {
  applyShortages,
  type CartState,
  EMPTY_CART,
  itemCount,
  removeItem,
  setQuantity,
  withCheckoutKey,
} from "../lib/cart.ts";
import { formatMoney, totalOf } from "../lib/money.ts";
import { useCart } from "../lib/use_cart.ts";

/** Props of {@linkcode Cart}. */
export interface CartProps {
  /** This browser's customer id (from the signed cookie). */
  customerId: string;
  /** The menu's currency, for the total of an empty cart ("" when unknown). */
  currency?: string;
}

interface Problem {
  message: string;
  short: ShortItemJson[];
}

function newKey(): string {
  return crypto.randomUUID();
}

/** Caps quantities to what is left and drops items with nothing left. */
function capToStock(cart: CartState, short: ShortItemJson[]): CartState {
  let next = applyShortages(cart, short);
  for (const s of short) next = setQuantity(next, s.id, Math.min(s.available, s.requested));
  return next;
}

/** The cart panel. */
export default function Cart({ customerId, currency = "" }: CartProps) {
  const { cart, ready, update } = useCart();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const inFlight = useRef(false);
  const total = totalOf(cart.lines, currency);
  const count = itemCount(cart);

  async function checkout() {
    if (inFlight.current || cart.lines.length === 0) return;
    inFlight.current = true;
    setBusy(true);
    setProblem(null);
    const attempt = update((c) => withCheckoutKey(c, newKey));
    try {
      const res = await fetch(`/api/customers/${encodeURIComponent(customerId)}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": attempt.checkoutKey ?? newKey() },
        body: JSON.stringify({ items: attempt.lines.map((l) => ({ id: l.id, quantity: l.quantity })) }),
      });
      const body = await res.json().catch(() => null) as
        | (OrderJson & { error?: undefined })
        | { error?: { code: string; message: string; items?: ShortItemJson[] } }
        | null;
      if ((res.status === 201 || res.status === 202) && body && "id" in body) {
        update(() => EMPTY_CART);
        const to = res.status === 201 && body.paymentLink
          ? body.paymentLink
          : `/orders/${encodeURIComponent(body.id)}`;
        location.assign(to);
        return; // stay busy: the page is leaving
      }
      const error = body?.error;
      if (res.status === 409 && error?.code === "out_of_stock") {
        const short = error.items ?? [];
        update((c) => capToStock(c, short));
        setProblem({
          message: "Some items sold out while you were choosing. We lowered your cart to what is left:",
          short,
        });
      } else {
        setProblem({
          message: error?.message ?? `Checkout failed (HTTP ${res.status}). Please try again.`,
          short: [],
        });
      }
    } catch {
      setProblem({ message: "Could not reach the shop. Check your connection and try again.", short: [] });
    }
    inFlight.current = false;
    setBusy(false);
  }

  return (
    <aside id="cart" class="cart" aria-labelledby="cart-title" data-testid="cart">
      <h2 id="cart-title">Your cart</h2>
      {!ready
        ? <p class="muted">Loading your cart…</p>
        : cart.lines.length === 0
        ? <p class="muted" data-testid="cart-empty">Your cart is empty.</p>
        : (
          <ul class="cart-lines">
            {cart.lines.map((l) => (
              <li class="cart-line" key={l.id} data-item-id={l.id}>
                <span class="cart-name">{l.name}</span>
                <label class="cart-qty">
                  <span class="sr-only">Quantity of {l.name}</span>
                  <input
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={l.available}
                    value={l.quantity}
                    disabled={busy}
                    onChange={(e) =>
                      update((c) =>
                        setQuantity(c, l.id, Number((e.currentTarget as HTMLInputElement).value))
                      )}
                  />
                </label>
                <span class="cart-sub">
                  {formatMoney({ amount: l.unitPrice.amount * l.quantity, currency: l.unitPrice.currency })}
                </span>
                <button
                  type="button"
                  class="button link"
                  aria-label={`Remove ${l.name}`}
                  disabled={busy}
                  onClick={() => update((c) => removeItem(c, l.id))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      <p class="cart-total">
        <span>Total</span> <strong data-testid="cart-total">{formatMoney(total)}</strong>
      </p>
      {problem && (
        <div class="alert error" role="alert" data-testid="checkout-error">
          <p>{problem.message}</p>
          {problem.short.length > 0 && (
            <ul>
              {problem.short.map((s) => (
                <li key={s.id}>
                  {s.name || s.id}: you asked for {s.requested}, {s.available === 0 ? "none" : s.available}
                  {" "}
                  left
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <button
        type="button"
        class="button primary wide"
        disabled={!ready || cart.lines.length === 0 || busy}
        aria-busy={busy}
        onClick={checkout}
      >
        {busy ? "Placing your order…" : "Check out"}
      </button>
      <a class="cart-bar" href="#cart" aria-label={`Cart: ${count} items, ${formatMoney(total)}`}>
        <span>Cart · {count} {count === 1 ? "item" : "items"}</span>
        <strong>{formatMoney(total)}</strong>
      </a>
    </aside>
  );
}
