/**
 * The service credential on the wire: the client side adds `authorization: Bearer <token>` to every
 * call of a channel (an interceptor given at construction, so no call site can forget it); the server
 * side checks it in constant time (node:crypto's `timingSafeEqual`) against the value computed once.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";
import { InterceptingCall, type Interceptor, type Metadata } from "@grpc/grpc-js";
import { serviceTokenProblem } from "./service_token.ts";

/** The metadata key that carries the credential. */
export const AUTHORIZATION_KEY = "authorization";

/** The metadata value for `token`. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** A client interceptor that sets `authorization: Bearer <token>` on every call. */
export function serviceTokenInterceptor(token: string): Interceptor {
  const value = bearer(token);
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(AUTHORIZATION_KEY, value);
        next(metadata, listener);
      },
    });
}

/** Checks a call's credential against the deployment's token. */
export class ServiceTokenCheck {
  readonly #expected: Buffer;

  /** Precomputes the expected `Bearer <token>`; throws when `token` is not a usable token. */
  constructor(token: string) {
    const problem = serviceTokenProblem(token);
    if (problem) throw new Error(problem);
    this.#expected = Buffer.from(bearer(token));
  }

  /** True when `metadata` carries exactly one `authorization` value equal to the expected one. */
  accepts(metadata: Metadata): boolean {
    const values = metadata.get(AUTHORIZATION_KEY);
    if (values.length !== 1) return false;
    const value = values[0];
    return typeof value === "string" && this.acceptsValue(value);
  }

  /**
   * True when `value` (an `authorization` header as received; two headers arrive joined by ", " and
   * are refused) equals the expected one.
   */
  acceptsValue(value: string | null): boolean {
    if (value === null) return false;
    const given = Buffer.from(value);
    return given.length === this.#expected.length && timingSafeEqual(given, this.#expected);
  }
}
