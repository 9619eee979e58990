/**
 * The service credential on the wire: the client side adds `authorization: Bearer <token>` to every
 * call of a channel (an interceptor given at construction, so no call site can forget it); the server
 * side checks it in constant time against the value computed once.
 *
 * @module
 */
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
  readonly #expected: string;

  /** Precomputes the expected `Bearer <token>`; throws when `token` is not a usable token. */
  constructor(token: string) {
    const problem = serviceTokenProblem(token);
    if (problem) throw new Error(problem);
    this.#expected = bearer(token);
  }

  /** True when `metadata` carries exactly one `authorization` value equal to the expected one. */
  accepts(metadata: Metadata): boolean {
    const values = metadata.get(AUTHORIZATION_KEY);
    if (values.length !== 1) return false;
    const value = values[0];
    if (typeof value !== "string") return false;
    return constantTimeEqual(value, this.#expected);
  }
}

/**
 * Whether `a` equals `b`, looking at every character whatever the first difference (no early exit), so
 * the time taken does not tell how much of a guess was right. Only the length can differ in time, and
 * the token's length is no secret. (A loop over char codes: node:crypto's `timingSafeEqual` needs
 * buffers and costs about 20 times more per call here.)
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
