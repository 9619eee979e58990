/**
 * Every process's configuration schema, in README's order: the source of the configuration table and of
 * the test that the code reads no variable they lack.
 *
 * @module
 */
import type { ProcessEnv, Vars } from "../../services/common/env/schema.ts";
import { KITCHEN_ENV } from "../../services/kitchen/env.ts";
import { ORDERS_ENV } from "../../services/orders/env.ts";
import { PAYMENTS_ENV } from "../../services/payments/env.ts";
import { STOCK_ENV } from "../../services/stock/env.ts";
import { WEB_ENV } from "../../web/env.ts";
import { SCRIPTS_ENV } from "./scripts_env.ts";

/** The schemas of orders, stock, payments, kitchen, web and the dev scripts. */
export const SCHEMAS: readonly ProcessEnv<Vars>[] = [
  ORDERS_ENV,
  STOCK_ENV,
  PAYMENTS_ENV,
  KITCHEN_ENV,
  WEB_ENV,
  SCRIPTS_ENV,
] as unknown as readonly ProcessEnv<Vars>[];

/** Every variable of every schema, by name. */
export function allVariables(schemas: readonly ProcessEnv<Vars>[] = SCHEMAS): Set<string> {
  return new Set(schemas.flatMap((s) => Object.keys(s.vars)));
}
