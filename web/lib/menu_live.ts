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
  /** Menu section. */
  category: string;
  /** Dietary tags. */
  tags: string[];
}

/** The page's live menu (see the module doc). */
export interface MenuLive {
  /** The latest state of item `id` since the page loaded, if staff changed it. */
  get(id: string): LiveItem | undefined;
  /** Calls `listener` with every changed item until the returned function is called. */
  subscribe(listener: (item: LiveItem) => void): () => void;
  /** Takes in one changed item (what the stream's `item` events do). */
  apply(item: LiveItem): void;
}

/** A live menu following `url` (opened with the first subscriber). */
export function createMenuLive(url = "/menu/events"): MenuLive {
  const items = new Map<string, LiveItem>();
  const listeners = new Set<(item: LiveItem) => void>();
  let stop: (() => void) | null = null;
  const live: MenuLive = {
    get: (id) => items.get(id),
    subscribe(listener) {
      listeners.add(listener);
      stop ??= followLive(url, { item: (data) => live.apply(data as LiveItem) }, { fallBack: () => {} });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stop) {
          stop();
          stop = null;
        }
      };
    },
    apply(item) {
      if (typeof item?.id !== "string") return;
      items.set(item.id, item);
      for (const l of [...listeners]) l(item);
    },
  };
  return live;
}

let page: MenuLive | undefined;

/** This page's live menu (one per page, made on first use). */
export function menuLive(): MenuLive {
  return page ??= createMenuLive();
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
