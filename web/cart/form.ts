/**
 * Reading a storefront form post (cart, checkout, cancel, local pay), with the same protection the
 * admin's forms have:
 *
 * - a form posted from another site never gets here: the framework's origin check refuses it for
 *   every page (`framework/form_origin.ts`, Hono's `csrf` with `PUBLIC_URL`);
 * - the body is URL-encoded form data of at most 16 KiB (`admin/http.ts`'s `readForm`: 415, 413);
 * - `_csrf` must be the customer's form token (`csrf.ts`), else 403 `invalid_csrf_token`.
 *
 * Islands send the same form with `fetch` and `Accept: application/json` ({@linkcode wantsJson}); the
 * routes then answer JSON instead of redirecting.
 *
 * @module
 */
import { readForm } from "../admin/http.ts";
import { ApiError } from "../api/errors.ts";
import type { ShopState } from "../customer.ts";
import { defaultCustomerAuth } from "../customer_auth.ts";
import type { RouteContext } from "../framework/types.ts";
import { CSRF_FIELD, isCustomerCsrfToken } from "./csrf.ts";

/** The secret of the customer cookie (and so of the form token) in this process. */
export function customerSecret(ctx: RouteContext<unknown, ShopState>): string {
  return (ctx.deps.customerAuth ?? defaultCustomerAuth()).secret;
}

/** Reads and checks a storefront form post; throws the 403/413/415 of the module doc. */
export async function readCustomerForm<D>(ctx: RouteContext<D, ShopState>): Promise<URLSearchParams> {
  const form = await readForm(ctx.req);
  const secret = customerSecret(ctx as RouteContext<unknown, ShopState>);
  if (!await isCustomerCsrfToken(secret, ctx.state.customerId, form.get(CSRF_FIELD))) {
    throw new ApiError(
      403,
      "invalid_csrf_token",
      "This form's security token is missing or out of date, so nothing was changed. Reload the page and try again.",
    );
  }
  return form;
}

/** True when the client asked for JSON (an island's `fetch`), not a page. */
export function wantsJson(req: Request): boolean {
  return (req.headers.get("accept") ?? "").includes("application/json");
}
