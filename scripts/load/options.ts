/**
 * The load generator's command-line flags, parsed with `node:util` `parseArgs` and validated with
 * messages that say which flag is wrong and why. A non-loopback target is refused unless
 * `--allow-remote` is given.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { flagsFilePath } from "../../services/common/flags/config.ts";

/**
 * How shoppers follow an order: `stream` reads its live stream (`GET /orders/{id}/events`) as the
 * storefront's order page does; `poll` GETs it from the API every 100 ms.
 */
export type FollowMode = "stream" | "poll";

/** Validated settings of one run. */
export interface LoadOptions {
  /** Base URL of the gateway, without a trailing slash. */
  url: string;
  /** Seconds during which shoppers start new visits. */
  durationS: number;
  /** Simulated shoppers running at once. */
  concurrency: number;
  /** Share of orders cancelled instead of paid. */
  cancelRate: number;
  /** Share of orders whose payment is declined. */
  declineRate: number;
  /** Share of orders whose checkout is left to expire. */
  expireRate: number;
  /** Stop after this many orders were placed (undefined: no bound but the duration). */
  maxOrders: number | undefined;
  /** Seconds to wait for an order to reach its expected state (per order, and for the final check). */
  waitS: number;
  /** Seconds one HTTP request may take. */
  requestTimeoutS: number;
  /** Print the report as JSON on stdout. */
  json: boolean;
  /** Allow a target that is not this machine. */
  allowRemote: boolean;
  /** How shoppers follow an order (default `stream`). */
  follow: FollowMode;
  /** Wait for a line on stdin (or its end) between the last visit and the final check. */
  holdCheck: boolean;
  /** Show usage and exit. */
  help: boolean;
  /** With `--chaos`: the running system's flag file, switched during the run (`scripts/load/chaos.ts`). */
  chaos?: { flagsFile: string };
}

/** A flag that is missing, unknown or out of range; the message says which and why. */
export class OptionsError extends Error {
  /** The error, with a sentence-case `message`. */
  constructor(message: string) {
    super(message);
    this.name = "OptionsError";
  }
}

/** What `--hold-check` prints on stderr when it starts waiting, alone on its line. */
export const HOLD_LINE = "load: visits done; holding the final check";

/** The `--help` text. */
export const USAGE = `Usage: deno task load [options]

Simulated shoppers against a running OMS (browse, check out, pay or cancel, follow the order),
then a report: orders/s, p50/p95/p99 per step, errors by kind, and a final check of every order.

Options:
  --url URL              gateway to load (default http://127.0.0.1:8080; loopback only unless --allow-remote)
  --duration SECONDS     how long shoppers keep starting visits (default 30, at most 3600)
  --concurrency N        shoppers at once (default 8, at most 256)
  --cancel-rate R        share of orders cancelled instead of paid (default 0.1)
  --decline-rate R       share of orders whose payment is declined (default 0.05)
  --expire-rate R        share of orders whose checkout is left to expire (default 0)
  --max-orders N         stop after N orders were placed (default: no bound but the duration)
  --wait SECONDS         how long an order may take to reach its expected state (default 15)
  --request-timeout S    time limit of one HTTP request (default 10)
  --allow-remote         allow a target that is not this machine
  --follow MODE          how shoppers follow an order: stream (default; the order's live stream, as the
                         storefront) or poll (GET the order every 100 ms)
  --chaos                switch the failure flags on and off during the run (declines, latency, a slow or
                         unavailable stock, kitchen and relay failures, duplicate deliveries), all off for
                         the last fifth; the final check then accepts a paid order declined on purpose
  --flags-file PATH      the running system's flag file for --chaos (default $OMS_FLAGS_FILE, else
                         $DATA_DIR/flags.json, else ./data/flags.json: what deno task dev uses)
  --json                 print the report as JSON on stdout (progress still goes to stderr)
  --hold-check           after the last visit, print "${HOLD_LINE}" on stderr and wait for a
                         line on stdin (or its end) before the final check (deno task bench reads the
                         system's CPU there, so the check's reads are not counted as the orders' work)
  -h, --help             show this text

Exit code: 0 when every order the run created is in an expected state, 1 when one is lost or stuck,
2 for bad options or an unreachable target.`;

const DEFAULT_URL = "http://127.0.0.1:8080";

/** Parses and validates `args` (e.g. `Deno.args`); throws {@linkcode OptionsError}. */
export function parseOptions(args: string[]): LoadOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: "string" },
        duration: { type: "string" },
        concurrency: { type: "string" },
        "cancel-rate": { type: "string" },
        "decline-rate": { type: "string" },
        "expire-rate": { type: "string" },
        "max-orders": { type: "string" },
        wait: { type: "string" },
        "request-timeout": { type: "string" },
        "allow-remote": { type: "boolean" },
        json: { type: "boolean" },
        follow: { type: "string" },
        chaos: { type: "boolean" },
        "flags-file": { type: "string" },
        "hold-check": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new OptionsError(`${(err as Error).message.replace(/\.$/, "")}; see --help`);
  }
  const allowRemote = values["allow-remote"] ?? false;
  const opts: LoadOptions = {
    url: parseTarget(values.url ?? DEFAULT_URL, allowRemote),
    durationS: number("--duration", values.duration, 30, { min: 0.1, max: 3600 }),
    concurrency: number("--concurrency", values.concurrency, 8, { min: 1, max: 256, integer: true }),
    cancelRate: number("--cancel-rate", values["cancel-rate"], 0.1, { min: 0, max: 1 }),
    declineRate: number("--decline-rate", values["decline-rate"], 0.05, { min: 0, max: 1 }),
    expireRate: number("--expire-rate", values["expire-rate"], 0, { min: 0, max: 1 }),
    maxOrders: values["max-orders"] === undefined
      ? undefined
      : number("--max-orders", values["max-orders"], 0, { min: 1, max: 10_000_000, integer: true }),
    waitS: number("--wait", values.wait, 15, { min: 0.1, max: 600 }),
    requestTimeoutS: number("--request-timeout", values["request-timeout"], 10, { min: 0.1, max: 600 }),
    json: values.json ?? false,
    allowRemote,
    follow: followMode(values.follow),
    holdCheck: values["hold-check"] ?? false,
    help: values.help ?? false,
    ...(values.chaos ? { chaos: { flagsFile: values["flags-file"] ?? flagsFilePath() } } : {}),
  };
  if (values["flags-file"] !== undefined && !values.chaos) {
    throw new OptionsError("--flags-file is only used with --chaos");
  }
  const sum = opts.cancelRate + opts.declineRate + opts.expireRate;
  if (sum > 1 + 1e-9) {
    throw new OptionsError(
      `--cancel-rate, --decline-rate and --expire-rate add up to ${+sum.toFixed(4)}; they are shares of ` +
        "the orders and must add up to at most 1",
    );
  }
  return opts;
}

function followMode(raw: string | undefined): FollowMode {
  if (raw === undefined || raw === "stream") return "stream";
  if (raw === "poll") return "poll";
  throw new OptionsError(`--follow must be poll or stream, got ${JSON.stringify(raw)}`);
}

function number(
  flag: string,
  raw: string | undefined,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  if (raw === undefined) return fallback;
  const pattern = range.integer ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/;
  const n = Number(raw);
  const what = range.integer ? "a whole number" : "a number";
  if (!pattern.test(raw.trim()) || !Number.isFinite(n) || n < range.min || n > range.max) {
    throw new OptionsError(
      `${flag} must be ${what} from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/** True for `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (brackets allowed). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (/^::ffff:127\./.test(h)) return true;
  const m = h.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255) && m[1] === "127";
}

/** Validates the target URL and returns its origin (no trailing slash). */
export function parseTarget(raw: string, allowRemote: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionsError(`--url must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OptionsError(`--url must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new OptionsError(
      `--url must be the gateway's base URL without credentials, query or fragment, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new OptionsError(
      `Refusing to load ${url.origin}: ${url.hostname} is not this machine (loopback). A load test places ` +
        "many real orders and can overload a system; pass --allow-remote if it is yours and you mean it",
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
