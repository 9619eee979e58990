/**
 * Where the failure flags come from: `FLAGD_HOST` (+ `FLAGD_PORT`) for a flagd server, else
 * `OMS_FLAGS_FILE` for a flag-definition file this process polls, else nowhere (every flag off, no
 * OpenFeature SDK loaded).
 *
 * @module
 */
import { envInt, envString } from "../config.ts";

/** What {@linkcode flagsConfig} read. */
export type FlagsConfig =
  | { source: "none" }
  | { source: "file"; path: string }
  | { source: "flagd"; host: string; port: number };

/** Reads the flags settings from `env`; throws a `ConfigError` for a bad port. */
export function flagsConfig(env: Record<string, string | undefined>): FlagsConfig {
  const host = envString("FLAGD_HOST", "", env);
  // flagd's own provider reads FLAGD_PORT too; it is read here so a bad value is refused at start
  const port = envInt("FLAGD_PORT", 8013, { min: 1, max: 65535 }, env);
  if (host !== "") return { source: "flagd", host, port };
  const path = envString("OMS_FLAGS_FILE", "", env);
  return path === "" ? { source: "none" } : { source: "file", path };
}

/**
 * The flag file web's admin writes: `OMS_FLAGS_FILE`, default `<DATA_DIR>/flags.json` (where `deno task
 * dev` and the test harness point every process).
 */
export function flagsFilePath(env: Record<string, string | undefined> = Deno.env.toObject()): string {
  return envString("OMS_FLAGS_FILE", `${envString("DATA_DIR", "./data", env)}/flags.json`, env);
}
