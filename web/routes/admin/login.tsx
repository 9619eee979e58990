/**
 * `/admin/login`: the password form. A right password starts a server-side session (HttpOnly,
 * SameSite=Strict cookie on `/admin`) and goes on to `next` (admin paths only); a wrong one answers
 * 401 with a generic "Wrong password", after a delay that grows with the client's recent failures.
 * Without `ADMIN_PASSWORD` the page says plainly that the admin is disabled.
 *
 * @module
 */
import { clientKey, readForm, safeNext, seeOther, sessionCookie } from "../../admin/http.ts";
import { passwordMatches } from "../../admin/password.ts";
import type { AdminState } from "../../admin/state.ts";
import type { Handlers, PageProps } from "../../framework/types.ts";

/** What the login page shows. */
export interface LoginData {
  /** Where to go after logging in. */
  next: string;
  /** An error to show, or "". */
  error: string;
  /** A notice (e.g. after logout), or "". */
  notice: string;
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
    const ok = await admin.limiter.attempt(
      clientKey(ctx.hono.env),
      () => passwordMatches(password.slice(0, 1024), admin.password ?? ""),
    );
    const secure = ctx.url.protocol === "https:";
    if (!ok) {
      ctx.deps.log.warn("admin login failed", { client: clientKey(ctx.hono.env) });
      const res = await ctx.render({ next, error: "Wrong password.", notice: "" }, { status: 401 });
      return res;
    }
    if (ctx.state.session) admin.sessions.destroy(ctx.state.session.id);
    const session = admin.sessions.create();
    ctx.deps.log.info("admin logged in", { client: clientKey(ctx.hono.env) });
    return seeOther(next, { "Set-Cookie": sessionCookie(session.id, admin.sessions.maxAgeSeconds, secure) });
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
          (at least 8 characters) for the web server and restart it. <code>deno task dev</code>{" "}
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
