/**
 * Island props on the wire: {@linkcode encodeProps} turns a value into JSON that is safe to place inside
 * `<script type="application/json">`, and {@linkcode decodeProps} (run in the browser) turns it back.
 *
 * The format is plain JSON plus tagged objects `{"$t": tag, "v": value}` for what JSON cannot carry:
 *
 * | value | encoded as |
 * | --- | --- |
 * | `Date` | `{"$t": "Date", "v": "2025-01-02T03:04:05.000Z"}` (`v` is `null` for an invalid date) |
 * | `undefined` | `{"$t": "undefined"}` (kept in objects and arrays, so `"x" in props` survives) |
 * | `NaN`, `Infinity`, `-Infinity` | `{"$t": "Number", "v": "NaN"}` ... |
 * | `bigint` | `{"$t": "BigInt", "v": "123"}` |
 * | `Map`, `Set` | `{"$t": "Map", "v": [[k, v], ...]}`, `{"$t": "Set", "v": [...]}` |
 * | `URL` | `{"$t": "URL", "v": "https://..."}` |
 * | a plain object that has its own `$t` key | `{"$t": "Object", "v": {...}}` (so user data is never read as a tag) |
 *
 * Anything else (functions, symbols, class instances, JSX, cycles) is refused with an error naming the
 * path of the offending prop. Shared (non-cyclic) references are copied, not preserved.
 *
 * The JSON text escapes `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`, so a string such as
 * `"</script><script>alert(1)</script>"` or `"<!--"` cannot end or change the script element.
 *
 * This module has no dependencies: the browser runtime imports it too.
 *
 * @module
 */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Thrown when a prop cannot be sent to the browser. */
export class SerializationError extends Error {
  /** Path of the offending value, e.g. `props.items[0].onClick`. */
  readonly path: string;

  /** Creates the error for the value at `path`. */
  constructor(path: string, message: string) {
    super(`Island prop ${path} ${message}`);
    this.name = "SerializationError";
    this.path = path;
  }
}

const TAG = "$t";

/** Sets an own property, so that a key named `__proto__` stays data. */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function tagged(tag: string, v?: Json): Json {
  return v === undefined ? { [TAG]: tag } : { [TAG]: tag, v };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isVNode(value: Record<string, unknown>): boolean {
  // Preact vnodes are object literals with `constructor: undefined` and a `type`.
  return "constructor" in value && value.constructor === undefined && "type" in value && "props" in value;
}

function encodeValue(value: unknown, path: string, seen: Set<object>): Json {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : tagged("Number", String(value));
    case "bigint":
      return tagged("BigInt", value.toString());
    case "undefined":
      return tagged("undefined");
    case "function":
      throw new SerializationError(path, "is a function; island props must be data");
    case "symbol":
      throw new SerializationError(path, "is a symbol; island props must be data");
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) throw new SerializationError(path, "refers back to itself (a cycle)");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v, i) => encodeValue(v, `${path}[${i}]`, seen));
    if (obj instanceof Date) {
      return tagged("Date", Number.isNaN(obj.getTime()) ? null : obj.toISOString());
    }
    if (obj instanceof URL) return tagged("URL", obj.href);
    if (obj instanceof Map) {
      return tagged(
        "Map",
        [...obj].map(([k, v], i) => [
          encodeValue(k, `${path}.<key ${i}>`, seen),
          encodeValue(v, `${path}.get(${i})`, seen),
        ]),
      );
    }
    if (obj instanceof Set) {
      return tagged("Set", [...obj].map((v, i) => encodeValue(v, `${path}.<item ${i}>`, seen)));
    }
    if (!isPlainObject(obj)) {
      const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
      throw new SerializationError(path, `is a ${name} instance; only plain objects can be sent`);
    }
    if (isVNode(obj)) throw new SerializationError(path, "is JSX; islands cannot take JSX props");
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(obj)) define(out, k, encodeValue(v, `${path}.${k}`, seen));
    return Object.hasOwn(obj, TAG) ? tagged("Object", out) : out;
  } finally {
    seen.delete(obj);
  }
}

/** Turns `value` into the JSON form described above (not yet text); throws {@linkcode SerializationError}. */
export function encode(value: unknown, path = "props"): Json {
  return encodeValue(value, path, new Set());
}

const UNSAFE = /[<>&\u2028\u2029]/g;

function escapeChar(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** JSON text of `value` that can sit inside `<script type="application/json">` unchanged. */
export function encodeProps(value: unknown, path = "props"): string {
  return JSON.stringify(encode(value, path)).replace(UNSAFE, escapeChar);
}

function decodeValue(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(decodeValue);
  if (json === null || typeof json !== "object") return json;
  const obj = json as Record<string, unknown>;
  if (Object.hasOwn(obj, TAG)) {
    const v = obj.v;
    switch (obj[TAG]) {
      case "undefined":
        return undefined;
      case "Date":
        return new Date(typeof v === "string" ? v : NaN);
      case "Number":
        return Number(v);
      case "BigInt":
        return BigInt(String(v));
      case "URL":
        return new URL(String(v));
      case "Map":
        return new Map((v as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
      case "Set":
        return new Set((v as unknown[]).map(decodeValue));
      case "Object":
        return decodePlain(v as Record<string, unknown>);
      default:
        throw new Error(`Unknown island prop tag ${JSON.stringify(obj[TAG])}`);
    }
  }
  return decodePlain(obj);
}

function decodePlain(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) define(out, k, decodeValue(v));
  return out;
}

/** Parses JSON text made by {@linkcode encodeProps} back into the original value. */
export function decodeProps(text: string): unknown {
  return decodeValue(JSON.parse(text));
}
