/**
 * Every environment variable the kitchen process reads: its schema (see `../common/env/schema.ts`).
 *
 * @module
 */
import { EVERY_PROCESS, EVERY_SERVICE, GRPC_PORTS, KV_PATHS } from "../common/env/common_vars.ts";
import { CONNECT_PORTS, METRICS_PORTS } from "../common/env/common_vars.ts";
import { envVar, processEnv } from "../common/env/schema.ts";
import { bool, int } from "../common/env/types.ts";

/** Kitchen's configuration schema. */
export const KITCHEN_ENV = processEnv("kitchen", {
  ...EVERY_PROCESS,
  ...EVERY_SERVICE,
  KITCHEN_GRPC_PORT: GRPC_PORTS.KITCHEN_GRPC_PORT,
  KITCHEN_CONNECT_PORT: CONNECT_PORTS.KITCHEN_CONNECT_PORT,
  KITCHEN_KV_PATH: KV_PATHS.KITCHEN_KV_PATH,
  KITCHEN_METRICS_PORT: METRICS_PORTS.KITCHEN_METRICS_PORT,
  KITCHEN_AUTO_PREP: envVar({
    type: bool(),
    default: "false",
    defaultDoc: "`false` (`deno task dev`: `true`)",
    doc: "tickets move queued -> preparing -> ready on a timer, without staff",
  }),
  KITCHEN_PREP_MS: envVar({
    type: int(0, 3_600_000),
    default: "3000",
    doc: "each auto-prep step's time, in ms",
  }),
  KITCHEN_UNDO_SECONDS: envVar({
    type: int(1, 600),
    default: "10",
    doc: "how long staff can undo a start or a bump, in seconds",
  }),
  KITCHEN_RECALL_MINUTES: envVar({
    type: int(1, 24 * 60),
    default: "30",
    doc: "how long a bumped ticket not yet handed over can be recalled, in minutes",
  }),
});
