/**
 * The checkout form: name, phone and/or email, pickup time ("as soon as possible" or a slot) and a
 * note for the kitchen, then "Place order".
 *
 * Without JavaScript it is a plain `POST /checkout` (with the customer's form token): the server
 * checks it, shows errors next to their fields with the values kept, or places the order and
 * redirects to the payment page. Once the island runs, it checks the same rules in the browser
 * (`lib/checkout_form.ts`) and places the order through the JSON API,
 * `POST /api/customers/{id}/orders` with the `details` and the cart's `Idempotency-Key` (so a
 * double click or a retry never places a second order). On 201 the cart is emptied and the browser
 * goes to the payment link (202, no link yet: the order page); on 409 the short items are listed and
 * the cart is lowered to what is left (an item staff took off the menu meanwhile, `item_unavailable`,
 * is named as not available today and taken out of the cart); a 422 about a detail is shown next to
 * its field.
 *
 * @module
 */
import { useRef, useState } from "preact/hooks";
import type { ShortItemJson } from "../api/errors.ts";
import type { CartView } from "../lib/cart.ts";
import { postCart } from "../lib/cart_client.ts";
import {
  ASAP,
  checkDetails,
  type CheckoutValues,
  detailsJson,
  type FieldErrors,
  fieldOf,
  FIELDS,
  isValid,
  readValues,
} from "../lib/checkout_form.ts";
import { useCart } from "../lib/use_cart.ts";
import { Field } from "../components/checkout/Field.tsx";

/** A pickup slot offered. */
export interface SlotOptionProps {
  /** ISO 8601 time. */
  value: string;
  /** Label, e.g. `18:30`. */
  label: string;
}

/** Something that went wrong with the order as a whole (not one field). */
export interface CheckoutProblem {
  /** What to tell the customer. */
  message: string;
  /** Items that could not be reserved in full (after a 409). */
  short: ShortItemJson[];
  /** True when the short items were taken off the menu (409 `item_unavailable`), not sold out. */
  unavailable?: boolean;
}

/** Props of {@linkcode Checkout}. */
export interface CheckoutProps {
  /** This browser's customer id (the JSON API path). */
  customerId: string;
  /** The customer's form token. */
  csrf: string;
  /** The cart as the server rendered it. */
  cart: CartView;
  /** Pickup choices: "as soon as possible" offered or not, the prep estimate, the slots. */
  choices: { asap: boolean; prepMinutes: number; slots: SlotOptionProps[] };
  /** The values to show (what the customer sent, after a failed check). */
  values: CheckoutValues;
  /** Errors by field. */
  errors: FieldErrors;
  /** A problem with the order as a whole, or null. */
  problem: CheckoutProblem | null;
}

/** The message shown when items sold out during checkout. */
export const SOLD_OUT_MESSAGE =
  "Some items sold out while you were choosing. We lowered your cart to what is left:";

/** The message shown when items were taken off the menu during checkout. */
export const UNAVAILABLE_MESSAGE =
  "Sorry, something in your cart is not available today, so we took it out of your cart. Nothing was charged:";

interface OrderAnswer {
  id?: string;
  paymentLink?: string;
  error?: { code: string; message: string; field?: string; items?: ShortItemJson[] };
}

function cartFields(csrf: string, pairs: [string, number][]): URLSearchParams {
  const f = new URLSearchParams({ _csrf: csrf });
  for (const [id, quantity] of pairs) {
    f.append("id", id);
    f.append("quantity", String(quantity));
  }
  return f;
}

/** The form. */
export default function Checkout(props: CheckoutProps) {
  const { customerId, csrf, choices } = props;
  const cart = useCart(props.cart) ?? props.cart;
  const [errors, setErrors] = useState<FieldErrors>(props.errors);
  const [problem, setProblem] = useState<CheckoutProblem | null>(props.problem);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);

  // The fields are left to the browser (their server-rendered values are only defaults), so what a
  // customer typed before the script ran is never overwritten; a submit reads them from the form.
  const values = props.values;

  function showErrors(found: FieldErrors) {
    setErrors(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) document.getElementById(`checkout-${first}`)?.focus();
  }

  async function placeOrder(e: Event) {
    e.preventDefault();
    if (inFlight.current) return;
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const typed = readValues((name) => data.get(name));
    const found = checkDetails(typed, new Date());
    if (!isValid(found)) return showErrors(found);
    if (cart.lines.length === 0) {
      setProblem({ message: "Your cart is empty. Add something from the menu first.", short: [] });
      return;
    }
    inFlight.current = true;
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      const res = await fetch(`/api/customers/${encodeURIComponent(customerId)}/orders`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "idempotency-key": cart.key,
        },
        body: JSON.stringify({
          items: cart.lines.map((l) => ({ id: l.id, quantity: l.quantity })),
          details: detailsJson(typed),
        }),
      });
      const body = await res.json().catch(() => null) as OrderAnswer | null;
      if ((res.status === 201 || res.status === 202) && body?.id) {
        await postCart("/cart/clear", cartFields(csrf, []));
        location.assign(
          res.status === 201 && body.paymentLink
            ? body.paymentLink
            : `/orders/${encodeURIComponent(body.id)}`,
        );
        return; // stay busy: the page is leaving
      }
      const error = body?.error;
      const field = error?.field ? fieldOf(error.field) : null;
      if (res.status === 409 && (error?.code === "out_of_stock" || error?.code === "item_unavailable")) {
        const short = error.items ?? [];
        const unavailable = error.code === "item_unavailable";
        setProblem({ message: unavailable ? UNAVAILABLE_MESSAGE : SOLD_OUT_MESSAGE, short, unavailable });
        await postCart(
          "/cart/update",
          cartFields(csrf, short.map((s) => [s.id, Math.min(s.available, s.requested)])),
        );
      } else if (field && error) {
        showErrors({ [field]: error.message });
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

  const count = FIELDS.filter((f) => errors[f]).length;
  const firstError = FIELDS.find((f) => errors[f]);
  return (
    <section class="checkout" aria-labelledby="checkout-title">
      <h2 id="checkout-title">Your details</h2>
      {problem && (
        <div class="alert error" role="alert" data-testid="checkout-error">
          <p>{problem.message}</p>
          {problem.short.length > 0 && (
            <ul>
              {problem.short.map((s) => (
                <li key={s.id}>
                  {problem.unavailable
                    ? `${s.name || s.id}: not available today`
                    : `${s.name || s.id}: you asked for ${s.requested}, ${
                      s.available === 0 ? "none" : s.available
                    } left`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {count > 0 && (
        <p class="alert error" role="alert" data-testid="checkout-invalid">
          {count === 1
            ? "Please check the field marked below."
            : `Please check the ${count} fields marked below.`}
        </p>
      )}
      <form method="post" action="/checkout" class="checkout-form" noValidate onSubmit={placeOrder}>
        <input type="hidden" name="_csrf" value={csrf} />
        <Field id="checkout-name" label="Name" hint="So we know whose order it is." error={errors.name}>
          {(a) => (
            <input
              {...a}
              name="name"
              type="text"
              autocomplete="name"
              maxLength={80}
              defaultValue={values.name}
              autoFocus={firstError === "name"}
            />
          )}
        </Field>
        <fieldset class="contact">
          <legend>How can we reach you?</legend>
          <p class="field-hint">A phone number or an email address (or both), only about this order.</p>
          <Field id="checkout-phone" label="Phone" error={errors.phone}>
            {(a) => (
              <input
                {...a}
                name="phone"
                type="tel"
                autocomplete="tel"
                maxLength={40}
                defaultValue={values.phone}
                autoFocus={firstError === "phone"}
              />
            )}
          </Field>
          <Field id="checkout-email" label="Email" error={errors.email}>
            {(a) => (
              <input
                {...a}
                name="email"
                type="email"
                autocomplete="email"
                maxLength={254}
                defaultValue={values.email}
                autoFocus={firstError === "email"}
              />
            )}
          </Field>
        </fieldset>
        <Field
          id="checkout-pickup"
          label="Pickup time"
          hint={choices.asap
            ? `As soon as possible is about ${choices.prepMinutes} minutes from now.`
            : choices.slots.length > 0
            ? "We are closed now: choose when to collect."
            : "We are closed today and tomorrow, so we cannot take orders now."}
          error={errors.pickup}
        >
          {(a) => (
            <select {...a} name="pickup" autoFocus={firstError === "pickup"}>
              {choices.asap && (
                <option value={ASAP} selected={values.pickup === ASAP}>As soon as possible</option>
              )}
              {choices.slots.map((s) => (
                <option key={s.value} value={s.value} selected={values.pickup === s.value}>{s.label}</option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="checkout-note"
          label="Note for the kitchen (optional)"
          hint="Allergies, no onions, extra napkins…"
          error={errors.note}
        >
          {(a) => (
            <textarea
              {...a}
              name="note"
              rows={3}
              maxLength={500}
              defaultValue={values.note}
              autoFocus={firstError === "note"}
            />
          )}
        </Field>
        <button type="submit" class="button primary wide" disabled={busy} aria-busy={busy}>
          {busy ? "Placing your order…" : "Place order"}
        </button>
        <p class="muted checkout-next">You pay on the next page.</p>
      </form>
    </section>
  );
}
