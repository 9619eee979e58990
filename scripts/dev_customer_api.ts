/**
 * `deno task dev` keeps the seed's open customer API for its curl examples: it sets
 * `WEB_OPEN_CUSTOMER_API=true` unless the user set the variable, and says at start which mode the
 * customer API is in. Nothing else sets it (compose, `start:web` and the tests require proof).
 *
 * @module
 */

/** The value of `WEB_OPEN_CUSTOMER_API` dev gives web: the user's own, else `"true"`. */
export function devOpenCustomerApi(env: Record<string, string | undefined>): string {
  return env.WEB_OPEN_CUSTOMER_API ?? "true";
}

/** The line dev prints at start about the customer API for `value` of `WEB_OPEN_CUSTOMER_API`. */
export function customerApiNotice(value: string): string {
  return ["1", "true", "yes", "on"].includes(value.toLowerCase())
    ? "WEB_OPEN_CUSTOMER_API=true (dev only): the customer API answers for the customer id in the path " +
      "without proof; everywhere else it needs a bearer token (POST /api/customers) or the storefront's cookie"
    : "the customer API needs proof: get a token with POST /api/customers and send " +
      "'authorization: Bearer <token>'";
}
