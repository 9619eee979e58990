/**
 * The load generator's customers: each shopper signs up once with `POST /api/customers` and sends
 * the token it got as `Authorization: Bearer <token>` on every customer route, as any API client must
 * (the gateway refuses the customer routes without proof).
 *
 * @module
 */
import type { ApiClient, Failure } from "./client.ts";

/** Tokens of the customers a run made, by customer id. */
export class CustomerTokens {
  readonly #tokens = new Map<string, string>();

  /** Remembers the token of `customerId`. */
  set(customerId: string, token: string): void {
    this.#tokens.set(customerId, token);
  }

  /** The headers proving `customerId` (none when its token is unknown). */
  proof(customerId: string): Record<string, string> {
    const token = this.#tokens.get(customerId);
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  /** Every customer id, in sign-up order. */
  ids(): string[] {
    return [...this.#tokens.keys()];
  }
}

/** A new customer from `POST /api/customers`, or why there is none. */
export async function signUp(
  client: ApiClient,
): Promise<{ customerId: string; token: string } | { failure: Failure }> {
  const res = await client.request("POST", "/api/customers");
  if (res.failure) return { failure: res.failure };
  const body = res.body as Record<string, unknown> | undefined;
  if (typeof body?.customerId === "string" && typeof body.token === "string") {
    return { customerId: body.customerId, token: body.token };
  }
  return {
    failure: { type: "protocol", message: "POST /api/customers did not answer {customerId, token}" },
  };
}
