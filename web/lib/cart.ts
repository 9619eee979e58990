/**
 * The cart: pure state changes plus a small store that persists to `localStorage` (so the cart
 * survives a reload) and tells every island that shows it. Islands share one store because the
 * bundler puts this module in one shared chunk.
 *
 * The cart also keeps the `Idempotency-Key` of the checkout attempt in progress: made once when the
 * customer first presses "Check out", reused by every retry of the same cart (a double click, a lost
 * answer, a reload), and dropped as soon as the cart changes or the order is placed.
 *
 * @module
 */
import type { Money } from "./money.ts";

/** One line of the cart. */
export interface CartLine {
  /** Catalog item id. */
  id: string;
  /** Item name. */
  name: string;
  /** Price of one unit. */
  unitPrice: Money;
  /** Units in the cart (1..available). */
  quantity: number;
  /** Units the shop had when last seen. */
  available: number;
}

/** The whole cart. */
export interface CartState {
  /** Lines in the order they were added. */
  lines: CartLine[];
  /** Idempotency key of the checkout attempt in progress, or null. */
  checkoutKey: string | null;
  /** Stock levels learned from a failed checkout (fresher than the page), by item id. */
  seen?: Record<string, number>;
}

/** An item as the catalog offers it. */
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

/** The empty cart. */
export const EMPTY_CART: CartState = { lines: [], checkoutKey: null };

/** Where the cart is kept in `localStorage`. */
export const STORAGE_KEY = "oms.cart.v1";

/** Adds `quantity` units of `item` (never past what is available). */
export function addItem(cart: CartState, item: CartItem, quantity = 1): CartState {
  const existing = cart.lines.find((l) => l.id === item.id);
  const want = (existing?.quantity ?? 0) + quantity;
  const line: CartLine = {
    id: item.id,
    name: item.name,
    unitPrice: item.price,
    available: item.available,
    quantity: Math.min(want, item.available),
  };
  if (line.quantity < 1) return cart;
  const lines = existing ? cart.lines.map((l) => l.id === item.id ? line : l) : [...cart.lines, line];
  return { ...cart, lines, checkoutKey: null };
}

/** Sets a line's quantity (clamped to 1..available; 0 or less removes it). */
export function setQuantity(cart: CartState, id: string, quantity: number): CartState {
  if (!Number.isFinite(quantity) || quantity < 1) return removeItem(cart, id);
  const lines = cart.lines.map((l) =>
    l.id === id ? { ...l, quantity: Math.min(Math.floor(quantity), l.available) } : l
  );
  return { ...cart, lines, checkoutKey: null };
}

/** Removes a line. */
export function removeItem(cart: CartState, id: string): CartState {
  return { ...cart, lines: cart.lines.filter((l) => l.id !== id), checkoutKey: null };
}

/** Records what the shop says is left after a 409, so the cart shows it and caps quantities. */
export function applyShortages(cart: CartState, short: { id: string; available: number }[]): CartState {
  const left = new Map(short.map((s) => [s.id, s.available]));
  const lines = cart.lines.map((l) => left.has(l.id) ? { ...l, available: left.get(l.id)! } : l);
  return { ...cart, lines, checkoutKey: null, seen: { ...cart.seen, ...Object.fromEntries(left) } };
}

/** The cart with a checkout key (the existing one, else a new one from `makeKey`). */
export function withCheckoutKey(cart: CartState, makeKey: () => string): CartState {
  return cart.checkoutKey ? cart : { ...cart, checkoutKey: makeKey() };
}

/** What is left of `item` as far as this browser knows: the page's figure or a fresher, lower one. */
export function availableOf(cart: CartState, item: { id: string; available: number }): number {
  const line = cart.lines.find((l) => l.id === item.id);
  return Math.min(item.available, line?.available ?? item.available, cart.seen?.[item.id] ?? item.available);
}

/** Units in the cart. */
export function itemCount(cart: CartState): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

function isMoney(v: unknown): v is Money {
  const m = v as Money;
  return typeof m === "object" && m !== null && Number.isInteger(m.amount) && typeof m.currency === "string";
}

/** Reads a stored cart, tolerating anything malformed (it becomes the empty cart). */
export function parseCart(text: string | null): CartState {
  if (!text) return EMPTY_CART;
  try {
    const raw = JSON.parse(text) as Partial<CartState>;
    const lines = (Array.isArray(raw.lines) ? raw.lines : []).filter((l: CartLine) =>
      typeof l?.id === "string" && typeof l.name === "string" && isMoney(l.unitPrice) &&
      Number.isInteger(l.quantity) && l.quantity > 0 && Number.isInteger(l.available)
    );
    const seen = Object.fromEntries(
      Object.entries(typeof raw.seen === "object" && raw.seen !== null ? raw.seen : {})
        .filter(([, n]) => Number.isInteger(n) && (n as number) >= 0),
    ) as Record<string, number>;
    return { lines, checkoutKey: typeof raw.checkoutKey === "string" ? raw.checkoutKey : null, seen };
  } catch {
    return EMPTY_CART;
  }
}

type Listener = (cart: CartState) => void;

/** A cart kept in `storage`, shared by everyone who subscribes. */
export class CartStore {
  #storage: Storage | null;
  #cart: CartState | null = null;
  #listeners = new Set<Listener>();

  /** A store over `storage` (null keeps the cart in memory only). */
  constructor(storage: Storage | null) {
    this.#storage = storage;
  }

  /** The current cart. */
  get(): CartState {
    if (!this.#cart) {
      try {
        this.#cart = parseCart(this.#storage?.getItem(STORAGE_KEY) ?? null);
      } catch {
        this.#cart = EMPTY_CART;
      }
    }
    return this.#cart;
  }

  /** Applies `change`, saves and tells the subscribers. */
  update(change: (cart: CartState) => CartState): CartState {
    const next = change(this.get());
    this.#cart = next;
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Storage full or blocked: the cart still works for this page.
    }
    for (const l of this.#listeners) l(next);
    return next;
  }

  /** Re-reads storage (another tab changed it) and tells the subscribers. */
  reload(): void {
    this.#cart = null;
    const cart = this.get();
    for (const l of this.#listeners) l(cart);
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

let shared: CartStore | null = null;

/** The browser's cart store (in memory where there is no `localStorage`). */
export function cartStore(): CartStore {
  if (!shared) {
    let storage: Storage | null = null;
    try {
      storage = globalThis.localStorage ?? null;
    } catch {
      storage = null;
    }
    shared = new CartStore(storage);
    globalThis.addEventListener?.("storage", (e: Event) => {
      if ((e as Event & { key?: string | null }).key === STORAGE_KEY) shared?.reload();
    });
  }
  return shared;
}
