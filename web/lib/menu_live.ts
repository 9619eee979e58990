/**
 * The storefront's live menu in the browser: one `EventSource` on `/menu/events` per page, shared by
 * every island that asks (each "Add to cart" button), holding the latest state of each item staff
 * changed since the page loaded. {@linkcode useLiveItem} gives an island its item's latest state; the
 * stream opens with the first subscriber and closes with the last. If streaming fails the page keeps
 * what it rendered (checkout still refuses an item taken off the menu, with a clear message).
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { Money } from "./money.ts";
import { followLive } from "./live_source.ts";

/** An item as the stream sends it (the JSON API's product). */
export interface LiveItem {
  /** Item id. */
  id: string;
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** Unit price. */
  price: Money;
  /** Units that can be ordered (0 while off the menu). */
  available: number;
  /** True while staff have taken it off the menu. */
  offMenu: boolean;
}

type Listener = (item: LiveItem) => void;

/** The page's live menu (see the module doc). */
export class MenuLive {
  readonly #items = new Map<string, LiveItem>();
  readonly #listeners = new Set<Listener>();
  readonly #url: string;
  #stop: (() => void) | null = null;

  /** A live menu following `url`. */
  constructor(url = "/menu/events") {
    this.#url = url;
  }

  /** The latest state of item `id` since the page loaded, if staff changed it. */
  get(id: string): LiveItem | undefined {
    return this.#items.get(id);
  }

  /** Calls `listener` with every changed item until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (!this.#stop) {
      this.#stop = followLive(this.#url, { item: (data) => this.apply(data as LiveItem) }, {
        fallBack: () => {},
      });
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#stop?.();
        this.#stop = null;
      }
    };
  }

  /** Takes in one changed item (what the stream's `item` events do). */
  apply(item: LiveItem): void {
    if (typeof item?.id !== "string") return;
    this.#items.set(item.id, item);
    for (const l of [...this.#listeners]) l(item);
  }
}

const KEY = Symbol.for("oms.menuLive");

/** This page's live menu (one per page, made on first use). */
export function menuLive(): MenuLive {
  const g = globalThis as unknown as Record<symbol, MenuLive | undefined>;
  return g[KEY] ??= new MenuLive();
}

/** The latest state of item `id` pushed since the page loaded, or null (then the props are current). */
export function useLiveItem(id: string): LiveItem | null {
  const [item, setItem] = useState<LiveItem | null>(null);
  useEffect(() => {
    const live = menuLive();
    const known = live.get(id);
    if (known) setItem(known);
    return live.subscribe((changed) => {
      if (changed.id === id) setItem(changed);
    });
  }, [id]);
  return item;
}
