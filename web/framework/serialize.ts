/**
 * Island props on the wire, with `devalue` (the serializer SvelteKit sends its data with):
 * {@linkcode encodeProps} turns a value into JSON text that is safe to place inside
 * `<script type="application/json">`, and {@linkcode decodeProps} (run in the browser) turns it back.
 *
 * What travels: everything JSON carries plus `undefined` (kept in objects and arrays, so `"x" in
 * props` survives), `NaN`, `Infinity`, `-Infinity`, `-0`, `bigint`, `Date` (invalid ones too), `URL`,
 * `URLSearchParams`, `RegExp`, `Map`, `Set`, objects with a null prototype, and a `__proto__` key as
 * plain data (devalue refuses that key; a reducer here carries such an object as its entries, and it
 * is rebuilt without touching any prototype). The same object twice stays one object.
 *
 * What is refused, with a {@linkcode SerializationError} naming the path of the offending prop:
 * functions, symbols, class instances, JSX and cycles (island props are a tree of data).
 *
 * The JSON text has `<`, `>`, `&`, U+2028 and U+2029 escaped as `\uXXXX` (devalue escapes `<` and the
 * separators; `>` and `&` are escaped here), so a string such as `"</script><script>alert(1)</script>"`
 * or `"<!--"` cannot end or change the script element; the text stays valid JSON.
 *
 * The browser runtime imports this module too (it bundles devalue's parser).
 *
 * @module
 */
import { DevalueError, parse, stringify } from "devalue";

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

/** Sets an own property, so that a key named `__proto__` stays data. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isVNode(value: Record<string, unknown>): boolean {
  // Preact vnodes are object literals with `constructor: undefined` and a `type`.
  return "constructor" in value && value.constructor === undefined && "type" in value && "props" in value;
}

const BUILT_INS = [Date, URL, URLSearchParams, RegExp];

/** Refuses what island props may not hold (see the module doc); devalue encodes the rest. */
function check(value: unknown, path: string, seen: Set<object>): void {
  if (typeof value === "function") {
    throw new SerializationError(path, "is a function; island props must be data");
  }
  if (typeof value === "symbol") throw new SerializationError(path, "is a symbol; island props must be data");
  if (value === null || typeof value !== "object") return;
  if (seen.has(value)) throw new SerializationError(path, "refers back to itself (a cycle)");
  seen.add(value);
  try {
    if (Array.isArray(value)) value.forEach((v, i) => check(v, `${path}[${i}]`, seen));
    else if (BUILT_INS.some((type) => value instanceof type)) return;
    else if (value instanceof Map) {
      [...value].forEach(([k, v], i) => {
        check(k, `${path}.<key ${i}>`, seen);
        check(v, `${path}.get(${i})`, seen);
      });
    } else if (value instanceof Set) [...value].forEach((v, i) => check(v, `${path}.<item ${i}>`, seen));
    else if (!isPlainObject(value)) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
      throw new SerializationError(path, `is a ${name} instance; only plain objects can be sent`);
    } else if (isVNode(value)) throw new SerializationError(path, "is JSX; islands cannot take JSX props");
    else for (const [k, v] of Object.entries(value)) check(v, `${path}.${k}`, seen);
  } finally {
    seen.delete(value);
  }
}

/** The reducer and reviver of plain objects with an own `__proto__` key (which devalue refuses). */
const PROTO_KEYED = "ProtoKeyed";

const reducers = {
  [PROTO_KEYED]: (value: unknown) =>
    value !== null && typeof value === "object" && !Array.isArray(value) && isPlainObject(value) &&
      Object.hasOwn(value, "__proto__")
      ? Object.entries(value)
      : undefined,
};

const revivers = {
  [PROTO_KEYED]: (entries: [string, unknown][]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) define(out, k, v);
    return out;
  },
};

const UNSAFE = /[<>&\u2028\u2029]/g;

function escapeChar(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** JSON text of `value` that can sit inside `<script type="application/json">` unchanged. */
export function encodeProps(value: unknown, path = "props"): string {
  check(value, path, new Set());
  let text: string;
  try {
    text = stringify(value, reducers);
  } catch (err) {
    if (err instanceof DevalueError) {
      throw new SerializationError(`${path}${err.path}`, `cannot be sent: ${err.message}`);
    }
    throw err;
  }
  return text.replace(UNSAFE, escapeChar);
}

/** Parses JSON text made by {@linkcode encodeProps} back into the original value. */
export function decodeProps(text: string): unknown {
  return parse(text, revivers);
}
