/**
 * Dev-only secrets kept in `<DATA_DIR>/secrets.json` (never in the repo), so a restart of
 * `deno task dev` keeps them. The file is one flat JSON object, a secret per key named after the
 * variable it fills (e.g. `OMS_SERVICE_TOKEN`); each user of the file adds its own keys and keeps the
 * others'. Written with mode 0600.
 *
 * @module
 */

/** The file's name inside the data folder. */
export const SECRETS_FILE = "secrets.json";

/** Reads the secrets file of `dataDir` ({} when missing). */
export async function readDevSecrets(dataDir: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dataDir}/${SECRETS_FILE}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw err;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${dataDir}/${SECRETS_FILE} must hold a JSON object`);
  }
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/**
 * The secret `name` of `dataDir`'s secrets file; when absent, `make()` makes it and it is added to the
 * file (the other keys kept).
 */
export async function devSecret(dataDir: string, name: string, make: () => string): Promise<string> {
  const secrets = await readDevSecrets(dataDir);
  const existing = secrets[name];
  if (existing) return existing;
  const made = make();
  await Deno.mkdir(dataDir, { recursive: true });
  await Deno.writeTextFile(
    `${dataDir}/${SECRETS_FILE}`,
    JSON.stringify({ ...secrets, [name]: made }, null, 2),
    {
      mode: 0o600,
    },
  );
  return made;
}
