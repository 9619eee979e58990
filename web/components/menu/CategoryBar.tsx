/**
 * The sticky bar of category links: plain anchors to each section (`#pizzas`), so it works without
 * JavaScript. Links to sections the current search empties are hidden with them.
 *
 * @module
 */
import type { MenuSection } from "./menu.ts";

/** Props of {@linkcode CategoryBar}. */
export interface CategoryBarProps {
  /** The menu's sections. */
  sections: readonly MenuSection[];
  /** Ids of the sections hidden by the current search. */
  hidden: ReadonlySet<string>;
}

/** The bar. */
export function CategoryBar({ sections, hidden }: CategoryBarProps) {
  return (
    <nav class="category-bar" aria-label="Menu categories" data-testid="category-bar">
      <ul>
        {sections.map((s) => (
          <li key={s.id} data-category-link={s.id} hidden={hidden.has(s.id)}>
            <a href={`#${s.id}`}>{s.title}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
