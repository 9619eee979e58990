/**
 * `/admin/staff` (owners only, enforced by the admin guard and again by the staff store): every
 * account with its role and state; add an account, change a role, disable or enable, reset a password.
 * Each is one form posting `action` (`create`, `role`, `disable`, `enable`, `password`) here; a refused
 * change (a short password, a taken name, the last active owner) is shown on the page and nothing
 * changes.
 *
 * @module
 */
import { toApiError } from "../../api/errors.ts";
import { seeOther } from "../../admin/http.ts";
import { STAFF_ROLES } from "../../admin/permissions.ts";
import { doneText, parseStaffAction, type StaffAction } from "../../admin/staff_form.ts";
import type { AdminState } from "../../admin/state.ts";
import { Csrf } from "../../components/admin/Csrf.tsx";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import type { StaffGateway, StaffMemberView } from "../../gateway/staff.ts";

/** What the page shows. */
export interface StaffData {
  /** Every account. */
  members: StaffMemberView[];
  /** A refused action's message, or "". */
  error: string;
  /** The add form's values after a refused add. */
  draft: { name: string; role: string };
}

const NO_DRAFT = { name: "", role: "kitchen" };

async function run(staff: StaffGateway, a: StaffAction): Promise<void> {
  switch (a.kind) {
    case "create":
      await staff.create(a.name, a.role, a.password);
      return;
    case "role":
      await staff.update(a.name, { role: a.role });
      return;
    case "disable":
    case "enable":
      await staff.update(a.name, { disabled: a.kind === "disable" });
      return;
    case "password":
      await staff.setPassword(a.name, a.password);
      return;
  }
}

/** The list and the account forms. */
export const handler: Handlers<StaffData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · Staff";
    const members = await gatewayFor(ctx.hono, ctx.deps).staff.list();
    return await ctx.render({ members, error: "", draft: NO_DRAFT });
  },
  async POST(ctx) {
    ctx.state.title = "Admin · Staff";
    const staff = gatewayFor(ctx.hono, ctx.deps).staff;
    const form = ctx.state.form!;
    const action = parseStaffAction(form);
    const draft = form.get("action") === "create"
      ? { name: (form.get("name") ?? "").slice(0, 64), role: form.get("role") ?? "kitchen" }
      : NO_DRAFT;
    let error: string;
    let status = 422;
    if (typeof action === "string") error = action;
    else {
      try {
        await run(staff, action);
        ctx.deps.log.info("staff account action", { action: action.kind, name: action.name });
        ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text: doneText(action) });
        return seeOther("/admin/staff");
      } catch (err) {
        const e = toApiError(err, "orders");
        if (e.status >= 500) throw err;
        error = e.message;
        status = e.status;
      }
    }
    return await ctx.render({ members: await staff.list(), error, draft }, { status });
  },
};

function RoleOptions({ selected }: { selected: string }) {
  return (
    <>
      {STAFF_ROLES.map((r) => <option key={r} value={r} selected={r === selected}>{r}</option>)}
    </>
  );
}

/** The staff page. */
export default function Staff({ data, state }: PageProps<StaffData, AdminState>) {
  const me = state.staff?.name ?? "";
  return (
    <div class="staff-page">
      <h1>Staff</h1>
      <p class="muted">
        Owners manage accounts and everything else; managers run orders, the menu, refunds and dead letters;
        kitchen accounts see the kitchen display only.
      </p>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      <div class="table-scroll" role="region" aria-label="Staff accounts" tabIndex={0}>
        <table class="admin-table cards staff-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Reset password</th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((m, i) => (
              <tr key={m.name} data-testid="staff-row" data-name={m.name} data-role={m.role}>
                <th scope="row" class="wide">
                  {m.name} {m.name === me && <span class="muted">(you)</span>}{" "}
                  {m.createdBy && <span class="muted" data-testid="created-by">added by {m.createdBy}</span>}
                </th>
                <td data-label="Role">
                  <form method="post" action="/admin/staff" class="restock" data-busy="Saving…">
                    <Csrf token={state.csrf} />
                    <input type="hidden" name="action" value="role" />
                    <input type="hidden" name="name" value={m.name} />
                    <label for={`role-${i}`} class="sr-only">Role of {m.name}</label>
                    <select id={`role-${i}`} name="role">
                      <RoleOptions selected={m.role} />
                    </select>
                    <button type="submit" class="button">Save role</button>
                  </form>
                </td>
                <td data-label="State">
                  <form method="post" action="/admin/staff" data-busy="Saving…">
                    <Csrf token={state.csrf} />
                    <input type="hidden" name="action" value={m.disabled ? "enable" : "disable"} />
                    <input type="hidden" name="name" value={m.name} />
                    <span data-testid="staff-state">{m.disabled ? "Disabled" : "Active"}</span>{" "}
                    <button type="submit" class="button">
                      {m.disabled ? "Enable" : "Disable"}
                      <span class="sr-only">{m.name}</span>
                    </button>
                  </form>
                </td>
                <td data-label="Reset password" class="wide">
                  <form method="post" action="/admin/staff" class="restock" data-busy="Saving…">
                    <Csrf token={state.csrf} />
                    <input type="hidden" name="action" value="password" />
                    <input type="hidden" name="name" value={m.name} />
                    <label for={`pw-${i}`} class="sr-only">New password for {m.name}</label>
                    <input
                      id={`pw-${i}`}
                      name="password"
                      type="password"
                      autocomplete="new-password"
                      minLength={12}
                      maxLength={256}
                      required
                    />
                    <button type="submit" class="button">Set password</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="add-title">
        <h2 id="add-title">Add an account</h2>
        <form method="post" action="/admin/staff" class="stack" data-busy="Adding…" data-testid="add-staff">
          <Csrf token={state.csrf} />
          <input type="hidden" name="action" value="create" />
          <div class="field">
            <label for="new-name">Name</label>
            <input
              id="new-name"
              name="name"
              type="text"
              autocomplete="off"
              autocapitalize="none"
              spellcheck={false}
              required
              maxLength={32}
              value={data.draft.name}
              aria-describedby="new-name-hint"
            />
            <span class="field-hint" id="new-name-hint">
              Letters, digits, ".", "_" or "-"; what they log in with.
            </span>
          </div>
          <div class="field">
            <label for="new-role">Role</label>
            <select id="new-role" name="role">
              <RoleOptions selected={data.draft.role} />
            </select>
          </div>
          <div class="field">
            <label for="new-password">Password</label>
            <input
              id="new-password"
              name="password"
              type="password"
              autocomplete="new-password"
              minLength={12}
              maxLength={256}
              required
              aria-describedby="new-password-hint"
            />
            <span class="field-hint" id="new-password-hint">
              At least 12 characters. Tell it to them in person.
            </span>
          </div>
          <button type="submit" class="button primary">Add account</button>
        </form>
      </section>
    </div>
  );
}
