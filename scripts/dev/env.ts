/**
 * `deno task dev`'s environment: the ports its processes listen on and the variables it gives them. dev
 * only fills in what the user left unset: a variable set to a non-empty value is passed on as it is
 * (`PUBLIC_URL`, the `*_ADDR` addresses, `OMS_ENV`, ...); an empty one counts as unset, as every
 * service's config reads it.
 *
 * @module
 */
import type { ConnectPorts, Ports } from "../launcher.ts";

/** The variable holding each process's port, and its default. */
export const PORT_VARIABLES: Readonly<Record<keyof Ports, { variable: string; port: number }>> = {
  orders: { variable: "ORDERS_GRPC_PORT", port: 50051 },
  stock: { variable: "STOCK_GRPC_PORT", port: 50052 },
  payments: { variable: "PAYMENTS_GRPC_PORT", port: 50053 },
  kitchen: { variable: "KITCHEN_GRPC_PORT", port: 50054 },
  web: { variable: "WEB_PORT", port: 8080 },
};

/** The variable holding each service's Connect port, and its default (the gRPC port + 10). */
export const CONNECT_PORT_VARIABLES: Readonly<
  Record<keyof ConnectPorts, { variable: string; port: number }>
> = {
  orders: { variable: "ORDERS_CONNECT_PORT", port: 50061 },
  stock: { variable: "STOCK_CONNECT_PORT", port: 50062 },
  payments: { variable: "PAYMENTS_CONNECT_PORT", port: 50063 },
  kitchen: { variable: "KITCHEN_CONNECT_PORT", port: 50064 },
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
  return portsOf(PORT_VARIABLES, env) as Ports;
}

/**
 * The services' Connect ports: each `*_CONNECT_PORT` the user set, else its default; the services' peers
 * are then called there (`*_ADDR=http://127.0.0.1:<port>`, unless the user set an address). Throws like
 * {@linkcode devPorts}.
 */
export function devConnectPorts(env: Record<string, string | undefined>): ConnectPorts {
  return portsOf(CONNECT_PORT_VARIABLES, env) as ConnectPorts;
}

function portsOf(
  variables: Readonly<Record<string, { variable: string; port: number }>>,
  env: Record<string, string | undefined>,
): Record<string, number> {
  const entries = Object.entries(variables).map(([name, { variable, port }]) => {
    if (!isSet(env, variable)) return [name, port];
    const value = Number(env[variable]);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new Error(`${variable} must be a port from 1 to 65535, got "${env[variable]}"`);
    }
    return [name, value];
  });
  return Object.fromEntries(entries);
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
