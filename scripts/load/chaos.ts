/**
 * `deno task load --chaos`: the failure flags switched on and off while shoppers shop. The run's first
 * 80 % is cut into scenes, each turning some flags on (every flag is on in one scene); the last 20 %
 * has every flag off, so the system catches up before the final check, which then expects a paid order
 * may have been declined on purpose (cancelled) and every other order where it always should be.
 * Flags are written to the running system's flag file (`--flags-file`, default the one `deno task dev`
 * uses: `OMS_FLAGS_FILE`, else `<DATA_DIR>/flags.json`); every process reads it within a second.
 *
 * @module
 */
import { allOff, type FlagValue, writeFlags } from "../../services/common/flags/flag_file.ts";
import type { FlagKey } from "../../services/common/flags/keys.ts";

/** Flag values one scene sets (every other flag off). */
export type SceneFlags = Partial<Record<FlagKey, FlagValue>>;

/**
 * The scenes, in order; every flag is on in at least one, at a value the system must survive. The
 * relay's flags act on every published event, all through; the first scene's others act on any traffic
 * (shoppers browse and check out before anyone pays); the flags that need payments (latency, declines,
 * kitchen failures on `order.paid`) stay on through the middle two scenes; the last makes stock
 * unavailable.
 */
export const CHAOS_SCENES: readonly SceneFlags[] = [
  { relayPublishFailureRate: 0.1, duplicateDeliveryRate: 0.3, stockSlowMs: 150 },
  {
    relayPublishFailureRate: 0.1,
    duplicateDeliveryRate: 0.3,
    paymentProviderLatencyMs: 250,
    paymentDeclineRate: 0.3,
    kitchenConsumerFailureRate: 0.3,
  },
  {
    relayPublishFailureRate: 0.1,
    duplicateDeliveryRate: 0.3,
    paymentProviderLatencyMs: 250,
    paymentDeclineRate: 0.3,
    kitchenConsumerFailureRate: 0.3,
  },
  { relayPublishFailureRate: 0.1, duplicateDeliveryRate: 0.3, stockUnavailable: true },
];

/** Share of the run with flags on; the rest has every flag off. */
export const CHAOS_SHARE = 0.8;

/** One scene as it was applied. */
export interface AppliedScene {
  /** Seconds after the start of the run. */
  atS: number;
  /** The flags on ({} for "all off"). */
  flags: SceneFlags;
}

/** Writes flag values to a flag file (tests swap it). */
export type FlagWriter = (path: string, values: SceneFlags) => Promise<void>;

/** Switches flags through a run of `durationMs`; {@linkcode stop} turns every flag off. */
export class ChaosDriver {
  /** What was applied, in order. */
  readonly applied: AppliedScene[] = [];
  /** Writes that failed (the run goes on; the report says so). */
  readonly failures: string[] = [];
  #timers: ReturnType<typeof setTimeout>[] = [];
  #writing: Promise<void> = Promise.resolve();
  #started = 0;

  /** A driver writing `path`; `scenes` default {@linkcode CHAOS_SCENES}. */
  constructor(
    readonly path: string,
    private readonly scenes: readonly SceneFlags[] = CHAOS_SCENES,
    private readonly write: FlagWriter = writeFlags,
  ) {}

  /** Applies the first scene now and schedules the others over `durationMs`. */
  async start(durationMs: number): Promise<void> {
    this.#started = performance.now();
    const slice = (durationMs * CHAOS_SHARE) / this.scenes.length;
    await this.#apply(this.scenes[0] ?? {});
    this.scenes.slice(1).forEach((scene, i) => {
      this.#timers.push(setTimeout(() => void this.#apply(scene), slice * (i + 1)));
    });
    this.#timers.push(setTimeout(() => void this.#apply({}), slice * this.scenes.length));
  }

  /** Cancels what is still scheduled and turns every flag off (awaits the write). */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    const last = this.applied.at(-1);
    if (!last || Object.keys(last.flags).length > 0) await this.#apply({});
    await this.#writing;
  }

  #apply(flags: SceneFlags): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      try {
        await this.write(this.path, { ...allOff(), ...flags });
        this.applied.push({ atS: Math.round(performance.now() - this.#started) / 1000, flags });
      } catch (err) {
        this.failures.push(`writing ${this.path}: ${(err as Error).message}`);
      }
    });
    return this.#writing;
  }
}
