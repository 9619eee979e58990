/**
 * The single-process fallback of `deno task dev`: every service and the web app in this process on the
 * in-memory bus (set `AMQP_URL=memory` and the ports in the environment before importing). Without an
 * `OMS_SERVICE_TOKEN` in the environment it makes one for this process (everything shares it).
 *
 * @module
 */
import * as stock from "../services/stock/mod.ts";
import * as payments from "../services/payments/mod.ts";
import * as kitchen from "../services/kitchen/mod.ts";
import * as orders from "../services/orders/mod.ts";
import * as web from "../web/mod.ts";
import { generateServiceToken, SERVICE_TOKEN_VAR } from "../services/common/auth/service_token.ts";

/** Starts everything; resolves to a function that stops everything. */
export async function runAllInOneProcess(): Promise<() => Promise<void>> {
  if (!Deno.env.get(SERVICE_TOKEN_VAR)) Deno.env.set(SERVICE_TOKEN_VAR, generateServiceToken());
  const handles: { stop(): Promise<void> }[] = [];
  handles.push(await stock.start(stock.loadConfig()));
  handles.push(await payments.start(payments.loadConfig()));
  handles.push(await kitchen.start(kitchen.loadConfig()));
  handles.push(await orders.start(orders.loadConfig()));
  handles.push(await web.start(web.loadConfig()));
  return async () => {
    for (const h of handles.reverse()) await h.stop();
  };
}
