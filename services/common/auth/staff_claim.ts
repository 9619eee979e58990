/**
 * The staff claim: how a member of staff's identity reaches the services. Web signs it for each staff
 * call and sends it as metadata `x-oms-staff`; a service treats a call as staff only with a valid,
 * unexpired claim, never because of a request field.
 *
 * Format: `<base64url(JSON {sub, role, exp})>.<base64url(HMAC-SHA256(key, first part))>`, `exp` in
 * seconds since the epoch. The key is derived once from the service token with HKDF-SHA256 and a fixed
 * label, so the claim key is never the token itself and changes with it.
 *
 * Cost: an HMAC is about 10 µs here, so {@linkcode StaffClaims.attach} reuses a signed claim while more
 * than half its life is left, and {@linkcode StaffClaims.verify} remembers the claims it verified (their
 * expiry is still checked on every use).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { InterceptingCall, type Interceptor, type Metadata } from "@grpc/grpc-js";
import { serviceTokenProblem } from "./service_token.ts";

/** The metadata key that carries the claim. */
export const STAFF_METADATA_KEY = "x-oms-staff";

/** How long a claim web signs stays valid. */
export const STAFF_CLAIM_TTL_MS = 60_000;

/** The fixed HKDF label of the claim key. */
export const STAFF_CLAIM_KEY_LABEL = "oms/staff-claim/v1";

/** Staff roles. */
export const STAFF_ROLES = ["owner", "manager", "kitchen"] as const;

/** A staff role. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who a member of staff is. */
export interface StaffIdentity {
  /** The staff member's name (the account). */
  sub: string;
  /** Their role. */
  role: StaffRole;
}

/** A verified claim. */
export interface StaffClaim extends StaffIdentity {
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const MAX_CLAIM_CHARS = 1024;
/** Most verified claims remembered (the map is emptied when full). */
const VERIFIED_CACHE_SIZE = 256;
const SUB = /^[\x20-\x7e]{1,128}$/;

function isRole(value: unknown): value is StaffRole {
  return typeof value === "string" && (STAFF_ROLES as readonly string[]).includes(value);
}

/** Signs and verifies staff claims under the key derived from one service token. */
export class StaffClaims {
  readonly #key: Buffer;
  readonly #verified = new Map<string, StaffClaim>();
  readonly #signed = new Map<string, { value: string; expMs: number }>();

  /** Derives the claim key from `serviceToken` (once; keep the instance); throws on an unusable token. */
  constructor(serviceToken: string) {
    const problem = serviceTokenProblem(serviceToken);
    if (problem) throw new Error(problem);
    this.#key = Buffer.from(hkdfSync("sha256", serviceToken, "", STAFF_CLAIM_KEY_LABEL, 32));
  }

  #mac(payload: string): Buffer {
    return createHmac("sha256", this.#key).update(payload).digest();
  }

  /** A claim for `who`, valid for `ttlMs` from `now`. */
  sign(who: StaffIdentity, { now = Date.now(), ttlMs = STAFF_CLAIM_TTL_MS } = {}): string {
    if (!SUB.test(who.sub)) {
      throw new Error(`Staff name must be 1 to 128 printable characters, got "${who.sub}"`);
    }
    if (!isRole(who.role)) {
      throw new Error(`Staff role must be one of ${STAFF_ROLES.join(", ")}, got "${who.role}"`);
    }
    const claim: StaffClaim = { sub: who.sub, role: who.role, exp: Math.floor((now + ttlMs) / 1000) };
    const payload = Buffer.from(JSON.stringify(claim)).toString("base64url");
    return `${payload}.${this.#mac(payload).toString("base64url")}`;
  }

  /** The claim in `value` if it is well-formed, signed with this key and not expired at `now`; else null. */
  verify(value: string, now = Date.now()): StaffClaim | null {
    const known = this.#verified.get(value);
    if (known) return known.exp * 1000 > now ? known : null;
    const claim = this.#verifySignature(value, now);
    if (claim) {
      if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.clear();
      this.#verified.set(value, claim);
    }
    return claim;
  }

  #verifySignature(value: string, now: number): StaffClaim | null {
    if (value.length > MAX_CLAIM_CHARS) return null;
    const dot = value.indexOf(".");
    if (dot <= 0 || dot !== value.lastIndexOf(".")) return null;
    const payload = value.slice(0, dot);
    const sig = Buffer.from(value.slice(dot + 1), "base64url");
    const expected = this.#mac(payload);
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return null;
    let claim: unknown;
    try {
      claim = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    } catch {
      return null;
    }
    if (typeof claim !== "object" || claim === null) return null;
    const { sub, role, exp } = claim as Record<string, unknown>;
    if (typeof sub !== "string" || !SUB.test(sub) || !isRole(role)) return null;
    if (typeof exp !== "number" || !Number.isFinite(exp) || exp * 1000 <= now) return null;
    return { sub, role, exp };
  }

  /** The verified claim a call's `metadata` carries, or null (none, several, forged or expired). */
  fromMetadata(metadata: Metadata, now = Date.now()): StaffClaim | null {
    const values = metadata.get(STAFF_METADATA_KEY);
    if (values.length !== 1 || typeof values[0] !== "string") return null;
    return this.verify(values[0], now);
  }

  /**
   * Sets a claim for `who` on `metadata` (replacing any other): the last one signed for them while more
   * than half its life is left, else a new one.
   */
  attach(metadata: Metadata, who: StaffIdentity, now = Date.now()): Metadata {
    const id = `${who.role}\n${who.sub}`;
    let signed = this.#signed.get(id);
    if (!signed || signed.expMs - now < STAFF_CLAIM_TTL_MS / 2) {
      const value = this.sign(who, { now });
      signed = { value, expMs: Math.floor((now + STAFF_CLAIM_TTL_MS) / 1000) * 1000 };
      if (this.#signed.size >= VERIFIED_CACHE_SIZE) this.#signed.clear();
      this.#signed.set(id, signed);
    }
    metadata.set(STAFF_METADATA_KEY, signed.value);
    return metadata;
  }
}

/**
 * A client interceptor that makes every call a staff call of `who` (a fresh claim per call), for tools
 * and test harnesses acting as staff; web signs per request instead (`web/api/deps.ts`).
 */
export function staffInterceptor(claims: StaffClaims, who: StaffIdentity): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(claims.attach(metadata, who), listener);
      },
    });
}
