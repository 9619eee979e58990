/**
 * Every environment variable the orders process reads: its schema (see `../common/env/schema.ts`).
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

/** Orders' configuration schema. */
export const ORDERS_ENV = processEnv("orders", {
  ...EVERY_PROCESS,
  ...EVERY_SERVICE,
  ORDERS_GRPC_PORT: GRPC_PORTS.ORDERS_GRPC_PORT,
  ORDERS_CONNECT_PORT: CONNECT_PORTS.ORDERS_CONNECT_PORT,
  ORDERS_KV_PATH: KV_PATHS.ORDERS_KV_PATH,
  ORDERS_METRICS_PORT: METRICS_PORTS.ORDERS_METRICS_PORT,
  STOCK_ADDR: SERVICE_ADDRS.STOCK_ADDR,
  PAYMENTS_ADDR: SERVICE_ADDRS.PAYMENTS_ADDR,
  STOCK_TIMEOUT_MS: envVar({
    type: int(1, 600_000),
    default: "5000",
    doc: "deadline of orders' Stock.ReserveItems call, in ms",
  }),
  PAYMENTS_TIMEOUT_MS: envVar({
    type: int(1, 600_000),
    default: "3000",
    doc: "deadline of orders' calls to payments, in ms (a new order is stored after its call: keep it far " +
      "below stock's STOCK_RESERVATION_TTL_MS)",
  }),
});
