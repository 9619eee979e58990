/**
 * Configuration as a schema: every environment variable a process reads is one {@linkcode EnvVar}
 * (its zod type, default, one-line meaning, whether it is a secret), and each process has one
 * {@linkcode ProcessEnv}: a zod object of its variables plus the rules that tie several together.
 * {@linkcode parseEnv} checks a whole environment at once and throws one `ConfigError` listing every
 * problem (variable, why, and the value unless it is a secret); README's configuration table is
 * generated from the same schemas (`docs.ts`).
 *
 * Adding a variable: one entry in the `vars` of the process that reads it (`services/<name>/env.ts`,
 * `web/env.ts`, `scripts/env.ts`), or in `common_vars.ts` when several processes read it; then
 * `deno task config:docs`.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError, type ConfigProblem } from "../config.ts";

/** An environment as the processes see it. */
export type Env = Record<string, string | undefined>;

/** The processes (and the dev/launcher scripts) that read configuration. */
export type ProcessName = "orders" | "stock" | "payments" | "kitchen" | "web" | "scripts";

/** One environment variable. */
export interface EnvVar<T = unknown> {
  /**
   * Parses a set (non-empty) value; its error messages say what the value must be ("must be an integer
   * from 1 to 10"), without the variable's name or the value (added by {@linkcode parseEnv}).
   */
  readonly type: z.ZodType<T, string>;
  /** The value used when the variable is unset or empty, as it would be written in the environment. */
  readonly default?: string;
  /** Whether the variable must be set; a string says why (the message when it is missing). */
  readonly required?: true | string;
  /** One line for README: what the variable means. */
  readonly doc: string;
  /** README's default column when `default` alone does not tell it (a computed default). */
  readonly defaultDoc?: string;
  /** A secret: its value is never shown in a message, and README marks it. */
  readonly secret?: boolean;
  /** README shows the variables of one group (`<SERVICE>_KV_PATH`) in one row. */
  readonly group?: string;
}

/** Declares a variable, keeping its literal types (so a default makes its value non-optional). */
export function envVar<const V extends EnvVar<unknown>>(spec: V & EnvVar<TypeOf<V>>): V {
  return spec;
}

/** The parsed type of variable `V`. */
export type TypeOf<V> = V extends { type: z.ZodType<infer T, string> } ? T : never;

/** The value of variable `V` after parsing: undefined only when it has no default and is not required. */
export type ValueOf<V> = V extends { default: string } | { required: true | string } ? TypeOf<V>
  : TypeOf<V> | undefined;

/** A set of variables by name. */
export type Vars = Record<string, EnvVar<unknown>>;

/** The parsed environment of `S`: one typed value per variable. */
export type EnvValues<S extends Vars> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** A rule across several variables: a problem (or several), or none. */
export type EnvRule<S extends Vars> = (
  values: Partial<EnvValues<S>>,
  env: Env,
) => ConfigProblem | readonly ConfigProblem[] | undefined;

/** One process's configuration schema. */
export interface ProcessEnv<S extends Vars> {
  /** The process. */
  readonly process: ProcessName;
  /** Its variables, in the order problems are listed. */
  readonly vars: S;
  /** The zod object of its variables (raw environment in, typed values out). */
  readonly schema: z.ZodType<EnvValues<S>, Env>;
  /** Rules across variables, checked after each variable on its own. */
  readonly rules: readonly EnvRule<S>[];
}

/** The zod schema of variable `name`: unset or empty takes the default, then `type` parses it. */
function field<T>(name: string, spec: EnvVar<T>): z.ZodType<T | undefined, string | undefined> {
  return z.string().optional().transform((raw, ctx): T | undefined => {
    const value = raw === undefined || raw === "" ? spec.default : raw;
    if (value === undefined) {
      if (spec.required === undefined) return undefined;
      const why = spec.required === true ? "is not set" : spec.required;
      ctx.issues.push({ code: "custom", message: why, input: raw, path: [] });
      return z.NEVER;
    }
    const parsed = spec.type.safeParse(value);
    if (parsed.success) return parsed.data;
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
      if (seen.has(issue.message)) continue;
      seen.add(issue.message);
      ctx.issues.push({ code: "custom", message: issue.message, input: value, path: [] });
    }
    return z.NEVER;
  }).describe(`${name}: ${spec.doc}`);
}

/**
 * The schema of `process`: a zod object of `vars`, and `rules` across them (each sees the values that
 * parsed, and the raw environment).
 */
export function processEnv<const S extends Vars>(
  process: ProcessName,
  vars: S,
  rules: readonly EnvRule<S>[] = [],
): ProcessEnv<S> {
  const shape = Object.fromEntries(Object.entries(vars).map(([name, spec]) => [name, field(name, spec)]));
  const schema = z.object(shape) as unknown as z.ZodType<EnvValues<S>, Env>;
  return { process, vars, schema, rules };
}

/** `raw` as a message may show it: passwords in URLs masked. */
export function shown(raw: string): string {
  return raw.replace(/(\/\/[^:/@]*):[^@/]*@/g, "$1:***@");
}

/** The full sentence of a problem with `name`: its name, why, and the value unless it is a secret. */
export function problemMessage(
  name: string,
  why: string,
  spec: EnvVar<unknown> | undefined,
  raw?: string,
): string {
  const sentence = why.startsWith(name) ? why : `${name} ${why}`;
  // a secret's value is never shown; a sentence that already quotes the value keeps its own wording
  if (raw === undefined || raw === "" || spec?.secret || sentence.includes(`got "`)) return sentence;
  return `${sentence}, got "${shown(raw)}"`;
}

/** Parses `env` with `p`, or returns every problem found. */
export function checkEnv<S extends Vars>(
  p: ProcessEnv<S>,
  env: Env,
): { ok: true; values: EnvValues<S> } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  const result = p.schema.safeParse(env);
  if (result.success) Object.assign(values, result.data);
  else {
    const failed = new Set<string>();
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      failed.add(name);
      problems.push({
        variable: name,
        message: problemMessage(name, issue.message, p.vars[name], env[name]),
      });
    }
    // the values that did parse, for the rules
    const shape = (p.schema as unknown as z.ZodObject).shape;
    for (const name of Object.keys(p.vars)) {
      if (failed.has(name)) continue;
      const one = shape[name]!.safeParse(env[name]);
      if (one.success) values[name] = one.data;
    }
  }
  for (const rule of p.rules) {
    const found = rule(values as Partial<EnvValues<S>>, env);
    if (found) problems.push(...(Array.isArray(found) ? found : [found as ConfigProblem]));
  }
  return problems.length === 0 ? { ok: true, values: values as EnvValues<S> } : { ok: false, problems };
}

/** Parses `env` with `p`; throws one {@linkcode ConfigError} listing every problem. */
export function parseEnv<S extends Vars>(p: ProcessEnv<S>, env: Env): EnvValues<S> {
  const result = checkEnv(p, env);
  if (!result.ok) throw ConfigError.of(result.problems);
  return result.values;
}

/** The names of the four services, upper-case, as variable prefixes. */
export const SERVICE_PREFIXES = ["ORDERS", "STOCK", "PAYMENTS", "KITCHEN"] as const;

/** A variable per service (`ORDERS_<suffix>`, ...), shown in README as one row `<SERVICE>_<suffix>`. */
export function perService<const Suffix extends string, const V extends EnvVar<unknown>>(
  suffix: Suffix,
  spec: (service: "orders" | "stock" | "payments" | "kitchen") => V,
): { [P in (typeof SERVICE_PREFIXES)[number] as `${P}_${Suffix}`]: V } {
  return Object.fromEntries(
    SERVICE_PREFIXES.map((p) => [
      `${p}_${suffix}`,
      { ...spec(p.toLowerCase() as "orders"), group: `<SERVICE>_${suffix}` },
    ]),
  ) as { [P in (typeof SERVICE_PREFIXES)[number] as `${P}_${Suffix}`]: V };
}
