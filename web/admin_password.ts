/**
 * The rule for the first owner's password (`ADMIN_PASSWORD`): outside development at least 12
 * characters and no placeholder from the examples, else web refuses to start; in development such a
 * password is only a warning.
 *
 * @module
 */
import { ConfigError } from "../services/common/config.ts";

/** Shortest admin password accepted outside development. */
export const MIN_ADMIN_PASSWORD = 12;

/** True for the example passwords of compose.yaml and the README, which must never guard a real shop. */
export function isPlaceholderPassword(value: string): boolean {
  const v = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  return v.startsWith("changeme") || v === "pickalongone" || v === "password" || v === "admin";
}

/**
 * The first owner's password in `env`, or null when unset; a weak one is pushed to `warnings` in
 * development and refused with a {@linkcode ConfigError} elsewhere.
 */
export function adminPassword(env: Record<string, string | undefined>, warnings: string[]): string | null {
  const value = env.ADMIN_PASSWORD;
  if (value === undefined || value === "") return null;
  if (value.length > 256) {
    throw new ConfigError(
      "ADMIN_PASSWORD",
      `ADMIN_PASSWORD must be at most 256 characters, got ${value.length}`,
    );
  }
  const problem = isPlaceholderPassword(value)
    ? "is a placeholder from the examples"
    : value.length < MIN_ADMIN_PASSWORD
    ? `is ${value.length} characters; use at least ${MIN_ADMIN_PASSWORD}`
    : null;
  if (problem === null) return value;
  if (env.OMS_ENV !== "development") {
    throw new ConfigError(
      "ADMIN_PASSWORD",
      `ADMIN_PASSWORD ${problem} (refused outside development: OMS_ENV is ${
        env.OMS_ENV ? `"${env.OMS_ENV}"` : "unset, which means production"
      }). Set a long random password, e.g. \`openssl rand -base64 24\``,
    );
  }
  warnings.push(`ADMIN_PASSWORD ${problem}; accepted only because OMS_ENV=development`);
  return value;
}
