/**
 * A census of what a process asks of a Deno KV store: commits, and the keys it writes, checks and reads,
 * counted by the key's first part (`["orders", id]` counts under `orders`). `deno task bench --kv-census`
 * turns it on (`OMS_KV_CENSUS_DIR`) to show each store's work per order: the cost of a commit in Deno
 * KV's SQLite thread grows with the keys it writes more than with anything else (each key on a B-tree
 * page of its own is a page written to the WAL), so the census is where fewer keys would show.
 *
 * Counted names in {@linkcode CensusCounts}:
 *
 * | name | what |
 * | --- | --- |
 * | `commits` / `commits_failed` | atomic commits that succeeded / whose checks failed |
 * | `write:<prefix>` | a set, delete, sum, min or max of a key (in an atomic operation; `kv.set` and `kv.delete` too) |
 * | `check:<prefix>` | a versionstamp check |
 * | `read:<prefix>` | a key read by `get` or `getMany` |
 * | `read_calls` | `get` and `getMany` calls |
 * | `list:<prefix>` | `list` calls (the entries they return are not counted) |
 * | `enqueue` | queue messages |
 *
 * Off unless the variable is set: then {@linkcode censusFromEnv} wraps the store's methods (which
 * costs CPU: a census run's CPU figures compare only with other census runs) and writes the running
 * counts to `<dir>/<store>.json` every {@linkcode CENSUS_WRITE_MS}.
 *
 * @module
 */

/** The variable naming the folder census files go to (unset: no census). */
export const KV_CENSUS_VAR = "OMS_KV_CENSUS_DIR";
/** How often the running counts are written, in ms. */
export const CENSUS_WRITE_MS = 250;

/** Running counts by name (see the module doc). */
export type CensusCounts = Record<string, number>;

function prefixOf(key: Deno.KvKey): string {
  return String(key[0] ?? "");
}

/** Counts everything asked of `kv` from now on (see the module doc) into the returned counts. */
export function countKvWork(kv: Deno.Kv): CensusCounts {
  const counts: CensusCounts = {};
  const add = (name: string, n = 1) => void (counts[name] = (counts[name] ?? 0) + n);
  const atomic = kv.atomic.bind(kv);
  kv.atomic = () => {
    const op = atomic();
    const seen: string[] = [];
    // set, delete, sum, min, max: each writes the key it is given first
    const counted =
      <A extends unknown[]>(write: (key: Deno.KvKey, ...rest: A) => Deno.AtomicOperation) =>
      (key: Deno.KvKey, ...rest: A) => {
        seen.push(`write:${prefixOf(key)}`);
        return write(key, ...rest);
      };
    op.set = counted(op.set.bind(op));
    op.delete = counted(op.delete.bind(op));
    op.sum = counted(op.sum.bind(op));
    op.min = counted(op.min.bind(op));
    op.max = counted(op.max.bind(op));
    const mutate = op.mutate.bind(op);
    op.mutate = (...mutations) => {
      for (const m of mutations) seen.push(`write:${prefixOf(m.key)}`);
      return mutate(...mutations);
    };
    const check = op.check.bind(op);
    op.check = (...checks) => {
      for (const c of checks) seen.push(`check:${prefixOf(c.key)}`);
      return check(...checks);
    };
    const enqueue = op.enqueue.bind(op);
    op.enqueue = (...args) => {
      seen.push("enqueue");
      return enqueue(...args);
    };
    const commit = op.commit.bind(op);
    op.commit = async () => {
      const res = await commit();
      add(res.ok ? "commits" : "commits_failed");
      for (const name of seen) add(name);
      return res;
    };
    return op;
  };
  // kv.set and kv.delete commit on their own, not through kv.atomic()
  const set = kv.set.bind(kv);
  kv.set = (async (key: Deno.KvKey, value: unknown, options?: { expireIn?: number }) => {
    const res = await set(key, value, options);
    add("commits");
    add(`write:${prefixOf(key)}`);
    return res;
  }) as Deno.Kv["set"];
  const del = kv.delete.bind(kv);
  kv.delete = async (key: Deno.KvKey) => {
    await del(key);
    add("commits");
    add(`write:${prefixOf(key)}`);
  };
  const get = kv.get.bind(kv);
  kv.get = ((key: Deno.KvKey, options?: { consistency?: Deno.KvConsistencyLevel }) => {
    add("read_calls");
    add(`read:${prefixOf(key)}`);
    return get(key, options);
  }) as Deno.Kv["get"];
  const getMany = kv.getMany.bind(kv);
  kv.getMany = ((keys: readonly Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
    add("read_calls");
    for (const key of keys) add(`read:${prefixOf(key)}`);
    return getMany(keys, options);
  }) as Deno.Kv["getMany"];
  const list = kv.list.bind(kv);
  kv.list = ((selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
    const key = "prefix" in selector ? selector.prefix : "start" in selector ? selector.start : [];
    add(`list:${prefixOf(key)}`);
    return list(selector, options);
  }) as Deno.Kv["list"];
  return counts;
}

/** The store's name in census files: the file name without its folder and `.kv`. */
export function censusName(path: string): string {
  const file = path.slice(path.lastIndexOf("/") + 1);
  return file.replace(/\.kv$/, "").replace(/[^A-Za-z0-9_.-]/g, "_") || "store";
}

/**
 * When `env` names a census folder ({@linkcode KV_CENSUS_VAR}), counts the work asked of `kv` (the
 * store at `path`) and writes the running counts to `<dir>/<store>.json` until the store closes; else
 * does nothing.
 */
export function censusFromEnv(
  kv: Deno.Kv,
  path: string,
  env: Record<string, string | undefined>,
): void {
  const dir = env[KV_CENSUS_VAR];
  if (!dir) return;
  Deno.mkdirSync(dir, { recursive: true });
  const counts = countKvWork(kv);
  const file = `${dir}/${censusName(path)}.json`;
  // written aside, then renamed over the file: a reader never sees half of it
  const write = () => {
    Deno.writeTextFileSync(`${file}.tmp`, JSON.stringify(counts));
    Deno.renameSync(`${file}.tmp`, file);
  };
  write();
  const timer = setInterval(write, CENSUS_WRITE_MS);
  Deno.unrefTimer(timer);
  const close = kv.close.bind(kv);
  const closeCounted = () => {
    clearInterval(timer);
    write();
    close();
  };
  Object.defineProperty(kv, "close", { configurable: true, value: closeCounted });
  Object.defineProperty(kv, Symbol.dispose, { configurable: true, value: closeCounted });
}

/** Reads every census file in `dir`: counts by store name (an absent folder: none). */
export function readCensus(dir: string): Record<string, CensusCounts> {
  const out: Record<string, CensusCounts> = {};
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return out;
    throw err;
  }
  for (const e of entries) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    out[e.name.slice(0, -".json".length)] = JSON.parse(Deno.readTextFileSync(`${dir}/${e.name}`));
  }
  return out;
}

/** `after` minus `before`, per store and name (names that did not change left out). */
export function censusDelta(
  before: Record<string, CensusCounts>,
  after: Record<string, CensusCounts>,
): Record<string, CensusCounts> {
  const out: Record<string, CensusCounts> = {};
  for (const [store, counts] of Object.entries(after)) {
    const delta: CensusCounts = {};
    for (const [name, n] of Object.entries(counts)) {
      const d = n - (before[store]?.[name] ?? 0);
      if (d !== 0) delta[name] = d;
    }
    out[store] = delta;
  }
  return out;
}
