/**
 * `deno task dev`'s secrets: one small JSON record of named strings in the data folder (never in the
 * repo), each made once and kept, so passwords and keys survive a restart. Callers name what they need
 * and how to make it; keys others added are kept as they are.
 *
 * @module
 */

/** Random bytes as hex (`n` bytes). */
export function randomHex(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

/**
 * The secrets in `path` with every key of `wanted` present: missing ones are made with their function
 * and the file is rewritten (mode 0600).
 */
export async function devSecrets<K extends string>(
  path: string,
  wanted: Record<K, () => string>,
): Promise<Record<K, string> & Record<string, string>> {
  let stored: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(await Deno.readTextFile(path));
    if (parsed && typeof parsed === "object") {
      stored = Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"),
      );
    }
  } catch {
    // none yet (or unreadable): made below
  }
  let changed = false;
  for (const [key, make] of Object.entries(wanted) as [K, () => string][]) {
    if (!stored[key]) {
      stored[key] = make();
      changed = true;
    }
  }
  if (changed) {
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true });
    await Deno.writeTextFile(path, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored as Record<K, string> & Record<string, string>;
}
