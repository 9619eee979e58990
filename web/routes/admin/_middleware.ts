/**
 * Guards every admin page, feed and form post:
 *
 * - (a form posted from another site never gets here: `framework/form_origin.ts` refuses it)
 * - no admin runtime, or no owner and none could be made (no or a refused `ADMIN_PASSWORD`): to the login
 *   page, which says so (feeds answer 503);
 * - the session is looked up in the shared staff store (`gateway/staff.ts`) by the cookie's id; none
 *   (or ended): pages redirect (303) to `/admin/login?next=<path>`, the JSON feeds answer 401;
 * - the signed-in member's role must allow the path (`admin/permissions.ts`, for every method): else
 *   a page or form post gets the 403 page and a feed a JSON 403, at once and without redirecting, so
 *   nothing can loop; nothing of the page runs;
 * - with a session, every POST must carry the session's CSRF token in `_csrf` (compared in constant
 *   time), else 403 and nothing runs; the checked form is handed on in `ctx.state.form` (a photo
 *   upload's multipart form too, its file kept for the route: `admin/upload_form.ts`);
 * - the staff member goes into `ctx.state.staff` and into the signed staff claim of every call made for
 *   the request (`ctx.hono.set("staff", ...)`), so the services record who acted;
 * - a GET page takes the one-shot flash cookie; a flash a handler leaves is sent as that cookie;
 * - every page gets the shop's settings in `ctx.state.shop` (`deps.shop`, else this process's).
 *
 * @module
 */
import { ApiError } from "../../api/errors.ts";
import { clearFlashCookie, FLASH_COOKIE, flashCookie } from "../../admin/flash.ts";
import { cookieOf, readForm, seeOther, sessionIdOf } from "../../admin/http.ts";
import { tokensEqual } from "../../admin/password.ts";
import { homeOf, isPublicAdminPath, mayAccess } from "../../admin/permissions.ts";
import type { Session } from "../../admin/sessions.ts";
import { type AdminState, CSRF_FIELD } from "../../admin/state.ts";
import { clientOf } from "../../client_info.ts";
import { Forbidden, type ForbiddenProps } from "../../components/admin/Forbidden.tsx";
import { renderPage } from "../../framework/render.ts";
import type { Middleware } from "../../framework/types.ts";
import { gatewayFor } from "../../gateway/mod.ts";
import { processShop } from "../../shop.ts";
import { isUpload, readUploadForm } from "../../admin/upload_form.ts";

function json(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}

function forbiddenPage(session: Session, path: string): Response {
  const { html } = renderPage({
    layouts: [],
    page: ({ data }: { data: ForbiddenProps }) => Forbidden(data),
    props: {
      data: { name: session.name, role: session.role, path, home: homeOf(session.role), csrf: session.csrf },
      params: {},
      url: new URL("http://localhost/"),
      state: {},
    },
    clientEntry: null,
  });
  return new Response(html, {
    status: 403,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** The admin guard. */
export const handler: Middleware<AdminState> = async (ctx) => {
  const admin = ctx.deps.admin;
  const path = ctx.url.pathname;
  const method = ctx.req.method;
  const isLogin = isPublicAdminPath(path);
  const isFeed = path.startsWith("/admin/api/");
  ctx.state.title = "Admin";
  ctx.state.shop = ctx.deps.shop ?? processShop();
  // disabled only once the store said no owner exists and none could be made (no or a refused password)
  ctx.state.adminEnabled = Boolean(admin) && admin!.ownerExists !== false;
  ctx.state.session = null;
  ctx.state.staff = null;
  ctx.state.csrf = "";
  ctx.state.flash = null;
  ctx.state.form = null;

  if (!admin || !ctx.state.adminEnabled) {
    if (isLogin && method === "GET") return await ctx.next();
    if (isFeed) {
      return json(
        503,
        "admin_disabled",
        "The admin is disabled: no owner exists and ADMIN_PASSWORD is not set",
      );
    }
    await ctx.req.body?.cancel();
    return seeOther("/admin/login");
  }
  const sessionId = sessionIdOf(ctx.req);
  const found = sessionId ? await gatewayFor(ctx.hono, ctx.deps).staff.session(sessionId) : null;
  if (!found || !sessionId) {
    if (isLogin) return await ctx.next();
    await ctx.req.body?.cancel();
    if (isFeed) return json(401, "unauthenticated", "Your session has ended. Log in again.");
    const next = method === "GET" ? path + ctx.url.search : path;
    return seeOther(`/admin/login?next=${encodeURIComponent(next)}`);
  }
  const session: Session = { id: sessionId, ...found, flash: null };
  ctx.state.session = session;
  ctx.state.csrf = session.csrf;
  ctx.state.staff = { name: session.name, role: session.role };
  // the services see staff only through the claim `callOpts` signs for this identity
  ctx.hono.set("staff", { sub: session.name, role: session.role });
  if (!mayAccess(session.role, path)) {
    await ctx.req.body?.cancel();
    ctx.deps.log.warn("admin path refused for role", {
      path,
      method,
      name: session.name,
      role: session.role,
    });
    if (isFeed) return json(403, "forbidden", `The ${session.role} role may not use ${path}`);
    return forbiddenPage(session, path);
  }
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
  const secure = clientOf(ctx.hono).secure;
  const incoming = cookieOf(ctx.req, FLASH_COOKIE);
  const showFlash = method === "GET" && !isFeed && incoming !== null;
  if (showFlash) ctx.state.flash = await admin.flashes.decode(incoming);
  const res = await ctx.next();
  const headers = new Headers(res.headers);
  headers.set("X-Robots-Tag", "noindex");
  headers.set("Cache-Control", "no-store");
  const left = admin.sessions.takeFlash(session);
  if (left) headers.append("Set-Cookie", flashCookie(await admin.flashes.encode(left), secure));
  else if (showFlash) headers.append("Set-Cookie", clearFlashCookie(secure));
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
};
