/**
 * The broker users of `deno task start:all`. Every service in the one process still connects as its own
 * broker user (README, "Broker users"), through `<SERVICE>_AMQP_URL`:
 *
 * - all four set (`ORDERS_AMQP_URL`, `STOCK_AMQP_URL`, `PAYMENTS_AMQP_URL`, `KITCHEN_AMQP_URL`): used as given;
 * - none set: the users are created or updated as the administrator in `AMQP_URL` (as `deno task dev` does),
 *   their passwords made once and kept in `<DATA_DIR>/broker-secrets.json`;
 * - some set: refused, naming the missing ones (a half-configured deployment is a mistake, not a default);
 * - `AMQP_URL=memory` and none set: no broker at all, every service on the in-process bus (what
 *   `AMQP_URL=memory deno task dev` runs; nothing on that bus outlives the process).
 *
 * @module
 */
import { BROKER_SERVICES, type BrokerService } from "./broker_users.ts";
import { ConfigError } from "../services/common/config.ts";

/** The variable holding `service`'s own AMQP URL. */
export function amqpUrlVariable(service: BrokerService): string {
  return `${service.toUpperCase()}_AMQP_URL`;
}

/**
 * The per-service AMQP URL variables to add to the environment: none when `env` has all four, or none of
 * them and `AMQP_URL=memory`; the URLs of users set up as `AMQP_URL`'s administrator when it has none.
 * Throws a {@linkcode ConfigError} when only some are set, or some with `AMQP_URL=memory`.
 */
export async function brokerUserEnv(
  env: Record<string, string | undefined>,
  say: (msg: string) => void,
): Promise<Record<string, string>> {
  const missing = BROKER_SERVICES.filter((s) => !env[amqpUrlVariable(s)]);
  if (env.AMQP_URL === "memory") {
    if (missing.length < BROKER_SERVICES.length) {
      const set = BROKER_SERVICES.filter((s) => !missing.includes(s)).map(amqpUrlVariable);
      throw new ConfigError(
        set[0]!,
        `AMQP_URL=memory runs every service on the in-process bus, yet ${set.join(", ")} ` +
          `${set.length === 1 ? "names a broker" : "name a broker"}: unset ${
            set.length === 1 ? "it" : "them"
          }, or set AMQP_URL to RabbitMQ`,
      );
    }
    say(
      "every service on the in-process bus (AMQP_URL=memory): not durable, events in flight end with the process",
    );
    return {};
  }
  if (missing.length === 0) return {};
  if (missing.length < BROKER_SERVICES.length) {
    const names = missing.map(amqpUrlVariable);
    throw new ConfigError(
      names[0]!,
      `${names.join(", ")} ${names.length === 1 ? "is" : "are"} not set while the other services' are: ` +
        "set all four (each service connects as its own broker user) or none (start:all then sets the " +
        "users up as the administrator in AMQP_URL)",
    );
  }
  const adminUrl = env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
  // only this path needs the broker admin code: loaded when used
  const { brokerPasswordMakers, devBrokerNames, devBrokerUsers } = await import("./dev_broker.ts");
  const { devSecrets } = await import("./dev_secrets.ts");
  const secrets = await devSecrets(
    `${env.DATA_DIR || "./data"}/broker-secrets.json`,
    brokerPasswordMakers(),
  );
  const urls = await devBrokerUsers(adminUrl, devBrokerNames(env), secrets, say);
  return Object.fromEntries(BROKER_SERVICES.map((s) => [amqpUrlVariable(s), urls[s]]));
}
