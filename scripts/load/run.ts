/**
 * One load run: a preflight look at the target, `concurrency` shoppers until the time or order
 * bound is reached, the final check of every order, and the report.
 *
 * @module
 */
import { ApiClient, asProducts, failureMessage } from "./client.ts";
import { finalCheck } from "./check.ts";
import { OrderLedger } from "./ledger.ts";
import type { LoadOptions } from "./options.ts";
import { Progress, type ProgressSink } from "./progress.ts";
import { buildReport, type Report } from "./report.ts";
import { CustomerTokens } from "./customers.ts";
import { Shopper, type ShopperContext } from "./shopper.ts";
import { RunStats } from "./stats.ts";
import { tryProcUsage } from "../bench/procfs.ts";
import { ChaosDriver } from "./chaos.ts";

/** Settings of a run that are not flags (for tests and the entry point). */
export interface RunDeps {
  /** Where progress goes (none when absent). */
  progress?: ProgressSink;
  /** Aborting it stops shoppers from starting new visits (Ctrl-C). */
  signal?: AbortSignal;
  /** Uniform in [0, 1) (default Math.random). */
  random?: () => number;
  /** Share of visits that also load the storefront page (default 0.25). */
  storefrontRate?: number;
  /** Awaited between the last visit and the final check (`--hold-check`). */
  beforeCheck?: () => Promise<void>;
}

/**
 * Checks that the target answers the catalog; a message saying what is wrong, or undefined when it
 * does.
 */
export async function preflight(
  opts: Pick<LoadOptions, "url" | "requestTimeoutS">,
): Promise<string | undefined> {
  const client = new ApiClient(opts.url, opts.requestTimeoutS * 1000);
  const res = await client.request("GET", "/api/products");
  if (res.failure) {
    const why = failureMessage(res.failure);
    return res.failure.type === "http"
      ? `The OMS gateway at ${opts.url} answered GET /api/products with ${res.status} (${why}); is every service up?`
      : `Cannot reach the OMS gateway at ${opts.url} (${why}). Is it running? Start it with \`deno task dev\`.`;
  }
  if (!asProducts(res.body)) {
    return `${opts.url} does not look like the OMS gateway: GET /api/products did not answer {products: [...]}`;
  }
  return undefined;
}

/** Runs the load and the final check; resolves with the report (exit code inside). */
export async function runLoad(opts: LoadOptions, deps: RunDeps = {}): Promise<Report> {
  const client = new ApiClient(opts.url, opts.requestTimeoutS * 1000);
  const stats = new RunStats();
  const ledger = new OrderLedger();
  const customers = new CustomerTokens();
  const random = deps.random ?? Math.random;
  const startedAt = new Date();
  const started = performance.now();
  const deadline = started + opts.durationS * 1000;
  let claimed = 0;
  const bounded = () => opts.maxOrders !== undefined && claimed >= opts.maxOrders;

  const ctx: ShopperContext = {
    client,
    stats,
    ledger,
    customers,
    rates: { cancel: opts.cancelRate, decline: opts.declineRate, expire: opts.expireRate },
    storefrontRate: deps.storefrontRate ?? 0.25,
    waitMs: opts.waitS * 1000,
    follow: opts.follow,
    pollMs: 100,
    soldOutPauseMs: 250,
    shouldContinue: () => !deps.signal?.aborted && performance.now() < deadline && !bounded(),
    claimOrder: () => {
      if (bounded()) return false;
      claimed++;
      return true;
    },
    releaseOrder: () => {
      claimed--;
    },
    random,
    elapsedMs: () => performance.now() - started,
    chaos: opts.chaos !== undefined,
  };

  const progress = deps.progress
    ? new Progress(deps.progress, () => ({
      elapsedMs: performance.now() - started,
      orders: stats.ordersPlaced,
      errors: stats.errorCount,
      outOfStock: stats.outOfStock,
    }))
    : undefined;
  progress?.start();
  const chaos = opts.chaos ? new ChaosDriver(opts.chaos.flagsFile) : undefined;
  const shoppers = Array.from({ length: opts.concurrency }, (_, i) => new Shopper(ctx, i + 1));
  try {
    await chaos?.start(opts.durationS * 1000);
    await Promise.all(shoppers.map((s) => s.run()));
  } finally {
    progress?.stop();
    await chaos?.stop(); // every flag off before the final check
  }
  const elapsedMs = performance.now() - started;
  await deps.beforeCheck?.();

  deps.progress?.write(`load: final check of ${ledger.size} orders ...\n`);
  const check = await finalCheck(client, ledger, {
    customers: customers.ids(),
    proof: (customerId) => customers.proof(customerId),
    settleMs: opts.waitS * 1000,
    pollMs: 200,
    concurrency: opts.concurrency,
  });
  return buildReport(stats, check, {
    target: opts.url,
    startedAt,
    // Orders can only be placed by visits started before the deadline: the window is at most --duration.
    durationMs: Math.min(elapsedMs, opts.durationS * 1000),
    concurrency: opts.concurrency,
    follow: opts.follow,
    usage: tryProcUsage("self"),
    ...(chaos ? { chaos: { flagsFile: chaos.path, scenes: chaos.applied, failures: chaos.failures } } : {}),
  });
}
