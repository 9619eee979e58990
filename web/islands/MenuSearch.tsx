/**
 * The menu's search box. Without JavaScript it is a plain GET form (`/?q=...`) and the server renders
 * the menu filtered. With JavaScript it filters as you type: it hides the items that do not match
 * (the cards carry their search text in `data-search`), the sections and category links left empty,
 * keeps `?q=` in the address so a reload shows the same, and tells screen readers how many items
 * match in a polite live region (updated once typing pauses, not on every key).
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { countText, matches, MAX_QUERY_LENGTH } from "../components/menu/search.ts";

/** Props of {@linkcode MenuSearch}. */
export interface MenuSearchProps {
  /** The query the server filtered by ("" for none). */
  query: string;
  /** How many items the server showed for it. */
  shown: number;
}

/** How long typing must pause before the live count is announced, in milliseconds. */
export const ANNOUNCE_DELAY_MS = 400;

/** Shows the items matching `query` and hides the rest; returns how many are shown. */
function filterMenu(query: string): number {
  let shown = 0;
  for (const item of document.querySelectorAll<HTMLElement>("[data-search]")) {
    const ok = matches(item.dataset.search ?? "", query);
    item.hidden = !ok;
    if (ok) shown++;
  }
  for (const section of document.querySelectorAll<HTMLElement>("[data-menu-section]")) {
    const empty = section.querySelector("[data-search]:not([hidden])") === null;
    section.hidden = empty;
    const id = section.dataset.menuSection ?? "";
    const link = document.querySelector<HTMLElement>(`[data-category-link="${CSS.escape(id)}"]`);
    if (link) link.hidden = empty;
  }
  return shown;
}

/** The search form. */
export default function MenuSearch({ query, shown }: MenuSearchProps) {
  const [q, setQ] = useState(query);
  const [status, setStatus] = useState(() => countText(shown, query));
  const input = useRef<HTMLInputElement>(null);
  const first = useRef(true);

  useEffect(() => {
    const count = filterMenu(q);
    if (first.current) {
      first.current = false;
      setStatus(countText(count, q));
      return;
    }
    const url = new URL(location.href);
    if (q.trim() === "") url.searchParams.delete("q");
    else url.searchParams.set("q", q);
    history.replaceState(history.state, "", url);
    const timer = setTimeout(() => setStatus(countText(count, q)), ANNOUNCE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q]);

  return (
    <form
      class="menu-search"
      role="search"
      method="get"
      action="/"
      data-testid="menu-search"
      onSubmit={(e) => e.preventDefault()}
    >
      <label for="menu-q">Search the menu</label>
      <div class="search-row">
        <input
          ref={input}
          id="menu-q"
          type="search"
          name="q"
          value={q}
          maxLength={MAX_QUERY_LENGTH}
          placeholder="Try “vegan” or “spicy”"
          autoComplete="off"
          enterKeyHint="search"
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="button">Search</button>
      </div>
      <div class="search-status">
        <p role="status" data-testid="search-status">{status}</p>
        {q.trim() !== "" && (
          <a
            href="/"
            onClick={(e) => {
              e.preventDefault();
              setQ("");
              input.current?.focus();
            }}
          >
            Show the whole menu
          </a>
        )}
      </div>
    </form>
  );
}
