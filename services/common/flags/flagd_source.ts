/**
 * Flags from a flagd server (`FLAGD_HOST`, `FLAGD_PORT`) through OpenFeature's flagd provider (remote
 * evaluation over gRPC). Start-up does not wait for flagd: until it answers, every flag reads off, and
 * the provider reconnects by itself. Imported dynamically, only when `FLAGD_HOST` is set.
 *
 * @module
 */
import { FlagdProvider } from "@openfeature/flagd-provider";
import type { Logger } from "../log.ts";
import type { FlagSource } from "./flags.ts";
import { featureClient } from "./openfeature.ts";

/** A {@linkcode FlagSource} asking the flagd server at `host:port`. */
export async function flagdSource(host: string, port: number, log: Logger): Promise<FlagSource> {
  const provider = new FlagdProvider({ host, port, resolverType: "rpc" }); // its cache follows flagd's change stream
  const client = await featureClient(provider, false);
  log.debug("flagd provider registered", { host, port });
  return client;
}
