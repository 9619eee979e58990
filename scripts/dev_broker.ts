/**
 * `deno task dev`'s broker users: each service gets its own RabbitMQ user (scripts/broker_users.ts),
 * created or updated at every start with the passwords kept in the dev secrets, through the management
 * API or `rabbitmqctl`, as the administrator named by `AMQP_URL` (default the local guest).
 *
 * @module
 */
import { connectBrokerAdmin } from "./broker_admin.ts";
import {
  BROKER_SERVICES,
  type BrokerNames,
  type BrokerService,
  setUpBrokerUsers,
  urlAs,
} from "./broker_users.ts";
import { parseAmqpUrls } from "../services/common/amqp_urls.ts";
import { brokerUser } from "../services/common/bus/owner.ts";
import { randomHex } from "./dev_secrets.ts";

/** The dev-secrets key of `service`'s broker password. */
export function passwordKey(service: BrokerService): string {
  return `${service}AmqpPassword`;
}

/** Makers of every broker password, for {@linkcode import("./dev_secrets.ts").devSecrets}. */
export function brokerPasswordMakers(): Record<string, () => string> {
  return Object.fromEntries(BROKER_SERVICES.map((s) => [passwordKey(s), () => randomHex(24)]));
}

/** The broker names dev uses (`OMS_BROKER_USER_PREFIX`, `OMS_EXCHANGE`, `OMS_QUEUE_PREFIX` or defaults). */
export function devBrokerNames(env: Record<string, string | undefined>): BrokerNames {
  return {
    prefix: env.OMS_BROKER_USER_PREFIX || "oms-",
    exchange: env.OMS_EXCHANGE || "oms.events",
    queuePrefix: env.OMS_QUEUE_PREFIX || "oms",
  };
}

/**
 * Sets up the services' users as the administrator of `adminUrl`; returns each service's AMQP URL, or
 * throws saying what to do when that account cannot manage users.
 */
export async function devBrokerUsers(
  adminUrl: string,
  names: BrokerNames,
  secrets: Record<string, string>,
  say: (msg: string) => void,
  node?: string,
): Promise<Record<BrokerService, string>> {
  try {
    // a cluster's nodes (AMQP_URL may list them): users are cluster-wide, so the first node sets them up,
    // and each service is given every node as itself
    const nodes = parseAmqpUrls(adminUrl);
    const admin = await connectBrokerAdmin(nodes[0]!, node ? { node } : {});
    const passwords = Object.fromEntries(BROKER_SERVICES.map((s) => [s, secrets[passwordKey(s)]!]));
    const { urls } = await setUpBrokerUsers(admin, nodes[0]!, names, passwords);
    if (nodes.length > 1) {
      for (const s of BROKER_SERVICES) {
        urls[s] = nodes.map((n) => urlAs(n, brokerUser(names.prefix, s), passwords[s]!)).join(",");
      }
    }
    say(
      `broker users ${BROKER_SERVICES.map((s) => `${names.prefix}${s}`).join(", ")} set up through ` +
        `${admin.description}; each service publishes only its own events`,
    );
    return urls;
  } catch (err) {
    throw new Error(
      `cannot set up the services' broker users as the AMQP_URL account: ${(err as Error).message}. ` +
        'Each service connects as its own user (README, "Broker users"): set AMQP_URL to an administrator\'s ' +
        "URL, or enable the management plugin, or run as a user that may call rabbitmqctl.",
    );
  }
}
