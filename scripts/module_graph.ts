/**
 * What a Deno program loads at start-up, read from `deno info --json`: the modules reachable from an
 * entry through static imports only (a dynamic `import()` is where lazy loading happens, so it is not
 * followed), and the npm packages among them. Type-only imports are erased at run time and not followed
 * either. Used by the footprint tests to prove that heavy SDKs load only when their settings are present.
 *
 * @module
 */

/** One dependency of a module in `deno info --json`. */
interface InfoDependency {
  specifier?: string;
  code?: { specifier?: string; error?: string };
  isDynamic?: boolean;
}

/** One module of `deno info --json`. */
interface InfoModule {
  specifier: string;
  kind?: string;
  npmPackage?: string;
  dependencies?: InfoDependency[];
}

/** The part of `deno info --json` read here. */
export interface ModuleInfo {
  roots: string[];
  modules: InfoModule[];
  redirects: Record<string, string>;
}

/** The start-up graph of one entry. */
export interface StartupGraph {
  /** Specifiers of the modules loaded before `main` runs (static imports from the entry). */
  staticModules: Set<string>;
  /** npm package names (no version) among them, e.g. `@grpc/grpc-js`. */
  staticPackages: Set<string>;
  /** npm package names reachable when dynamic imports are followed too. */
  allPackages: Set<string>;
}

/**
 * Runs `deno info --json <entry>` in `cwd` (where Deno finds the workspace's `deno.json`; default the
 * current directory) and parses it.
 */
export async function moduleInfo(entry: string, cwd?: string): Promise<ModuleInfo> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    ...(cwd ? { cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno info --json ${entry} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as ModuleInfo;
}

/** `npm:/@scope/name@1.2.3/sub` or `@scope/name@1.2.3_peer` -> `@scope/name`. */
export function packageName(spec: string): string {
  const bare = spec.replace(/^npm:\/?/, "");
  const at = bare.indexOf("@", 1);
  return at < 0 ? bare.split("/")[0]! : bare.slice(0, at);
}

/**
 * The start-up graph of `info` (see {@linkcode StartupGraph}). Throws on an import Deno could not resolve
 * (e.g. `deno info` ran without the workspace's import map), since the graph would then be incomplete.
 */
export function startupGraph(info: ModuleInfo): StartupGraph {
  const byName = new Map(info.modules.map((m) => [m.specifier, m]));
  const walk = (followDynamic: boolean) => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const stack = [...info.roots];
    while (stack.length > 0) {
      const raw = stack.pop()!;
      const spec = info.redirects[raw] ?? raw;
      if (seen.has(spec)) continue;
      seen.add(spec);
      const mod = byName.get(spec);
      if (!mod) continue;
      if (mod.kind === "npm") {
        packages.add(packageName(mod.npmPackage ?? mod.specifier));
        continue;
      }
      for (const dep of mod.dependencies ?? []) {
        if (dep.code?.error) throw new Error(`${spec}: cannot resolve "${dep.specifier}": ${dep.code.error}`);
        const target = dep.code?.specifier;
        if (target && (followDynamic || !dep.isDynamic)) stack.push(target);
      }
    }
    return { seen, packages };
  };
  const statics = walk(false);
  return { staticModules: statics.seen, staticPackages: statics.packages, allPackages: walk(true).packages };
}

if (import.meta.main) {
  const [entry] = Deno.args;
  if (!entry) {
    console.error("usage: deno run -A scripts/module_graph.ts <entry.ts>");
    Deno.exit(2);
  }
  const graph = startupGraph(await moduleInfo(entry));
  const lazy = [...graph.allPackages].filter((p) => !graph.staticPackages.has(p));
  console.log(`loaded at start: ${[...graph.staticPackages].sort().join(", ")}`);
  console.log(`only on demand:  ${lazy.sort().join(", ") || "(none)"}`);
}
