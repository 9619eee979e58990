/**
 * The commit a bench run measures: `git rev-parse --short HEAD`, with `+dirty` when the work tree has
 * uncommitted changes; `unknown` outside a git work tree.
 *
 * @module
 */

/** The short commit of the work tree at `cwd`, `+dirty` when it has changes. */
export async function currentCommit(cwd = Deno.cwd()): Promise<string> {
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  };
  try {
    const head = await git("rev-parse", "--short", "HEAD");
    if (!head) return "unknown";
    const status = await git("status", "--porcelain", "--untracked-files=no");
    return status ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}
