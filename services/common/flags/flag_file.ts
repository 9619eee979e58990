/**
 * The failure flags' file: a flagd flag-definition JSON file (`{"flags": {"<key>": {"state", "variants",
 * "defaultVariant"}}}`, the format flagd itself reads, https://flagd.dev/reference/flag-definitions/).
 * Each OMS flag's value is its default variant's value (a `DISABLED` flag is off). Parsing checks every
 * OMS flag against its kind (a rate from 0 to 1, milliseconds from 0 to {@linkcode MAX_FLAG_MS}, a
 * boolean) and names the first problem; flags OMS does not own are left alone, unchecked.
 *
 * No OpenFeature SDK here: web reads and writes the file with these functions, and the processes'
 * file provider validates with them before it hands the flags to the SDK.
 *
 * @module
 */
import { type FlagKey, FLAGS } from "./keys.ts";

/** The longest delay a `ms` flag may add (one minute). */
export const MAX_FLAG_MS = 60_000;

/** A flag's value. */
export type FlagValue = number | boolean;

/** Every OMS flag's value. */
export type FlagValues = Record<FlagKey, FlagValue>;

/** One flag as flagd defines it. */
export interface FlagDefinition {
  /** `DISABLED`: evaluation answers the caller's default (for OMS: off). */
  state: "ENABLED" | "DISABLED";
  /** Named values. */
  variants: Record<string, unknown>;
  /** The variant answered (targeting rules aside). */
  defaultVariant: string;
  /** flagd targeting (JsonLogic); the file provider does not evaluate it (flagd does). */
  targeting?: unknown;
  /** Free-form metadata. */
  metadata?: Record<string, unknown>;
}

/** A flag-definition document. */
export interface FlagDocument {
  /** The flagd schema, for editors. */
  $schema?: string;
  /** Flags by key. */
  flags: Record<string, FlagDefinition>;
  [other: string]: unknown;
}

/** A flag file OMS cannot use; the message names the file's first problem. */
export class FlagFileError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FlagFileError";
  }
}

/** The flagd schema URL written into new files. */
export const FLAGD_SCHEMA = "https://flagd.dev/schema/v0/flags.json";

/** Every flag off. */
export function allOff(): FlagValues {
  return Object.fromEntries(Object.entries(FLAGS).map(([k, spec]) => [k, spec.off])) as FlagValues;
}

/** The flag keys OMS knows. */
export const FLAG_KEYS: readonly FlagKey[] = Object.keys(FLAGS) as FlagKey[];

/** A problem with `value` as the value of flag `key`, or undefined when it fits the flag's kind. */
export function valueProblem(key: FlagKey, value: unknown): string | undefined {
  const { kind } = FLAGS[key];
  if (kind === "boolean") {
    return typeof value === "boolean" ? undefined : `${key} must be true or false, got ${show(value)}`;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `${key} must be a number, got ${show(value)}`;
  }
  if (kind === "rate" && (value < 0 || value > 1)) return `${key} must be a rate from 0 to 1, got ${value}`;
  if (kind === "ms" && (!Number.isInteger(value) || value < 0 || value > MAX_FLAG_MS)) {
    return `${key} must be whole milliseconds from 0 to ${MAX_FLAG_MS}, got ${value}`;
  }
  return undefined;
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

/**
 * Parses a flag file's text: the document and every OMS flag's value (absent flags off). Throws a
 * {@linkcode FlagFileError} naming the first problem (not JSON, no `flags` object, a malformed flag, an
 * OMS flag whose value does not fit its kind).
 */
export function parseFlagFile(text: string): { document: FlagDocument; values: FlagValues } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FlagFileError(`not JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw) || !isObject(raw.flags)) {
    throw new FlagFileError(`expected an object with a "flags" object, got ${show(raw).slice(0, 80)}`);
  }
  const values = allOff();
  for (const [key, flag] of Object.entries(raw.flags)) {
    // someone else's flag is flagd's business, however it is shaped (checked before anything else, so a
    // valid flagd flag OMS does not model, e.g. one without a default variant, never makes the file
    // unusable); own keys only, so "toString" and the like are someone else's
    if (!Object.hasOwn(FLAGS, key)) continue;
    const where = `flag "${key}"`;
    if (!isObject(flag)) throw new FlagFileError(`${where} must be an object`);
    if (flag.state !== "ENABLED" && flag.state !== "DISABLED") {
      throw new FlagFileError(`${where}: state must be "ENABLED" or "DISABLED", got ${show(flag.state)}`);
    }
    if (!isObject(flag.variants) || Object.keys(flag.variants).length === 0) {
      throw new FlagFileError(`${where}: variants must be an object with at least one variant`);
    }
    if (typeof flag.defaultVariant !== "string" || !Object.hasOwn(flag.variants, flag.defaultVariant)) {
      throw new FlagFileError(
        `${where}: defaultVariant ${show(flag.defaultVariant)} is not one of its variants ` +
          `(${Object.keys(flag.variants).join(", ")})`,
      );
    }
    const k = key as FlagKey;
    for (const [name, value] of Object.entries(flag.variants)) {
      const problem = valueProblem(k, value);
      if (problem) throw new FlagFileError(`variant "${name}" of ${problem}`);
    }
    if (flag.state === "ENABLED") values[k] = flag.variants[flag.defaultVariant] as FlagValue;
  }
  return { document: raw as FlagDocument, values };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What {@linkcode readFlags} found. */
export interface FlagFileState {
  /** Every OMS flag's value (all off when the file is absent or unusable). */
  values: FlagValues;
  /** Why the file cannot be used, when it cannot (the processes then keep their last good values). */
  problem?: string;
  /** False when there is no file yet (every flag off). */
  exists: boolean;
}

/** Reads the flag file at `path`: the values, or all off with the problem named. */
export async function readFlags(path: string): Promise<FlagFileState> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { values: allOff(), exists: false };
    return { values: allOff(), exists: true, problem: `cannot read ${path}: ${(err as Error).message}` };
  }
  try {
    return { values: parseFlagFile(text).values, exists: true };
  } catch (err) {
    return { values: allOff(), exists: true, problem: `${path}: ${(err as Error).message}` };
  }
}

/** The flagd definition of OMS flag `key` set to `value` (the `off` variant is always there). */
export function definitionOf(key: FlagKey, value: FlagValue): FlagDefinition {
  const off = FLAGS[key].off;
  return {
    state: "ENABLED",
    variants: { on: value, off },
    defaultVariant: value === off ? "off" : "on",
  };
}

/**
 * Sets the flags in `values` in the file at `path` (made, with its folder, when absent), keeping every
 * other flag and field as it is. Written to a temporary file beside it and renamed over it, so a
 * reader (a process polling the file, flagd watching it) never sees half a file. Throws a
 * {@linkcode FlagFileError} for a value that does not fit its flag, or when the file holds something
 * that is not a flag document (it is then left as it is).
 */
export async function writeFlags(path: string, values: Partial<Record<FlagKey, FlagValue>>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    if (!Object.hasOwn(FLAGS, key)) throw new FlagFileError(`Unknown flag "${key}"`);
    const problem = valueProblem(key as FlagKey, value);
    if (problem) throw new FlagFileError(problem);
  }
  let document: FlagDocument = { $schema: FLAGD_SCHEMA, flags: {} };
  try {
    document = parseFlagFile(await Deno.readTextFile(path)).document;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      if (err instanceof FlagFileError) {
        throw new FlagFileError(`${path} is not usable, not rewritten: ${err.message}`);
      }
      throw err;
    }
  }
  for (const [key, value] of Object.entries(values)) {
    document.flags[key] = definitionOf(key as FlagKey, value as FlagValue);
  }
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temp, JSON.stringify(document, null, 2) + "\n");
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/** The path a bad flag file at `path` is moved to at `now`: `<path>.bad-<ISO time, colons as dashes>`. */
export function badFilePath(path: string, now: Date): string {
  return `${path}.bad-${now.toISOString().replace(/[:.]/g, "-")}`;
}

/**
 * Turns every OMS flag off in the file at `path`, keeping other flags and fields. When the file cannot
 * be used (not a flag document), it is moved aside to {@linkcode badFilePath} (kept for a look at what
 * went wrong) and a fresh file with every flag off is written, so "every flag off" always works.
 * Resolves with where the bad file went, when one was moved.
 */
export async function turnAllFlagsOff(
  path: string,
  now: Date = new Date(),
): Promise<{ movedAside?: string }> {
  try {
    await writeFlags(path, allOff());
    return {};
  } catch (err) {
    // every value is its flag's off value, so a FlagFileError is the file's own problem
    if (!(err instanceof FlagFileError)) throw err;
  }
  const movedAside = badFilePath(path, now);
  await Deno.rename(path, movedAside);
  await writeFlags(path, allOff());
  return { movedAside };
}
