/**
 * Gauge sources: what a service can report about its state on collection (a scrape, an OTLP push), never
 * on its request path. A source is registered once at start (free while metrics are off: it is only
 * kept in a set) and is called by the SDK's batch observable callback, each source with a time limit,
 * one failing source costing only its own numbers.
 *
 * Keep sources cheap: read a count the service keeps, or a bounded KV scan.
 *
 * @module
 */
import type { Attributes } from "@opentelemetry/api";
import type { GaugeKey } from "./instruments.ts";

/** Reports one value of gauge `gauge`. */
export type Observe = (gauge: GaugeKey, value: number, attributes?: Attributes) => void;

/** A source of gauge values, called on each collection. */
export type GaugeSource = (observe: Observe) => void | Promise<void>;

const sources = new Set<GaugeSource>();

/** Registers `source`; returns the function that removes it (call it when the service stops). */
export function addGaugeSource(source: GaugeSource): () => void {
  sources.add(source);
  return () => void sources.delete(source);
}

/** How long one source may take before its values are left out of a collection. */
export const SOURCE_TIMEOUT_MS = 2000;

/**
 * Runs every registered source into `observe` (concurrently; one that throws or outlasts
 * {@linkcode SOURCE_TIMEOUT_MS} is left out and reported to `onError`).
 */
export async function observeAll(
  observe: Observe,
  onError: (err: unknown) => void = () => {},
): Promise<void> {
  await Promise.all([...sources].map(async (source) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let late = false; // a source that outlasted its time reports nothing into a finished collection
    try {
      await Promise.race([
        source((gauge, value, attributes) => {
          if (!late) observe(gauge, value, attributes);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`a gauge source took over ${SOURCE_TIMEOUT_MS} ms`)),
            SOURCE_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      onError(err);
    } finally {
      late = true;
      clearTimeout(timer);
    }
  }));
}

/** The number of registered sources (for tests). */
export function gaugeSourceCount(): number {
  return sources.size;
}
