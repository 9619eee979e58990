/**
 * A service started on its own refuses `AMQP_URL=memory`. The in-memory bus lives inside one process: a
 * service alone on it can talk to no other service, so its events go nowhere and nothing reaches it (a
 * paid order would silently stay `waiting_payment`). Every service's `main.ts` checks this; the one
 * process that runs them all (`deno task start:all`, which `AMQP_URL=memory deno task dev` runs) does not.
 *
 * @module
 */
import { ConfigError, type ServiceName } from "../config.ts";

/** True when `service` would talk to the in-memory bus (its own `<SERVICE>_AMQP_URL` wins over `AMQP_URL`). */
export function onMemoryBus(service: ServiceName, env: Record<string, string | undefined>): boolean {
  return (env[`${service.toUpperCase()}_AMQP_URL`] || env.AMQP_URL) === "memory";
}

/**
 * `loadConfig()` when `service` may run alone in this process. On the in-memory bus it throws a
 * {@linkcode ConfigError} on `AMQP_URL` first (before any other setting is read), saying why that cannot
 * work and what to run instead.
 */
export function refuseMemoryBusAlone<C>(
  service: ServiceName,
  loadConfig: () => C,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): C {
  if (!onMemoryBus(service, env)) return loadConfig();
  throw new ConfigError(
    "AMQP_URL",
    `AMQP_URL=memory is an in-process bus: ${service} started on its own would be alone on it, so its ` +
      "events would reach no other service and none would reach it (a paid order would stay " +
      "waiting_payment). Run every service in one process instead: `AMQP_URL=memory deno task dev` or " +
      "`AMQP_URL=memory deno task start:all`; or start each service with AMQP_URL pointing at RabbitMQ " +
      "(`deno task dev` does that for you)",
  );
}
