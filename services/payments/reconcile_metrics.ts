/**
 * The hook that counts payments recovered by reconciliation: `METRIC.reconciled`
 * (`oms_payments_reconciled_total`, label `kind`: event | session) in `services/common/metrics/names.ts`.
 * Counts go to the process's metrics when they are on (`countReconciled`), and to a counter given with
 * {@linkcode useRecoveredCounter}; they are also kept in process.
 *
 * @module
 */
import type { RecoveredKind } from "./reconcile.ts";
import { countReconciled } from "../common/metrics/record.ts";

/** The OpenTelemetry instrument name whose Prometheus series is `METRIC.reconciled`. */
export const RECONCILED_INSTRUMENT = "oms.payments.reconciled";

/** What counts recoveries: the shape of an OpenTelemetry `Counter`. */
export interface RecoveredCounter {
  /** Adds `value` recoveries of `attributes.kind`. */
  add(value: number, attributes: { kind: RecoveredKind }): void;
}

const totals: Record<RecoveredKind, number> = { event: 0, session: 0 };
let counter: RecoveredCounter | undefined;

/** Sends every later count to `c` too (the metrics wiring); undefined: in process only again. */
export function useRecoveredCounter(c: RecoveredCounter | undefined): void {
  counter = c;
}

/** Counts `n` payments recovered as `kind` (nothing for 0). */
export function countRecovered(kind: RecoveredKind, n: number): void {
  if (n <= 0) return;
  totals[kind] += n;
  counter?.add(n, { kind });
  countReconciled(kind, n); // oms_payments_reconciled_total{kind} (nothing without metrics)
}

/** The recoveries counted in this process so far, by kind. */
export function recoveredTotals(): Readonly<Record<RecoveredKind, number>> {
  return { ...totals };
}
