/**
 * The browser side of the cart forms: an island intercepts a cart form's submit and sends the very
 * same fields with `fetch` (`Accept: application/json`); the server answers the new cart as JSON
 * instead of redirecting, and the answer goes into the page's {@linkcode cartStore}. If the request
 * cannot be made, the island may still let the form post the ordinary way.
 *
 * @module
 */
/// <reference lib="dom" />
import { cartStore, type CartView } from "./cart.ts";

/** What a cart route answers with `Accept: application/json`. */
export interface CartAnswer {
  /** The cart after the change. */
  cart: CartView;
}

/** The outcome of one cart request. */
export type CartResult = { ok: true; cart: CartView } | { ok: false; message: string; status: number };

/** The fields of `form` as the browser would post them (with the button pressed, if any). */
export function formFields(form: HTMLFormElement, submitter?: HTMLElement | null): URLSearchParams {
  const data = submitter ? new FormData(form, submitter) : new FormData(form);
  const fields = new URLSearchParams();
  for (const [k, v] of data) if (typeof v === "string") fields.append(k, v);
  return fields;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Posts `fields` to the cart route `action` and, on success, puts the answered cart into the page's
 * store. Requests of the page are sent one after the other (two quick clicks add two units, in
 * order). Never throws: a network failure is `status: 0`.
 */
export function postCart(action: string, fields: URLSearchParams): Promise<CartResult> {
  const next = queue.then(() => send(action, fields));
  queue = next;
  return next;
}

async function send(action: string, fields: URLSearchParams): Promise<CartResult> {
  try {
    const res = await fetch(action, {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: fields.toString(),
      credentials: "same-origin",
    });
    const body = await res.json().catch(() => null) as
      | CartAnswer
      | { error?: { message?: string } }
      | null;
    if (res.ok && body && "cart" in body) {
      cartStore().set(body.cart);
      return { ok: true, cart: body.cart };
    }
    const message = (body && "error" in body && body.error?.message) ||
      `The cart could not be changed (HTTP ${res.status}).`;
    return { ok: false, message, status: res.status };
  } catch {
    return {
      ok: false,
      message: "Could not reach the shop. Check your connection and try again.",
      status: 0,
    };
  }
}
