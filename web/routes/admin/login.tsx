/**
 * `/admin/login`: the password form. A right password starts a server-side session (HttpOnly,
 * SameSite=Strict cookie on `/admin`), remembers the browser as a known device (`admin/devices.ts`)
 * and goes on to `next` (admin paths only); a wrong one answers 401 with a generic "Wrong password".
 * Past a login limit (`admin/login_limiter.ts`) the answer is 429 with `Retry-After`, at once and
 * without checking the password. Without `ADMIN_PASSWORD` the page says plainly that the admin is
 * disabled.
 *
 * @module
 */
import { DEVICE_COOKIE, deviceCookie } from "../../admin/devices.ts";
import { cookieOf, readForm, safeNext, seeOther, sessionCookie } from "../../admin/http.ts";
import { passwordMatches } from "../../admin/password.ts";
import type { AdminState } from "../../admin/state.ts";
import { clientOf } from "../../client_info.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";

/** The account the single admin password belongs to (the limiter counts failures per account). */
const ADMIN_ACCOUNT = "admin";

/** What the login page shows. */
export interface LoginData {
  /** Where to go after logging in. */
  next: string;
  /** An error to show, or "". */
  error: string;
  /** A notice (e.g. after logout), or "". */
  notice: string;
}

/** "45 seconds", "1 minute", "15 minutes". */
function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** The form and the password check. */
export const handler: Handlers<LoginData, AdminState> = {
  async GET(ctx) {
    const next = safeNext(ctx.url.searchParams.get("next"));
    if (ctx.state.session) return seeOther(next);
    ctx.state.title = "Admin login";
    const notice = ctx.url.searchParams.get("out") === "1" ? "You are logged out." : "";
    return await ctx.render({ next, error: "", notice }, { status: ctx.state.adminEnabled ? 200 : 503 });
  },
  async POST(ctx) {
    const admin = ctx.deps.admin!;
    const form = await readForm(ctx.req);
    const next = safeNext(form.get("next"));
    const password = form.get("password") ?? "";
    ctx.state.title = "Admin login";
    const client = clientOf(ctx.hono);
    const device = await admin.devices.verify(cookieOf(ctx.req, DEVICE_COOKIE));
    const outcome = await admin.limiter.attempt(
      { account: ADMIN_ACCOUNT, address: client.address, device },
      () => passwordMatches(password.slice(0, 1024), admin.password ?? ""),
    );
    if (outcome.kind === "limited") {
      const error = `Too many failed logins. Try again in ${waitText(outcome.retryAfterSeconds)}.`;
      return await ctx.render({ next, error, notice: "" }, {
        status: 429,
        headers: { "Retry-After": String(outcome.retryAfterSeconds) },
      });
    }
    if (outcome.kind === "wrong") {
      ctx.deps.log.warn("admin login failed", { client: client.address, knownDevice: device !== null });
      return await ctx.render({ next, error: "Wrong password.", notice: "" }, { status: 401 });
    }
    if (ctx.state.session) admin.sessions.destroy(ctx.state.session.id);
    const session = admin.sessions.create();
    ctx.deps.log.info("admin logged in", { client: client.address, knownDevice: device !== null });
    return seeOther(next, [
      ["Set-Cookie", sessionCookie(session.id, admin.sessions.maxAgeSeconds, client.secure)],
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
          The admin pages need a password, and none is configured. Set <code>ADMIN_PASSWORD</code>{" "}
          (at least 12 characters) for the web server and restart it. <code>deno task dev</code>{" "}
          makes one and prints it at start.
        </p>
      </section>
    );
  }
  return (
    <section class="notice admin-login" aria-labelledby="login-title">
      <h1 id="login-title">Staff login</h1>
      {data.notice && <p class="alert success" role="status">{data.notice}</p>}
      {data.error && (
        <p class="alert error" role="alert" id="login-error" data-testid="login-error">{data.error}</p>
      )}
      <form method="post" action="/admin/login" class="stack" data-busy="Logging in…">
        <input type="hidden" name="next" value={data.next} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          maxLength={1024}
          aria-invalid={data.error ? "true" : undefined}
          aria-describedby={data.error ? "login-error" : undefined}
        />
        <button type="submit" class="button primary">Log in</button>
      </form>
    </section>
  );
}
