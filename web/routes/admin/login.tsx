/**
 * `/admin/login`: the name and password form. The check happens in the shared staff store under the
 * login throttle (`gateway/staff.ts`): a right name and password start a session there (its id goes
 * into an HttpOnly, SameSite=Strict cookie on `/admin`), remember the browser as a known device
 * (`admin/devices.ts`) and go on to `next` when the member's role may open it, else to the role's start
 * page. A wrong name and a wrong password get the same answer, 401 "Wrong name or password". Past a
 * login limit the answer is 429 with `Retry-After`, at once and without checking the password. With no
 * owner and no `ADMIN_PASSWORD` the page says plainly that the admin is disabled.
 *
 * @module
 */
import { ensureFirstOwner } from "../../admin/bootstrap.ts";
import { DEVICE_COOKIE, deviceCookie } from "../../admin/devices.ts";
import { cookieOf, readForm, safeNext, seeOther, sessionCookie } from "../../admin/http.ts";
import { homeOf, mayAccess, type StaffRole } from "../../admin/permissions.ts";
import type { AdminState } from "../../admin/state.ts";
import { clientOf } from "../../client_info.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";

/** What the login page shows. */
export interface LoginData {
  /** Where to go after logging in. */
  next: string;
  /** The name typed (kept after a failed attempt). */
  name: string;
  /** An error to show, or "". */
  error: string;
  /** A notice (e.g. after logout), or "". */
  notice: string;
}

/** The message of any wrong name or password (never says which). */
export const WRONG_LOGIN = "Wrong name or password";

/** "45 seconds", "1 minute", "15 minutes". */
function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** Where `role` goes after logging in: `next` when it may open it, else its start page. */
function landing(role: StaffRole, next: string | null): string {
  const target = safeNext(next);
  return next && mayAccess(role, target.split("?")[0]!) ? target : homeOf(role);
}

/** The form and the check. */
export const handler: Handlers<LoginData, AdminState> = {
  async GET(ctx) {
    const next = ctx.url.searchParams.get("next");
    if (ctx.state.session) return seeOther(landing(ctx.state.session.role, next));
    ctx.state.title = "Admin login";
    const notice = ctx.url.searchParams.get("out") === "1" ? "You are logged out." : "";
    return await ctx.render({ next: next ? safeNext(next) : "", name: "", error: "", notice }, {
      status: ctx.state.adminEnabled ? 200 : 503,
    });
  },
  async POST(ctx) {
    const admin = ctx.deps.admin!;
    const form = await readForm(ctx.req);
    const rawNext = form.get("next") || null;
    const next = rawNext ? safeNext(rawNext) : "";
    const name = (form.get("name") ?? "").trim().slice(0, 64);
    const password = (form.get("password") ?? "").slice(0, 1024);
    ctx.state.title = "Admin login";
    const client = clientOf(ctx.hono);
    const device = await admin.devices.verify(cookieOf(ctx.req, DEVICE_COOKIE));
    const staff = gatewayFor(ctx.hono, ctx.deps).staff;
    // the first owner is made at start; if orders was not up then, try once more now
    if (admin.ownerExists === null) await ensureFirstOwner(admin, staff, ctx.deps.log);
    const outcome = await staff.login({ name, password, address: client.address, deviceId: device ?? "" });
    if (outcome.kind === "limited") {
      const error = `Too many failed logins. Try again in ${waitText(outcome.retryAfterSeconds)}.`;
      return await ctx.render({ next, name, error, notice: "" }, {
        status: 429,
        headers: { "Retry-After": String(outcome.retryAfterSeconds) },
      });
    }
    if (outcome.kind === "wrong") {
      ctx.deps.log.warn("admin login failed", { client: client.address, knownDevice: device !== null });
      return await ctx.render({ next, name, error: WRONG_LOGIN, notice: "" }, { status: 401 });
    }
    if (ctx.state.session) await staff.logout(ctx.state.session.id);
    ctx.deps.log.info("admin logged in", {
      name: outcome.session.name,
      role: outcome.session.role,
      client: client.address,
      knownDevice: device !== null,
    });
    return seeOther(landing(outcome.session.role, rawNext), [
      ["Set-Cookie", sessionCookie(outcome.sessionId, outcome.maxAgeSeconds, client.secure)],
      ["Set-Cookie", deviceCookie(await admin.devices.issue(device ?? undefined), client.secure)],
    ]);
  },
};

/** The login form. */
export default function Login({ data, state }: PageProps<LoginData, AdminState>) {
  if (!state.adminEnabled) {
    return (
      <section class="notice admin-login" aria-labelledby="login-title">
        <h1 id="login-title">Admin is disabled</h1>
        <p role="alert" data-testid="admin-disabled">
          No staff account exists yet. Set <code>ADMIN_PASSWORD</code>{" "}
          (at least 12 characters; the first owner's name is <code>ADMIN_USER</code>, default{" "}
          <code>admin</code>) for the web server and restart it. <code>deno task dev</code>{" "}
          makes one and prints it at start.
        </p>
      </section>
    );
  }
  const invalid = data.error ? "true" : undefined;
  const described = data.error ? "login-error" : undefined;
  return (
    <section class="notice admin-login" aria-labelledby="login-title">
      <h1 id="login-title">Staff login</h1>
      {data.notice && <p class="alert success" role="status">{data.notice}</p>}
      {data.error && (
        <p class="alert error" role="alert" id="login-error" data-testid="login-error">{data.error}</p>
      )}
      <form method="post" action="/admin/login" class="stack" data-busy="Logging in…">
        {data.next && <input type="hidden" name="next" value={data.next} />}
        <label for="name">Name</label>
        <input
          id="name"
          name="name"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          autofocus
          maxLength={64}
          value={data.name}
          aria-invalid={invalid}
          aria-describedby={described}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxLength={1024}
          aria-invalid={invalid}
          aria-describedby={described}
        />
        <button type="submit" class="button primary">Log in</button>
      </form>
    </section>
  );
}
