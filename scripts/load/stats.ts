/**
 * Latency histograms and run counters of the load generator: what each step took, how many orders
 * were placed, which errors happened and which "failures" were expected outcomes (out of stock).
 *
 * @module
 */

/** The measured steps of a shopper's visit. */
export const STEPS = [
  "browse",
  "storefront",
  "checkout",
  "pay",
  "cancel",
  "payToPaid",
  "timeToPaid",
  "timeToCancelled",
] as const;

/** One of {@linkcode STEPS}. */
export type Step = typeof STEPS[number];

/** What one step's latencies look like, in milliseconds (0 everywhere when nothing was recorded). */
export interface LatencySummary {
  /** Samples recorded. */
  count: number;
  /** Fastest. */
  min: number;
  /** Arithmetic mean. */
  mean: number;
  /** Median. */
  p50: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** Slowest. */
  max: number;
}

/**
 * The `p`th percentile (0 < p <= 100) of ascending `sorted` values by the nearest-rank method: the
 * smallest value at or below which at least p% of the values lie. 0 for no values.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`Percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Latencies of one step. Keeps every sample up to `capacity`, then a uniform random sample of that
 * size (reservoir sampling), so memory stays bounded on long runs while count, min, max and mean
 * stay exact.
 */
export class Histogram {
  #samples: number[] = [];
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** A histogram keeping at most `capacity` samples for percentiles. */
  constructor(readonly capacity = 100_000, private readonly random: () => number = Math.random) {
    if (!(capacity >= 1)) throw new RangeError(`Capacity must be at least 1, got ${capacity}`);
  }

  /** Records one duration in milliseconds (negative or non-finite values are rejected). */
  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Latency must be a finite ms >= 0, got ${ms}`);
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
    if (this.#samples.length < this.capacity) {
      this.#samples.push(ms);
    } else {
      const j = Math.floor(this.random() * this.#count);
      if (j < this.capacity) this.#samples[j] = ms;
    }
  }

  /** Samples recorded so far. */
  get count(): number {
    return this.#count;
  }

  /** The `p`th percentile of what was recorded (see {@linkcode percentile}). */
  percentile(p: number): number {
    return percentile(this.#sorted(), p);
  }

  #sorted(): number[] {
    return [...this.#samples].sort((a, b) => a - b);
  }

  /** Count, min, mean, p50/p95/p99 and max, rounded to 0.1 ms. */
  summary(): LatencySummary {
    if (this.#count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const sorted = this.#sorted();
    return {
      count: this.#count,
      min: round1(this.#min),
      mean: round1(this.#sum / this.#count),
      p50: round1(percentile(sorted, 50)),
      p95: round1(percentile(sorted, 95)),
      p99: round1(percentile(sorted, 99)),
      max: round1(this.#max),
    };
  }
}

/** Rounds to one decimal. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** How a shopper meant an order to end. */
export type Intent = "pay" | "decline" | "expire" | "cancel";

/** Everything one run counts; shared by all shoppers (single-threaded, so plain fields are safe). */
export class RunStats {
  /** Latency per step. */
  readonly steps: Record<Step, Histogram> = Object.fromEntries(
    STEPS.map((s) => [s, new Histogram()]),
  ) as Record<Step, Histogram>;
  /** Orders the system accepted (201 or 202), each counted once. */
  ordersPlaced = 0;
  /** Placed orders by what the shopper then did with them. */
  readonly intents: Record<Intent, number> = { pay: 0, decline: 0, expire: 0, cancel: 0 };
  /** Checkouts answered 409 out_of_stock: expected once stock runs low. */
  outOfStock = 0;
  /** Catalog visits that found nothing available: expected once stock runs out. */
  soldOut = 0;
  /** When (ms since the start) a visit first found nothing available or got 409 out_of_stock. */
  firstShortageMs: number | undefined;
  /** Orders placed before that. */
  ordersBeforeShortage = 0;
  /** Errors by kind, e.g. `checkout: HTTP 503 unavailable`. */
  readonly errors: Map<string, number> = new Map();
  /** The first message seen for each error kind. */
  readonly errorExamples: Map<string, string> = new Map();

  /** Counts one error of `kind`, remembering the first `example` message. */
  error(kind: string, example = ""): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (example && !this.errorExamples.has(kind)) this.errorExamples.set(kind, example);
  }

  /** Notes the first sign of stock running out, `elapsedMs` after the start. */
  shortage(elapsedMs: number): void {
    if (this.firstShortageMs !== undefined) return;
    this.firstShortageMs = elapsedMs;
    this.ordersBeforeShortage = this.ordersPlaced;
  }

  /** All errors counted. */
  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }
}
