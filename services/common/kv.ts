/**
 * Opening a service's Deno KV store: a local file (its folder created) or a remote KV Connect URL.
 *
 * One process per KV file: SQLite, under Deno KV, answers "database is locked" to a second process
 * writing the same file under load, so a local store is held with an exclusive advisory lock on
 * `<path>.lock` for as long as it is open, and a second process refuses to start with a
 * {@linkcode StoreInUseError} naming the holder. Replicas of a service share a store through a KV
 * Connect URL instead. The lock is the operating system's (`flock`): it goes away with the process,
 * even after `kill -9`, so a stale lock file never blocks a restart.
 *
 * @module
 */
import { ConfigError, envString } from "./config.ts";
import { censusFromEnv } from "./kv_census.ts";

/** Thrown when another process already holds the local store. */
export class StoreInUseError extends Error {
  /** Creates the error for the store at `path`, held by process `pid` (when known). */
  constructor(readonly path: string, readonly pid: number | undefined) {
    super(
      `Another process already uses the store ${path}${pid === undefined ? "" : ` (pid ${pid})`}. ` +
        `Run one process per KV file, or give replicas a KV Connect URL ` +
        `(${kvPathVariable(path)}=https://<kv server>)`,
    );
    this.name = "StoreInUseError";
  }
}

/**
 * Thrown when a store is a KV Connect URL and `DENO_KV_ACCESS_TOKEN` is not set: Deno's KV client
 * needs it for the metadata exchange. The message names the variable, never a token.
 */
export class KvAccessTokenMissingError extends ConfigError {
  /** Creates the error for the remote store at `url`, named by `variable` (e.g. `STOCK_KV_PATH`). */
  constructor(readonly url: string, variable = "<SERVICE>_KV_PATH") {
    super(
      ACCESS_TOKEN_VAR,
      `${variable} is the KV Connect server ${url}, and ${ACCESS_TOKEN_VAR} is not set: give every ` +
        `process of this service the server's access token in ${ACCESS_TOKEN_VAR}`,
    );
    this.name = "KvAccessTokenMissingError";
  }
}

/** The variable Deno's KV client takes a KV Connect server's access token from. */
export const ACCESS_TOKEN_VAR = "DENO_KV_ACCESS_TOKEN";

/** True for an `http(s)://` URL: a KV Connect server. */
export function isRemoteStore(path: string): boolean {
  return /^https?:\/\//.test(path);
}

/** True for a path that names a local file (not `:memory:`, not a KV Connect URL). */
export function isLocalStore(path: string): boolean {
  return path !== ":memory:" && !isRemoteStore(path);
}

/**
 * Opens the store at `path` (a file path, `:memory:` or an `http(s)://` KV Connect URL). A local file
 * is locked first (released by `kv.close()` or the process's end); throws {@linkcode StoreInUseError}
 * when another process holds it. A KV Connect URL is not locked (any number of processes on any hosts
 * share it; every commit is still one atomic operation on the server, checks included); it needs
 * `DENO_KV_ACCESS_TOKEN` (read from `env`, which Deno's client reads too), else
 * {@linkcode KvAccessTokenMissingError}.
 */
export async function openStore(
  path: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<Deno.Kv> {
  const kv = await openUncounted(path, env);
  censusFromEnv(kv, path, env);
  return kv;
}

async function openUncounted(path: string, env: Record<string, string | undefined>): Promise<Deno.Kv> {
  if (isRemoteStore(path)) {
    if (!envString("DENO_KV_ACCESS_TOKEN", "", env)) throw new KvAccessTokenMissingError(path);
    return await Deno.openKv(path);
  }
  if (!isLocalStore(path)) return markSingleWriter(await Deno.openKv(path)); // :memory:
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  const lock = await lockStore(path);
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(path);
  } catch (err) {
    lock.close();
    throw err;
  }
  const close = kv.close.bind(kv);
  let closed = false;
  const closeAndUnlock = () => {
    if (closed) return;
    closed = true;
    try {
      close();
    } finally {
      lock.close();
    }
  };
  Object.defineProperty(kv, "close", { value: closeAndUnlock, configurable: true });
  Object.defineProperty(kv, Symbol.dispose, { value: closeAndUnlock, configurable: true });
  return markSingleWriter(kv);
}

const singleWriter = new WeakSet<Deno.Kv>();

/**
 * Declares that only this process writes `kv`: a local file {@linkcode openStore} locked, or
 * `:memory:`. Readers of its change feed then wait only for this process's own commits
 * (`change_feed/local_writes.ts`).
 */
export function markSingleWriter(kv: Deno.Kv): Deno.Kv {
  singleWriter.add(kv);
  return kv;
}

/** Whether `kv` was declared written by this process alone ({@linkcode markSingleWriter}). */
export function isSingleWriter(kv: Deno.Kv): boolean {
  return singleWriter.has(kv);
}

/** Takes the exclusive lock on `<path>.lock` without waiting, and writes this process's pid into it. */
async function lockStore(path: string): Promise<Deno.FsFile> {
  const file = await Deno.open(`${path}.lock`, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = await file.tryLock(true);
    if (!locked) throw new StoreInUseError(path, await holderPid(file));
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
    return file;
  } catch (err) {
    file.close(); // also releases the lock when it was taken
    throw err;
  }
}

async function holderPid(file: Deno.FsFile): Promise<number | undefined> {
  try {
    await file.seek(0, Deno.SeekMode.Start);
    const buf = new Uint8Array(32);
    const n = await file.read(buf);
    const pid = Number(new TextDecoder().decode(buf.subarray(0, n ?? 0)).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The variable that names this store (`STOCK_KV_PATH` for `.../stock.kv`), else `<SERVICE>_KV_PATH`. */
function kvPathVariable(path: string): string {
  const service = path.slice(path.lastIndexOf("/") + 1).match(/^([a-z]+)\.kv$/)?.[1];
  return service ? `${service.toUpperCase()}_KV_PATH` : "<SERVICE>_KV_PATH";
}

/**
 * The KV path of `service`: `<SERVICE>_KV_PATH`, else `<dataDir>/<service>.kv`. A KV Connect URL
 * without `DENO_KV_ACCESS_TOKEN` set is a {@linkcode KvAccessTokenMissingError} (a `ConfigError`:
 * the process refuses to start and says why).
 */
export function storePath(
  service: string,
  dataDir: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string {
  const path = envString(`${service.toUpperCase()}_KV_PATH`, `${dataDir}/${service}.kv`, env);
  if (isRemoteStore(path) && !envString("DENO_KV_ACCESS_TOKEN", "", env)) {
    throw new KvAccessTokenMissingError(path, `${service.toUpperCase()}_KV_PATH`);
  }
  return path;
}
