/**
 * The cart as pages and islands show it. The cart itself lives on the server (a signed cookie holding
 * item ids and quantities, see `web/cart/`); every page that shows it gets a {@linkcode CartView}: its
 * lines joined with the catalog (name, price, what is left) and the idempotency key of a checkout of
 * exactly this cart.
 *
 * In the browser, islands share one {@linkcode CartStore}: the cart panel seeds it with the view the
 * server rendered, and every enhanced cart form (`cart_client.ts`) puts the view the server answered
 * into it, so the panel and every "Add to cart" button follow each change without a reload. Nothing
 * is kept in `localStorage`: the server's cookie is the cart. No dependencies (islands import it).
 *
 * @module
 */
import type { Money } from "./money.ts";

/** Most lines a cart holds. */
export const MAX_CART_LINES = 20;

/** Most units of one item a cart holds. */
export const MAX_LINE_QUANTITY = 99;

/** Item ids as the cart accepts them (the catalog's ids are short letters, digits, `_` and `-`). */
export const ITEM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** One line of the cart, joined with the catalog. */
export interface CartLineView {
  /** Catalog item id. */
  id: string;
  /** Item name. */
  name: string;
  /** Price of one unit. */
  unitPrice: Money;
  /** Units in the cart. */
  quantity: number;
  /** Units the shop has left (the cart may hold more when stock ran low after adding). */
  available: number;
}

/** The cart as shown. */
export interface CartView {
  /** Lines in the order they were added. */
  lines: CartLineView[];
  /**
   * The `Idempotency-Key` of a checkout of this exact cart: it changes whenever the cart does, so a
   * double click or a retry never places a second order and a changed cart is a new order. "" when
   * the cart is empty.
   */
  key: string;
}

/** The empty cart. */
export const EMPTY_CART_VIEW: CartView = { lines: [], key: "" };

/** An item as the catalog offers it (what "Add to cart" knows). */
export interface CartItem {
  /** Catalog item id. */
  id: string;
  /** Item name. */
  name: string;
  /** Unit price. */
  price: Money;
  /** Units available. */
  available: number;
}

/** Units in the cart. */
export function itemCount(cart: CartView): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

/** Units of item `id` in the cart. */
export function quantityOf(cart: CartView, id: string): number {
  return cart.lines.find((l) => l.id === id)?.quantity ?? 0;
}

/** `unit × quantity` of one line. */
export function lineTotal(line: CartLineView): Money {
  return { amount: line.unitPrice.amount * line.quantity, currency: line.unitPrice.currency };
}

/** Sum of the lines, in the first line's currency (`emptyCurrency` when there are none). */
export function cartTotal(cart: CartView, emptyCurrency = ""): Money {
  return {
    amount: cart.lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0),
    currency: cart.lines[0]?.unitPrice.currency ?? emptyCurrency,
  };
}

type Listener = (cart: CartView) => void;

/** The cart shared by the islands of one page: the latest view the server gave. */
export class CartStore {
  #cart: CartView | null = null;
  #listeners = new Set<Listener>();

  /** The latest view, or null before any island has seeded the store. */
  get(): CartView | null {
    return this.#cart;
  }

  /** Seeds the store with the server-rendered view unless it already holds a (newer) one. */
  seed(cart: CartView): void {
    if (this.#cart === null) this.set(cart);
  }

  /** Replaces the view and tells the subscribers. */
  set(cart: CartView): void {
    this.#cart = cart;
    for (const l of this.#listeners) l(cart);
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

let shared: CartStore | null = null;

/** The page's cart store (one per page: the bundler puts this module in one shared chunk). */
export function cartStore(): CartStore {
  shared ??= new CartStore();
  return shared;
}
