/**
 * OMS metrics, for the code that records them: the recording functions (each a no-op while metrics are
 * off), gauge sources, and the Prometheus names. Setting up the SDK is `setup.ts`'s (called by
 * `runService`); nothing here loads it.
 *
 * Other parts call e.g. `countFlagFired("payment.decline_rate")` when a failure flag fires.
 *
 * @module
 */
export {
  countFlagFired,
  countReconciled,
  metricsEnabled,
  recordConsumed,
  recordConsumerLag,
  recordHttp,
  recordOrderTransition,
  recordRpcClient,
  recordRpcServer,
  recordSent,
  recordTimeToReady,
} from "./record.ts";
export type { ConsumeOutcome } from "./record.ts";
export { addGaugeSource, type GaugeSource, type Observe } from "./gauges.ts";
export { METRIC, type MetricName } from "./names.ts";
