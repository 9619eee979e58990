/**
 * Every environment variable the web process reads: its schema (see
 * `../services/common/env/schema.ts`), with the rules across variables (the first owner's password and
 * `OMS_ENV`, the kitchen timer's warn and late minutes).
 *
 * @module
 */
import { ConfigError } from "../services/common/config.ts";
import {
  EVERY_PROCESS,
  METRICS_ADDRS,
  METRICS_PORTS,
  SERVICE_ADDRS,
  SHARED,
} from "../services/common/env/common_vars.ts";
import { envVar, processEnv } from "../services/common/env/schema.ts";
import { bool, httpUrl, int, matching, parsedBy, port, text } from "../services/common/env/types.ts";
import { adminPassword } from "./admin_password.ts";
import { ipMatcher } from "./ip_matcher.ts";
import { DEFAULT_SHOP, parseHours } from "./shop.ts";

/** Why `check(env)` throws, as a problem, or undefined. */
function problemOf(check: () => unknown): { variable: string; message: string } | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return { variable: err.variable, message: err.message };
    throw err;
  }
}

/** Web's configuration schema. */
export const WEB_ENV = processEnv("web", {
  ...EVERY_PROCESS,
  WEB_HOST: envVar({
    type: matching(/^[A-Za-z0-9._:-]+$/, "a host name or IP address"),
    default: "127.0.0.1",
    doc: "interface web listens on (`0.0.0.0` in containers)",
  }),
  WEB_PORT: envVar({ type: port(), default: "8080", doc: "web's HTTP port (0 picks a free one)" }),
  ...SERVICE_ADDRS,
  ...METRICS_PORTS,
  ...METRICS_ADDRS,
  OMS_ENV: SHARED.OMS_ENV,
  PUBLIC_URL: SHARED.PUBLIC_URL,
  MAX_BODY_BYTES: envVar({
    type: int(64, 16 * 1024 * 1024),
    default: "16384",
    doc: "largest JSON request body, in bytes",
  }),
  WEBHOOK_MAX_BODY_BYTES: envVar({
    type: int(1024, 16 * 1024 * 1024),
    default: "262144",
    doc: "largest payment provider webhook body, in bytes",
  }),
  RPC_TIMEOUT_MS: envVar({
    type: int(100, 120_000),
    default: "5000",
    doc: "deadline of each gRPC call web makes, in ms",
  }),
  ADMIN_USER: envVar({
    type: matching(
      /^\s*[A-Za-z0-9][A-Za-z0-9._-]{0,31}\s*$/,
      '1 to 32 letters, digits, ".", "_" or "-" starting with a letter or digit',
    ),
    default: "admin",
    doc: "name of the first owner account, made at start when no owner exists",
  }),
  ADMIN_PASSWORD: envVar({
    type: text(),
    secret: true,
    defaultDoc:
      "unset: no owner made, admin off while none exists (`deno task dev` generates and prints one)",
    doc: "the first owner's password, used only to make that account; outside development 12+ characters " +
      "and no placeholder, or web refuses to start",
  }),
  WEB_TRUSTED_PROXIES: envVar({
    type: parsedBy((raw) => {
      const rules = raw.split(",").map((r) => r.trim()).filter(Boolean);
      try {
        ipMatcher(rules);
      } catch (err) {
        throw new Error(
          `must list IP addresses or CIDR ranges separated by commas: ${(err as Error).message}`,
        );
      }
      return rules;
    }),
    defaultDoc: "none",
    doc: "comma-separated IPs/CIDRs of reverse proxies whose `X-Forwarded-For`/`-Proto` are believed",
  }),
  WEB_BODY_TIMEOUT_MS: envVar({
    type: int(100, 600_000),
    default: "10000",
    doc: "a request body not received in full by then gets 408 and its connection is closed (ms)",
  }),
  WEB_SLOW_REQUEST_MS: envVar({
    type: int(0, 600_000),
    default: "500",
    doc: "slower requests (and 5xx answers) are logged at warn, the others only at `LOG_LEVEL=debug` (ms)",
  }),
  WEB_MEDIA_DIR: envVar({
    type: text(),
    defaultDoc: "`<DATA_DIR>/media`",
    doc: "folder of menu photos and their resized copies (share it between web replicas)",
  }),
  WEB_COOKIE_SECRET: envVar({
    type: text().refine((v) => v.length >= 32, { error: "must be at least 32 characters" }),
    secret: true,
    defaultDoc: "random per start (`deno task dev` keeps one in `data/`)",
    doc: "key of the signed customer cookie and tokens",
  }),
  WEB_OPEN_CUSTOMER_API: envVar({
    type: bool(),
    default: "false",
    defaultDoc: "`false` (`deno task dev`: `true` unless set)",
    doc: "customer API without proof of the customer id (development only)",
  }),
  WEB_BUILD_DIR: envVar({
    type: text(),
    defaultDoc: "`data/web-build/` in the repository, else a temp dir",
    doc: "cache of the built browser client",
  }),
  JAEGER_UI_URL: envVar({
    type: httpUrl(),
    defaultDoc: "unset: trace ids shown without links",
    doc: "Jaeger UI the admin order timeline links traces to",
  }),
  SHOP_NAME: envVar({ type: text(), default: DEFAULT_SHOP.name, doc: "shop name in the header and titles" }),
  SHOP_ADDRESS: envVar({ type: text(), default: DEFAULT_SHOP.address, doc: "shop address in the footer" }),
  SHOP_PHONE: envVar({ type: text(), defaultDoc: "unset", doc: "shop phone number in the footer" }),
  SHOP_HOURS: envVar({
    type: parsedBy((raw) => parseHours(raw.trim())),
    default: "Mo-Su 11:00-23:00",
    doc:
      "opening hours, `;`-separated `<days> <HH:MM>-<HH:MM>` (e.g. `Mo-Fr 11:00-22:00; Sa,Su 12:00-23:00`); " +
      "pickup slots lie inside them",
  }),
  SHOP_TIME_ZONE: envVar({
    type: parsedBy((raw) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: raw });
        return raw;
      } catch {
        throw new Error("must be an IANA time zone like Europe/Berlin");
      }
    }),
    default: DEFAULT_SHOP.timeZone,
    doc: "time zone every time people read is shown in",
  }),
  SHOP_LOCALE: envVar({
    type: parsedBy((raw) => {
      try {
        return new Intl.Locale(raw).toString();
      } catch {
        throw new Error("must be a locale like en-GB");
      }
    }),
    default: DEFAULT_SHOP.locale,
    doc: "locale of the times and prices people read",
  }),
  SHOP_PREP_MINUTES: envVar({
    type: int(0, 24 * 60),
    default: String(DEFAULT_SHOP.prepMinutes),
    doc: "the earliest pickup slot is at least this many minutes away",
  }),
  KITCHEN_WARN_MINUTES: envVar({
    type: int(1, 24 * 60),
    default: String(DEFAULT_SHOP.kitchenWarnMinutes),
    doc: 'minutes after payment at which a kitchen ticket\'s timer turns "warn"',
  }),
  KITCHEN_LATE_MINUTES: envVar({
    type: int(2, 24 * 60),
    default: String(DEFAULT_SHOP.kitchenLateMinutes),
    doc: 'minutes after payment at which it turns "late" (above the warn minutes)',
  }),
}, [
  (_values, env) => problemOf(() => adminPassword(env, [])),
  (values) =>
    values.KITCHEN_WARN_MINUTES !== undefined && values.KITCHEN_LATE_MINUTES !== undefined &&
      values.KITCHEN_LATE_MINUTES <= values.KITCHEN_WARN_MINUTES
      ? {
        variable: "KITCHEN_LATE_MINUTES",
        message: `KITCHEN_LATE_MINUTES: ${values.KITCHEN_LATE_MINUTES} must be above KITCHEN_WARN_MINUTES ` +
          `(${values.KITCHEN_WARN_MINUTES})`,
      }
      : undefined,
]);
