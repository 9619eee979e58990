/**
 * Every environment variable the stock process reads: its schema (see `../common/env/schema.ts`).
 *
 * @module
 */
import {
  CONNECT_PORTS,
  EVERY_PROCESS,
  EVERY_SERVICE,
  GRPC_PORTS,
  KV_PATHS,
  SERVICE_ADDRS,
} from "../common/env/common_vars.ts";
import { METRICS_PORTS } from "../common/env/common_vars.ts";
import { envVar, processEnv } from "../common/env/schema.ts";
import { int } from "../common/env/types.ts";

/** Stock's configuration schema. */
export const STOCK_ENV = processEnv("stock", {
  ...EVERY_PROCESS,
  ...EVERY_SERVICE,
  STOCK_GRPC_PORT: GRPC_PORTS.STOCK_GRPC_PORT,
  STOCK_CONNECT_PORT: CONNECT_PORTS.STOCK_CONNECT_PORT,
  STOCK_KV_PATH: KV_PATHS.STOCK_KV_PATH,
  STOCK_METRICS_PORT: METRICS_PORTS.STOCK_METRICS_PORT,
  STOCK_RESERVATION_TTL_MS: envVar({
    type: int(1000, 86_400_000),
    default: "120000",
    doc: "a reservation unconfirmed this long is looked up in orders: released only when its order is " +
      "cancelled or never existed, kept when orders cannot be asked",
  }),
  STOCK_SWEEP_INTERVAL_MS: envVar({
    type: int(10, 3_600_000),
    default: "10000",
    doc: "how often stock sweeps for such reservations, in ms",
  }),
  ORDERS_ADDR: SERVICE_ADDRS.ORDERS_ADDR,
  ORDERS_TIMEOUT_MS: envVar({
    type: int(1, 600_000),
    default: "3000",
    doc: "deadline of stock's reservation lookups in orders, in ms",
  }),
});
