/**
 * An item's dietary tags as small labelled badges (Vegetarian, Vegan, Gluten-free, Spicy) and its
 * allergens as one line ("Contains: gluten, milk").
 *
 * @module
 */
import { allergensText, tagBadges } from "./menu.ts";

/** Props of {@linkcode DietaryInfo}. */
export interface DietaryInfoProps {
  /** Item id, for element ids. */
  id: string;
  /** Dietary tags. */
  tags: readonly string[];
  /** Allergens. */
  allergens: readonly string[];
}

/** Badges and allergens; nothing when the item has neither. */
export function DietaryInfo({ id, tags, allergens }: DietaryInfoProps) {
  const badges = tagBadges(tags);
  const contains = allergensText(allergens);
  return (
    <>
      {badges.length > 0 && (
        <ul class="badges" aria-label="Dietary" data-testid="tags">
          {badges.map((b) => (
            <li key={b.tag} class={`badge badge-${b.tag.replace(/_/g, "-")}`}>{b.label}</li>
          ))}
        </ul>
      )}
      {contains && <p class="allergens" id={`allergens-${id}`} data-testid="allergens">{contains}</p>}
    </>
  );
}
