/**
 * A view of a `Deno.Kv` that notes every key a handler reads (`get`, `getMany`, `list`) in a
 * {@linkcode TouchedKeys}, and otherwise behaves as the store itself. The batching consumer gives it to
 * handlers as `ctx.kv`, so it knows which deliveries of a batch depend on each other. Given a
 * {@linkcode ReadSnapshot} (the batch's read-ahead, `read_ahead.ts`), a strongly consistent `get` or
 * `getMany` of keys it holds is answered from it.
 *
 * @module
 */
import type { ReadSnapshot } from "./read_ahead.ts";
import type { TouchedKeys } from "./touched_keys.ts";

/** `kv`, with its reads noted in `touched` (and served from `snapshot` where it can). */
export function trackedKv(kv: Deno.Kv, touched: TouchedKeys, snapshot?: ReadSnapshot): Deno.Kv {
  const fromSnapshot = (keys: readonly Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) =>
    snapshot && snapshot.size > 0 && options?.consistency !== "eventual" ? snapshot.serve(keys) : undefined;
  const get = ((key: Deno.KvKey, options?: { consistency?: Deno.KvConsistencyLevel }) => {
    touched.read(key);
    const served = fromSnapshot([key], options);
    return served ? Promise.resolve(served[0]!) : kv.get(key, options);
  }) as Deno.Kv["get"];
  const getMany = ((keys: readonly Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
    for (const key of keys) touched.read(key);
    const served = fromSnapshot(keys, options);
    return served ? Promise.resolve(served) : kv.getMany(keys, options);
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
