/**
 * The process entry shared by every service: load config (a clear message and exit 2 when invalid),
 * start, and stop cleanly on SIGINT/SIGTERM.
 *
 * @module
 */
import { ConfigError } from "./config.ts";
import type { Logger } from "./log.ts";

/** What `start(config)` returns in every service. */
export interface ServiceHandle {
  /** The bound port. */
  port: number;
  /** Stops taking work, drains, closes the store. */
  stop(): Promise<void>;
}

/** Runs a service until a signal arrives. */
export async function runService<C>(
  name: string,
  log: Logger,
  loadConfig: () => C,
  start: (config: C) => Promise<ServiceHandle>,
): Promise<void> {
  let config: C;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${name}: invalid configuration: ${err.message}`);
      Deno.exit(2);
    }
    throw err;
  }
  let handle: ServiceHandle | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${name} stopping`, { signal });
    const timer = setTimeout(() => {
      log.error(`${name} did not stop in 10 s, exiting`);
      Deno.exit(1);
    }, 10_000);
    // a signal during start-up waits for start to finish, then stops what started
    while (!handle) await new Promise((r) => setTimeout(r, 20));
    await handle.stop();
    clearTimeout(timer);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
  try {
    handle = await start(config);
  } catch (err) {
    log.error(`${name} failed to start`, { err });
    Deno.exit(1);
  }
  log.info(`${name} listening`, { port: handle.port });
}
