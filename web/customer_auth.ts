/**
 * Who the caller of the customer API is. A request proves a customer with a bearer token
 * (`Authorization: Bearer <token>`, see `customer_token.ts`) or the storefront's signed cookie (see
 * `customer.ts`); a customer id in a path is never proof.
 *
 * {@linkcode authorizeCustomer} guards every route under `/api/customers/{customerId}/...`:
 *
 * - no proof: 401 `unauthenticated` (with `WWW-Authenticate: Bearer`);
 * - a bearer token that is malformed, forged or expired: 401 `invalid_token`;
 * - proof of another customer than the path's: 403 `forbidden`. This is decided from the proof and
 *   the path alone, before any service is asked, so it says nothing about the other customer (whether
 *   they exist or have orders). An order id that is not the proven customer's is 404, as one that
 *   does not exist.
 *
 * `WEB_OPEN_CUSTOMER_API=true` (set by `deno task dev` only, for the seed's curl examples) lets a
 * request without proof act as the path's customer. A bad token is refused even then.
 *
 * @module
 */
import type { Context } from "hono";
import { envBool } from "../services/common/config.ts";
import { ApiError } from "./api/errors.ts";
import { cookieSecret, readCustomerId } from "./customer.ts";
import { verifyToken } from "./customer_token.ts";

/** How customers prove who they are in this process. */
export interface CustomerAuth {
  /** Secret of the customer cookie; tokens are signed with a key derived from it. */
  secret: string;
  /** True when the secret was made at random for this process (`WEB_COOKIE_SECRET` unset). */
  randomSecret: boolean;
  /** `WEB_OPEN_CUSTOMER_API`: a path's customer id is enough without proof (dev only). */
  open: boolean;
}

/** Reads `WEB_COOKIE_SECRET` and `WEB_OPEN_CUSTOMER_API`; throws a `ConfigError` naming a bad one. */
export function customerAuthFromEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): CustomerAuth {
  const { secret, random } = cookieSecret(env);
  return { secret, randomSecret: random, open: envBool("WEB_OPEN_CUSTOMER_API", false, env) };
}

let processAuth: CustomerAuth | undefined;

/** This process's {@linkcode CustomerAuth} from its environment, made once (the cookie secret must not change). */
export function defaultCustomerAuth(): CustomerAuth {
  processAuth ??= customerAuthFromEnv();
  return processAuth;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * True when the request carries a bearer token (`Authorization: Bearer ...`, whether it verifies or
 * not): an API client, whose proof is the token (which wins over any cookie), never a visitor cookie.
 */
export function sendsBearerToken(c: Context): boolean {
  return /^Bearer\s/i.test(c.req.header("authorization") ?? "");
}

function unauthenticated(code: string, message: string): ApiError {
  return new ApiError(401, code, message, {
    field: "Authorization",
    headers: { "WWW-Authenticate": `Bearer realm="oms-customer"` },
  });
}

/**
 * The customer the request proves, or null without proof. A bearer token wins over the cookie; a
 * bearer token that does not verify is 401 `invalid_token` (never silently ignored).
 */
export async function provenCustomer(c: Context, auth: CustomerAuth): Promise<string | null> {
  const header = c.req.header("authorization");
  if (header !== undefined && header !== "") {
    const token = BEARER.exec(header)?.[1];
    const customerId = token ? await verifyToken(token, auth.secret) : null;
    if (!customerId) {
      throw unauthenticated(
        "invalid_token",
        'The Authorization header must be "Bearer <token>" with a token from POST /api/customers',
      );
    }
    return customerId;
  }
  return await readCustomerId(c, auth.secret);
}

/**
 * Checks that the request may act as `customerId` (the path's, already validated); throws the 401 or
 * 403 described in the module doc otherwise.
 */
export async function authorizeCustomer(c: Context, auth: CustomerAuth, customerId: string): Promise<void> {
  const proven = await provenCustomer(c, auth);
  if (proven === customerId) return;
  if (proven === null) {
    if (auth.open) return;
    throw unauthenticated(
      "unauthenticated",
      'Proof of the customer is required: send "Authorization: Bearer <token>" (POST /api/customers ' +
        "issues one) or use the storefront's cookie",
    );
  }
  if (auth.open) return;
  throw new ApiError(403, "forbidden", "Your proof is for another customer than the one in the path", {
    field: "customerId",
  });
}
