/**
 * One category of the menu: its heading and its items' cards. The whole section is hidden when the
 * current search leaves none of its items.
 *
 * @module
 */
import { MenuCard } from "./MenuCard.tsx";
import type { MenuSection } from "./menu.ts";

/** Props of {@linkcode MenuSectionView}. */
export interface MenuSectionViewProps {
  /** The section. */
  section: MenuSection;
  /** The shop's locale, for prices. */
  locale: string;
  /** Ids of the items the current search shows. */
  shown: ReadonlySet<string>;
  /** Load pictures lazily (sections below the first screen). */
  lazy: boolean;
  /** The customer's form token for the cards' "Add to cart" forms. */
  csrf?: string;
  /** Units of each item already in the cart, by item id. */
  inCart?: ReadonlyMap<string, number>;
}

/** The section. */
export function MenuSectionView({ section, locale, shown, lazy, csrf, inCart }: MenuSectionViewProps) {
  const titleId = `${section.id}-title`;
  return (
    <section
      id={section.id}
      class="menu-section"
      aria-labelledby={titleId}
      data-menu-section={section.id}
      data-testid="menu-section"
      hidden={!section.items.some((p) => shown.has(p.id))}
    >
      <h2 id={titleId} class="section-title">{section.title}</h2>
      <ul class="products">
        {section.items.map((p) => (
          <MenuCard
            key={p.id}
            product={p}
            locale={locale}
            visible={shown.has(p.id)}
            lazy={lazy}
            csrf={csrf}
            inCart={inCart?.get(p.id) ?? 0}
          />
        ))}
      </ul>
    </section>
  );
}
