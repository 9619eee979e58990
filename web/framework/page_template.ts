/**
 * A page made once for many visitors: rendered with a placeholder in place of each value that differs
 * between them (a customer id, a form token), then answered per request with the placeholders replaced.
 * What it saves is the render (Preact to string, the islands' props): the storefront's menu costs most of
 * a millisecond of CPU to render, and every new visitor gets the same one but for two strings.
 *
 * Safe by construction, within two rules the caller keeps:
 * - only values of {@linkcode SLOT_VALUE} (letters, digits, `-`, `_`) are filled in: text that needs no
 *   escaping in HTML text, attributes, URLs or JSON, so it lands exactly as a fresh render would put it;
 *   {@linkcode fillTemplate} refuses anything else (the caller then renders as usual);
 * - the template is rendered from a state made of the placeholders and of what is the same for every
 *   visitor it serves, never from a visitor's own state, so nothing of one visitor reaches another.
 *
 * Placeholders carry 128 random bits, so no catalog text can contain one by chance.
 *
 * @module
 */

/** What a filled-in value may be (see the module doc). */
export const SLOT_VALUE = /^[A-Za-z0-9_-]{1,512}$/;

/** A rendered page with placeholders. */
export interface PageTemplate<K extends string> {
  /** The page's HTML with the placeholders in it. */
  readonly html: string;
  /** The answer's headers as rendered (content type, cache control). */
  readonly headers: readonly [string, string][];
  /** The placeholder of each slot. */
  readonly placeholders: Readonly<Record<K, string>>;
}

/** A placeholder for slot `name`: never in a page by chance, inert like a {@linkcode SLOT_VALUE}. */
function placeholder(name: string): string {
  const random = Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  );
  return `oms-slot-${name}-${random.join("")}`;
}

/**
 * Renders a template: `render` gets the placeholder of each of `slots` and answers the page rendered
 * with them. Null when the page is not a 200 (an error page is never kept).
 */
export async function makeTemplate<K extends string>(
  slots: readonly K[],
  render: (placeholders: Readonly<Record<K, string>>) => Promise<Response>,
): Promise<PageTemplate<K> | null> {
  const placeholders = Object.fromEntries(slots.map((s) => [s, placeholder(s)])) as Record<K, string>;
  const res = await render(placeholders);
  if (res.status !== 200) {
    await res.body?.cancel();
    return null;
  }
  return { html: await res.text(), headers: [...res.headers], placeholders };
}

/**
 * The page for one visitor: `template` with each slot's placeholder replaced by `values`' (status 200);
 * null when a value is not a {@linkcode SLOT_VALUE}.
 */
export function fillTemplate<K extends string>(
  template: PageTemplate<K>,
  values: Readonly<Record<K, string | undefined>>,
): Response | null {
  let html = template.html;
  for (const slot of Object.keys(template.placeholders) as K[]) {
    const value = values[slot];
    if (value === undefined || !SLOT_VALUE.test(value)) return null;
    html = html.replaceAll(template.placeholders[slot], value);
  }
  return new Response(html, { status: 200, headers: template.headers as [string, string][] });
}
