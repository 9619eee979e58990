/**
 * `/admin/account` (everyone signed in): who you are and your role, and changing your own password
 * (the current one, then the new one twice). Your other sessions end; this one stays.
 *
 * @module
 */
import { toApiError } from "../../api/errors.ts";
import { seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import { Csrf } from "../../components/admin/Csrf.tsx";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";

/** What the page shows. */
export interface AccountData {
  /** A refused change's message, or "". */
  error: string;
  /** The field the error is about ("current", "next", "confirm"), or "". */
  field: string;
}

/** The account page and the password change. */
export const handler: Handlers<AccountData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · My account";
    return await ctx.render({ error: "", field: "" });
  },
  async POST(ctx) {
    ctx.state.title = "Admin · My account";
    const form = ctx.state.form!;
    const current = (form.get("current_password") ?? "").slice(0, 1024);
    const next = (form.get("new_password") ?? "").slice(0, 1024);
    const confirm = (form.get("confirm_password") ?? "").slice(0, 1024);
    if (next !== confirm) {
      return await ctx.render({
        error: "The two new passwords differ. Type the same one twice.",
        field: "confirm",
      }, {
        status: 422,
      });
    }
    try {
      await gatewayFor(ctx.hono, ctx.deps).staff.changeOwnPassword(current, next, ctx.state.session!.id);
    } catch (err) {
      const e = toApiError(err, "orders");
      if (e.status >= 500) throw err;
      const field = e.field === "currentPassword" ? "current" : e.field === "newPassword" ? "next" : "";
      return await ctx.render({ error: e.message, field }, { status: e.status });
    }
    ctx.deps.admin!.sessions.flash(ctx.state.session!, {
      kind: "success",
      text: "Your password is changed. Your other sessions have ended.",
    });
    return seeOther("/admin/account");
  },
};

/** The account page. */
export default function Account({ data, state }: PageProps<AccountData, AdminState>) {
  const err = (field: string) =>
    data.field === field ? { "aria-invalid": "true" as const, "aria-describedby": "account-error" } : {};
  return (
    <div class="account-page">
      <h1>My account</h1>
      <p data-testid="whoami">
        Signed in as <strong>{state.staff?.name}</strong> ({state.staff?.role}).
      </p>
      <section aria-labelledby="pw-title">
        <h2 id="pw-title">Change your password</h2>
        {data.error && (
          <p class="alert error" role="alert" id="account-error" data-testid="action-error">{data.error}</p>
        )}
        <form method="post" action="/admin/account" class="stack" data-busy="Saving…">
          <Csrf token={state.csrf} />
          <input
            type="text"
            name="username"
            autocomplete="username"
            value={state.staff?.name ?? ""}
            hidden
            readOnly
          />
          <div class="field">
            <label for="current-password">Current password</label>
            <input
              id="current-password"
              name="current_password"
              type="password"
              autocomplete="current-password"
              required
              maxLength={1024}
              {...err("current")}
            />
          </div>
          <div class="field">
            <label for="new-password">New password</label>
            <input
              id="new-password"
              name="new_password"
              type="password"
              autocomplete="new-password"
              minLength={12}
              maxLength={256}
              required
              {...err("next")}
            />
          </div>
          <div class="field">
            <label for="confirm-password">New password again</label>
            <input
              id="confirm-password"
              name="confirm_password"
              type="password"
              autocomplete="new-password"
              minLength={12}
              maxLength={256}
              required
              {...err("confirm")}
            />
          </div>
          <span class="field-hint">At least 12 characters.</span>
          <button type="submit" class="button primary">Change password</button>
        </form>
      </section>
    </div>
  );
}
