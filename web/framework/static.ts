/**
 * Static files from `web/static/`, served under `/_static/`. Each file is also served under a name with
 * a hash of its content (`styles.css` -> `styles.3f2a9c1b20ae.css`), with
 * `Cache-Control: public, max-age=31536000, immutable`; pages link that name through
 * {@linkcode asset}. The plain name stays available with `Cache-Control: no-cache`.
 *
 * @module
 */

/** One static file. */
export interface StaticFile {
  /** Path under `/_static/`, e.g. `styles.css`. */
  path: string;
  /** Path with the content hash, e.g. `styles.3f2a9c1b20ae.css`. */
  hashedPath: string;
  /** Content. */
  bytes: Uint8Array;
  /** Content type. */
  type: string;
  /** Strong ETag. */
  etag: string;
}

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  json: "application/json",
  woff2: "font/woff2",
};

/** Content type for a file name. */
export function contentType(name: string): string {
  return TYPES[name.slice(name.lastIndexOf(".") + 1).toLowerCase()] ?? "application/octet-stream";
}

/** `styles.css` + hash -> `styles.<hash>.css`. */
export function hashedName(path: string, hash: string): string {
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  return dot > slash ? `${path.slice(0, dot)}.${hash}${path.slice(dot)}` : `${path}.${hash}`;
}

/** Reads every file under `dir` (recursively). */
export async function loadStatic(dir: URL, prefix = ""): Promise<StaticFile[]> {
  const out: StaticFile[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  for (const e of entries) {
    if (e.isDirectory) out.push(...await loadStatic(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    if (!e.isFile || e.name.startsWith(".")) continue;
    const bytes = await Deno.readFile(new URL(e.name, dir));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hash = [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const path = `${prefix}${e.name}`;
    out.push({
      path,
      hashedPath: hashedName(path, hash),
      bytes,
      type: contentType(e.name),
      etag: `"${hash}"`,
    });
  }
  return out;
}

const assets = new Map<string, string>();

/** Makes {@linkcode asset} answer with the hashed names of `files`. */
export function setAssets(files: StaticFile[]): void {
  for (const f of files) assets.set(`/_static/${f.path}`, `/_static/${f.hashedPath}`);
}

/**
 * The URL to link a static file with, e.g. `asset("/_static/styles.css")` ->
 * `/_static/styles.3f2a9c1b20ae.css`; unknown paths are returned unchanged.
 */
export function asset(path: string): string {
  return assets.get(path) ?? path;
}
