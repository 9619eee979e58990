/**
 * Opening a service's Deno KV store: a local file (its folder created) or a remote KV Connect URL.
 *
 * @module
 */

/** Opens the store at `path` (a file path, `:memory:` or an `https://` KV Connect URL). */
export async function openStore(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const slash = path.lastIndexOf("/");
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  }
  return await Deno.openKv(path);
}

/** The KV path of `service`: `<SERVICE>_KV_PATH`, else `<dataDir>/<service>.kv`. */
export function storePath(
  service: string,
  dataDir: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string {
  return env[`${service.toUpperCase()}_KV_PATH`] || `${dataDir}/${service}.kv`;
}
