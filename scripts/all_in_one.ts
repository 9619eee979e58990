/**
 * Every OMS service and the web gateway in this one process: each `start(config)` in dependency order
 * (stock, payments, kitchen, orders, web), each with its own config, KV file, gRPC port and (on RabbitMQ)
 * its own broker connection; stopped in reverse order, so web drains its requests while the services
 * behind it still answer. Shared by `deno task start:all` (RabbitMQ) and dev's fallback (in-memory bus).
 *
 * The parts call each other in-process (`services/common/connect/in_process.ts`): a call to a Connect
 * server of this process goes to its handler without a socket.
 *
 * @module
 */
import * as stock from "../services/stock/mod.ts";
import * as payments from "../services/payments/mod.ts";
import * as kitchen from "../services/kitchen/mod.ts";
import * as orders from "../services/orders/mod.ts";
import * as web from "../web/mod.ts";
import type { ServiceHandle } from "../services/common/service_main.ts";
import { callInProcess } from "../services/common/connect/in_process.ts";

/** The config of every part, each read and validated by its own `loadConfig`. */
export interface AllConfigs {
  stock: stock.StockConfig;
  payments: payments.PaymentsConfig;
  kitchen: kitchen.KitchenConfig;
  orders: orders.OrdersConfig;
  web: web.WebConfig;
}

/** Reads every part's config from the environment (throws the first `ConfigError`). */
export function loadAllConfigs(): AllConfigs {
  return {
    stock: stock.loadConfig(),
    payments: payments.loadConfig(),
    kitchen: kitchen.loadConfig(),
    orders: orders.loadConfig(),
    web: web.loadConfig(),
  };
}

/**
 * Starts every part; the handle's `port` is web's and `stop()` stops web first, then the services in
 * reverse start order. When a part fails to start, the parts already running are stopped and the error
 * is thrown.
 */
export async function startAll(configs: AllConfigs): Promise<ServiceHandle> {
  const running: ServiceHandle[] = [];
  const stopAll = async () => {
    for (const handle of running.splice(0).reverse()) await handle.stop();
    callInProcess(false);
  };
  callInProcess(true);
  try {
    running.push(await stock.start(configs.stock));
    running.push(await payments.start(configs.payments));
    running.push(await kitchen.start(configs.kitchen));
    running.push(await orders.start(configs.orders));
    const gateway = await web.start(configs.web);
    running.push(gateway);
    return { port: gateway.port, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
