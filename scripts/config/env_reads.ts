/**
 * Finds the environment variables code reads, by reading its source: `Deno.env.get("X")`, `env.X`,
 * `process.env.X`, `env["X"]`, `envString/envInt/envBool/envDuration("X", ...)`, `isSet(env, "X")`, and
 * the templated forms (`` env[`${service.toUpperCase()}_KV_PATH`] ``, `` envString(`${s}_ADDR`) ``),
 * which are expanded for the four services. Test code is left out (`*_test.ts`, `testing.ts`,
 * `*_testing.ts`, `testing/` folders): the variables only tests read are not configuration.
 *
 * @module
 */

const NAME = "[A-Z][A-Z0-9_]*";
const SERVICES = ["ORDERS", "STOCK", "PAYMENTS", "KITCHEN"];

/** `${x.toUpperCase()}_KV_PATH`-style names: one per service. */
function expand(template: string): string[] {
  if (!template.includes("${")) return [template];
  const names = SERVICES.map((s) => template.replace(/\$\{[^}]+\}/, s));
  return names.every((n) => new RegExp(`^${NAME}$`).test(n)) ? names : [];
}

const PATTERNS: RegExp[] = [
  new RegExp(`\\benv(?:String|Int|Bool|Duration)\\(\\s*"(${NAME})"`, "g"),
  /\benv(?:String|Int|Bool|Duration)\(\s*`([^`]+)`/g,
  new RegExp(`Deno\\.env\\.get\\(\\s*"(${NAME})"\\s*\\)`, "g"),
  new RegExp(`\\b(?:process\\.)?env\\.(${NAME})\\b`, "g"),
  new RegExp(`\\benv\\[\\s*"(${NAME})"\\s*\\]`, "g"),
  /\benv\[\s*`([^`]+)`\s*\]/g,
  new RegExp(`\\bisSet\\(\\s*env\\s*,\\s*"(${NAME})"\\s*\\)`, "g"),
];

/** `source` without its block comments and whole-line `//` comments (examples there are no reads). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Every environment variable `source` reads, by name. */
export function envReads(source: string): Set<string> {
  const code = withoutComments(source);
  const found = new Set<string>();
  for (const re of PATTERNS) {
    for (const m of code.matchAll(re)) for (const name of expand(m[1]!)) found.add(name);
  }
  return found;
}

/** True for test code: its reads are not configuration. */
export function isTestCode(path: string): boolean {
  return /_test\.tsx?$/.test(path) || /(^|\/)testing\.tsx?$/.test(path) || /_testing\.tsx?$/.test(path) ||
    /(^|\/)testing\//.test(path);
}

/** The source files under `dirs` (relative to `root`) whose reads count: no tests, no generated code. */
export async function sourceFiles(root: string, dirs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (entry.name !== "gen" && entry.name !== "node_modules") await walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !isTestCode(path)) files.push(path);
    }
  };
  for (const dir of dirs) await walk(dir);
  return files.sort();
}

/** Each variable the code under `dirs` reads, with the files reading it. */
export async function codeReads(root: string, dirs: readonly string[]): Promise<Map<string, string[]>> {
  const reads = new Map<string, string[]>();
  for (const file of await sourceFiles(root, dirs)) {
    for (const name of envReads(await Deno.readTextFile(`${root}/${file}`))) {
      reads.set(name, [...(reads.get(name) ?? []), file]);
    }
  }
  return reads;
}
