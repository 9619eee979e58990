/**
 * Client bundles: `deno bundle --platform browser --minify --code-splitting` of `web/client.gen.ts`.
 * esbuild (inside `deno bundle`) names every island chunk and shared chunk by a hash of its content;
 * the entry is renamed here to `client-<hash>.js`, so every file name changes when its content does and
 * can be served with `Cache-Control: immutable`.
 *
 * Builds are cached in `<cacheDir>/<key>/`, where the key hashes the Deno version and every source file
 * under `web/` plus the root `deno.json` and `deno.lock`: the first start after a change builds (well
 * under a second), later starts and tests reuse the build. The cache dir is `WEB_BUILD_DIR`, else
 * `data/web-build/` in the repository, else a temp dir when that is not writable.
 *
 * @module
 */

/** A built client: its files in memory. */
export interface ClientBundle {
  /** File name of the entry script (`client-<hash>.js`). */
  entry: string;
  /** Every file of the build by name (the entry, island chunks, shared chunks). */
  files: Map<string, Uint8Array>;
  /** The folder holding the build. */
  dir: string;
}

/** Options of {@linkcode buildClient}. */
export interface BuildOptions {
  /** Repository root (holds `deno.json`). */
  root: URL;
  /** The entry module (`web/client.gen.ts`). */
  entry: URL;
  /** Folders whose sources make up the cache key. */
  sources: URL[];
  /** Where builds are cached. */
  cacheDir?: string;
}

const SOURCE = /\.(ts|tsx|js|jsx|json|css)$/;
const SKIP_DIRS = new Set(["node_modules", "data", ".git", "static"]);

async function hex(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function sourceFiles(dir: URL): Promise<URL[]> {
  const out: URL[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory && !SKIP_DIRS.has(e.name)) out.push(...await sourceFiles(new URL(`${e.name}/`, dir)));
    else if (e.isFile && SOURCE.test(e.name) && !/_test\.(ts|tsx)$/.test(e.name)) {
      out.push(new URL(e.name, dir));
    }
  }
  return out;
}

/** The cache key of a build: a hash of the Deno version and the sources' paths and contents. */
export async function buildKey(opts: BuildOptions): Promise<string> {
  const files = (await Promise.all(opts.sources.map(sourceFiles))).flat();
  files.push(new URL("deno.json", opts.root), new URL("deno.lock", opts.root));
  const parts: string[] = [`deno ${Deno.version.deno}`];
  for (const f of files.map((u) => u.href).sort()) {
    const bytes = await Deno.readFile(new URL(f)).catch(() => new Uint8Array());
    parts.push(`${f.slice(opts.root.href.length)} ${await hex(bytes)}`);
  }
  return (await hex(new TextEncoder().encode(parts.join("\n")))).slice(0, 20);
}

async function writableDir(preferred: string): Promise<string> {
  try {
    await Deno.mkdir(preferred, { recursive: true });
    const probe = `${preferred}/.probe-${crypto.randomUUID()}`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return preferred;
  } catch {
    return await Deno.makeTempDir({ prefix: "oms-web-build-" });
  }
}

async function readBuild(dir: string): Promise<ClientBundle | null> {
  try {
    const { entry } = JSON.parse(await Deno.readTextFile(`${dir}/build.json`)) as { entry: string };
    const files = new Map<string, Uint8Array>();
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".js")) files.set(e.name, await Deno.readFile(`${dir}/${e.name}`));
    }
    return files.has(entry) ? { entry, files, dir } : null;
  } catch {
    return null;
  }
}

async function runBundler(opts: BuildOptions, outDir: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--minify",
      "--code-splitting",
      "--format",
      "esm",
      "--outdir",
      outDir,
      opts.entry.pathname,
    ],
    cwd: opts.root.pathname,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim() || new TextDecoder().decode(out.stdout).trim();
    throw new Error(`deno bundle of ${opts.entry.pathname} failed (exit ${out.code}): ${why}`);
  }
}

const inFlight = new Map<string, Promise<ClientBundle>>();

/** Builds the client (or reuses the cached build of the same sources). */
export function buildClient(opts: BuildOptions): Promise<ClientBundle> {
  const run = async () => {
    const key = await buildKey(opts);
    const cacheDir = await writableDir(
      opts.cacheDir ?? Deno.env.get("WEB_BUILD_DIR") ?? new URL("data/web-build", opts.root).pathname,
    );
    const dir = `${cacheDir}/${key}`;
    const cached = await readBuild(dir);
    if (cached) return cached;

    const tmp = await Deno.makeTempDir({ dir: cacheDir, prefix: `.${key}-` });
    try {
      await runBundler(opts, tmp);
      const base = opts.entry.pathname.split("/").pop()!.replace(/\.(tsx|ts|jsx|js)$/, ".js");
      const bytes = await Deno.readFile(`${tmp}/${base}`);
      const entry = `client-${(await hex(bytes)).slice(0, 12)}.js`;
      await Deno.rename(`${tmp}/${base}`, `${tmp}/${entry}`);
      await Deno.writeTextFile(
        `${tmp}/build.json`,
        JSON.stringify({ entry, builtAt: new Date().toISOString() }),
      );
      try {
        await Deno.rename(tmp, dir);
      } catch {
        // Another process finished the same build first; use theirs.
        await Deno.remove(tmp, { recursive: true }).catch(() => {});
      }
    } catch (err) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw err;
    }
    const built = await readBuild(dir);
    if (!built) throw new Error(`Client build in ${dir} is incomplete`);
    return built;
  };
  const id = `${opts.entry.href}|${opts.cacheDir ?? ""}`;
  let p = inFlight.get(id);
  if (!p) {
    p = run().finally(() => inFlight.delete(id));
    inFlight.set(id, p);
  }
  return p;
}
