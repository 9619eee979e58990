/**
 * Guards every admin page:
 *
 * - admin disabled (no `ADMIN_PASSWORD`): everything goes to the login page, which says so;
 * - (a form posted from another site never gets here: `framework/form_origin.ts` refuses it)
 * - no live session: pages redirect (303) to `/admin/login?next=<path>`, the JSON feeds answer 401;
 * - with a session, every POST must carry the session's CSRF token in `_csrf` (compared in constant
 *   time), else 403 and nothing runs; the checked form is handed on in `ctx.state.form` (a photo
 *   upload's multipart form too, its file kept for the route: `admin/upload_form.ts`);
 * - a GET page takes the session's one-shot flash message;
 * - every page gets the shop's settings in `ctx.state.shop` (`deps.shop`, else this process's), so
 *   times are shown in the shop's zone and prices in its locale.
 *
 * @module
 */
import { ApiError } from "../../api/errors.ts";
import { readForm, seeOther, sessionIdOf } from "../../admin/http.ts";
import { tokensEqual } from "../../admin/password.ts";
import { type AdminState, CSRF_FIELD } from "../../admin/state.ts";
import type { Middleware } from "../../framework/types.ts";
import { ADMIN_STAFF } from "../../api/deps.ts";
import { processShop } from "../../shop.ts";
import { isUpload, readUploadForm } from "../../admin/upload_form.ts";

function json(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}

/** The admin guard. */
export const handler: Middleware<AdminState> = async (ctx) => {
  const admin = ctx.deps.admin;
  const path = ctx.url.pathname;
  const method = ctx.req.method;
  const isLogin = path === "/admin/login";
  const isFeed = path.startsWith("/admin/api/");
  ctx.state.title = "Admin";
  ctx.state.shop = ctx.deps.shop ?? processShop();
  ctx.state.adminEnabled = Boolean(admin?.password);
  ctx.state.session = null;
  ctx.state.csrf = "";
  ctx.state.flash = null;
  ctx.state.form = null;

  if (!admin || !admin.password) {
    if (isLogin && method === "GET") return await ctx.next();
    if (isFeed) return json(503, "admin_disabled", "The admin is disabled: ADMIN_PASSWORD is not set");
    await ctx.req.body?.cancel();
    return seeOther("/admin/login");
  }
  const session = admin.sessions.get(sessionIdOf(ctx.req));
  if (!session) {
    if (isLogin) return await ctx.next();
    await ctx.req.body?.cancel();
    if (isFeed) return json(401, "unauthenticated", "Your session has ended. Log in again.");
    const next = method === "GET" ? path + ctx.url.search : path;
    return seeOther(`/admin/login?next=${encodeURIComponent(next)}`);
  }
  ctx.state.session = session;
  ctx.state.csrf = session.csrf;
  // the services see staff only through the claim `callOpts` signs for this identity (one admin account)
  ctx.hono.set("staff", ADMIN_STAFF);
  if (method === "POST" && !isLogin) {
    const form = isUpload(ctx.req, path) ? await readUploadForm(ctx.req) : await readForm(ctx.req);
    if (!tokensEqual(form.get(CSRF_FIELD) ?? "", session.csrf)) {
      throw new ApiError(
        403,
        "invalid_csrf_token",
        "This form's security token is missing or out of date, so nothing was changed. Reload the page and try again.",
      );
    }
    ctx.state.form = form;
  }
  if (method === "GET" && !isFeed) ctx.state.flash = admin.sessions.takeFlash(session);
  const res = await ctx.next();
  const headers = new Headers(res.headers);
  headers.set("X-Robots-Tag", "noindex");
  headers.set("Cache-Control", "no-store");
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
};
