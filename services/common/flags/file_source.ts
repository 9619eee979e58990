/**
 * Our flag provider: a flagd flag-definition file (`OMS_FLAGS_FILE`) polled about once a second (a
 * `stat`; the file is read again only when its modification time, size or inode changed). Each usable
 * version is handed to OpenFeature's in-memory provider (`openfeature.ts`), whose client evaluates the
 * flags. A file that cannot be used (not JSON, a malformed flag, a value that does not fit its flag) is
 * logged as an error naming the problem, and the last good values stay; with none yet, every flag is
 * off. No file: every flag off.
 *
 * The SDK is loaded the first time the file turns a flag on (until then `flags` knows nothing is on, so
 * hot paths skip flags); while it loads, evaluations read the validated file values directly, so a flag
 * acts as soon as the file is read.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { FlagSource } from "./flags.ts";
import { type FlagDocument, type FlagValues, parseFlagFile } from "./flag_file.ts";
import { type FlagKey, FLAGS } from "./keys.ts";
import type { DocumentProvider, FeatureClient } from "./openfeature.ts";

/** How often the file is looked at by default (ms). */
export const FLAG_FILE_POLL_MS = 1000;

/** A {@linkcode FlagSource} over a flag file. */
export interface FileFlagSource extends FlagSource {
  /** Looks at the file now (what the timer does every interval). */
  poll(): Promise<void>;
  /** The values in force (the last good file's), or undefined before any usable file. */
  readonly values: FlagValues | undefined;
  /** Resolves true once evaluations go through OpenFeature's SDK (false when it is not loading). */
  sdkReady(): Promise<boolean>;
}

/**
 * Watches the flag file at `path`; `onChange(anyOn)` is called with whether any flag is on whenever the
 * values in force change. The first look happens at the first {@linkcode FileFlagSource.poll} (call it
 * once the source is in use); then every `intervalMs`.
 */
export function fileSource(
  path: string,
  log: Logger,
  onChange: (anyOn: boolean) => void,
  { intervalMs = FLAG_FILE_POLL_MS }: { intervalMs?: number } = {},
): Promise<FileFlagSource> {
  let seen: string | undefined; // the stat signature of what was last read ("absent" when no file)
  let values: FlagValues | undefined;
  let sdk: Promise<{ provider: DocumentProvider; client: FeatureClient } | undefined> | undefined;
  let ready: { provider: DocumentProvider; client: FeatureClient } | undefined;
  let latest: FlagDocument | undefined; // the last usable document
  let polling: Promise<void> | undefined;
  let closed = false;

  const apply = (document: FlagDocument | undefined, next: FlagValues | undefined) => {
    const anyOn = next !== undefined && Object.entries(next).some(([k, v]) => v !== FLAGS[k as FlagKey].off);
    const before = values;
    values = next;
    if (sdk) void sdk.then((s) => s?.provider.put(document ?? { flags: {} }));
    else if (document && anyOn) sdk = loadSdk(document);
    if (JSON.stringify(before) !== JSON.stringify(next)) {
      log.info("failure flags changed", { path, ...(next ? onOnly(next) : { flags: "all off (no file)" }) });
    }
    onChange(anyOn);
  };

  /** OpenFeature's SDK over `document` (loaded once; until it is ready, evaluations read `values`). */
  const loadSdk = async (document: FlagDocument) => {
    try {
      const { DocumentProvider, featureClient } = await import("./openfeature.ts");
      const provider = new DocumentProvider(document);
      const client = await featureClient(provider, true);
      provider.put(latest ?? { flags: {} }); // what the file said while the SDK was loading
      ready = { provider, client };
      return ready;
    } catch (err) {
      log.error("could not load OpenFeature's SDK; failure flags read the file directly", { err });
      return undefined;
    }
  };

  const look = async () => {
    let signature: string;
    try {
      const info = await Deno.stat(path);
      signature = `${info.mtime?.getTime()}:${info.size}:${info.ino}`;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        log.error("cannot read the flag file, keeping the last good values", {
          path,
          err: (err as Error).message,
        });
        return;
      }
      signature = "absent";
    }
    if (signature === seen) return;
    seen = signature;
    if (signature === "absent") {
      latest = undefined;
      return apply(undefined, undefined);
    }
    let parsed;
    try {
      parsed = parseFlagFile(await Deno.readTextFile(path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        seen = undefined; // renamed away between stat and read: look again next time
        return;
      }
      log.error(
        values
          ? "flag file unusable, keeping the last good values"
          : "flag file unusable, every flag stays off",
        { path, err: (err as Error).message },
      );
      return;
    }
    latest = parsed.document;
    apply(parsed.document, parsed.values);
  };

  const source: FileFlagSource = {
    get values() {
      return values;
    },
    async sdkReady() {
      return (await sdk) !== undefined;
    },
    poll() {
      if (closed) return Promise.resolve();
      polling ??= look().catch((err) => log.error("flag file poll failed", { path, err })).finally(() => {
        polling = undefined;
      });
      return polling;
    },
    number: (key, fallback) =>
      ready ? ready.client.number(key, fallback) : Promise.resolve(direct(key, fallback)),
    bool: (key, fallback) =>
      ready ? ready.client.bool(key, fallback) : Promise.resolve(direct(key, fallback)),
    async close() {
      closed = true;
      clearInterval(timer);
      await polling;
      await (await sdk)?.client.close();
      sdk = undefined;
      ready = undefined;
    },
  };
  /** The file's value of `key` (while the SDK loads), when it is of the fallback's type. */
  function direct<T extends number | boolean>(key: FlagKey, fallback: T): T {
    const v = values?.[key];
    return typeof v === typeof fallback ? v as T : fallback;
  }
  const timer = setInterval(() => void source.poll(), intervalMs);
  Deno.unrefTimer(timer);
  return Promise.resolve(source);
}

/** The flags that are on, for a log line. */
function onOnly(values: FlagValues): Record<string, unknown> {
  const on = Object.entries(values).filter(([k, v]) => v !== FLAGS[k as FlagKey].off);
  return on.length === 0 ? { flags: "all off" } : { flags: Object.fromEntries(on) };
}
