/**
 * The value types of environment variables, as zod schemas from a (non-empty) string. Their messages say
 * what a value must be; `schema.ts` adds the variable's name and, unless secret, the value.
 *
 * @module
 */
import { z } from "zod";

/** An integer from `min` to `max`. */
export function int(min: number, max: number): z.ZodType<number, string> {
  const error = `must be an integer from ${min} to ${max}`;
  return z.string().trim().regex(/^[+-]?\d+$/, { error }).transform(Number)
    .pipe(z.number().int({ error }).min(min, { error }).max(max, { error }));
}

/** A TCP port; `min` 0 lets the system pick a free one. */
export function port(min = 0): z.ZodType<number, string> {
  return int(min, 65535);
}

/** `1/true/yes/on` or `0/false/no/off`, any case. */
export function bool(): z.ZodType<boolean, string> {
  return z.stringbool({
    truthy: ["1", "true", "yes", "on"],
    falsy: ["0", "false", "no", "off"],
    error: "must be true or false",
  });
}

/** Any text. */
export function text(): z.ZodType<string, string> {
  return z.string();
}

/** Text matching `pattern`; `what` says in words what it must be. */
export function matching(pattern: RegExp, what: string): z.ZodType<string, string> {
  return z.string().regex(pattern, { error: `must be ${what}` });
}

/** One of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodType<T[number], string> {
  return z.enum(values, { error: `must be one of ${values.join(", ")}` }) as unknown as z.ZodType<
    T[number],
    string
  >;
}

/** An `http://` or `https://` URL, kept as written. */
export function httpUrl(): z.ZodType<string, string> {
  return z.string().refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, { error: "must be an http:// or https:// URL" });
}

/** A duration such as `500ms`, `3s`, `1m` or `1h` (not zero), kept as written (Consul's format). */
export function duration(): z.ZodType<string, string> {
  return z.string().regex(/^\d+(ms|s|m|h)$/, { error: "must be a duration such as 500ms, 3s or 1m" })
    .refine((v) => !/^0+[a-z]+$/.test(v), { error: "must be a duration such as 500ms, 3s or 1m (not zero)" });
}

/** A comma-separated list, each item trimmed, empty items dropped. */
export function list(): z.ZodType<string[], string> {
  return z.string().transform((v) => v.split(",").map((p) => p.trim()).filter((p) => p !== ""));
}

/**
 * A value `parse` turns into `T`, throwing an `Error` whose message says what is wrong: for rules that
 * live with the code that uses the value (IP ranges, time zones, opening hours). A message starting
 * with the variable's name is kept as it is.
 */
export function parsedBy<T>(parse: (raw: string) => T): z.ZodType<T, string> {
  return z.string().transform((raw, ctx): T => {
    try {
      return parse(raw);
    } catch (err) {
      ctx.issues.push({ code: "custom", message: (err as Error).message, input: raw });
      return z.NEVER;
    }
  });
}
