/**
 * The site's 404 page.
 *
 * @module
 */

/** Page not found. */
export default function NotFound() {
  return (
    <section class="notice" aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <p>We could not find that page. It may have moved, or the link may be mistyped.</p>
      <p>
        <a class="button" href="/">Back to the menu</a>
      </p>
    </section>
  );
}
