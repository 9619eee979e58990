/**
 * A view of a `Deno.Kv` that notes every key a handler reads (`get`, `getMany`, `list`) in a
 * {@linkcode TouchedKeys}, and otherwise behaves as the store itself. The batching consumer gives it to
 * handlers as `ctx.kv`, so it knows which deliveries of a batch depend on each other.
 *
 * @module
 */
import type { TouchedKeys } from "./touched_keys.ts";

/** `kv`, with its reads noted in `touched`. */
export function trackedKv(kv: Deno.Kv, touched: TouchedKeys): Deno.Kv {
  const get: Deno.Kv["get"] = (key, options) => {
    touched.read(key);
    return kv.get(key, options);
  };
  const getMany = ((keys: readonly Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
    for (const key of keys) touched.read(key);
    return kv.getMany(keys, options);
  }) as Deno.Kv["getMany"];
  const list: Deno.Kv["list"] = (selector, options) => {
    if ("prefix" in selector) touched.readPrefix(selector.prefix);
    else touched.readEverything();
    return kv.list(selector, options);
  };
  const own: Partial<Record<string | symbol, unknown>> = { get, getMany, list };
  return new Proxy(kv, {
    get(target, prop) {
      if (prop in own) return own[prop];
      const value: unknown = Reflect.get(target, prop, target);
      // Deno.Kv's methods use private state: call them on the store itself
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
