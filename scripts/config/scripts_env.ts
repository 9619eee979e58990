/**
 * The environment variables the dev, launcher and bench scripts read (`deno task dev`, `start:all`,
 * `bench`, `test`), as a schema for README's table and the completeness test. `scripts/dev.ts` does not
 * import it (dev loads no npm package, see `tests/lazy_loading_test.ts`): dev checks its own few values,
 * and each process it starts checks the whole environment with its own schema.
 *
 * @module
 */
import { EVERY_PROCESS, EVERY_SERVICE, GRPC_PORTS, SHARED } from "../../services/common/env/common_vars.ts";
import { envVar, processEnv } from "../../services/common/env/schema.ts";
import { httpUrl, matching, port } from "../../services/common/env/types.ts";
import { KITCHEN_ENV } from "../../services/kitchen/env.ts";
import { WEB_ENV } from "../../web/env.ts";

const { AMQP_URL, GRPC_HOST, OMS_BROKER_USER_PREFIX, OMS_EXCHANGE, OMS_QUEUE_PREFIX } = EVERY_SERVICE;
const { WEB_HOST, WEB_PORT, ADMIN_USER, ADMIN_PASSWORD, WEB_COOKIE_SECRET, WEB_OPEN_CUSTOMER_API } =
  WEB_ENV.vars;

/** The scripts' schema. */
export const SCRIPTS_ENV = processEnv("scripts", {
  OMS_SERVICE_TOKEN: EVERY_PROCESS.OMS_SERVICE_TOKEN,
  DATA_DIR: EVERY_PROCESS.DATA_DIR,
  OMS_ENV: SHARED.OMS_ENV,
  AMQP_URL,
  ORDERS_AMQP_URL: EVERY_SERVICE.ORDERS_AMQP_URL,
  STOCK_AMQP_URL: EVERY_SERVICE.STOCK_AMQP_URL,
  PAYMENTS_AMQP_URL: EVERY_SERVICE.PAYMENTS_AMQP_URL,
  KITCHEN_AMQP_URL: EVERY_SERVICE.KITCHEN_AMQP_URL,
  OMS_BROKER_USER_PREFIX,
  OMS_EXCHANGE,
  OMS_QUEUE_PREFIX,
  GRPC_HOST,
  ...GRPC_PORTS,
  WEB_HOST,
  WEB_PORT,
  ADMIN_USER,
  ADMIN_PASSWORD,
  WEB_COOKIE_SECRET,
  WEB_OPEN_CUSTOMER_API,
  KITCHEN_AUTO_PREP: KITCHEN_ENV.vars.KITCHEN_AUTO_PREP,
  OMS_METRICS_PORT: envVar({
    type: port(),
    defaultDoc: "unset: no endpoint (dev's `start:all`: 9460)",
    doc: "`start:all`'s single Prometheus `/metrics` port (every part in one process)",
  }),
  OMS_TEST_PORTS: envVar({
    type: matching(/^\d{4,5}-\d{4,5}$/, "from-to"),
    defaultDoc: "unset: the kernel picks (`deno task test` sets it for parts that run side by side)",
    doc: "range the test harness takes its free ports from, so parts running at once never share one",
  }),
  RABBITMQ_MANAGEMENT_URL: envVar({
    type: httpUrl(),
    defaultDoc: "unset: `http://<broker host>:15672` with AMQP_URL's credentials, else `rabbitmqctl`",
    doc: "RabbitMQ management API the scripts create the services' broker users through",
  }),
});
