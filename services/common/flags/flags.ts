/**
 * The failure flags of this process, for everyone: `await flags.number(key)`, `await flags.bool(key)`,
 * `await flagFires(key)` for a rate, and the synchronous {@linkcode Flags.enabled}, false while no flag
 * can be on, so a hot path pays one boolean check when flags are off.
 *
 * {@linkcode setupFlags} (called once per process, before the service starts) picks the source from the
 * environment (see `config.ts`): a flagd server through OpenFeature's flagd provider, or a flag file
 * through our provider (`file_source.ts`), both evaluated with OpenFeature's server SDK. Neither set:
 * every flag is off and the SDK is never loaded (the sources are imported dynamically). With the file,
 * the SDK is loaded only once the file turns a flag on.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { flagsConfig } from "./config.ts";
import { valueProblem } from "./flag_file.ts";
import { setFlagFiredLogger } from "./fired.ts";
import { type FlagKey, FLAGS } from "./keys.ts";

/** Where flag values come from (a flagd server, a file). */
export interface FlagSource {
  /** Evaluates a number flag; `fallback` when the source has no usable value. */
  number(key: FlagKey, fallback: number): Promise<number>;
  /** Evaluates a boolean flag; `fallback` when the source has no usable value. */
  bool(key: FlagKey, fallback: boolean): Promise<boolean>;
  /** Stops watching and releases the SDK. */
  close(): Promise<void>;
}

/** The flags of this process. */
export class Flags {
  #source: FlagSource | undefined;
  #on = false;

  /** False while no flag can be on (no source, or a file with every flag off): skip flag work. */
  get enabled(): boolean {
    return this.#on;
  }

  /** The value of number flag `key` (its off value while disabled or when the source has none). */
  async number(key: FlagKey): Promise<number> {
    const off = FLAGS[key].off;
    if (typeof off !== "number") throw new TypeError(`Flag "${key}" is a boolean flag, not a number`);
    if (!this.#on || !this.#source) return off;
    const value = await this.#source.number(key, off);
    return valueProblem(key, value) === undefined ? value : off;
  }

  /** The value of boolean flag `key` (false while disabled or when the source has none). */
  async bool(key: FlagKey): Promise<boolean> {
    const off = FLAGS[key].off;
    if (typeof off !== "boolean") throw new TypeError(`Flag "${key}" is a number flag, not a boolean`);
    if (!this.#on || !this.#source) return off;
    return await this.#source.bool(key, off);
  }

  /** Uses `source` (undefined: none); `on` says whether a flag may be on. Called by sources and tests. */
  use(source: FlagSource | undefined, on: boolean): void {
    this.#source = source;
    this.#on = source !== undefined && on;
  }

  /** Says whether a flag may be on (a file source calls it when the file changes). */
  setOn(on: boolean): void {
    this.#on = this.#source !== undefined && on;
  }
}

/** This process's flags. */
export const flags: Flags = new Flags();

/**
 * Whether rate flag `key` fires this time: true with the probability its value gives (0: never,
 * 1: always). Callers check {@linkcode Flags.enabled} first and count a firing with `flagFired`.
 */
export async function flagFires(key: FlagKey): Promise<boolean> {
  const rate = await flags.number(key);
  return rate > 0 && (rate >= 1 || Math.random() < rate);
}

/** The flags set up in a process. */
export interface FlagsHandle {
  /** "none", "file" or "flagd". */
  readonly source: "none" | "file" | "flagd";
  /** Stops watching the source and releases the SDK (idempotent). */
  close(): Promise<void>;
}

/**
 * Sets up this process's {@linkcode flags} from `env` (`FLAGD_HOST`/`FLAGD_PORT`, `OMS_FLAGS_FILE`).
 * Rejects with a `ConfigError` for a bad setting. Firings are logged with `log`.
 */
export async function setupFlags(
  env: Record<string, string | undefined>,
  log: Logger,
  target: Flags = flags,
): Promise<FlagsHandle> {
  const config = flagsConfig(env);
  setFlagFiredLogger(log);
  if (config.source === "none") return { source: "none", close: () => Promise.resolve() };
  let source: FlagSource;
  if (config.source === "flagd") {
    const { flagdSource } = await import("./flagd_source.ts");
    source = await flagdSource(config.host, config.port, log);
    target.use(source, true); // flagd alone knows; every evaluation asks it
    log.info("failure flags from flagd", { host: config.host, port: config.port });
  } else {
    const { fileSource } = await import("./file_source.ts");
    const file = await fileSource(config.path, log, (on) => target.setOn(on));
    target.use(file, false);
    await file.poll(); // the first look, now that the target uses it: it may turn flags on at once
    source = file;
    log.debug("failure flags from a file", { path: config.path });
  }
  let closed = false;
  return {
    source: config.source,
    async close() {
      if (closed) return;
      closed = true;
      target.use(undefined, false);
      await source.close();
    },
  };
}
