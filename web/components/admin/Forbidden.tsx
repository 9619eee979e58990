/**
 * The admin's 403 page, a document of its own (the admin guard answers with it before any page code
 * runs): what was refused and why, a link to where this role belongs, and sign out.
 *
 * @module
 */
import { asset } from "../../framework/static.ts";
import { Csrf } from "./Csrf.tsx";

/** What the page says. */
export interface ForbiddenProps {
  /** Who is signed in. */
  name: string;
  /** Their role. */
  role: string;
  /** The path refused. */
  path: string;
  /** Where this role belongs (its first section). */
  home: string;
  /** The session's CSRF token (for sign out). */
  csrf: string;
}

/** The 403 document. */
export function Forbidden({ name, role, path, home, csrf }: ForbiddenProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Not allowed · Admin</title>
        <link rel="icon" href={asset("/_static/favicon.svg")} type="image/svg+xml" />
        <link rel="stylesheet" href={asset("/_static/styles.css")} />
        <link rel="stylesheet" href={asset("/_static/admin.css")} />
      </head>
      <body>
        <main id="main" class="site-main admin">
          <section class="notice" aria-labelledby="forbidden-title" data-testid="forbidden">
            <h1 id="forbidden-title">Not allowed</h1>
            <p>
              You are signed in as <strong>{name}</strong> ({role}). The {role} role may not open{" "}
              <code>{path}</code>. If you need it, ask an owner to change your role.
            </p>
            <p>
              <a class="button primary" href={home}>Go to your start page</a>
            </p>
            <form method="post" action="/admin/logout">
              <Csrf token={csrf} />
              <button type="submit" class="button link">Log out</button>
            </form>
          </section>
        </main>
      </body>
    </html>
  );
}
