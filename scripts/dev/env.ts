/**
 * `deno task dev`'s environment: the ports its processes listen on and the variables it gives them. dev
 * only fills in what the user left unset: a variable set to a non-empty value is passed on as it is
 * (`PUBLIC_URL`, the `*_ADDR` addresses, `OMS_ENV`, ...); an empty one counts as unset, as every
 * service's config reads it.
 *
 * @module
 */
import type { Ports } from "../launcher.ts";

/** The variable holding each process's port, and its default. */
export const PORT_VARIABLES: Readonly<Record<keyof Ports, { variable: string; port: number }>> = {
  orders: { variable: "ORDERS_GRPC_PORT", port: 50051 },
  stock: { variable: "STOCK_GRPC_PORT", port: 50052 },
  payments: { variable: "PAYMENTS_GRPC_PORT", port: 50053 },
  kitchen: { variable: "KITCHEN_GRPC_PORT", port: 50054 },
  web: { variable: "WEB_PORT", port: 8080 },
};

/** True when the user set `name` (to a non-empty value). */
export function isSet(env: Record<string, string | undefined>, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== "";
}

/**
 * The ports of dev's processes: each `*_GRPC_PORT` and `WEB_PORT` the user set, else its default. Throws
 * naming the variable when a value is not a port from 1 to 65535.
 */
export function devPorts(env: Record<string, string | undefined>): Ports {
  const entries = Object.entries(PORT_VARIABLES).map(([name, { variable, port }]) => {
    if (!isSet(env, variable)) return [name, port];
    const value = Number(env[variable]);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new Error(`${variable} must be a port from 1 to 65535, got "${env[variable]}"`);
    }
    return [name, value];
  });
  return Object.fromEntries(entries) as Ports;
}

/** `defaults`, with the user's own value wherever the user set the variable. */
export function keepUserSet(
  defaults: Record<string, string>,
  env: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(defaults).map(([name, value]) => [name, isSet(env, name) ? env[name]! : value]),
  );
}
