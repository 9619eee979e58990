/**
 * The failure flags every process can read (issue 11): their keys, kinds, defaults and what they do.
 * Values live in a flagd flag-definition file (`OMS_FLAGS_FILE`) or a flagd server (`FLAGD_HOST`).
 *
 * @module
 */

/** One failure flag. */
export interface FlagSpec {
  /** What a number means, or "on/off". */
  readonly kind: "rate" | "ms" | "boolean";
  /** Its value when nothing sets it (always "no failure"). */
  readonly off: number | boolean;
  /** Which process reads it. */
  readonly process: "payments" | "stock" | "kitchen" | "any";
  /** One line for the System page. */
  readonly description: string;
}

/** Every failure flag by key. */
export const FLAGS = {
  paymentDeclineRate: {
    kind: "rate",
    off: 0,
    process: "payments",
    description:
      "Share of payments declined at the local pay page (0 to 1); ignored with Stripe, where a success means the customer was charged.",
  },
  paymentProviderLatencyMs: {
    kind: "ms",
    off: 0,
    process: "payments",
    description: "Delay added to every call to the payment provider.",
  },
  stockSlowMs: {
    kind: "ms",
    off: 0,
    process: "stock",
    description: "Delay added to every stock call.",
  },
  stockUnavailable: {
    kind: "boolean",
    off: false,
    process: "stock",
    description: "Stock answers UNAVAILABLE to every call but health.",
  },
  kitchenConsumerFailureRate: {
    kind: "rate",
    off: 0,
    process: "kitchen",
    description: "Share of kitchen deliveries that fail and go to retry (0 to 1).",
  },
  relayPublishFailureRate: {
    kind: "rate",
    off: 0,
    process: "any",
    description: "Share of outbox publishes that fail and are tried again (0 to 1).",
  },
  duplicateDeliveryRate: {
    kind: "rate",
    off: 0,
    process: "any",
    description: "Share of outbox records published twice (consumers must dedupe) (0 to 1).",
  },
} as const satisfies Record<string, FlagSpec>;

/** A failure flag's key. */
export type FlagKey = keyof typeof FLAGS;
