/**
 * The deployment's service credential (`OMS_SERVICE_TOKEN`): a shared secret every service and web
 * hold. Every gRPC call between them carries it as `authorization: Bearer <token>` (see
 * `service_credential.ts`); the staff claims web signs are keyed from it (see `staff_claim.ts`).
 *
 * @module
 */

/** The environment variable holding the token. */
export const SERVICE_TOKEN_VAR = "OMS_SERVICE_TOKEN";

/** Fewest characters a token may have. */
export const MIN_SERVICE_TOKEN_LENGTH = 32;

/** Most characters a token may have. */
export const MAX_SERVICE_TOKEN_LENGTH = 512;

const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * Why `value` cannot be the service token, or null when it can: it must have 32 to 512 printable ASCII
 * characters without spaces (it travels in a header). The message never repeats the value.
 */
export function serviceTokenProblem(value: string | undefined): string | null {
  if (value === undefined || value === "") {
    return `${SERVICE_TOKEN_VAR} is not set: every service and web need the same secret of at least ` +
      `${MIN_SERVICE_TOKEN_LENGTH} characters (e.g. \`openssl rand -base64 32\`; \`deno task dev\` makes one)`;
  }
  if (value.length < MIN_SERVICE_TOKEN_LENGTH || value.length > MAX_SERVICE_TOKEN_LENGTH) {
    return `${SERVICE_TOKEN_VAR} must have ${MIN_SERVICE_TOKEN_LENGTH} to ${MAX_SERVICE_TOKEN_LENGTH} ` +
      `characters, got ${value.length}`;
  }
  if (!PRINTABLE.test(value)) {
    return `${SERVICE_TOKEN_VAR} must be printable ASCII without spaces`;
  }
  return null;
}

/** A new random token: 32 random bytes as base64url (43 characters). */
export function generateServiceToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
