/**
 * The site's error page (any status other than 404), with a message that is safe to show.
 *
 * @module
 */
import type { ErrorPageData, PageProps } from "../framework/types.ts";

/** Something failed. */
export default function ErrorPage({ data }: PageProps<ErrorPageData>) {
  const busy = data.status === 503;
  return (
    <section class="notice" aria-labelledby="err-title">
      <h1 id="err-title">{busy ? "The shop is busy" : "Something went wrong"}</h1>
      <p role="alert">{data.message}</p>
      <p>
        <a class="button" href="/">Back to the menu</a>
      </p>
    </section>
  );
}
