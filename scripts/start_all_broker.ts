/**
 * The broker users of `deno task start:all`. Every service in the one process still connects as its own
 * broker user (README, "Broker users"), through `<SERVICE>_AMQP_URL`:
 *
 * - all four set (`ORDERS_AMQP_URL`, `STOCK_AMQP_URL`, `PAYMENTS_AMQP_URL`, `KITCHEN_AMQP_URL`): used as given;
 * - none set: the users are created or updated as the administrator in `AMQP_URL` (as `deno task dev` does),
 *   their passwords made once and kept in `<DATA_DIR>/broker-secrets.json`;
 * - some set: refused, naming the missing ones (a half-configured deployment is a mistake, not a default).
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
 * The per-service AMQP URL variables to add to the environment: none when `env` has all four; the URLs of
 * users set up as `AMQP_URL`'s administrator when it has none. Throws a {@linkcode ConfigError} when only
 * some are set, or when `AMQP_URL` is `memory` (start:all runs on RabbitMQ).
 */
export async function brokerUserEnv(
  env: Record<string, string | undefined>,
  say: (msg: string) => void,
): Promise<Record<string, string>> {
  const missing = BROKER_SERVICES.filter((s) => !env[amqpUrlVariable(s)]);
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
  if (adminUrl === "memory") {
    throw new ConfigError(
      "AMQP_URL",
      'start:all runs on RabbitMQ; AMQP_URL="memory" is for `deno task dev` without a broker',
    );
  }
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
