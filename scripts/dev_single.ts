/**
 * The single-process fallback of `deno task dev`: every service and the web app in this process on the
 * in-memory bus (set `AMQP_URL=memory` and the ports in the environment before importing). Without an
 * `OMS_SERVICE_TOKEN` in the environment it makes one for this process (everything shares it).
 *
 * @module
 */
import { loadAllConfigs, startAll } from "./all_in_one.ts";
import { generateServiceToken, SERVICE_TOKEN_VAR } from "../services/common/auth/service_token.ts";

/** Starts everything; resolves to a function that stops everything. */
export async function runAllInOneProcess(): Promise<() => Promise<void>> {
  if (!Deno.env.get(SERVICE_TOKEN_VAR)) Deno.env.set(SERVICE_TOKEN_VAR, generateServiceToken());
  const handle = await startAll(loadAllConfigs());
  return () => handle.stop();
}
