/**
 * The admin app's shell around every admin page: a side bar (a top bar on tablets and phones) with the
 * shop's name, the sections the signed-in role may open (`navFor`, the same table the guard enforces),
 * who is signed in with their role, and sign out; then the one-shot flash message and the page in
 * `<main>`. The login page (no session) gets the page alone. The small AdminBusy island shows a busy
 * state on every form submit.
 *
 * @module
 */
import { asset } from "../../framework/static.ts";
import type { LayoutProps } from "../../framework/types.ts";
import type { AdminState } from "../../admin/state.ts";
import { homeOf, navFor, roleLabel, sectionOf } from "../../admin/permissions.ts";
import { Csrf } from "../../components/admin/Csrf.tsx";
import AdminBusy from "../../islands/AdminBusy.tsx";

/** The admin shell. */
export default function AdminLayout({ Component, state, url }: LayoutProps<unknown, AdminState>) {
  const flash = state.flash;
  const here = sectionOf(url.pathname)?.id;
  const staff = state.session ? state.staff : null;
  const page = (
    <>
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
    </>
  );
  return (
    <div class={state.session ? "admin-shell" : "admin-shell signed-out"} data-testid="admin-shell">
      <link rel="stylesheet" href={asset("/_static/admin.css")} />
      {staff && (
        <aside class="admin-side" data-testid="admin-side">
          <a class="admin-brand" href={homeOf(staff.role)}>
            <img src={asset("/_static/favicon.svg")} width="28" height="28" alt="" />
            <span data-testid="admin-shop">{state.shop.name}</span>
          </a>
          <nav class="admin-nav" aria-label="Admin">
            <ul>
              {navFor(staff.role).map((s) => (
                <li key={s.id}>
                  <a href={s.href} data-section={s.id} aria-current={here === s.id ? "page" : undefined}>
                    {s.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="admin-who">
            <a href="/admin/account" class="admin-person" data-testid="staff-name">{staff.name}</a>
            <span class="admin-role" data-testid="staff-role">{roleLabel(staff.role)}</span>
            <form method="post" action="/admin/logout" class="admin-logout">
              <Csrf token={state.csrf} />
              <button type="submit" class="button small">Log out</button>
            </form>
          </div>
        </aside>
      )}
      <main id="main" class="admin admin-main">{page}</main>
      <AdminBusy />
    </div>
  );
}
