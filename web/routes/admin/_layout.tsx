/**
 * Around every admin page: the admin stylesheet, the admin navigation with logout (when logged in),
 * the one-shot flash message, and the small island that shows a busy state on every form submit.
 *
 * @module
 */
import { asset } from "../../framework/static.ts";
import type { LayoutProps } from "../../framework/types.ts";
import type { AdminState } from "../../admin/state.ts";
import { Csrf } from "../../components/admin/Csrf.tsx";
import AdminBusy from "../../islands/AdminBusy.tsx";
import { navFor } from "../../admin/permissions.ts";

function current(path: string, href: string): boolean {
  return href === "/admin" ? path === "/admin" || path.startsWith("/admin/orders") : path.startsWith(href);
}

/** The admin frame. */
export default function AdminLayout({ Component, state, url }: LayoutProps<unknown, AdminState>) {
  const flash = state.flash;
  return (
    <div class="admin">
      <link rel="stylesheet" href={asset("/_static/admin.css")} />
      {state.session && (
        <nav class="admin-nav" aria-label="Admin">
          <span class="admin-badge">Staff</span>
          {navFor(state.staff?.role ?? "owner").map((l) => (
            <a href={l.href} aria-current={current(url.pathname, l.href) ? "page" : undefined}>{l.label}</a>
          ))}
          <a href="/admin/account" data-testid="staff-name">{state.staff?.name}</a>
          <form method="post" action="/admin/logout" class="admin-logout">
            <Csrf token={state.csrf} />
            <button type="submit" class="button link">Log out</button>
          </form>
        </nav>
      )}
      {flash && (
        <p
          class={`alert ${flash.kind}`}
          role={flash.kind === "error" ? "alert" : "status"}
          data-testid="flash"
          data-kind={flash.kind}
        >
          {flash.text}
        </p>
      )}
      <Component />
      <AdminBusy />
    </div>
  );
}
